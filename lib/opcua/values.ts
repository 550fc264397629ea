import { DataType, StatusCodes, Variant, VariantArrayType, type DataValue, type VariantOptions } from 'node-opcua';
import type { Quality, TagValue } from '../tags';

/** Good / Uncertain / Bad from the two severity bits of a status code. */
export function qualityOf(value: DataValue): Quality {
  const severity = value.statusCode.value >>> 30;
  return severity === 0 ? 'good' : severity === 1 ? 'uncertain' : 'bad';
}

/** A DataValue as the tag space carries it: plain JS values (typed arrays become arrays, 64-bit pairs become numbers). */
export function toTagValue(value: DataValue): TagValue {
  const tagValue: TagValue = {
    value: plainValue(value.value),
    timestamp: (value.sourceTimestamp ?? value.serverTimestamp ?? new Date()).getTime(),
    quality: qualityOf(value),
  };
  if (value.statusCode.value !== StatusCodes.Good.value) tagValue.status = value.statusCode.name;
  return tagValue;
}

export function plainValue(variant: Variant): unknown {
  const int64 = variant.dataType === DataType.Int64 || variant.dataType === DataType.UInt64;
  const convert = (item: unknown): unknown => (int64 && Array.isArray(item) ? int64ToNumber(item as [number, number], variant.dataType === DataType.Int64) : item);
  if (variant.arrayType !== VariantArrayType.Scalar && variant.value !== null && typeof variant.value === 'object' && 'length' in variant.value) {
    return Array.from(variant.value as ArrayLike<unknown>, convert);
  }
  return convert(variant.value);
}

/** node-opcua's [high, low] words of a 64-bit integer as a number (exact up to 2^53). */
export function int64ToNumber([high, low]: [number, number], signed: boolean): number {
  const value = BigInt(high >>> 0) * 4294967296n + BigInt(low >>> 0);
  return Number(signed && high & 0x80000000 ? value - 18446744073709551616n : value);
}

export function numberToInt64(value: number | bigint | string): [number, number] {
  let big = BigInt(typeof value === 'number' ? Math.trunc(value) : value);
  if (big < 0n) big += 18446744073709551616n;
  return [Number(big >> 32n) >>> 0, Number(big & 0xffffffffn) >>> 0];
}

/** A JS value (as a flow or a dialect has it) as a Variant of the variable's type. */
export function toVariant(value: unknown, dataType: DataType, isArray: boolean): VariantOptions {
  const one = (item: unknown): unknown => coerce(item, dataType);
  if (isArray) {
    if (!Array.isArray(value)) throw new TypeError(`an array of ${DataType[dataType]} is expected`);
    return { dataType, arrayType: VariantArrayType.Array, value: value.map(one) };
  }
  return new Variant({ dataType, arrayType: VariantArrayType.Scalar, value: one(value) });
}

function coerce(value: unknown, dataType: DataType): unknown {
  switch (dataType) {
    case DataType.Boolean:
      if (typeof value === 'string') return value.toLowerCase() === 'true';
      return Boolean(value);
    case DataType.SByte: case DataType.Byte: case DataType.Int16: case DataType.UInt16:
    case DataType.Int32: case DataType.UInt32: case DataType.Float: case DataType.Double: {
      const number = Number(value);
      if (typeof value === 'boolean' || value === '' || value === null || !Number.isFinite(number)) throw new TypeError(`${String(value)} is not a ${DataType[dataType]}`);
      return number;
    }
    case DataType.Int64: case DataType.UInt64:
      if (Array.isArray(value)) return value;
      return numberToInt64(value as number);
    case DataType.String: case DataType.XmlElement:
      return typeof value === 'string' ? value : JSON.stringify(value);
    case DataType.DateTime:
      return value instanceof Date ? value : new Date(value as string | number);
    case DataType.ByteString:
      return Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'base64');
    default:
      return value;
  }
}
