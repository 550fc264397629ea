/**
 * Times of the protocol (docs/protocols/winccoa.md, 'Decisions'). Input: `yyyy-MM-ddTHH:mm:ss.SSS` in
 * the server's zone (the documented form), parsed properly rather than the way Gson did: the fraction is a
 * fraction of a second, seconds and fraction may be left out, `Z` and offsets are honoured, and a number
 * means ms since the epoch. Output for Ts 2/4: the same documented form, always three fraction digits.
 */

/** How times without a zone are read and how date strings are written. */
export type TimeZoneMode = 'local' | 'utc';

const pattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Milliseconds since the epoch, or undefined when the value is no time this protocol accepts. */
export function parseTime(value: unknown, zone: TimeZoneMode): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const match = pattern.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset] = match;
  const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)];
  const [year, month, day, hour, minute, second] = fields;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = fraction.length > 0 ? Math.floor(Number(`0.${fraction}`) * 1000 + 1e-6) : 0;
  let time: number;
  if (offset !== undefined) {
    time = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes(offset) * 60_000;
  } else if (zone === 'utc') {
    time = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  } else {
    time = new Date(year, month - 1, day, hour, minute, second, ms).getTime();
  }
  // Date rolls 2018-02-31 over to March; such a date is a typo, not a time.
  const check = offset !== undefined || zone === 'utc' ? new Date(Date.UTC(year, month - 1, day)) : new Date(year, month - 1, day);
  const checkDay = offset !== undefined || zone === 'utc' ? check.getUTCDate() : check.getDate();
  if (checkDay !== day) return undefined;
  return Number.isFinite(time) ? time : undefined;
}

function offsetMinutes(offset: string): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

/** `2018-02-07T18:10:00.005`: the original's format, with the milliseconds padded to three digits. */
export function formatTime(ms: number, zone: TimeZoneMode): string {
  const date = new Date(ms);
  const utc = zone === 'utc';
  const year = utc ? date.getUTCFullYear() : date.getFullYear();
  const parts = utc
    ? [date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
    : [date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds()];
  const [month, day, hour, minute, second] = parts.map((part) => String(part).padStart(2, '0'));
  const millis = String(utc ? date.getUTCMilliseconds() : date.getMilliseconds()).padStart(3, '0');
  return `${String(year).padStart(4, '0')}-${month}-${day}T${hour}:${minute}:${second}.${millis}`;
}
