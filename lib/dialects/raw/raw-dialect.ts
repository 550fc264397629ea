import type { TagSubscription } from '../../tags';
import type { DecodeResult, Dialect, DialectContext, DialectError, OutgoingFrame } from '../contract';
import { jsonDepthExceeds, tooDeepMessage } from '../../util/json-depth';

/** The frame a raw client receives when a tag under the server's `rawTags` pattern changes. */
export interface RawTagChange {
  topic: string;
  payload: unknown;
  timestamp: number;
  quality: string;
}

/**
 * Frames in and out as the flow sends them: text frames are parsed as JSON when they parse and passed
 * as strings otherwise, binary frames as Buffers. The flow answers (ws-gateway-in in handle mode);
 * the dialect itself answers nothing. With the `rawTags` option it pushes tag changes to every client.
 */
export function createRawDialect(context: DialectContext): Dialect {
  const tagPattern = typeof context.options.rawTags === 'string' ? context.options.rawTags.trim() : '';
  const maxDepth = context.limits.maxJsonDepth;
  let tagSubscription: TagSubscription | undefined;
  if (tagPattern.length > 0) {
    tagSubscription = context.tags.subscribePattern(tagPattern, (topic, value) => {
      const change: RawTagChange = { topic, payload: value.value, timestamp: value.timestamp, quality: value.quality };
      // Keyed by tag, so a slow client gets the latest value of each tag rather than a backlog.
      context.broadcast(JSON.stringify(change), topic);
    });
  }

  return {
    name: 'raw',
    subprotocols: [],
    decode(data: Buffer, isBinary: boolean): DecodeResult {
      if (isBinary) return { ok: true, messages: [{ type: 'binary', payload: data }] };
      const text = data.toString('utf8');
      // Refused, not passed on as text: a flow echoing it would overflow the stack encoding it.
      if (jsonDepthExceeds(text, maxDepth)) return { ok: false, error: { code: 'bad-frame', message: tooDeepMessage(maxDepth) } };
      const parsed = parseJson(text);
      return { ok: true, messages: [parsed.ok ? { type: 'json', payload: parsed.value } : { type: 'text', payload: text }] };
    },
    encodeOutgoing(payload: unknown): OutgoingFrame {
      if (Buffer.isBuffer(payload)) return payload;
      if (typeof payload === 'string') return payload;
      if (payload === undefined) throw new Error('msg.payload is undefined: nothing to send');
      return JSON.stringify(payload);
    },
    encodeError(error: DialectError): OutgoingFrame | undefined {
      // Raw clients have no protocol; only refusals they must hear about (busy, a frame nested too deeply) get a frame.
      return error.code === 'busy' || error.code === 'bad-frame' ? JSON.stringify({ error: error.code, message: error.message }) : undefined;
    },
    dispose() {
      tagSubscription?.close();
    },
  };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
