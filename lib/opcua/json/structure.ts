import * as opcua from 'node-opcua';
import { DataType } from 'node-opcua';
import { noRules, type DecodeRules } from './decode-rules';
import { parseInteger, scalarText, type JsonFormat } from './json-format';
import { childPath, isJsonObject, JsonDecodeError, type JsonObject, type JsonValue } from './json-value';
import type { NestedCodec } from './nested-codec';
import { allFields, isStructure, structureClassByName, type Structure, type StructureClass, type StructureField, type StructureSchema } from './structure-registry';
import { messageOf } from '../../util/errors';

/** Request and response headers are the gateway's envelope, never part of a JSON body. */
const envelopeFields = new Set(['requestHeader', 'responseHeader']);

/** Built-in types of the simple types whose subType chain node-opcua does not spell as a built-in name. */
const aliases: Record<string, DataType> = {
  UtcTime: DataType.DateTime, Duration: DataType.Double, IntegerId: DataType.UInt32, Counter: DataType.UInt32,
  NumericRange: DataType.String, LocaleId: DataType.String, Index: DataType.UInt32, VersionTime: DataType.UInt32,
  Time: DataType.String, Date: DataType.DateTime, ApplicationInstanceCertificate: DataType.ByteString,
  ContinuationPoint: DataType.ByteString, SessionAuthenticationToken: DataType.NodeId, Image: DataType.ByteString,
};

function builtinTypeOf(field: StructureField): DataType | undefined {
  for (const name of [field.fieldType, field.schema?.subType, field.schema?.name]) {
    if (!name) continue;
    const byName = (DataType as unknown as Record<string, unknown>)[name];
    if (typeof byName === 'number') return byName as DataType;
    if (aliases[name] !== undefined) return aliases[name];
  }
  return undefined;
}

const minDateTime = Date.UTC(1601, 0, 1);

/**
 * A node-opcua structure as JSON with the OPC UA field names (PascalCase): enumerations as numbers in
 * strings, arrays as JSON arrays (`[]` when empty), ExtensionObject fields as extensible parameters,
 * null fields omitted.
 */
export function encodeStructure(value: Structure, format: JsonFormat, nested: NestedCodec): JsonObject {
  const json: JsonObject = {};
  const record = value as unknown as Record<string, unknown>;
  for (const field of allFields(value.schema)) {
    if (envelopeFields.has(field.name)) continue;
    const fieldValue = record[field.name];
    if (field.isArray) {
      const elements = fieldValue === null || fieldValue === undefined ? [] : Array.from(fieldValue as ArrayLike<unknown>);
      json[field.originalName] = elements.map((element) => encodeField(field, element, format, nested) ?? '');
      continue;
    }
    const encoded = encodeField(field, fieldValue, format, nested);
    if (encoded !== undefined) json[field.originalName] = encoded;
  }
  return json;
}

function encodeField(field: StructureField, value: unknown, format: JsonFormat, nested: NestedCodec): JsonValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (field.category === 'enumeration') return String(value);
  if (field.category === 'complex') return isStructure(value) ? encodeStructure(value, format, nested) : undefined;
  if (field.fieldType === 'ExtensionObject' || field.fieldType === 'Structure') return nested.encodeExtensible(value, format);
  const dataType = builtinTypeOf(field);
  if (dataType === undefined) return undefined;
  if (dataType === DataType.DateTime && (!(value instanceof Date) || value.getTime() <= minDateTime)) return undefined;
  return nested.encodeBuiltin(dataType, value, format);
}

/** Decodes a JSON body into an instance of a node-opcua structure class. */
export function decodeStructure<T extends Structure>(cls: StructureClass, json: JsonValue | undefined, path: string, format: JsonFormat, nested: NestedCodec, rules: DecodeRules = noRules): T {
  const options = decodeStructureOptions(cls.schema, json, path, format, nested, rules);
  try {
    return new cls(options) as T;
  } catch (error) {
    throw new JsonDecodeError(path, messageOf(error));
  }
}

function decodeStructureOptions(schema: StructureSchema, json: JsonValue | undefined, path: string, format: JsonFormat, nested: NestedCodec, rules: DecodeRules): Record<string, unknown> {
  // An empty object travels as "" (boost property_tree); both mean "no fields".
  const body: JsonObject = json === '' ? {} : isJsonObject(json) ? json : fail(path, `${schema.name} must be an object`);
  const options: Record<string, unknown> = {};
  for (const field of allFields(schema)) {
    if (envelopeFields.has(field.name)) continue;
    const key = `${schema.name}.${field.originalName}`;
    const fieldPath = childPath(path, field.originalName);
    const value = body[field.originalName] ?? rules.defaults?.[key];
    if (value === undefined) {
      if (rules.required?.has(key)) throw new JsonDecodeError(fieldPath, 'is missing');
      continue;
    }
    if (field.isArray) {
      // An empty array travels as "" or [] (ASNeG's placeholder for empty arrays).
      const elements = value === '' ? [] : Array.isArray(value) ? value : fail(fieldPath, 'must be an array');
      options[field.name] = elements.map((element, index) => decodeField(field, element, childPath(fieldPath, index), format, nested, rules));
    } else {
      options[field.name] = decodeField(field, value, fieldPath, format, nested, rules);
    }
  }
  return options;
}

function decodeField(field: StructureField, value: JsonValue, path: string, format: JsonFormat, nested: NestedCodec, rules: DecodeRules): unknown {
  if (field.category === 'enumeration') return decodeEnumeration(field.fieldType, value, path);
  if (field.category === 'complex') {
    const cls = structureClassByName(field.fieldType);
    if (!cls) throw new JsonDecodeError(path, `structure ${field.fieldType} is unknown`);
    return decodeStructure(cls, value, path, format, nested, rules);
  }
  if (field.fieldType === 'ExtensionObject' || field.fieldType === 'Structure') return nested.decodeExtensible(value, path, format, rules);
  const dataType = builtinTypeOf(field);
  if (dataType === undefined) throw new JsonDecodeError(path, `type ${field.fieldType} is not supported`);
  return nested.decodeBuiltin(dataType, value, path, format);
}

/** An enumeration value as its number, or (lenient) its name. */
function decodeEnumeration(typeName: string, value: JsonValue, path: string): number {
  const text = scalarText(value, path).trim();
  if (/^-?\d+$/.test(text)) return parseInteger(text, path, -2147483648, 2147483647);
  const enumeration = (opcua as unknown as Record<string, unknown>)[typeName];
  const byName = typeof enumeration === 'object' && enumeration !== null ? (enumeration as Record<string, unknown>)[text] : undefined;
  if (typeof byName === 'number') return byName;
  throw new JsonDecodeError(path, `"${text}" is not a value of ${typeName}`);
}

function fail(path: string, problem: string): never {
  throw new JsonDecodeError(path, problem);
}
