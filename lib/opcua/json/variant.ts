import { DataType, Variant, VariantArrayType } from 'node-opcua';
import { parseInteger, type JsonFormat } from './json-format';
import { childPath, isJsonObject, JsonDecodeError, type JsonObject, type JsonValue } from './json-value';
import type { NestedCodec } from './nested-codec';

/**
 * `{"Type": "<built-in type id>", "Body": <element or array of elements>}`; a null variant is
 * `{"Type": "0"}`. An empty array is written `"Body": ""` as ASNeG does. Matrices have no ASNeG form:
 * their elements are written as one flat array.
 */
export function encodeVariant(variant: Variant, format: JsonFormat, nested: NestedCodec): JsonObject {
  const dataType = variant.dataType;
  if (dataType === DataType.Null) return { Type: '0' };
  const type = String(dataType);
  if (variant.arrayType === VariantArrayType.Scalar) return { Type: type, Body: nested.encodeBuiltin(dataType, variant.value, format) };
  const elements = variant.value === null || variant.value === undefined ? [] : Array.from(variant.value as ArrayLike<unknown>);
  if (elements.length === 0) return { Type: type, Body: '' };
  return { Type: type, Body: elements.map((element) => nested.encodeBuiltin(dataType, element, format)) };
}

export function decodeVariant(json: JsonValue | undefined, path: string, format: JsonFormat, nested: NestedCodec): Variant {
  if (!isJsonObject(json)) throw new JsonDecodeError(path, 'a Variant must be an object {"Type", "Body"}');
  const dataType = parseInteger(json.Type, childPath(path, 'Type'), 0, 25) as DataType;
  if (dataType === DataType.Null) return new Variant({ dataType: DataType.Null });
  const bodyPath = childPath(path, 'Body');
  const body = json.Body;
  if (body === undefined) throw new JsonDecodeError(bodyPath, 'is missing');
  if (Array.isArray(body)) {
    const value = body.map((element, index) => nested.decodeBuiltin(dataType, element, childPath(bodyPath, index), format));
    return new Variant({ dataType, arrayType: VariantArrayType.Array, value });
  }
  return new Variant({ dataType, arrayType: VariantArrayType.Scalar, value: nested.decodeBuiltin(dataType, body, bodyPath, format) });
}
