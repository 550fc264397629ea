import { DataType, DiagnosticInfo, ExpandedNodeId, Int64ToBigInt, LocalizedText, NodeId, QualifiedName, StatusCode, UInt64ToBigInt, DataValue, Variant, type Int64, type UInt64 } from 'node-opcua';
import { decodeDataValue, encodeDataValue } from './data-value';
import { decodeTypedExtensionObject, encodeTypedExtensionObject } from './extension-object';
import { formatDateTime, formatDouble, formatFloat, parseBigInteger, parseBoolean, parseDateTime, parseInteger, parseNumber, scalarText, type JsonFormat } from './json-format';
import { guidPattern, swapGuidText } from './guid-text';
import { childPath, isJsonObject, JsonDecodeError, type JsonObject, type JsonValue } from './json-value';
import type { NestedCodec } from './nested-codec';
import { decodeExpandedNodeId, decodeNodeId, encodeExpandedNodeId, encodeNodeId } from './node-id';
import { decodeStatusCode, encodeStatusCode } from './status-code';
import { decodeVariant, encodeVariant } from './variant';

/** Integer ranges of the built-in types that fit a JavaScript number. */
const integerRanges: Partial<Record<DataType, [number, number]>> = {
  [DataType.SByte]: [-128, 127],
  [DataType.Byte]: [0, 255],
  [DataType.Int16]: [-32768, 32767],
  [DataType.UInt16]: [0, 65535],
  [DataType.Int32]: [-2147483648, 2147483647],
  [DataType.UInt32]: [0, 4294967295],
};

/**
 * The JSON of one element of a built-in type (docs/protocols/opcua-asneg.md): a string for numbers, booleans,
 * strings, DateTime, Guid and ByteString; an object for NodeId, QualifiedName, LocalizedText,
 * ExtensionObject, DataValue, Variant and DiagnosticInfo. Types ASNeG cannot encode (XmlElement,
 * StatusCode, Variant) are written the sane way rather than failing the whole response.
 */
export function encodeBuiltin(dataType: DataType, value: unknown, format: JsonFormat, nested: NestedCodec): JsonValue {
  switch (dataType) {
    case DataType.Boolean: return value ? 'true' : 'false';
    case DataType.SByte: case DataType.Byte: case DataType.Int16: case DataType.UInt16: case DataType.Int32: case DataType.UInt32:
      return String(typeof value === 'number' ? value : 0);
    case DataType.Int64: return int64Text(value, true);
    case DataType.UInt64: return int64Text(value, false);
    case DataType.Float: return formatFloat(typeof value === 'number' ? value : 0, format);
    case DataType.Double: return formatDouble(typeof value === 'number' ? value : 0, format);
    case DataType.String: case DataType.XmlElement: return value === null || value === undefined ? '' : String(value);
    case DataType.DateTime: return value instanceof Date ? formatDateTime(value, format) : '';
    case DataType.Guid: return typeof value === 'string' ? swapGuidText(value) : '';
    case DataType.ByteString: return Buffer.isBuffer(value) ? value.toString('base64') : '';
    case DataType.NodeId: return value instanceof NodeId ? encodeNodeId(value) : { Id: '0' };
    case DataType.ExpandedNodeId: return value instanceof ExpandedNodeId ? encodeExpandedNodeId(value) : value instanceof NodeId ? encodeNodeId(value) : { Id: '0' };
    case DataType.StatusCode: return value instanceof StatusCode || typeof value === 'number' ? encodeStatusCode(value) : '0';
    case DataType.QualifiedName: return encodeQualifiedName(value);
    case DataType.LocalizedText: return encodeLocalizedText(value);
    case DataType.ExtensionObject: return value === null || value === undefined ? '' : encodeTypedExtensionObject(value, format, nested);
    case DataType.DataValue: return value instanceof DataValue ? encodeDataValue(value, format, nested) : '';
    case DataType.Variant: return value instanceof Variant ? encodeVariant(value, format, nested) : { Type: '0' };
    case DataType.DiagnosticInfo: return value instanceof DiagnosticInfo ? encodeDiagnosticInfo(value) : '';
    default: return '';
  }
}

export function decodeBuiltin(dataType: DataType, json: JsonValue | undefined, path: string, format: JsonFormat, nested: NestedCodec): unknown {
  const range = integerRanges[dataType];
  if (range) return parseInteger(json, path, range[0], range[1]);
  switch (dataType) {
    case DataType.Boolean: return parseBoolean(json, path);
    case DataType.Int64: return bigIntToWords(parseBigInteger(json, path, true));
    case DataType.UInt64: return bigIntToWords(parseBigInteger(json, path, false));
    case DataType.Float: case DataType.Double: return parseNumber(json, path);
    case DataType.String: case DataType.XmlElement: return scalarText(json, path);
    case DataType.DateTime: return parseDateTime(json ?? null, path);
    case DataType.Guid: {
      const text = scalarText(json, path);
      if (!guidPattern.test(text)) throw new JsonDecodeError(path, `"${text}" is not a GUID`);
      return swapGuidText(text);
    }
    case DataType.ByteString: return Buffer.from(scalarText(json, path), 'base64');
    case DataType.NodeId: return decodeNodeId(json, path);
    case DataType.ExpandedNodeId: return decodeExpandedNodeId(json, path);
    case DataType.StatusCode: return decodeStatusCode(json, path);
    case DataType.QualifiedName: return decodeQualifiedName(json, path);
    case DataType.LocalizedText: return decodeLocalizedText(json, path);
    case DataType.ExtensionObject: return decodeTypedExtensionObject(json, path, format, nested);
    case DataType.DataValue: return decodeDataValue(json, path, format, nested);
    case DataType.Variant: return decodeVariant(json, path, format, nested);
    case DataType.DiagnosticInfo: return decodeDiagnosticInfo(json, path);
    default: throw new JsonDecodeError(path, `built-in type ${dataType} cannot be decoded`);
  }
}

function int64Text(value: unknown, signed: boolean): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value) && value.length === 2) return String(signed ? Int64ToBigInt(value as Int64) : UInt64ToBigInt(value as UInt64));
  return '0';
}

/** node-opcua holds 64-bit integers as [high, low] 32-bit words. */
function bigIntToWords(value: bigint): [number, number] {
  const unsigned = BigInt.asUintN(64, value);
  return [Number(unsigned >> 32n), Number(unsigned & 0xffffffffn)];
}

/** `{"Name": ..., "Uri": <namespace index>}`, Uri omitted when 0. */
export function encodeQualifiedName(value: unknown): JsonObject {
  const name = value instanceof QualifiedName ? value : new QualifiedName({});
  const json: JsonObject = { Name: name.name ?? '' };
  if (name.namespaceIndex) json.Uri = String(name.namespaceIndex);
  return json;
}

export function decodeQualifiedName(json: JsonValue | undefined, path: string): QualifiedName {
  if (!isJsonObject(json)) throw new JsonDecodeError(path, 'a QualifiedName must be an object {"Name", "Uri"?}');
  const namespaceIndex = json.Uri === undefined ? 0 : parseInteger(json.Uri, childPath(path, 'Uri'), 0, 65535);
  return new QualifiedName({ name: scalarText(json.Name, childPath(path, 'Name')), namespaceIndex });
}

/** `{"Locale": ..., "Text": ...}`, both keys always written. */
export function encodeLocalizedText(value: unknown): JsonObject {
  const text = value instanceof LocalizedText ? value : new LocalizedText({});
  return { Locale: text.locale ?? '', Text: text.text ?? '' };
}

export function decodeLocalizedText(json: JsonValue | undefined, path: string): LocalizedText {
  if (!isJsonObject(json)) throw new JsonDecodeError(path, 'a LocalizedText must be an object {"Locale", "Text"}');
  const locale = json.Locale === undefined ? '' : scalarText(json.Locale, childPath(path, 'Locale'));
  return new LocalizedText({ locale: locale || null, text: scalarText(json.Text, childPath(path, 'Text')) });
}

/** The inverse of encodeDiagnosticInfo, so a DiagnosticInfo read can be written back unchanged. */
function decodeDiagnosticInfo(json: JsonValue | undefined, path: string): DiagnosticInfo {
  // ASNeG writes an empty object as "".
  if (json === '' || json === undefined) return new DiagnosticInfo({});
  if (!isJsonObject(json)) throw new JsonDecodeError(path, 'a DiagnosticInfo must be an object');
  const index = (key: string): number => (json[key] === undefined ? -1 : parseInteger(json[key], childPath(path, key), -2147483648, 2147483647));
  return new DiagnosticInfo({
    symbolicId: index('SymbolicId'),
    namespaceURI: index('NamespaceUri'),
    localizedText: index('LocalizedText'),
    locale: index('Locale'),
    additionalInfo: json.AdditionalInfo === undefined ? null : scalarText(json.AdditionalInfo, childPath(path, 'AdditionalInfo')),
    innerStatusCode: json.InnerStatusCode === undefined ? undefined : decodeStatusCode(json.InnerStatusCode, childPath(path, 'InnerStatusCode')),
    innerDiagnosticInfo: json.InnerDiagnosticInfo === undefined ? undefined : decodeDiagnosticInfo(json.InnerDiagnosticInfo, childPath(path, 'InnerDiagnosticInfo')),
  });
}

function encodeDiagnosticInfo(info: DiagnosticInfo): JsonObject {
  const json: JsonObject = {};
  if (info.symbolicId >= 0) json.SymbolicId = String(info.symbolicId);
  if (info.namespaceURI >= 0) json.NamespaceUri = String(info.namespaceURI);
  if (info.localizedText >= 0) json.LocalizedText = String(info.localizedText);
  if (info.locale >= 0) json.Locale = String(info.locale);
  if (info.additionalInfo) json.AdditionalInfo = info.additionalInfo;
  if (info.innerStatusCode && info.innerStatusCode.value !== 0) json.InnerStatusCode = encodeStatusCode(info.innerStatusCode);
  if (info.innerDiagnosticInfo) json.InnerDiagnosticInfo = encodeDiagnosticInfo(info.innerDiagnosticInfo);
  return json;
}
