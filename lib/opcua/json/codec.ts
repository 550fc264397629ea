import type { DataType, DataValue, Variant } from 'node-opcua';
import * as builtin from './builtin-value';
import * as dataValues from './data-value';
import type { DecodeRules } from './decode-rules';
import * as extensionObjects from './extension-object';
import type { JsonFormat } from './json-format';
import type { JsonObject, JsonValue } from './json-value';
import type { NestedCodec } from './nested-codec';
import * as structures from './structure';
import type { Structure, StructureClass } from './structure-registry';
import * as variants from './variant';

/**
 * The one NestedCodec: the recursion of the value types closes here, the only module that sees them all,
 * so none of them imports another to recurse (see nested-codec.ts).
 */
const nested: NestedCodec = {
  encodeBuiltin: (dataType, value, format) => builtin.encodeBuiltin(dataType, value, format, nested),
  decodeBuiltin: (dataType, json, path, format) => builtin.decodeBuiltin(dataType, json, path, format, nested),
  encodeExtensible: (value, format) => extensionObjects.encodeExtensible(value, format, nested),
  decodeExtensible: (json, path, format, rules) => extensionObjects.decodeExtensible(json, path, format, nested, rules),
};

// The codec's public entry points, with the recursion bound in.

export function encodeBuiltin(dataType: DataType, value: unknown, format: JsonFormat): JsonValue {
  return nested.encodeBuiltin(dataType, value, format);
}

export function decodeBuiltin(dataType: DataType, json: JsonValue | undefined, path: string, format: JsonFormat): unknown {
  return nested.decodeBuiltin(dataType, json, path, format);
}

export function encodeVariant(variant: Variant, format: JsonFormat): JsonObject {
  return variants.encodeVariant(variant, format, nested);
}

export function decodeVariant(json: JsonValue | undefined, path: string, format: JsonFormat): Variant {
  return variants.decodeVariant(json, path, format, nested);
}

export function encodeDataValue(dataValue: DataValue, format: JsonFormat): JsonObject {
  return dataValues.encodeDataValue(dataValue, format, nested);
}

export function decodeDataValue(json: JsonValue | undefined, path: string, format: JsonFormat): DataValue {
  return dataValues.decodeDataValue(json, path, format, nested);
}

export function encodeTypedExtensionObject(value: unknown, format: JsonFormat): JsonObject {
  return extensionObjects.encodeTypedExtensionObject(value, format, nested);
}

export function decodeTypedExtensionObject(json: JsonValue | undefined, path: string, format: JsonFormat): Structure {
  return extensionObjects.decodeTypedExtensionObject(json, path, format, nested);
}

export function encodeExtensible(value: unknown, format: JsonFormat): JsonObject {
  return nested.encodeExtensible(value, format);
}

export function decodeExtensible(json: JsonValue | undefined, path: string, format: JsonFormat, rules?: DecodeRules): Structure {
  return nested.decodeExtensible(json, path, format, rules);
}

export function encodeStructure(value: Structure, format: JsonFormat): JsonObject {
  return structures.encodeStructure(value, format, nested);
}

export function decodeStructure<T extends Structure>(cls: StructureClass, json: JsonValue | undefined, path: string, format: JsonFormat, rules?: DecodeRules): T {
  return structures.decodeStructure<T>(cls, json, path, format, nested, rules);
}
