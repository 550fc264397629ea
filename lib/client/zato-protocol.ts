import type { OutgoingHttpHeaders } from 'node:http';
import { ClaimedRequests, unknownRequestError } from './claimed-requests';
import { ConnectionLostError } from './client-errors';
import { ClientCloseCode, type ClientLogger, type GatewayClientOptions } from './client-options';
import { messageEvent, type ClientCloseEvent, type ClientMessageEvent, type ClientProtocol, type ProtocolLink, type ServerRequest } from './client-protocol';
import { PendingReplies, type InvokeReply } from './pending-replies';
import { clientResponseFrame, createSessionFrame, invokeServiceFrame } from './zato-client-frames';
import { asError, messageOf } from '../util/errors';
import { isRecord } from '../util/is-record';
import { clip } from '../util/log-limit';
import { FORBIDDEN_TEXT, metaString, parseZatoFrame, zatoId, ZatoMsgType, type ZatoFrame } from '../zato/wire';

export type ZatoProtocolOptions = Pick<GatewayClientOptions,
  'url' | 'username' | 'secret' | 'clientId' | 'clientName' | 'subscriptions' | 'subscribeService'
  | 'responseTimeoutMs' | 'sessionTimeoutMs' | 'requestReplyTimeoutMs'>;

/** The session on the socket in hand; a new socket starts a new one. */
interface ZatoSession {
  /** The create-session request while its reply is awaited. */
  requestId: string | undefined;
  timer: NodeJS.Timeout | undefined;
  token: string | undefined;
  /** The text of a zwsx.merr on this socket: why the peer is about to drop it, for the close and waiting invokes. */
  peerRefusal: string | undefined;
}

/**
 * A Zato WebSocket channel (docs/protocols/zato.md): create-session on every new socket (CONNECT only
 * once it succeeds), invoke-service correlated by `meta.in_reply_to`, requests of the channel as MESSAGE
 * (answered null unless a listener claims them), and `zwsx.merr` as a refusal: bad credentials before
 * the session, a revoked one after it.
 */
export class ZatoProtocol implements ClientProtocol {
  private session: ZatoSession | undefined;
  private readonly pending: PendingReplies;
  private readonly claimed = new ClaimedRequests();

  constructor(
    private readonly options: ZatoProtocolOptions,
    private readonly link: ProtocolLink,
    private readonly log: ClientLogger,
    private readonly deliver: (event: ClientMessageEvent) => void,
  ) {
    this.pending = new PendingReplies((text) => log.warn(text));
  }

  get invocationsInFlight(): number {
    return this.pending.size;
  }

  /** Zato takes its credentials in create-session, not in the upgrade. */
  upgradeHeaders(): OutgoingHttpHeaders {
    return {};
  }

  opened(): void {
    const id = zatoId('zwsxc.auth');
    const timer = setTimeout(() => {
      this.log.warn(`${this.options.url}: no create-session reply within ${this.options.sessionTimeoutMs} ms`);
      this.link.end(ClientCloseCode.sessionTimeout, 'no create-session reply');
    }, this.options.sessionTimeoutMs);
    this.session = { requestId: id, timer, token: undefined, peerRefusal: undefined };
    const frame = createSessionFrame(this.options, id, this.options.username, this.options.secret);
    this.link.write(frame).catch((error: unknown) => this.log.warn(`create-session not sent: ${messageOf(error)}`));
  }

  /** Pub/sub topics are subscribed after every session: the remote forgot them when the socket went. */
  ready(): void {
    for (const topic of this.options.subscriptions) {
      this.invoke({ service: this.options.subscribeService, request: { topic_name: topic } }, this.options.responseTimeoutMs).catch((error: unknown) => {
        this.log.warn(`subscribing to ${topic} failed: ${messageOf(error)}`);
      });
    }
  }

  frame(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      this.log.warn(`${this.options.url}: binary frame ignored (a Zato channel sends JSON text)`);
      return;
    }
    const parsed = parseZatoFrame(data.toString('utf8'));
    if (!parsed.ok) {
      this.log.warn(`${this.options.url}: frame ignored: ${clip(parsed.reason)}`);
      return;
    }
    const frame = parsed.frame;
    const inReplyTo = metaString(frame.meta, 'in_reply_to');
    const msgType = metaString(frame.meta, 'msg_type') ?? '';
    if (inReplyTo !== undefined && inReplyTo === this.session?.requestId) this.onSessionReply(frame);
    else if (msgType === ZatoMsgType.forbidden) this.onForbidden(frame);
    else if (inReplyTo !== undefined) this.pending.settle(inReplyTo, toReply(frame, inReplyTo));
    else this.onServerRequest(frame, msgType);
  }

  socketClosed(closed: ClientCloseEvent): ClientCloseEvent {
    const refusal = this.session?.peerRefusal;
    this.endSession();
    // The channel drops the socket without a close frame after a zwsx.merr (1006): its text says why.
    const reported = closed.reason || refusal === undefined ? closed : { code: closed.code, reason: `refused by the server: ${refusal}` };
    this.pending.rejectAll(new ConnectionLostError(reported.code, reported.reason));
    this.claimed.clear();
    return reported;
  }

  stop(error: Error): void {
    this.endSession();
    this.pending.rejectAll(error);
    this.claimed.clear();
  }

  /** An invoke-service frame whose reply is not awaited (use invoke); a reply that comes is dropped quietly. */
  async send(payload: unknown): Promise<void> {
    const data = asInvokeData(payload);
    await this.link.whenReady();
    const id = zatoId('zwsxc.inv');
    const frame = invokeServiceFrame(this.options, id, this.session?.token, data);
    this.pending.discardReplyTo(id, this.options.responseTimeoutMs);
    await this.link.write(frame);
  }

  /** Invokes a service of the remote channel and resolves with its reply (status 200 only). */
  invoke(data: unknown, timeoutMs: number): Promise<InvokeReply> {
    // Ready: the frame goes out now and the caller gets the reply's own promise, with no async wrapper
    // around it (two promises and several microtask turns per invocation less).
    if (this.link.isReady && isRecord(data)) return this.sendInvocation(data, timeoutMs);
    return this.invokeWhenReady(data, timeoutMs);
  }

  private async invokeWhenReady(data: unknown, timeoutMs: number): Promise<InvokeReply> {
    const invokeData = asInvokeData(data);
    await this.link.whenReady();
    return this.sendInvocation(invokeData, timeoutMs);
  }

  private sendInvocation(data: Record<string, unknown>, timeoutMs: number): Promise<InvokeReply> {
    const id = zatoId('zwsxc.inv');
    let frame: string;
    try {
      frame = invokeServiceFrame(this.options, id, this.session?.token, data);
    } catch (error) {
      // Data JSON cannot carry (a cycle, a BigInt): the invocation fails and nothing waits for a reply.
      return Promise.reject(asError(error));
    }
    const reply = this.pending.expect(id, timeoutMs);
    // A frame that could not be written fails its invocation; the reply is not waited on behind the write.
    this.link.write(frame).catch((error: unknown) => this.pending.reject(id, asError(error)));
    return reply;
  }

  /** Answers a request of the server that a listener claimed. */
  async respond(requestId: string, response: unknown): Promise<void> {
    if (!this.claimed.take(requestId)) throw unknownRequestError(requestId);
    await this.link.write(clientResponseFrame(this.options, this.session?.token, requestId, response));
  }

  private onSessionReply(frame: ZatoFrame): void {
    const session = this.session;
    if (!session) return;
    session.requestId = undefined;
    this.clearSessionTimer();
    const token = isRecord(frame.data) && typeof frame.data.token === 'string' ? frame.data.token : undefined;
    if (frame.meta.status === 200 && token) {
      session.token = token;
      this.link.handshakeDone();
      return;
    }
    this.link.refused(metaString(frame.meta, 'error_message') ?? (typeof frame.data === 'string' ? frame.data : `create-session answered status ${String(frame.meta.status)}`));
  }

  /** Not a request (Zato hands it to MESSAGE by mistake): before the session it means bad credentials. */
  private onForbidden(frame: ZatoFrame): void {
    const text = typeof frame.data === 'string' ? frame.data : FORBIDDEN_TEXT;
    if (this.session) this.session.peerRefusal = text;
    if (this.link.isReady) {
      this.log.error(`${this.options.url}: refused by the server: ${clip(text)}`);
      return;
    }
    this.clearSessionTimer();
    this.link.refused(text);
  }

  private onServerRequest(frame: ZatoFrame, msgType: string): void {
    const id = metaString(frame.meta, 'id');
    if (id === undefined) {
      this.log.warn(`${this.options.url}: frame without meta.id ignored`);
      return;
    }
    const request: ServerRequest = { id, timestamp: metaString(frame.meta, 'timestamp'), msgType };
    let claimed = false;
    // A request without data is None to Zato; null here, never undefined in msg.payload.
    this.deliver(messageEvent(frame.data ?? null, msgType, request, () => { claimed = true; }));
    const answerNull = (): void => {
      this.link.write(clientResponseFrame(this.options, this.session?.token, id, null)).catch((error: unknown) => this.log.warn(`client-response not sent: ${messageOf(error)}`));
    };
    if (!claimed) {
      answerNull();
      return;
    }
    this.claimed.claim(id, this.options.requestReplyTimeoutMs, () => {
      this.log.warn(`${this.options.url}: the flow did not answer ${id} within ${this.options.requestReplyTimeoutMs} ms, answering null`);
      answerNull();
    });
  }

  private endSession(): void {
    this.clearSessionTimer();
    this.session = undefined;
  }

  private clearSessionTimer(): void {
    if (this.session?.timer) clearTimeout(this.session.timer);
    if (this.session) this.session.timer = undefined;
  }
}

/** Zato merges the invoked dict into the frame's data: it must be an object, normally {service, request}. */
function asInvokeData(data: unknown): Record<string, unknown> {
  if (!isRecord(data)) throw new Error('a Zato invocation needs an object, normally {service, request}');
  return data;
}

function toReply(frame: ZatoFrame, inReplyTo: string): InvokeReply {
  const status = typeof frame.meta.status === 'number' ? frame.meta.status : 200;
  const reply: InvokeReply = {
    id: metaString(frame.meta, 'id') ?? '',
    in_reply_to: inReplyTo,
    status,
    is_ok: status === 200,
    msg_type: metaString(frame.meta, 'msg_type') ?? '',
    timestamp: metaString(frame.meta, 'timestamp') ?? '',
    // Zato leaves data out of an empty answer; its client gives None, flows get null (not undefined).
    data: frame.data ?? null,
  };
  const errorMessage = metaString(frame.meta, 'error_message');
  if (errorMessage !== undefined) reply.error_message = errorMessage;
  return reply;
}
