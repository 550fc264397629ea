import type { DecodeResult, DialectMessage } from '../contract';
import { toStrictJson } from './lenient-json';
import { DEFAULT_MAX_JSON_DEPTH, jsonDepthExceeds, tooDeepMessage } from '../../util/json-depth';
import { messageOf } from '../../util/errors';

/** The commands of the protocol, in the order the original looked for them when a frame held several. */
export const commandNames = ['DpSet', 'DpGet', 'DpConnect', 'DpDisconnect', 'DpQueryConnect', 'DpQueryDisconnect', 'DpGetPeriod'] as const;
export type CommandName = (typeof commandNames)[number];

export function isCommandName(name: string): name is CommandName {
  return (commandNames as readonly string[]).includes(name);
}

/** Close code and reasons of frames the original could not read (Jetty closed with the exception name). */
export const malformedClose = 1011;

/**
 * Decodes one text frame. A frame that is no JSON object closes the socket 1011 with the name of the
 * exception the original's Gson threw; a JSON object becomes one message typed by its command (the first
 * known key in the original's order, else its first key: unknown commands get no answer). Binary frames
 * are ignored, as the original did. `lenient` also reads what Gson's lenient mode read (single quotes,
 * unquoted keys, Python literals). A frame nested deeper than `maxDepth` is unreadable too.
 */
export function decodeFrame(data: Buffer, isBinary: boolean, lenient = false, maxDepth = DEFAULT_MAX_JSON_DEPTH): DecodeResult {
  if (isBinary) return { ok: true, messages: [] };
  const raw = data.toString('utf8');
  const text = lenient ? toStrictJson(raw) : raw;
  if (text.trim().length === 0) return malformed('NullPointerException', 'empty frame');
  // Gson refuses JSON nested past its limit as malformed, which the original answered like any unreadable frame.
  if (jsonDepthExceeds(text, maxDepth)) return malformed('JsonSyntaxException', tooDeepMessage(maxDepth));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const message = messageOf(error);
    // Two JSON values in one frame made Gson throw JsonIOException; anything else unreadable is a syntax error.
    return malformed(/after JSON/i.test(message) ? 'JsonIOException' : 'JsonSyntaxException', message);
  }
  if (parsed === null) return malformed('NullPointerException', 'the frame is null');
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return malformed('JsonSyntaxException', 'the frame is no JSON object');
  const record = parsed as Record<string, unknown>;
  const keys = Object.keys(record);
  const type = commandNames.find((name) => name in record) ?? keys[0] ?? '';
  const message: DialectMessage = { type, payload: parsed };
  const body = record[type];
  if (isCommandName(type) && body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const id = (body as Record<string, unknown>).Id;
    if (typeof id === 'number' || typeof id === 'string') message.handle = id;
  }
  return { ok: true, messages: [message] };
}

function malformed(reason: string, detail: string): DecodeResult {
  return { ok: false, error: { code: 'bad-frame', message: `${reason}: ${detail}`, close: { code: malformedClose, reason } } };
}
