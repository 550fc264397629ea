/**
 * The size of a value as the gateway accounts it: about the length of its JSON encoding in bytes
 * (strings by their UTF-8 length plus quotes, escapes not counted; binary by its byte length). The walk
 * is iterative and stops as soon as the count passes `cap`, so measuring a huge or cyclic value costs
 * no more than `cap` bytes' worth of work and never the stack. The same value always gives the same size.
 */
export interface ValueMeasure {
  /** Bytes counted; more than the cap means the walk stopped early. */
  bytes: number;
  /** A number that JSON cannot carry (Infinity, -Infinity, NaN) was seen. */
  nonFinite: boolean;
  /** Deepest nesting of arrays and objects seen (0 for a scalar). */
  depth: number;
}

export function measureValue(value: unknown, cap: number): ValueMeasure {
  let bytes = 0;
  let nonFinite = false;
  let depth = 0;
  const stack: unknown[] = [value];
  const depths: number[] = [0];
  while (stack.length > 0 && bytes <= cap) {
    const item = stack.pop();
    const level = depths.pop() ?? 0;
    switch (typeof item) {
      case 'string': bytes += Buffer.byteLength(item, 'utf8') + 2; break;
      case 'number':
        if (Number.isFinite(item)) bytes += String(item).length;
        else { nonFinite = true; bytes += 4; }
        break;
      case 'bigint': bytes += String(item).length; break;
      case 'boolean': bytes += item ? 4 : 5; break;
      case 'object':
        if (item === null) bytes += 4;
        else if (ArrayBuffer.isView(item) || item instanceof ArrayBuffer) bytes += item.byteLength;
        else if (item instanceof Date) bytes += 26;
        else if (Array.isArray(item)) {
          depth = Math.max(depth, level + 1);
          bytes += 1 + Math.max(item.length, 1);
          if (bytes > cap) break;
          for (const element of item) {
            stack.push(element);
            depths.push(level + 1);
          }
        } else {
          depth = Math.max(depth, level + 1);
          const entries = Object.entries(item as Record<string, unknown>);
          bytes += 1 + Math.max(entries.length, 1);
          if (bytes > cap) break;
          for (const [key, element] of entries) {
            bytes += Buffer.byteLength(key, 'utf8') + 3;
            stack.push(element);
            depths.push(level + 1);
          }
        }
        break;
      default: bytes += 4; // undefined (written as null), functions and symbols are not sent
    }
  }
  return { bytes, nonFinite, depth };
}

export type ValueProblem = { kind: 'too-large' | 'too-deep' | 'not-finite'; message: string };

/**
 * Why a written value is refused, or undefined when it may be written: larger than `maxBytes`, nested
 * deeper than `maxDepth` (encoding it would overflow the stack), or holding a number JSON cannot carry
 * (`1e400` parses to Infinity; stored, it would read back as null).
 */
export function valueProblem(value: unknown, maxBytes: number, maxDepth = DEFAULT_MAX_VALUE_DEPTH): ValueProblem | undefined {
  const measure = measureValue(value, maxBytes);
  if (measure.bytes > maxBytes) return { kind: 'too-large', message: `the value is larger than the limit of ${maxBytes} bytes` };
  if (measure.depth > maxDepth) return { kind: 'too-deep', message: `the value nests deeper than ${maxDepth} levels` };
  if (measure.nonFinite) return { kind: 'not-finite', message: 'the value holds a number out of range (Infinity or NaN)' };
  return undefined;
}

/** Nesting a written value may have; the same as the default nesting limit of request frames. */
export const DEFAULT_MAX_VALUE_DEPTH = 64;

/** Default largest value one write may carry. */
export const DEFAULT_MAX_VALUE_BYTES = 256 * 1024;
