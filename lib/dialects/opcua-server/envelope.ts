import type { DecodeResult, DialectError } from '../contract';
import type { JsonValue } from '../../opcua/json';
import { DEFAULT_MAX_JSON_DEPTH, jsonDepthExceeds, tooDeepMessage } from '../../util/json-depth';
import { isRecord } from '../../util/is-record';

/** A decoded 8081 request: `{"Header":{"MessageType","ClientHandle"},"Body":{...}}`. */
export interface AsnegRequest {
  Header: { MessageType: string; ClientHandle: string };
  Body: Record<string, unknown>;
}

/** A request refused at decode whose header could still be read, so the answer names it. */
export interface AsnegRefusal extends DialectError {
  header: AsnegRequest['Header'];
  /** The header StatusCode of the answer. */
  status: string;
}

/**
 * Decodes one frame the way ASNeG's 8081 server reads it, minus its crashes (it ended the process): what is not
 * a JSON object with a Header naming MessageType and ClientHandle (or the docs' `ClientHandler`,
 * an alias that harms nobody) and with a Body is ignored, and the connection stays open. Scalars may be JSON numbers
 * or booleans; they are read as their text. A frame nested deeper than `maxDepth` is answered
 * BadEncodingLimitsExceeded (the status OPC UA decoders give for their nesting limit) when its header
 * can be read, and ignored otherwise; either way nothing nested that deeply reaches a flow.
 */
export function decodeRequest(data: Buffer, isBinary: boolean, maxDepth = DEFAULT_MAX_JSON_DEPTH): DecodeResult {
  if (isBinary) return { ok: true, messages: [] };
  const text = data.toString('utf8');
  const tooDeep = jsonDepthExceeds(text, maxDepth);
  let parsed: unknown;
  try {
    // Parsing is iterative and copes with any depth; only what comes after it would not.
    parsed = JSON.parse(text);
  } catch {
    return tooDeep ? { ok: false, error: { code: 'bad-frame', message: tooDeepMessage(maxDepth) } } : { ok: true, messages: [] };
  }
  const header = isRecord(parsed) && isRecord(parsed.Header) ? parsed.Header : undefined;
  const type = header && scalarText(header.MessageType);
  const handle = header && scalarText(header.ClientHandle ?? header.ClientHandler);
  if (tooDeep) {
    const message = tooDeepMessage(maxDepth);
    if (type === undefined || handle === undefined) return { ok: false, error: { code: 'bad-frame', message } };
    const refusal: AsnegRefusal = { code: 'bad-request', message, header: { MessageType: type, ClientHandle: handle }, status: 'BadEncodingLimitsExceeded' };
    return { ok: false, error: refusal };
  }
  if (!isRecord(parsed) || !header) return { ok: true, messages: [] };
  if (type === undefined || handle === undefined || parsed.Body === undefined) return { ok: true, messages: [] };
  // ASNeG's empty objects serialise as "": a body of "" is an empty body.
  const body = isRecord(parsed.Body) ? parsed.Body : {};
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
