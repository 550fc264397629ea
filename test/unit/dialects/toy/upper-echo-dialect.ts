/**
 * The smallest useful dialect, as a starting point for a new one (see docs/ARCHITECTURE.md, "How to add
 * a dialect"). Its protocol: a client sends text; `read <tag>` answers `<tag> = <value as JSON>`, any
 * other text comes back in upper case. What flows send (ws-gateway-out) goes out in upper case too.
 *
 * A dialect imports only the contract (lib/dialects/contract), plus lib/tags and lib/util where it needs
 * them. It never sees a socket: it answers through the session, and the server does the rest (limits,
 * back-pressure, hooks for flows, heartbeats, closing).
 */
import type { DecodeResult, Dialect, DialectContext, DialectError, DialectMessage, DialectSession, OutgoingFrame } from '../../../../lib/dialects/contract';
import { clip } from '../../../../lib/util/log-limit';

/**
 * The factory: the endpoint calls it once, with what the dialect may use. This dialect serves no
 * connection; one that does names them, `DialectContext<{ opcua: OpcuaEndpoint }>`, and reads
 * `context.sources.opcua` (which may be missing).
 */
export function createUpperEchoDialect(context: DialectContext): Dialect {
  return {
    name: 'upper-echo',
    subprotocols: ['upper-echo'],

    /** Bytes in, requests out. Flows see each request (ws-gateway-in) before `handle` answers it. */
    decode(data: Buffer, isBinary: boolean): DecodeResult {
      if (isBinary) return { ok: false, error: { code: 'bad-frame', message: 'binary frame: this dialect takes text' } };
      const text = data.toString('utf8');
      const read = /^read (\S+)$/.exec(text);
      const message: DialectMessage = read ? { type: 'read', payload: null, topic: read[1] } : { type: 'echo', payload: text };
      return { ok: true, messages: [message] };
    },

    /** Answers what no flow took over. A rejection (an unknown tag) is answered with `encodeError('internal')`. */
    async handle(session: DialectSession, message: DialectMessage): Promise<void> {
      if (message.type === 'read' && message.topic !== undefined) {
        const value = await context.tags.read(message.topic);
        session.send(`${message.topic} = ${JSON.stringify(value.value)}`);
        return;
      }
      session.send(String(message.payload).toUpperCase());
    },

    encodeOutgoing(payload: unknown): OutgoingFrame {
      return (typeof payload === 'string' ? payload : JSON.stringify(payload)).toUpperCase();
    },

    encodeError(error: DialectError): OutgoingFrame {
      // Client text in an answer or a log line is cut, so one client cannot flood either.
      return `error ${error.code}: ${clip(error.message)}`;
    },
  };
}
