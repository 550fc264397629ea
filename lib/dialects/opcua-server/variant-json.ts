import {
  DataType, DataValue, LocalizedText, NodeId, NodeIdType, QualifiedName, StatusCode, Variant, VariantArrayType, type VariantOptions,
} from 'node-opcua';
import { formatNumber, formatTime, parseAsnegTime, type TextOptions } from './asneg-text';

/**
 * The 8081 API's JSON of OPC UA values (reference section 2): every scalar a string, Variants as
 * `{"Type":"<id>","Body":...}`, DataValues with timestamps and a decimal `Status`. Only what 8081
 * clients meet: variable values of the built-in types and their one-dimensional arrays.
 */
export type JsonValue = string | JsonValue[] | { [key: string]: JsonValue };

export function encodeDataValue(value: DataValue, options: TextOptions): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = { Value: encodeVariant(value.value, options) };
  if (value.statusCode.value !== 0) out.Status = String(value.statusCode.value >>> 0);
  if (value.sourceTimestamp) out.SourceTimestamp = formatTime(value.sourceTimestamp, options);
  if (value.serverTimestamp) out.ServerTimestamp = formatTime(value.serverTimestamp, options);
  return out;
}

export function encodeVariant(variant: Variant | null | undefined, options: TextOptions): Record<string, JsonValue> {
  if (!variant || variant.dataType === DataType.Null || variant.value === null || variant.value === undefined) return { Type: '0' };
  const dataType = variant.dataType;
  if (variant.arrayType !== VariantArrayType.Scalar) {
    const items = Array.from(variant.value as ArrayLike<unknown>, (item) => encodeElement(item, dataType, options));
    return { Type: String(dataType), Body: items.length === 0 ? '' : items };
  }
  return { Type: String(dataType), Body: encodeElement(variant.value, dataType, options) };
}

function encodeElement(value: unknown, dataType: DataType, options: TextOptions): JsonValue {
  switch (dataType) {
    case DataType.Boolean: return value ? 'true' : 'false';
    case DataType.Float: case DataType.Double: return formatNumber(Number(value), options);
    case DataType.Int64: case DataType.UInt64: return int64Text(value as [number, number], dataType === DataType.Int64);
    case DataType.DateTime: return value instanceof Date ? formatTime(value, options) : String(value);
    case DataType.ByteString: return Buffer.isBuffer(value) ? value.toString('base64') : '';
    case DataType.NodeId: case DataType.ExpandedNodeId: return encodeNodeId(value as NodeId);
    case DataType.StatusCode: return String((value as StatusCode).value >>> 0);
    case DataType.QualifiedName: {
      const name = value as QualifiedName;
      return name.namespaceIndex ? { Name: name.name ?? '', Uri: String(name.namespaceIndex) } : { Name: name.name ?? '' };
    }
    case DataType.LocalizedText: {
      const text = value as LocalizedText;
      return { Locale: text.locale ?? '', Text: text.text ?? '' };
    }
    case DataType.String: case DataType.XmlElement: case DataType.Guid: return String(value);
    default:
      if (typeof value === 'number' || typeof value === 'string') return String(value);
      return JSON.stringify(value) ?? '';
  }
}

function encodeNodeId(nodeId: NodeId): JsonValue {
  const out: Record<string, JsonValue> = {};
  const idType = { [NodeIdType.NUMERIC]: '0', [NodeIdType.STRING]: '1', [NodeIdType.GUID]: '2', [NodeIdType.BYTESTRING]: '3' }[nodeId.identifierType] ?? '0';
  if (idType !== '0') out.IdType = idType;
  out.Id = Buffer.isBuffer(nodeId.value) ? nodeId.value.toString('base64') : String(nodeId.value);
  if (nodeId.namespace) out.Namespace = String(nodeId.namespace);
  return out;
}

function int64Text([high, low]: [number, number], signed: boolean): string {
  const value = BigInt(high >>> 0) * 4294967296n + BigInt(low >>> 0);
  return String(signed && high & 0x80000000 ? value - 18446744073709551616n : value);
}

export class VariantDecodeError extends Error {}

/** A WRITE_REQUEST `Value` (a DataValue: `{"Value":{"Type":..,"Body":..}, "SourceTimestamp"?: ..}`). */
export function decodeDataValue(input: unknown): { variant: VariantOptions; sourceTimestamp?: Date } {
  if (!isObject(input) || !isObject(input.Value)) throw new VariantDecodeError('Value must be a DataValue with a Value Variant');
  const variant = decodeVariant(input.Value);
  const sourceTimestamp = input.SourceTimestamp === undefined ? undefined : parseAsnegTime(input.SourceTimestamp);
  if (input.SourceTimestamp !== undefined && !sourceTimestamp) throw new VariantDecodeError('SourceTimestamp is not a time');
  return sourceTimestamp ? { variant, sourceTimestamp } : { variant };
}

export function decodeVariant(input: Record<string, unknown>): VariantOptions {
  const type = Number(typeof input.Type === 'string' ? input.Type.trim() : input.Type);
  if (!Number.isInteger(type) || type < 1 || type > 25) throw new VariantDecodeError(`unknown Variant Type ${String(input.Type)}`);
  const dataType = type as DataType;
  const body = input.Body;
  if (Array.isArray(body)) {
    return new Variant({ dataType, arrayType: VariantArrayType.Array, value: body.map((item) => decodeElement(item, dataType)) });
  }
  if (body === undefined) throw new VariantDecodeError('the Variant has no Body');
  return new Variant({ dataType, arrayType: VariantArrayType.Scalar, value: decodeElement(body, dataType) });
}

function decodeElement(body: unknown, dataType: DataType): unknown {
  const text = typeof body === 'string' ? body.trim() : typeof body === 'number' || typeof body === 'boolean' ? String(body) : undefined;
  switch (dataType) {
    case DataType.Boolean:
      return requireText(text, dataType).toLowerCase() === 'true';
    case DataType.SByte: case DataType.Byte: case DataType.Int16: case DataType.UInt16: case DataType.Int32: case DataType.UInt32: {
      const value = requireText(text, dataType);
      if (!/^[+-]?\d+$/.test(value)) throw new VariantDecodeError(`"${value}" is not a ${DataType[dataType]}`);
      const number = Number(value);
      const [min, max] = INTEGER_RANGES[dataType] ?? [-Infinity, Infinity];
      if (number < min || number > max) throw new VariantDecodeError(`${value} is out of range for ${DataType[dataType]}`);
      return number;
    }
    case DataType.Int64: case DataType.UInt64: {
      const value = requireText(text, dataType);
      if (!/^[+-]?\d+$/.test(value)) throw new VariantDecodeError(`"${value}" is not a ${DataType[dataType]}`);
      let big = BigInt(value);
      if (big < 0n) big += 18446744073709551616n;
      return [Number(big >> 32n) >>> 0, Number(big & 0xffffffffn) >>> 0];
    }
    case DataType.Float: case DataType.Double: {
      const value = requireText(text, dataType).toLowerCase();
      if (value === 'nan') return NaN;
      if (value === 'inf' || value === '+inf') return Infinity;
      if (value === '-inf') return -Infinity;
      const number = Number(value);
      if (value === '' || !Number.isFinite(number)) throw new VariantDecodeError(`"${value}" is not a ${DataType[dataType]}`);
      return number;
    }
    case DataType.String: case DataType.XmlElement: case DataType.Guid:
      return typeof body === 'string' ? body : requireText(text, dataType);
    case DataType.DateTime: {
      const date = parseAsnegTime(body);
      if (!date) throw new VariantDecodeError(`"${String(body)}" is not a DateTime`);
      return date;
    }
    case DataType.ByteString:
      return Buffer.from(requireText(text, dataType), 'base64');
    case DataType.NodeId: {
      if (!isObject(body)) throw new VariantDecodeError('a NodeId is an object {IdType, Id, Namespace}');
      const idType = Number(body.IdType ?? 0);
      const namespace = Number(body.Namespace ?? 0);
      const id = String(body.Id ?? '');
      if (idType === 0) return new NodeId(NodeIdType.NUMERIC, Number(id), namespace);
      if (idType === 1) return new NodeId(NodeIdType.STRING, id, namespace);
      if (idType === 2) return new NodeId(NodeIdType.GUID, id, namespace);
      if (idType === 3) return new NodeId(NodeIdType.BYTESTRING, Buffer.from(id, 'base64'), namespace);
      throw new VariantDecodeError(`unknown IdType ${String(body.IdType)}`);
    }
    case DataType.LocalizedText:
      if (!isObject(body) || body.Text === undefined || body.Locale === undefined) throw new VariantDecodeError('a LocalizedText needs Locale and Text');
      return new LocalizedText({ locale: String(body.Locale), text: String(body.Text) });
    case DataType.QualifiedName:
      if (!isObject(body) || body.Name === undefined) throw new VariantDecodeError('a QualifiedName needs a Name');
      return new QualifiedName({ name: String(body.Name), namespaceIndex: Number(body.Uri ?? 0) });
    default:
      throw new VariantDecodeError(`Variant Type ${dataType} cannot be written through this API`);
  }
}

const INTEGER_RANGES: Partial<Record<DataType, [number, number]>> = {
  [DataType.SByte]: [-128, 127], [DataType.Byte]: [0, 255], [DataType.Int16]: [-32768, 32767], [DataType.UInt16]: [0, 65535],
  [DataType.Int32]: [-2147483648, 2147483647], [DataType.UInt32]: [0, 4294967295],
};

function requireText(text: string | undefined, dataType: DataType): string {
  if (text === undefined) throw new VariantDecodeError(`a ${DataType[dataType]} must be a string`);
  return text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
