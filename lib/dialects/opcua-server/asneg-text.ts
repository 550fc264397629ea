import { DataType, StatusCode, StatusCodes } from 'node-opcua';
import type { JsonValue } from '../../opcua/json';
import { isRecord } from '../../util/is-record';

/** ASNeG's symbolic status name: node-opcua's name, `Success` for Good, the decimal number when unnamed. */
export function statusName(status: StatusCode): string {
  if (status.value === 0) return 'Success';
  const name = status.name;
  return name && !/^0x/i.test(name) ? name.split('#')[0] : String(status.value >>> 0);
}

export const Status = StatusCodes;

/** The built-in type name of a Variant type id (VALUEINFO `Type`). */
export function typeName(dataType: DataType): string {
  return DataType[dataType] ?? String(dataType);
}

/**
 * HISTORICALREAD times: ASNeG's basic form `20020131T225959` (optionally with fraction and Z), the extended
 * ISO form its JS client sends, epoch milliseconds, or `NOW`. Undefined when none of these.
 */
export function parseAsnegTime(text: unknown, now = Date.now()): Date | undefined {
  if (typeof text === 'number' && Number.isFinite(text)) return new Date(text);
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  if (/^now$/i.test(trimmed)) return new Date(now);
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\.\d+)?Z?$/.exec(trimmed);
  if (basic) {
    const [, y, mo, d, h, mi, s, fraction] = basic;
    const time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), fraction ? Math.round(Number(fraction) * 1000) : 0);
    return Number.isNaN(time) ? undefined : new Date(time);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(trimmed)) {
    // Times without a zone are UTC in ASNeG (boost ptime), not local time as Date.parse would read them.
    const zoned = /(Z|[+-]\d{2}(:?\d{2})?)$/.test(trimmed) ? trimmed : `${trimmed}Z`;
    const time = Date.parse(zoned);
    return Number.isNaN(time) ? undefined : new Date(time);
  }
  return undefined;
}

/** MetaData as ASNeG renders its XML subtree: objects and arrays kept, every leaf as text. */
export function asnegTree(value: unknown): JsonValue {
  if (Array.isArray(value)) return value.map(asnegTree);
  // fromEntries defines each key, so a `__proto__` key stays data instead of replacing the prototype.
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asnegTree(item)]));
  return value === null || value === undefined ? '' : String(value);
}
