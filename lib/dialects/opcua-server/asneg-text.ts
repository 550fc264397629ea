import { DataType, StatusCode, StatusCodes } from 'node-opcua';

/** How numbers and times are written (decision 11): shortest round-trip text, or ASNeG's exact `%g`. */
export interface TextOptions {
  numbers: 'shortest' | 'g6';
  timestamps: 's' | 'ms';
}

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

export function formatNumber(value: number, options: TextOptions): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return options.numbers === 'g6' ? formatG6(value) : String(value);
}

/** C's printf `%g` with precision 6, as boost writes a double. */
export function formatG6(value: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  const rounded = Number(value.toPrecision(6));
  const realExponent = rounded === 0 ? exponent : Math.floor(Math.log10(Math.abs(rounded)));
  if (realExponent < -4 || realExponent >= 6) {
    const [mantissa, power] = rounded.toExponential(5).split('e');
    const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    const sign = power.startsWith('-') ? '-' : '+';
    const digits = power.replace(/^[+-]/, '').padStart(2, '0');
    return `${trimmed}e${sign}${digits}`;
  }
  const fixed = rounded.toFixed(Math.max(0, 5 - realExponent));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** `2020-03-05T07:44:17Z` (ASNeG), or with milliseconds when asked. */
export function formatTime(date: Date, options: TextOptions): string {
  const iso = date.toISOString();
  return options.timestamps === 'ms' ? iso : iso.replace(/\.\d{3}Z$/, 'Z');
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
