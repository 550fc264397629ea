import type { DecodeResult } from '../dialect';
import type { JsonValue } from '../../opcua/json';

/** A decoded 8081 request: `{"Header":{"MessageType","ClientHandle"},"Body":{...}}`. */
export interface AsnegRequest {
  Header: { MessageType: string; ClientHandle: string };
  Body: Record<string, unknown>;
}

/**
 * Decodes one frame the way ASNeG's 8081 server reads it, minus its crashes (decision 9): what is not
 * a JSON object with a Header naming MessageType and ClientHandle (or the docs' `ClientHandler`,
 * decision 3) and with a Body is ignored, and the connection stays open. Scalars may be JSON numbers
 * or booleans; they are read as their text.
 */
export function decodeRequest(data: Buffer, isBinary: boolean): DecodeResult {
  if (isBinary) return { ok: true, messages: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    return { ok: true, messages: [] };
  }
  if (!isObject(parsed) || !isObject(parsed.Header)) return { ok: true, messages: [] };
  const header = parsed.Header;
  const type = scalarText(header.MessageType);
  const handle = scalarText(header.ClientHandle ?? header.ClientHandler);
  if (type === undefined || handle === undefined || parsed.Body === undefined) return { ok: true, messages: [] };
  // ASNeG's empty objects serialise as "": a body of "" is an empty body.
  const body = isObject(parsed.Body) ? parsed.Body : {};
  const request: AsnegRequest = { Header: { MessageType: type, ClientHandle: handle }, Body: body };
  const topic = scalarText(body.Variable);
  // The variable is the topic, so ws-gateway-in can filter by it.
  return { ok: true, messages: [topic === undefined ? { type, payload: request, handle } : { type, payload: request, handle, topic }] };
}

/** One answer or push. Without a body (`undefined`) it is an envelope-level error and the key is left out. */
export function encodeMessage(messageType: string, clientHandle: string, body: JsonValue | undefined, statusCode?: string): string {
  const header: Record<string, string> = { MessageType: messageType, ClientHandle: clientHandle };
  if (statusCode !== undefined) header.StatusCode = statusCode;
  return JSON.stringify(body === undefined ? { Header: header } : { Header: header, Body: body });
}

export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
