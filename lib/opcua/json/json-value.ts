import { isRecord } from '../../util/is-record';

/** A parsed JSON value, as the gateway's codecs read and write it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * A JSON text that does not describe a valid OPC UA value. The gateway answers it with
 * BadInvalidArgument, as ASNeG does when a body cannot be decoded.
 */
export class JsonDecodeError extends Error {
  constructor(readonly path: string, problem: string) {
    super(`${path || 'value'}: ${problem}`);
    this.name = 'JsonDecodeError';
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return isRecord(value);
}

/** Joins a field name to the path of its parent, for decode error messages. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}
