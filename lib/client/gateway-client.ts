import { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import WebSocket = require('ws');
import { Backoff } from './backoff';
import { ClientClosedError, ConnectionLostError, InvokeUnsupportedError, NotConnectedError } from './client-errors';
import { ClientCloseCode, type ClientLogger, type GatewayClientOptions } from './client-options';
import { ClaimedRequests } from './claimed-requests';
import { Heartbeat } from './heartbeat';
import { PendingReplies, type InvokeReply } from './pending-replies';
import { ReadyGate } from './ready-gate';
import { clientResponseFrame, createSessionFrame, invokeServiceFrame } from './zato-client-frames';
import { FORBIDDEN_TEXT, metaString, parseZatoFrame, zatoId, ZatoMsgType, type ZatoFrame } from './zato-wire';
import { isRecord } from '../util/is-record';
import { asError, messageOf } from '../util/errors';
import { toBuffer } from '../util/ws-data';
import { clip } from '../util/log-limit';
import { corkUntilTurnEnds } from '../util/turn-flusher';

export type ClientState = 'connecting' | 'connected' | 'disconnected' | 'auth-failed' | 'stopped';

/** A request the remote end sent us (Zato `zwsx.rqc` / `zwsx.psrq`); it expects a client-response. */
export interface ServerRequest {
  id: string;
  timestamp: string | undefined;
  msgType: string;
}

export interface ClientMessageEvent {
  /** Plain: the frame (parsed with dataFormat json, a string with text, a Buffer when binary); Zato: `data`. */
  data: unknown;
  /** What ws-gateway-in filters on: the Zato msg_type, or json / text / binary in plain mode. */
  type: string;
  request?: ServerRequest;
  /**
   * A listener that will answer `request` itself (through `respond`) calls this; otherwise the client
   * answers `{"response": null}` at once, as Zato does when its hook returns nothing.
   */
  claim(): void;
}

export interface ClientCloseEvent {
  code: number;
  reason: string;
}

interface ClientEvents {
  state: [state: ClientState, detail: string];
  connect: [];
  message: [event: ClientMessageEvent];
  close: [event: ClientCloseEvent];
}

const silentLog: ClientLogger = { info() {}, warn() {}, error() {} };

/**
 * One outgoing WebSocket connection, plain or to a Zato channel: connects, authenticates (Zato
 * create-session), keeps itself alive (pings with a real missed-pong limit), reconnects with back-off,
 * and multiplexes any number of invocations over the one socket, correlated by `meta.in_reply_to`.
 * CONNECT / MESSAGE / CLOSE are emitted as events; `close()` (stop, redeploy) emits no CLOSE.
 */
export class GatewayClient extends EventEmitter<ClientEvents> {
  private ws: WebSocket | undefined;
  /** The TCP (or TLS) socket under `ws`, corked while frames are written in one turn of the event loop. */
  private socket: Writable | undefined;
  private currentState: ClientState = 'disconnected';
  private ready = false;
  private stopped = false;
  private started = false;
  private token: string | undefined;
  private sessionRequestId: string | undefined;
  private sessionTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly heartbeat: Heartbeat;
  private readyAt = 0;
  /** Set for the socket in hand when we, not the peer, ended it (missed pongs, session timeout). */
  private localClose: ClientCloseEvent | undefined;
  /** The socket in hand was refused at create-session. */
  private attemptAuthFailed = false;
  private authFailureReported = false;
  private authFailureText = '';
  /** The text of a zwsx.merr on this socket: why the peer is about to drop it, for the close and waiting invokes. */
  private peerRefusal: string | undefined;
  /** The last failure logged, so that retries failing the same way stay quiet. */
  private lastProblem: string | undefined;
  private readonly gate = new ReadyGate();
  private readonly pending: PendingReplies;
  private readonly claimed = new ClaimedRequests();
  private readonly backoff: Backoff;
  private readonly log: ClientLogger;

  constructor(readonly options: GatewayClientOptions) {
    super();
    this.log = options.log ?? silentLog;
    this.backoff = new Backoff({ firstMs: options.reconnectFirstMs, maxMs: options.reconnectMaxMs, jitter: 0.2 });
    this.pending = new PendingReplies((text) => this.log.warn(text));
    this.heartbeat = new Heartbeat(options.pingIntervalMs, options.pingsMissedThreshold, () => { if (this.ws?.readyState === WebSocket.OPEN) this.ws.ping('{}'); }, (missed) => {
      this.log.warn(`${options.url}: ${missed} pings missed, closing`);
      this.endLocally(ClientCloseCode.pingsMissed, 'Pings missed');
    });
  }

  get state(): ClientState {
    return this.currentState;
  }

  /** True while frames can be sent: the socket is open and, in Zato mode, the session exists. */
  get isReady(): boolean {
    return this.ready;
  }

  get invocationsInFlight(): number {
    return this.pending.size;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.connect();
  }

  /** Stops for good (node closed or redeployed): no CLOSE event, no reconnect, waiting calls fail at once. */
  async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.ready = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.stopTimers();
    this.gate.failAll(new ClientClosedError());
    this.pending.rejectAll(new ClientClosedError());
    this.claimed.clear();
    this.setState('stopped', '');
    const ws = this.ws;
    this.ws = undefined;
    this.socket = undefined;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const grace = setTimeout(() => ws.terminate(), 1000);
      ws.once('close', () => {
        clearTimeout(grace);
        resolve();
      });
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'closing');
    });
  }

  /**
   * Sends one message and resolves once it is written. Plain: strings as text, Buffers as binary,
   * anything else as JSON. Zato: an invoke-service frame whose reply is not awaited (use invoke).
   */
  async send(payload: unknown): Promise<void> {
    if (payload === undefined) throw new Error('nothing to send: the payload is undefined');
    await this.waitReady();
    if (this.options.mode === 'plain') {
      await this.write(Buffer.isBuffer(payload) || typeof payload === 'string' ? payload : JSON.stringify(payload));
      return;
    }
    const id = zatoId('zwsxc.inv');
    const frame = invokeServiceFrame(this.options, id, this.token, asInvokeData(payload));
    this.pending.discardReplyTo(id, this.options.responseTimeoutMs);
    await this.write(frame);
  }

  /** Zato mode: invokes a service of the remote channel and resolves with its reply (status 200 only). */
  invoke(data: unknown, timeoutMs = this.options.responseTimeoutMs): Promise<InvokeReply> {
    if (this.options.mode !== 'zato') return this.invokePlain(data, timeoutMs);
    // Connected: the frame goes out now and the caller gets the reply's own promise, with no async
    // wrapper around it (two promises and several microtask turns per invocation less).
    if (this.ready && isRecord(data)) return this.sendInvocation(data, timeoutMs);
    return this.invokeWhenReady(data, timeoutMs);
  }

  private async invokeWhenReady(data: unknown, timeoutMs: number): Promise<InvokeReply> {
    const invokeData = asInvokeData(data);
    await this.waitReady();
    return this.sendInvocation(invokeData, timeoutMs);
  }

  private sendInvocation(data: Record<string, unknown>, timeoutMs: number): Promise<InvokeReply> {
    const id = zatoId('zwsxc.inv');
    let frame: string;
    try {
      frame = invokeServiceFrame(this.options, id, this.token, data);
    } catch (error) {
      // Data JSON cannot carry (a cycle, a BigInt): the invocation fails and nothing waits for a reply.
      return Promise.reject(asError(error));
    }
    const reply = this.pending.expect(id, timeoutMs);
    // A frame that could not be written fails its invocation; the reply is not waited on behind the write.
    this.write(frame).catch((error: unknown) => this.pending.reject(id, asError(error)));
    return reply;
  }

  /**
   * Plain mode with a correlation field: the request is a JSON object whose field carries an id (one is
   * generated when it has none); the first JSON frame with the same value in that field is the reply.
   */
  private async invokePlain(data: unknown, timeoutMs: number): Promise<InvokeReply> {
    const field = this.options.correlationField;
    if (!field || this.options.dataFormat !== 'json') throw new InvokeUnsupportedError();
    if (!isRecord(data)) throw new Error(`a plain invocation needs a JSON object to carry its id in "${field}"`);
    const given = data[field];
    const id = typeof given === 'string' || typeof given === 'number' ? String(given) : zatoId('inv');
    const request = typeof given === 'string' || typeof given === 'number' ? data : { ...data, [field]: id };
    await this.waitReady();
    if (this.pending.awaits(id)) throw new Error(`an invocation with ${field} ${id} is already waiting`);
    const reply = this.pending.expect(id, timeoutMs);
    try {
      await this.write(JSON.stringify(request));
    } catch (error) {
      this.pending.reject(id, asError(error));
    }
    return reply;
  }

  /** The reply to a plain invocation, when this frame carries the id of one that waits. */
  private plainReply(value: unknown): boolean {
    const field = this.options.correlationField;
    if (!field || !isRecord(value)) return false;
    const key = value[field];
    if (typeof key !== 'string' && typeof key !== 'number') return false;
    const id = String(key);
    if (!this.pending.awaits(id)) return false;
    this.pending.settle(id, { id, in_reply_to: id, status: 200, is_ok: true, msg_type: '', timestamp: '', data: value });
    return true;
  }

  /** Answers a request of the server that a listener claimed. */
  async respond(requestId: string, response: unknown): Promise<void> {
    if (!this.claimed.take(requestId)) {
      throw new Error(`request ${requestId} is unknown or was already answered (null is sent when the flow takes too long)`);
    }
    await this.write(clientResponseFrame(this.options, this.token, requestId, response));
  }

  private connect(): void {
    if (this.stopped) return;
    this.reconnectTimer = undefined;
    this.localClose = undefined;
    this.attemptAuthFailed = false;
    this.peerRefusal = undefined;
    this.token = undefined;
    // During a run of refused logins the status stays "authentication failed": retrying does not fix it.
    if (!this.authFailureReported) this.setState('connecting', this.options.url);
    const options = this.options;
    const headers = { ...options.headers };
    if (options.mode === 'plain' && options.username) {
      headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.secret ?? ''}`).toString('base64')}`;
    }
    let ws: WebSocket;
    try {
      ws = new WebSocket(options.url, options.subprotocol ? [options.subprotocol] : [], {
        headers,
        handshakeTimeout: options.sessionTimeoutMs,
        perMessageDeflate: false,
        ca: options.tls?.ca,
        cert: options.tls?.cert,
        key: options.tls?.key,
        passphrase: options.tls?.passphrase,
        rejectUnauthorized: options.tls?.rejectUnauthorized ?? true,
      });
    } catch (error) {
      // A malformed URL: retrying cannot help, say so once and stay down.
      this.setState('disconnected', messageOf(error));
      this.log.error(`${options.url}: ${messageOf(error)}`);
      return;
    }
    this.ws = ws;
    ws.once('upgrade', (response) => { if (ws === this.ws) this.socket = response.socket; });
    ws.on('open', () => this.onOpen(ws));
    ws.on('message', (data, isBinary) => { if (ws === this.ws) this.onFrame(toBuffer(data), isBinary); });
    ws.on('pong', () => this.heartbeat.pong());
    ws.on('error', (error) => {
      // ws reports the close right after; the error only explains it. A retry that fails the same way
      // as the last one is not logged again (a down server must not fill the log every few seconds).
      if (ws !== this.ws || error.message === this.lastProblem) return;
      this.lastProblem = error.message;
      this.log.warn(`${options.url}: ${error.message}`);
    });
    ws.once('close', (code, reason) => { if (ws === this.ws) this.onSocketClosed(code, reason.toString('utf8')); });
  }

  private onOpen(ws: WebSocket): void {
    if (ws !== this.ws) return;
    if (this.options.mode === 'plain') {
      this.becomeReady();
      return;
    }
    const id = zatoId('zwsxc.auth');
    this.sessionRequestId = id;
    this.sessionTimer = setTimeout(() => {
      this.log.warn(`${this.options.url}: no create-session reply within ${this.options.sessionTimeoutMs} ms`);
      this.endLocally(ClientCloseCode.sessionTimeout, 'no create-session reply');
    }, this.options.sessionTimeoutMs);
    const frame = createSessionFrame(this.options, id, this.options.username, this.options.secret);
    this.write(frame).catch((error: unknown) => this.log.warn(`create-session not sent: ${messageOf(error)}`));
  }

  private becomeReady(): void {
    if (this.sessionTimer) clearTimeout(this.sessionTimer);
    this.sessionTimer = undefined;
    this.ready = true;
    this.readyAt = Date.now();
    this.lastProblem = undefined;
    this.authFailureReported = false;
    this.setState('connected', this.options.url);
    this.gate.open();
    this.heartbeat.start();
    this.emit('connect');
    if (this.options.mode === 'zato') this.subscribe();
  }

  /** Pub/sub topics are subscribed after every session: the remote forgot them when the socket went. */
  private subscribe(): void {
    for (const topic of this.options.subscriptions) {
      this.invoke({ service: this.options.subscribeService, request: { topic_name: topic } }).catch((error: unknown) => {
        this.log.warn(`subscribing to ${topic} failed: ${messageOf(error)}`);
      });
    }
  }

  /** Ends the socket in hand for a reason of our own; it is reported as that code, then reconnected. */
  private endLocally(code: number, reason: string): void {
    this.localClose = { code, reason };
    this.ws?.terminate();
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    if (this.options.mode === 'plain') {
      this.onPlainFrame(data, isBinary);
      return;
    }
    if (isBinary) {
      this.log.warn(`${this.options.url}: binary frame ignored (a Zato channel sends JSON text)`);
      return;
    }
    const parsed = parseZatoFrame(data.toString('utf8'));
    if (!parsed.ok) {
      this.log.warn(`${this.options.url}: frame ignored: ${clip(parsed.reason)}`);
      return;
    }
    this.onZatoFrame(parsed.frame);
  }

  private onPlainFrame(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      this.emitMessage(data, 'binary');
      return;
    }
    const text = data.toString('utf8');
    if (this.options.dataFormat === 'text') {
      this.emitMessage(text, 'text');
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.log.warn(`${this.options.url}: frame ignored: not JSON (data format json)`);
      return;
    }
    if (!this.plainReply(value)) this.emitMessage(value, 'json');
  }

  private onZatoFrame(frame: ZatoFrame): void {
    const meta = frame.meta;
    const inReplyTo = metaString(meta, 'in_reply_to');
    const msgType = metaString(meta, 'msg_type') ?? '';
    if (inReplyTo !== undefined && inReplyTo === this.sessionRequestId) {
      this.onSessionReply(frame);
      return;
    }
    if (msgType === ZatoMsgType.forbidden) {
      // Not a request (Zato hands it to MESSAGE by mistake): before the session it means bad credentials.
      const text = typeof frame.data === 'string' ? frame.data : FORBIDDEN_TEXT;
      // The channel drops the socket without a close frame next (1006): keep its reason for what follows.
      this.peerRefusal = text;
      if (!this.ready) this.onAuthFailed(text);
      else this.log.error(`${this.options.url}: refused by the server: ${clip(text)}`);
      return;
    }
    if (inReplyTo !== undefined) {
      this.pending.settle(inReplyTo, toReply(frame, inReplyTo));
      return;
    }
    const id = metaString(meta, 'id');
    if (id === undefined) {
      this.log.warn(`${this.options.url}: frame without meta.id ignored`);
      return;
    }
    const request: ServerRequest = { id, timestamp: metaString(meta, 'timestamp'), msgType };
    let claimed = false;
    // A request without data is None to Zato; null here, never undefined in msg.payload.
    this.emitMessage(frame.data ?? null, msgType, request, () => { claimed = true; });
    const answerNull = (): void => {
      this.write(clientResponseFrame(this.options, this.token, id, null)).catch((error: unknown) => this.log.warn(`client-response not sent: ${messageOf(error)}`));
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

  private onSessionReply(frame: ZatoFrame): void {
    this.sessionRequestId = undefined;
    const status = frame.meta.status;
    const token = isRecord(frame.data) && typeof frame.data.token === 'string' ? frame.data.token : undefined;
    if (status === 200 && token) {
      this.token = token;
      this.becomeReady();
      return;
    }
    const text = metaString(frame.meta, 'error_message') ?? (typeof frame.data === 'string' ? frame.data : `create-session answered status ${String(status)}`);
    this.onAuthFailed(text);
  }

  private onAuthFailed(text: string): void {
    if (this.sessionTimer) clearTimeout(this.sessionTimer);
    this.sessionTimer = undefined;
    this.attemptAuthFailed = true;
    this.authFailureText = text;
    if (!this.authFailureReported) this.log.error(`${this.options.url}: authentication failed: ${clip(text)}`);
    this.setState('auth-failed', text);
    // The channel drops the socket itself; make sure it goes even if it does not.
    this.ws?.terminate();
  }

  private emitMessage(data: unknown, type: string, request?: ServerRequest, claim: () => void = () => {}): void {
    const event: ClientMessageEvent = { data, type, claim };
    if (request) event.request = request;
    try {
      this.emit('message', event);
    } catch (error) {
      this.log.error(`MESSAGE listener failed: ${messageOf(error)}`);
    }
  }

  private onSocketClosed(code: number, reason: string): void {
    this.ws = undefined;
    this.socket = undefined;
    const wasReady = this.ready;
    this.ready = false;
    this.stopTimers();
    this.sessionRequestId = undefined;
    const closed = this.localClose ?? { code, reason: reason || (this.peerRefusal === undefined ? '' : `refused by the server: ${this.peerRefusal}`) };
    this.pending.rejectAll(new ConnectionLostError(closed.code, closed.reason));
    this.claimed.clear();
    if (this.stopped) return;
    if (wasReady && Date.now() - this.readyAt >= this.options.reconnectResetMs) this.backoff.reset();

    if (this.attemptAuthFailed) {
      // A configuration error: one CLOSE for the whole run of failures, and retries at the slowest pace.
      if (!this.authFailureReported) {
        this.authFailureReported = true;
        this.emitClose({ code: closed.code, reason: this.authFailureText || closed.reason });
      }
      this.scheduleReconnect(this.backoff.atCap(), 'auth-failed', this.authFailureText);
      return;
    }
    if (wasReady) {
      this.log.warn(`${this.options.url}: closed ${closed.code}${closed.reason ? ` (${closed.reason})` : ''}${this.options.autoReconnect ? ', reconnecting' : ''}`);
      this.emitClose(closed);
    }
    if (wasReady && !this.options.autoReconnect) {
      this.gate.failAll(new NotConnectedError(this.options.url, 0));
      this.setState('disconnected', `closed ${closed.code}`);
      return;
    }
    this.scheduleReconnect(this.backoff.next(), 'disconnected', `closed ${closed.code}${closed.reason ? ` ${closed.reason}` : ''}`);
  }

  private emitClose(event: ClientCloseEvent): void {
    try {
      this.emit('close', event);
    } catch (error) {
      this.log.error(`CLOSE listener failed: ${messageOf(error)}`);
    }
  }

  private scheduleReconnect(delayMs: number, state: ClientState, detail: string): void {
    this.setState(state, detail);
    this.reconnectTimer = setTimeout(() => this.connect(), delayMs);
  }

  private stopTimers(): void {
    if (this.sessionTimer) clearTimeout(this.sessionTimer);
    this.sessionTimer = undefined;
    this.heartbeat.stop();
  }

  private setState(state: ClientState, detail: string): void {
    if (state === this.currentState && state !== 'auth-failed') return;
    this.currentState = state;
    // Only arrivals are news in the log; failures were logged (once) where they happened.
    if (state === 'connected') this.log.info(`${this.options.url}: connected`);
    this.emit('state', state, detail);
  }

  /** Resolves when frames can be sent; waits for a (re)connection up to the response timeout. */
  private waitReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    if (this.stopped) return Promise.reject(new ClientClosedError());
    // Down for good (auto-reconnect off, or an unusable URL): waiting cannot help.
    if (this.currentState === 'disconnected' && !this.reconnectTimer && this.started && !this.ws) {
      return Promise.reject(new NotConnectedError(this.options.url, 0));
    }
    const waitMs = this.options.responseTimeoutMs;
    return this.gate.wait(waitMs, () => new NotConnectedError(this.options.url, waitMs));
  }

  /** Writes one frame; resolves once ws has handed it to the socket, rejects when it could not. */
  private write(frame: string | Buffer): Promise<void> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new NotConnectedError(this.options.url, 0));
    // Frames written in the same turn (invocations started by a burst of replies) leave in one write.
    if (this.socket) corkUntilTurnEnds(this.socket);
    return new Promise<void>((resolve, reject) => {
      ws.send(frame, (error) => (error ? reject(error) : resolve()));
    });
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
