import { getStatusCodeFromCode, type StatusCode } from 'node-opcua';
import { parseInteger } from './json-format';
import type { JsonValue } from './json-value';

/** The gateway writes a StatusCode as its unsigned 32-bit value in decimal: "0", "2150891520". */
export function encodeStatusCode(statusCode: StatusCode | number): string {
  return String((typeof statusCode === 'number' ? statusCode : statusCode.value) >>> 0);
}

export function decodeStatusCode(value: JsonValue | undefined, path: string): StatusCode {
  return getStatusCodeFromCode(parseInteger(value, path, 0, 0xffffffff));
}
