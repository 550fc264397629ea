import type { TagValue } from '../../tags';
import type { Attribute } from './element-name';

/**
 * `_status` bits we set (our own pattern; the original passed WinCC OA's through): bit 0 the element is
 * active (it has a source), bit 8 a value is present, bit 16 the value is invalid (quality bad), bit 17
 * the value is uncertain.
 */
export const StatusBit = {
  active: 0x1,
  hasValue: 0x100,
  invalid: 0x10000,
  uncertain: 0x20000,
} as const;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A tag value as the original's `var2json` would write it: scalars as they are, times as ms since the
 * epoch, arrays (dyn) as arrays, binary as null. Plain objects (JSON flow tags) pass through, an
 * extension Gson, Python and JS clients all read.
 */
export function encodeValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return Number(value);
    case 'object':
      if (value instanceof Date) return value.getTime();
      if (Array.isArray(value)) return value.map(encodeValue);
      if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return null;
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, encodeValue(item)]));
    default:
      return null;
  }
}

export function attributeOf(sample: TagValue, attribute: Attribute): JsonValue {
  switch (attribute) {
    case '_value': return encodeValue(sample.value);
    case '_stime': return sample.timestamp;
    case '_invalid': return sample.quality !== 'good';
    case '_status': return statusOf(sample);
  }
}

export function statusOf(sample: TagValue): number {
  let status = StatusBit.active | StatusBit.hasValue;
  if (sample.quality === 'bad') status |= StatusBit.invalid;
  if (sample.quality === 'uncertain') status |= StatusBit.uncertain;
  return status;
}

/** A `Value` of DpSet: scalars and arrays of scalars (dyn); objects are refused (-3). */
export function isWritableValue(value: unknown): boolean {
  const scalar = (item: unknown): boolean => item === null || ['string', 'number', 'boolean'].includes(typeof item);
  return scalar(value) || (Array.isArray(value) && value.every(scalar));
}
