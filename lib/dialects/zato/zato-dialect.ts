import { randomBytes } from 'node:crypto';
import { metaString, parseZatoFrame, ZatoAction } from '../../zato/wire';
import { isRecord } from '../../util/is-record';
import type { DecodeResult, Dialect, DialectContext, DialectError, DialectMessage, OutgoingFrame, ReplyContext, DialectSession } from '../contract';
import { jsonDepthExceeds, tooDeepMessage } from '../../util/json-depth';
import { checkSessionCredentials } from './zato-credentials';
import { errorReply, forbidden, okReply, pingPayload, serverRequest, sessionReply } from './zato-replies';
import { clip } from '../../util/log-limit';
import { readNumber } from '../../util/options';

/** Per-client state of the channel: the session token and when it runs out. */
interface ZatoSession {
  token?: string;
  user?: string;
  expiresAt: number;
  /** Drops a client that opens no session in time. */
  sessionWait?: NodeJS.Timeout;
}

const nothing: DecodeResult = { ok: true, messages: [] };

/**
 * Default frame limit of a Zato channel: 4 MiB. Zato's clients write JSON with every non-ASCII character
 * escaped (`ł` = `\u0142`, six bytes for the two of UTF-8, three times as many), so a 1 MiB document of
 * such text is about 3 MiB on the wire, plus the envelope.
 */
export const zatoMaxFrameBytes = 4 * 1024 * 1024;

/**
 * The channel side of Zato's WebSocket protocol (docs/protocols/zato.md), so that Zato clients
 * and ws-gateway-client nodes in Zato mode can call services implemented as flows:
 *  - create-session against the server's authentication, answered with a token (zwsx.rspa);
 *  - invoke-service becomes a message whose type is the service name, so ws-gateway-in filters on
 *    services; the flow's reply (ws-gateway-out, reply) goes back as zwsx.rspok, or zwsx.rsperr when
 *    msg.gateway.status is not 200; a service no flow handles is answered 404 (zato.ping is built in);
 *  - no session in time, wrong or expired token, bad credentials: zwsx.merr and the socket is dropped
 *    without a close frame, as the channel does;
 *  - heartbeat pings carry a small JSON document, and every pong extends the token.
 * Session checks happen in `decode`, before any hook, so a flow never sees a request that was not
 * authorised.
 */
export function createZatoDialect(context: DialectContext): Dialect {
  const sessions = new Map<string, ZatoSession>();
  const tokenTtlMs = readNumber(context.options.zatoTokenTtlSeconds, { fallback: 3600, aboveMin: true }) * 1000;
  const sessionWaitMs = readNumber(context.options.zatoSessionWaitSeconds, { fallback: 5, aboveMin: true }) * 1000;
  const maxDepth = context.limits.maxJsonDepth;

  /** Refuses the client: the merr frame, then the socket goes without a close frame (the client sees 1006). */
  function refuse(session: DialectSession, why: string): void {
    context.log.warnAbout(session, 'refused', `zato: ${clip(why)}, dropping the connection`);
    const state = sessions.get(session.id);
    if (state?.sessionWait) clearTimeout(state.sessionWait);
    if (!session.isOpen) return;
    // The merr frame goes out through the outbound path, in order after every earlier answer.
    session.drop(forbidden());
  }

  function createSession(session: DialectSession, state: ZatoSession, id: string, meta: Record<string, unknown>): void {
    const check = checkSessionCredentials(context.auth, meta.username, meta.secret);
    if (!check.ok) {
      refuse(session, 'create-session with wrong credentials');
      return;
    }
    if (state.sessionWait) clearTimeout(state.sessionWait);
    state.sessionWait = undefined;
    state.token = `zwsxt.${randomBytes(16).toString('hex')}`;
    state.user = check.user;
    session.setUser(check.user);
    state.expiresAt = Date.now() + tokenTtlMs;
    session.send(sessionReply(id, state.token));
    // Zato's channel calls its connect hook here, after a session exists, never for a refused client.
    context.connected(session);
  }

  return {
    name: 'zato',
    subprotocols: [],
    authenticatesItself: true,
    connectsInProtocol: true,
    defaultMaxFrameBytes: zatoMaxFrameBytes,

    open(session: DialectSession) {
      const state: ZatoSession = { expiresAt: 0 };
      state.sessionWait = setTimeout(() => refuse(session, `no create-session within ${sessionWaitMs} ms`), sessionWaitMs);
      sessions.set(session.id, state);
    },

    /** Every pong extends the token, as the channel counts it as activity. */
    pong(session: DialectSession) {
      const state = sessions.get(session.id);
      if (state?.token) state.expiresAt = Date.now() + tokenTtlMs;
    },

    decode(data: Buffer, isBinary: boolean, session?: DialectSession): DecodeResult {
      if (isBinary) return { ok: false, error: { code: 'bad-frame', message: 'binary frame: a Zato channel takes JSON text' } };
      const text = data.toString('utf8');
      // Checked before the frame goes anywhere: parsing alone copes with deep nesting, but anything
      // recursive after it (the flow's message clone, encoding an answer) overflows the stack.
      const tooDeep = jsonDepthExceeds(text, maxDepth);
      const parsed = parseZatoFrame(text);
      if (!parsed.ok) return { ok: false, error: { code: 'bad-frame', message: `frame ignored: ${parsed.reason}` } };
      const { meta } = parsed.frame;
      const id = metaString(meta, 'id');
      // The channel requires both; such a frame is dropped with a log line and never answered.
      if (id === undefined || metaString(meta, 'timestamp') === undefined) {
        return { ok: false, error: { code: 'bad-request', message: 'frame without meta.id or meta.timestamp ignored' } };
      }
      const state = session ? sessions.get(session.id) : undefined;
      if (!session || !state) return { ok: false, error: { code: 'internal', message: 'no Zato session state for this client' } };

      const action = metaString(meta, 'action');
      if (action === ZatoAction.createSession) {
        createSession(session, state, id, meta);
        return nothing;
      }
      if (!state.token) {
        refuse(session, `${action ?? 'a frame'} before create-session`);
        return nothing;
      }
      if (metaString(meta, 'token') !== state.token) {
        refuse(session, 'missing or wrong token');
        return nothing;
      }
      if (Date.now() > state.expiresAt) {
        refuse(session, 'token expired');
        return nothing;
      }
      if (action === ZatoAction.clientResponse || action === undefined) {
        // The answer of a client to a request the server sent (a flow's broadcast): flows get it as a
        // MESSAGE, with the id of the request it answers, as Zato passes it to whoever waits for it.
        // One without in_reply_to answers nothing and is dropped, as before.
        const inReplyTo = metaString(meta, 'in_reply_to');
        if (inReplyTo === undefined) return nothing;
        if (tooDeep) return { ok: false, error: { code: 'bad-request', message: `client-response: ${tooDeepMessage(maxDepth)}` } };
        const data = parsed.frame.data;
        const payload = isRecord(data) && Object.hasOwn(data, 'response') ? data.response : data;
        return { ok: true, messages: [{ type: ZatoAction.clientResponse, payload: payload ?? null, inReplyTo }] };
      }
      if (tooDeep) {
        // Answered here because only the decoder knows the request id; the endpoint logs the refusal.
        session.send(errorReply(id, 400, tooDeepMessage(maxDepth)));
        return { ok: false, error: { code: 'bad-request', message: tooDeepMessage(maxDepth) } };
      }
      if (action !== ZatoAction.invokeService) {
        session.send(errorReply(id, 400, `unknown action ${action}`));
        return nothing;
      }
      const invocation = parsed.frame.data;
      if (!isRecord(invocation) || typeof invocation.service !== 'string' || invocation.service.length === 0) {
        session.send(errorReply(id, 400, 'I/O processing error: data.service is missing'));
        return nothing;
      }
      const message: DialectMessage = { type: invocation.service, payload: invocation.request ?? null, handle: id };
      return { ok: true, messages: [message] };
    },

    /** Services no flow took over: zato.ping is built in, anything else is not found. */
    handle(session: DialectSession, message: DialectMessage) {
      // A client's answer to a request of ours is news for flows, not a request to answer.
      if (message.inReplyTo !== undefined) return;
      const id = String(message.handle);
      if (message.type === 'zato.ping') session.send(okReply(id, { pong: 'zato' }));
      else session.send(errorReply(id, 404, `no flow implements the service ${message.type}`));
    },

    encodeReply(payload: unknown, reply: ReplyContext): OutgoingFrame {
      if (reply.handle === undefined) {
        // Most likely a flow that built a new msg and lost msg.gateway: the invoker will time out.
        context.log.warn('zato reply without msg.gateway.handle: sent as a request of the server (zwsx.rqc), not as the answer to an invoke-service');
        return serverRequest(payload);
      }
      const status = reply.status ?? 200;
      if (status === 200) return okReply(String(reply.handle), payload);
      return errorReply(String(reply.handle), status, reply.error ?? 'Internal server error');
    },

    /** A broadcast, or a reply that names no request: sent as a request of the server (zwsx.rqc). */
    encodeOutgoing(payload: unknown): OutgoingFrame {
      if (payload === undefined) throw new Error('msg.payload is undefined: nothing to send');
      return serverRequest(payload);
    },

    encodeError(error: DialectError, request?: DialectMessage): OutgoingFrame | undefined {
      // Frames that are not requests get no answer, as on a Zato channel.
      if (request?.handle === undefined) return undefined;
      const status = error.code === 'busy' ? 429 : error.code === 'internal' ? 500 : 400;
      return errorReply(String(request.handle), status, status === 500 ? 'Internal server error' : error.message);
    },

    pingPayload(): string {
      return pingPayload();
    },

    close(session: DialectSession) {
      const state = sessions.get(session.id);
      if (state?.sessionWait) clearTimeout(state.sessionWait);
      sessions.delete(session.id);
    },

    dispose() {
      for (const state of sessions.values()) if (state.sessionWait) clearTimeout(state.sessionWait);
      sessions.clear();
    },
  };
}
