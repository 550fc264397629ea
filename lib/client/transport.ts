import type { Writable } from 'node:stream';
import WebSocket = require('ws');
import { Backoff } from './backoff';
import { ClientClosedError, NotConnectedError } from './client-errors';
import { ClientCloseCode, type ClientLogger, type GatewayClientOptions } from './client-options';
import type { ClientCloseEvent, ClientProtocol, ProtocolLink } from './client-protocol';
import { Heartbeat } from './heartbeat';
import { ReadyGate } from './ready-gate';
import { canMove, clientStateOf, type ClientState, type TransportState } from './transport-state';
import { messageOf } from '../util/errors';
import { clip } from '../util/log-limit';
import { toBuffer } from '../util/ws-data';
import { corkUntilTurnEnds } from '../util/turn-flusher';

/** What the transport tells its owner. */
export interface TransportObserver {
  /** Every move of the state machine, with why (a URL, a close code, a refusal). */
  moved(state: TransportState, detail: string): void;
  /** What nodes show changed (`clientStateOf`); called after `moved`, only when it differs from the last. */
  status(status: ClientState, detail: string): void;
  /** The link became ready: the CONNECT hook. */
  connect(): void;
  /** An established link closed, or the first of a run of refused logins: the CLOSE hook. `close()` emits none. */
  close(event: ClientCloseEvent): void;
}

/** The transport's options: the client's, minus what only a protocol reads. */
export type TransportOptions = Pick<GatewayClientOptions,
  'url' | 'autoReconnect' | 'headers' | 'subprotocol' | 'tls' | 'pingIntervalMs' | 'pingsMissedThreshold'
  | 'responseTimeoutMs' | 'sessionTimeoutMs' | 'reconnectFirstMs' | 'reconnectMaxMs' | 'reconnectResetMs'>;

/** One socket and what happened to it; a new attempt gets a new one, so nothing leaks from the last. */
interface Attempt {
  readonly ws: WebSocket;
  /** Set when we, not the peer, ended it (missed pongs, session timeout): reported instead of the socket's code. */
  localClose?: ClientCloseEvent;
  /** Set when the peer refused our credentials on it. */
  refusal?: string;
  /** The TCP (or TLS) socket under `ws`, from its upgrade: corked while frames are written in one turn. */
  socket?: Writable;
}

/**
 * The outgoing WebSocket, whatever is spoken over it: connects, reconnects with back-off, keeps itself
 * alive (pings with a real missed-pong limit), holds callers until the link is ready, writes frames and
 * closes. Its life is the state machine of transport-state.ts; every move goes through `moveTo`.
 * What frames mean is the protocol's (plain-protocol.ts, zato-protocol.ts).
 */
export class ClientTransport implements ProtocolLink {
  private current: TransportState = 'idle';
  private attempt: Attempt | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** The refusal text while a run of refused logins lasts (its CLOSE was emitted); cleared by a success. */
  private refusedRun: string | undefined;
  private openedAt = 0;
  /** The last connection failure logged, so that retries failing the same way stay quiet. */
  private lastProblem: string | undefined;
  private status: ClientState = 'disconnected';
  private readonly gate = new ReadyGate();
  private readonly heartbeat: Heartbeat;
  private readonly backoff: Backoff;
  /** What the socket speaks; made by the factory given to the constructor, with this transport as its link. */
  readonly protocol: ClientProtocol;

  constructor(
    private readonly options: TransportOptions,
    private readonly log: ClientLogger,
    private readonly observer: TransportObserver,
    protocolFor: (link: ProtocolLink) => ClientProtocol,
    backoff?: Backoff,
  ) {
    this.backoff = backoff ?? new Backoff({ firstMs: options.reconnectFirstMs, maxMs: options.reconnectMaxMs, jitter: 0.2 });
    this.heartbeat = new Heartbeat(options.pingIntervalMs, options.pingsMissedThreshold, () => {
      const ws = this.attempt?.ws;
      if (ws?.readyState === WebSocket.OPEN) ws.ping('{}');
    }, (missed) => {
      this.log.warn(`${options.url}: ${missed} pings missed, closing`);
      this.end(ClientCloseCode.pingsMissed, 'Pings missed');
    });
    this.protocol = protocolFor(this);
  }

  get url(): string {
    return this.options.url;
  }

  get state(): TransportState {
    return this.current;
  }

  /** What nodes show: see `clientStateOf`. */
  get clientState(): ClientState {
    return this.status;
  }

  get isReady(): boolean {
    return this.current === 'open';
  }

  /** Starts the first attempt; does nothing once started or closed. */
  start(): void {
    if (this.current === 'idle') this.connect();
  }

  /** Stops for good (node closed or redeployed): no CLOSE event, no reconnect, waiting calls fail at once. */
  async close(): Promise<void> {
    if (this.current === 'closing' || this.current === 'closed') return;
    const ws = this.attempt?.ws;
    this.attempt = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.heartbeat.stop();
    this.gate.failAll(new ClientClosedError());
    this.protocol.stop(new ClientClosedError());
    if (this.current === 'idle' || this.current === 'waiting-to-retry' || this.current === 'down') {
      this.moveTo('closed', '');
      return;
    }
    this.moveTo('closing', '');
    if (ws && ws.readyState !== WebSocket.CLOSED) await closeSocket(ws);
    this.moveTo('closed', '');
  }

  whenReady(): Promise<void> {
    switch (this.current) {
      case 'open':
        return Promise.resolve();
      case 'closing':
      case 'closed':
        return Promise.reject(new ClientClosedError());
      case 'down':
        // Gone for good (auto-reconnect off, or an unusable URL): waiting cannot help.
        return Promise.reject(new NotConnectedError(this.options.url, 0));
      default: {
        const waitMs = this.options.responseTimeoutMs;
        return this.gate.wait(waitMs, () => new NotConnectedError(this.options.url, waitMs));
      }
    }
  }

  write(frame: string | Buffer): Promise<void> {
    const ws = this.attempt?.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new NotConnectedError(this.options.url, 0));
    // Frames written in the same turn (invocations started by a burst of replies) leave in one write.
    const socket = this.attempt?.socket;
    if (socket) corkUntilTurnEnds(socket);
    return new Promise<void>((resolve, reject) => {
      ws.send(frame, (error) => (error ? reject(error) : resolve()));
    });
  }

  handshakeDone(): void {
    if (this.current !== 'handshaking') return;
    this.openedAt = Date.now();
    this.lastProblem = undefined;
    this.refusedRun = undefined;
    this.moveTo('open', this.options.url);
    // A listener may close the client from within any event: check after each one.
    if (!this.still('open')) return;
    this.gate.open();
    this.heartbeat.start();
    this.observer.connect();
    if (this.still('open')) this.protocol.ready();
  }

  refused(text: string): void {
    const attempt = this.attempt;
    if (!attempt) return;
    if (this.refusedRun === undefined && attempt.refusal === undefined) this.log.error(`${this.options.url}: authentication failed: ${clip(text)}`);
    attempt.refusal = text;
    this.publish(text);
    // The peer drops the socket itself; make sure it goes even if it does not.
    attempt.ws.terminate();
  }

  end(code: number, reason: string): void {
    const attempt = this.attempt;
    if (!attempt) return;
    attempt.localClose = { code, reason };
    attempt.ws.terminate();
  }

  /** idle or waiting-to-retry → connecting, then handshaking once the socket opens (or down). */
  private connect(): void {
    this.retryTimer = undefined;
    this.moveTo('connecting', this.options.url);
    if (!this.still('connecting')) return;
    const options = this.options;
    let ws: WebSocket;
    try {
      ws = new WebSocket(options.url, options.subprotocol ? [options.subprotocol] : [], {
        headers: { ...options.headers, ...this.protocol.upgradeHeaders() },
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
      this.log.error(`${options.url}: ${messageOf(error)}`);
      this.moveTo('down', messageOf(error));
      return;
    }
    const attempt: Attempt = { ws };
    this.attempt = attempt;
    ws.once('upgrade', (response) => { attempt.socket = response.socket; });
    ws.on('open', () => {
      if (attempt !== this.attempt) return;
      this.moveTo('handshaking', options.url);
      if (this.still('handshaking')) this.protocol.opened();
    });
    ws.on('message', (data, isBinary) => { if (attempt === this.attempt) this.protocol.frame(toBuffer(data), isBinary); });
    ws.on('pong', () => { if (attempt === this.attempt) this.heartbeat.pong(); });
    ws.on('error', (error) => {
      // ws reports the close right after; the error only explains it. A retry that fails the same way
      // as the last one is not logged again (a down server must not fill the log every few seconds).
      if (attempt !== this.attempt || error.message === this.lastProblem) return;
      this.lastProblem = error.message;
      this.log.warn(`${options.url}: ${error.message}`);
    });
    ws.once('close', (code, reason) => { if (attempt === this.attempt) this.socketClosed(attempt, code, reason.toString('utf8')); });
  }

  /**
   * connecting, handshaking or open → waiting-to-retry or down, then the CLOSE hook where one is due
   * (after the move, so that a listener closing the client finds a state it can close from).
   */
  private socketClosed(attempt: Attempt, code: number, reason: string): void {
    this.attempt = undefined;
    const wasOpen = this.current === 'open';
    this.heartbeat.stop();
    const closed = this.protocol.socketClosed(attempt.localClose ?? { code, reason });
    if (wasOpen && Date.now() - this.openedAt >= this.options.reconnectResetMs) this.backoff.reset();

    let hook: ClientCloseEvent | undefined;
    if (attempt.refusal !== undefined) {
      // A configuration error: one CLOSE for the whole run of refusals, and retries at the slowest pace.
      if (this.refusedRun === undefined) hook = { code: closed.code, reason: attempt.refusal || closed.reason };
      this.refusedRun = attempt.refusal;
      this.retryAfter(this.backoff.atCap(), attempt.refusal);
    } else if (!wasOpen) {
      this.retryAfter(this.backoff.next(), `closed ${closed.code}${closed.reason ? ` ${closed.reason}` : ''}`);
    } else {
      this.log.warn(`${this.options.url}: closed ${closed.code}${closed.reason ? ` (${closed.reason})` : ''}${this.options.autoReconnect ? ', reconnecting' : ''}`);
      hook = closed;
      if (this.options.autoReconnect) this.retryAfter(this.backoff.next(), `closed ${closed.code}${closed.reason ? ` ${closed.reason}` : ''}`);
      else this.moveTo('down', `closed ${closed.code}`);
    }
    if (hook && !this.still('closed')) this.observer.close(hook);
  }

  private retryAfter(delayMs: number, detail: string): void {
    // Armed before the move, so that a listener that closes the client on it cancels the retry.
    this.retryTimer = setTimeout(() => this.connect(), delayMs);
    this.moveTo('waiting-to-retry', detail);
  }

  /** Whether the state is still `state` after an event whose listener may have closed the client. */
  private still(state: TransportState): boolean {
    return this.current === state;
  }

  /**
   * The one place the state changes. A move outside the table is a bug in this file; it is logged, not
   * thrown, because it would be thrown inside a socket event handler and take the whole runtime down.
   */
  private moveTo(next: TransportState, detail: string): void {
    if (!canMove(this.current, next)) this.log.error(`${this.options.url}: unexpected client state change ${this.current} → ${next} (please report)`);
    this.current = next;
    this.observer.moved(next, detail);
    // Callers waiting for a link that will not come back fail now rather than at their timeout.
    if (next === 'down') this.gate.failAll(new NotConnectedError(this.options.url, 0));
    this.publish(detail);
  }

  /** Tells the observer what nodes show, when that changed. */
  private publish(detail: string): void {
    const status = clientStateOf(this.current, this.refusedRun !== undefined || this.attempt?.refusal !== undefined);
    if (status === this.status) return;
    this.status = status;
    // Only arrivals are news in the log; failures were logged (once) where they happened.
    if (status === 'connected') this.log.info(`${this.options.url}: connected`);
    this.observer.status(status, detail);
  }
}

/** Closes politely, and hard after a second's grace (or at once while the handshake is still going). */
function closeSocket(ws: WebSocket): Promise<void> {
  return new Promise<void>((resolve) => {
    const grace = setTimeout(() => ws.terminate(), 1000);
    ws.once('close', () => {
      clearTimeout(grace);
      resolve();
    });
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else ws.close(1000, 'closing');
  });
}
