export { JsonDecodeError, isJsonObject, type JsonObject, type JsonValue } from './json-value';
export { defaultJsonFormat, formatDateTime, formatDouble, formatG6, jsonFormatFromOptions, parseBoolean, parseDateTime, parseInteger, scalarText, type JsonFormat } from './json-format';
export { decodeStatusCode, encodeStatusCode } from './status-code';
export { decodeExpandedNodeId, decodeNodeId, encodeExpandedNodeId, encodeNodeId } from './node-id';
export { decodeLocalizedText, decodeQualifiedName, encodeLocalizedText, encodeQualifiedName } from './builtin-value';
export {
  decodeBuiltin, decodeDataValue, decodeExtensible, decodeStructure, decodeTypedExtensionObject, decodeVariant,
  encodeBuiltin, encodeDataValue, encodeExtensible, encodeStructure, encodeTypedExtensionObject, encodeVariant,
} from './codec';
export type { DecodeRules } from './decode-rules';
export { structureClassByName, type Structure, type StructureClass } from './structure-registry';
