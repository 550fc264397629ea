import { isJsonObject, scalarText, encodeStatusCode, type JsonObject, type JsonValue } from '../../opcua/json';
import type { StatusCode } from 'node-opcua';

/** The header of a gateway request, as read from the wire (docs/protocols/opcua-asneg.md). */
export interface GatewayHeader {
  MessageType: string;
  ClientHandle: string;
  /** '' when the request had none (login). */
  SessionId: string;
  /** Milliseconds; 0 = the default. */
  RequestTimeout: number;
}

export type Envelope =
  | { ok: true; header: GatewayHeader; body: JsonValue | undefined }
  /** ASNeG closes the connection for these (not JSON, no Header, no MessageType or ClientHandle). */
  | { ok: false; reason: string };

export function decodeEnvelope(text: string): Envelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the message is not JSON' };
  }
  if (!isJsonObject(parsed) || !isJsonObject(parsed.Header)) return { ok: false, reason: 'the message has no Header object' };
  const header = parsed.Header;
  // ASNeG's documentation spells the field ClientHandler; ASNeG only reads ClientHandle. Accepting the
  // documented spelling as an alias harms nobody; answers always say ClientHandle.
  const handle = header.ClientHandle ?? header.ClientHandler;
  const messageType = readText(header.MessageType);
  const clientHandle = readText(handle);
  if (messageType === undefined) return { ok: false, reason: 'Header.MessageType is missing' };
  if (clientHandle === undefined) return { ok: false, reason: 'Header.ClientHandle is missing' };
  let requestTimeout = 0;
  if (header.RequestTimeout !== undefined) {
    const text = readText(header.RequestTimeout);
    if (text === undefined || !/^\d+$/.test(text.trim()) || Number(text) > 0xffffffff) return { ok: false, reason: 'Header.RequestTimeout is not a uint32' };
    requestTimeout = Number(text);
  }
  const decoded: GatewayHeader = { MessageType: messageType, ClientHandle: clientHandle, SessionId: readText(header.SessionId) ?? '', RequestTimeout: requestTimeout };
  return { ok: true, header: decoded, body: parsed.Body };
}

function readText(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null || typeof value === 'object') return undefined;
  return scalarText(value, '');
}

/**
 * The response header: the request's, with "Request" replaced by "Response" in MessageType (all of
 * them, as ASNeG's replace_all does), SessionId always present, RequestTimeout only when not 0.
 */
export function responseHeader(request: GatewayHeader, status: StatusCode | number): JsonObject {
  const header: JsonObject = {
    MessageType: request.MessageType.replace(/Request/g, 'Response'),
    ClientHandle: request.ClientHandle,
    SessionId: request.SessionId,
  };
  if (request.RequestTimeout > 0) header.RequestTimeout = String(request.RequestTimeout);
  header.StatusCode = encodeStatusCode(status);
  return header;
}

/** A success carries a Body (`""` when empty); a failure has no Body key at all. */
export function encodeResponse(request: GatewayHeader, status: StatusCode, body?: JsonValue): string {
  const message: JsonObject = { Header: responseHeader(request, status) };
  if (status.value === 0) message.Body = body ?? '';
  return JSON.stringify(message);
}

/**
 * A failure, with our one addition to the wire format: `Header.Reason`, a human-readable explanation
 * where the status alone would leave the user guessing (e.g. the Node flag Basic128Rsa15 needs).
 */
export function encodeFailure(request: GatewayHeader, status: StatusCode, reason?: string): string {
  const header = responseHeader(request, status);
  if (reason) header.Reason = reason;
  return JSON.stringify({ Header: header });
}

/** Notifications carry the ClientHandle of the login that created the session, and no StatusCode. */
export function encodeNotify(messageType: string, clientHandle: string, sessionId: string, body: JsonValue): string {
  return `${notifyPrefix(messageType, clientHandle, sessionId)}${JSON.stringify(body)}}`;
}

/**
 * The text of a notification up to its Body, the same for every notification of one type on one session:
 * made once per session, a data change then costs only its Body. `${prefix}${JSON.stringify(body)}}` is
 * what encodeNotify writes.
 */
export function notifyPrefix(messageType: string, clientHandle: string, sessionId: string): string {
  return `{"Header":${JSON.stringify({ MessageType: messageType, ClientHandle: clientHandle, SessionId: sessionId })},"Body":`;
}
