import { WinccoaError, WinccoaFailure } from './error-codes';

/**
 * Field checks of requests. The original crashed (close 1011) on most bad arguments; we answer the
 * command's result with -3 instead (docs/protocols/winccoa.md, 'Decisions').
 */
export type Body = Record<string, unknown>;

export function bodyOf(payload: unknown, command: string): Body {
  const body = (payload as Record<string, unknown>)[command];
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid(`${command} must be an object`);
  return body as Body;
}

/** `Id`: an integer within ±2^53 or a numeric string, echoed as a number; absent is fine. */
export function readId(body: Body): number | undefined {
  const raw = body.Id;
  if (raw === undefined || raw === null) return undefined;
  const value = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(`Id must be an integer, got ${JSON.stringify(raw)}`);
  return value;
}

/** The Id to echo in an error result even when the request is otherwise bad. */
export function idOrUndefined(payload: unknown, command: string): number | undefined {
  try {
    return readId(bodyOf(payload, command));
  } catch {
    return undefined;
  }
}

export function readStringList(body: Body, field: string): string[] {
  const value = body[field];
  if (!Array.isArray(value)) throw invalid(`${field} must be an array of names`);
  // Gson read numbers into a List<String> as their text; anything else is no name.
  return value.filter((item): item is string | number => typeof item === 'string' || typeof item === 'number').map(String);
}

export function readFlag(body: Body, field: string): boolean {
  const value = body[field];
  if (value === undefined || value === null || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw invalid(`${field} must be true or false`);
}

export function readInteger(body: Body, field: string, fallback: number, min: number, max: number): number {
  const raw = body[field];
  if (raw === undefined || raw === null) return fallback;
  const value = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${field} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

export function invalid(message: string): WinccoaFailure {
  return new WinccoaFailure(WinccoaError.badArgument, message);
}
