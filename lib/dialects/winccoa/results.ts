import type { WinccoaFailure } from './error-codes';
import type { JsonValue } from './values';

/** The parts a result may carry besides Error and Id. */
export interface ResultBody {
  Header?: string[];
  Values?: JsonValue;
}

/**
 * One result frame, `{"<Name>": {Header?, Values?, Error, ErrorText?, Id?}}`, keys in the order the
 * original's Gson wrote them. `Id` is left out when the request had none, `ErrorText` (our extension) when
 * the result is no error.
 */
export function encodeResult(name: string, body: ResultBody, id: number | undefined): string {
  return JSON.stringify({ [name]: { ...body, Error: 0, ...(id === undefined ? {} : { Id: id }) } });
}

export function encodeFailure(name: string, failure: WinccoaFailure, id: number | undefined): string {
  return JSON.stringify({ [name]: { Error: failure.code, ErrorText: failure.message, ...(id === undefined ? {} : { Id: id }) } });
}
