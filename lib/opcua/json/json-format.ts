import { JsonDecodeError, type JsonValue } from './json-value';
import { picosecondsOf, preciseDate, splitPicoseconds, type PreciseDate } from './precise-time';

/**
 * How scalars are written (docs/protocols/opcua-asneg.md): doubles as the shortest text that reads back to the same value, or ASNeG's
 * `%g` with 6 significant digits; timestamps in whole seconds (what the Python clients parse), with
 * milliseconds, or with the full 100 ns of an OPC UA DateTime (7 fraction digits) and the DataValue
 * PicoSeconds fields (see docs/protocols/opcua-timestamps.md).
 */
export interface JsonFormat {
  numbers: 'shortest' | 'g6';
  timestamps: 'seconds' | 'milliseconds' | '100ns';
}

export const defaultJsonFormat: Readonly<JsonFormat> = Object.freeze({ numbers: 'shortest', timestamps: 'seconds' });

/** Reads the format from server options `asnegNumbers` ("g6") and `asnegTimestamps` ("s", "ms" or "100ns"). */
export function jsonFormatFromOptions(options: Readonly<Record<string, unknown>>): JsonFormat {
  const timestamps = options.asnegTimestamps === 'ms' ? 'milliseconds' : options.asnegTimestamps === '100ns' ? '100ns' : 'seconds';
  return { numbers: options.asnegNumbers === 'g6' ? 'g6' : 'shortest', timestamps };
}

/** A double as text: C++ stream spellings for the special values, then the chosen precision. */
export function formatDouble(value: number, format: JsonFormat): string {
  const special = specialNumber(value);
  if (special !== undefined) return special;
  return format.numbers === 'g6' ? formatG6(value) : String(value);
}

/** A float (single precision): the shortest text that reads back to the same float. */
export function formatFloat(value: number, format: JsonFormat): string {
  const special = specialNumber(value);
  if (special !== undefined) return special;
  if (format.numbers === 'g6') return formatG6(value);
  const single = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const text = String(Number(single.toPrecision(digits)));
    if (Math.fround(Number(text)) === single) return text;
  }
  return String(single);
}

function specialNumber(value: number): string | undefined {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return undefined;
}

/** printf("%g") with precision 6, which is what ASNeG's `ostream << double` writes. */
export function formatG6(value: number): string {
  const special = specialNumber(value);
  if (special !== undefined) return special;
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential(5).split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${stripZeros(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return stripZeros(value.toFixed(5 - exponent));
}

function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/**
 * A DateTime as `YYYY-MM-DDTHH:MM:SSZ` (UTC), with milliseconds, or with seven fraction digits (100 ns,
 * the resolution of an OPC UA DateTime). `picoseconds` is node-opcua's part below the millisecond; a
 * DateTime value brings its own. Shorter forms truncate, as the OPC UA time of a coarser clock does.
 */
export function formatDateTime(date: Date, format: JsonFormat, picoseconds = picosecondsOf(date)): string {
  const iso = date.toISOString();
  if (format.timestamps === 'milliseconds') return iso;
  if (format.timestamps === 'seconds') return `${iso.slice(0, 19)}Z`;
  return `${iso.slice(0, 23)}${String(splitPicoseconds(picoseconds).ticks).padStart(4, '0')}Z`;
}

// YYYY-MM-DDTHH:MM:SS, optional fraction, then Z, ±hh, ±hhmm or ±hh:mm (or nothing: UTC).
const dateTimePattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * A DateTime from its text. Fraction digits down to 100 ns are kept (those below the millisecond in the
 * Date's `picoseconds`, as node-opcua encodes them); finer digits are truncated, as OPC UA decoders do.
 */
export function parseDateTime(value: JsonValue, path: string): PreciseDate {
  const text = scalarText(value, path);
  const match = dateTimePattern.exec(text.trim());
  if (!match) throw new JsonDecodeError(path, `"${text}" is not a date and time (YYYY-MM-DDTHH:MM:SSZ)`);
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
  }
  const digits = (fraction ?? '.').slice(1, 8).padEnd(7, '0');
  const millis = Number(digits.slice(0, 3));
  const time = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), millis) - offsetMinutes * 60_000;
  if (!Number.isFinite(time)) throw new JsonDecodeError(path, `"${text}" is not a valid date`);
  return preciseDate(time, Number(digits.slice(3)));
}

/**
 * The text of a scalar. ASNeG reads every leaf as text, so JSON numbers and booleans are accepted
 * wherever a string is.
 */
export function scalarText(value: JsonValue | undefined, path: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new JsonDecodeError(path, value === undefined ? 'is missing' : 'must be a string');
}

/** True iff the text is `true` in any case (ASNeG: "1" is false). */
export function parseBoolean(value: JsonValue | undefined, path: string): boolean {
  return scalarText(value, path).toLowerCase() === 'true';
}

/** A whole number in [min, max]: decimal digits only, as boost::lexical_cast accepts. */
export function parseInteger(value: JsonValue | undefined, path: string, min: number, max: number): number {
  const text = scalarText(value, path).trim();
  if (!/^[+-]?\d+$/.test(text)) throw new JsonDecodeError(path, `"${text}" is not a whole number`);
  const number = Number(text);
  if (number < min || number > max) throw new JsonDecodeError(path, `${text} is out of range ${min}..${max}`);
  return number;
}

/** A 64-bit integer as BigInt, range-checked. */
export function parseBigInteger(value: JsonValue | undefined, path: string, signed: boolean): bigint {
  const text = scalarText(value, path).trim();
  if (!/^[+-]?\d+$/.test(text)) throw new JsonDecodeError(path, `"${text}" is not a whole number`);
  const number = BigInt(text);
  const [min, max] = signed ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
  if (number < min || number > max) throw new JsonDecodeError(path, `${text} is out of range`);
  return number;
}

/** A floating point number, including the C++ spellings nan, inf and -inf. */
export function parseNumber(value: JsonValue | undefined, path: string): number {
  const text = scalarText(value, path).trim().toLowerCase();
  if (text === 'nan' || text === '-nan') return NaN;
  if (text === 'inf' || text === '+inf' || text === 'infinity') return Infinity;
  if (text === '-inf' || text === '-infinity') return -Infinity;
  const number = Number(text);
  if (text === '' || Number.isNaN(number)) throw new JsonDecodeError(path, `"${text}" is not a number`);
  return number;
}
