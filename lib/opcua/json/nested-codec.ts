import type { DataType } from 'node-opcua';
import type { DecodeRules } from './decode-rules';
import type { JsonFormat } from './json-format';
import type { JsonObject, JsonValue } from './json-value';
import type { Structure } from './structure-registry';

/**
 * The codec as seen from inside a value: a Variant's elements, a DataValue's Variant and a structure's
 * fields are values of any type again, so the modules of those types recurse through this instead of
 * importing each other. codec.ts builds the one instance and hands it down; the modules stay a tree
 * (builtin-value -> variant, data-value, extension-object -> structure).
 */
export interface NestedCodec {
  encodeBuiltin(dataType: DataType, value: unknown, format: JsonFormat): JsonValue;
  decodeBuiltin(dataType: DataType, json: JsonValue | undefined, path: string, format: JsonFormat): unknown;
  encodeExtensible(value: unknown, format: JsonFormat): JsonObject;
  decodeExtensible(json: JsonValue | undefined, path: string, format: JsonFormat, rules?: DecodeRules): Structure;
}
