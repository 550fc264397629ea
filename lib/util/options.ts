/**
 * Reading a number from a node's editor field or a settings.js entry. One rule for every option:
 * an empty field (undefined, null, '' or blanks) ALWAYS means the default, and so does anything that is
 * not a number in range; a user never switches a feature off by clearing a field. Where 0 is a
 * meaningful value (a heartbeat of 0 = off), it has to be typed in.
 */
export interface NumberOptionRule<F extends number | undefined> {
  /** What an empty, unreadable or out-of-range value becomes. */
  fallback: F;
  /** Smallest accepted value (inclusive), 0 unless given. */
  min?: number;
  /** `min` itself is refused: `{ min: 0, aboveMin: true }` accepts any positive number. */
  aboveMin?: boolean;
  /** Largest accepted value (inclusive), unbounded unless given. */
  max?: number;
}

/** A finite number in range, or the fallback. Fractions are kept (seconds such as 0.5). */
export function readNumber<F extends number | undefined>(value: unknown, rule: NumberOptionRule<F>): number | F {
  if (value === undefined || value === null) return rule.fallback;
  if (typeof value === 'string' && value.trim() === '') return rule.fallback;
  if (typeof value !== 'number' && typeof value !== 'string') return rule.fallback;
  const number = Number(value);
  const min = rule.min ?? 0;
  if (!Number.isFinite(number) || number < min || (rule.aboveMin === true && number === min)) return rule.fallback;
  if (rule.max !== undefined && number > rule.max) return rule.fallback;
  return number;
}

/** Like readNumber, but a fraction is refused too (counts, sizes, bytes). */
export function readInteger<F extends number | undefined>(value: unknown, rule: NumberOptionRule<F>): number | F {
  const number = readNumber(value, rule);
  return number === undefined || Number.isInteger(number) ? number : rule.fallback;
}
