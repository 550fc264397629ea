import { EventEmitter } from 'node:events';
import http = require('node:http');
import https = require('node:https');
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket = require('ws');
import {
  authenticate, CloseCode, frameMessage,
  type AuthPolicy, type Dialect, type DialectError, type DialectMessage, type DialectSession, type OutgoingFrame, type ReplyContext, type SessionInfo,
} from '../dialects/contract';
import type { TagSpace } from '../tags';
import { defaultLimits, type EndpointLimits, type EndpointLogger, type EndpointOptions, type EndpointSettings, type VerifyClient, type VerifyClientInfo } from './endpoint-options';
import { HookBus, type HookDelivery } from './hooks';
import { passesHttpNodeAuth } from './http-node-auth';
import { ClientSession } from './session';
import { normalisePath, routeUpgrades } from './upgrade-router';
import { messageOf } from '../util/errors';
import { clip, LogLimiter } from '../util/log-limit';
import { toBuffer } from '../util/ws-data';

const silentLog: EndpointLogger = { info() {}, warn() {}, error() {} };

/**
 * Longest line a dialect may log. Dialects cut client text themselves (`clip`); this is the safety net
 * for a line that carries it by accident.
 */
const LOG_LINE_LIMIT = 1000;

interface EndpointEvents {
  clients: [count: number];
}

type Verdict = { accept: true; user?: string } | { accept: false; status: number };

/**
 * One WebSocket endpoint: where clients connect (a path of an existing HTTP server or its own port),
 * who may connect, the limits that protect the process, and the dialect that speaks to the clients.
 * Flows reach in through `hooks` (ws-gateway-in) and `reply` / `broadcast` (ws-gateway-out).
 * The endpoint knows no dialect by name: the caller hands it a DialectFactory and the sources of
 * type `Sources` that factory reads (options.dialect, options.sources).
 */
export class GatewayEndpoint<Sources extends object = object> extends EventEmitter<EndpointEvents> {
  readonly hooks = new HookBus();
  readonly limits: EndpointLimits;
  private readonly dialect: Dialect;
  private readonly sessions = new Map<string, ClientSession>();
  private readonly handshakes = new Set<Duplex>();
  private readonly users = new WeakMap<object, string | undefined>();
  private readonly closeNotes = new WeakMap<ClientSession, string>();
  /** Sessions flows heard a CONNECT of. */
  private readonly announced = new WeakSet<ClientSession>();
  private readonly wss: WebSocket.Server;
  private readonly log: EndpointLogger;
  /** Events about one client (refused frames, busy, socket errors): rate-limited per client and reason. */
  private readonly clientLog: LogLimiter;
  private readonly auth: AuthPolicy;
  private ownServer: http.Server | undefined;
  private unroute: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private nextSessionNumber = 1;
  private closing = false;

  /**
   * The options but the dialect and its sources: only the constructor reads those, so the type of a
   * built endpoint does not depend on what its dialect was given.
   */
  private readonly options: EndpointSettings;

  constructor({ dialect: factory, sources, ...options }: EndpointOptions<Sources>, tags: TagSpace) {
    super();
    this.options = options;
    this.limits = resolveLimits(options.limits);
    this.log = options.log ?? silentLog;
    this.clientLog = new LogLimiter(this.log);
    this.auth = options.auth ?? { kind: 'none' };
    const { maxJsonDepth, patterns, maxAliasLength } = this.limits;
    this.dialect = factory({
      tags,
      sources: sources ?? {},
      auth: this.auth,
      log: {
        warn: (text) => this.log.warn(clip(text, LOG_LINE_LIMIT)),
        error: (text) => this.log.error(clip(text, LOG_LINE_LIMIT)),
        warnAbout: (session, reason, text) => this.warnAbout(session, reason, text),
      },
      broadcast: (frame, key) => this.broadcastFrame(frameMessage(frame), key),
      options: options.dialectOptions ?? {},
      limits: Object.freeze({ maxJsonDepth, patterns, maxAliasLength }),
      connected: (session) => this.announce(session),
    });
    // A dialect whose clients inflate frames (Zato's \uXXXX escapes) brings its own default frame limit.
    if (options.limits?.maxFrameBytes === undefined && this.dialect.defaultMaxFrameBytes !== undefined) {
      this.limits = { ...this.limits, maxFrameBytes: this.dialect.defaultMaxFrameBytes };
    }
    const accepted = new Set([...this.dialect.subprotocols, ...(options.subprotocols ?? [])]);
    this.wss = new WebSocket.Server({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: this.limits.maxFrameBytes,
      handleProtocols: (offered: Set<string>) => [...offered].find((protocol) => accepted.has(protocol)) ?? false,
    });
  }

  /** Starts accepting clients; rejects when the port or path cannot be had. */
  async start(): Promise<void> {
    const listen = this.options.listen;
    if (listen.kind === 'path') {
      this.unroute = routeUpgrades(listen.server, listen.path, this.onUpgrade);
    } else {
      const server = listen.tls
        ? https.createServer({ cert: listen.tls.cert, key: listen.tls.key, passphrase: listen.tls.passphrase })
        : http.createServer();
      server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
        const upgradeRequired = (): void => {
          response.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket', Connection: 'close' });
          response.end('this endpoint speaks WebSocket only\n');
        };
        // A dialect with its own HTTP API (EVOK's REST) serves it on the same port; the rest stays 426.
        const httpRequest = this.dialect.httpRequest;
        if (!httpRequest) return upgradeRequired();
        try {
          httpRequest.call(this.dialect, request, response, upgradeRequired);
        } catch (error) {
          this.log.error(`endpoint ${this.describe()}: HTTP ${request.method ?? '?'} ${request.url ?? '?'}: ${messageOf(error)}`);
          if (!response.headersSent) response.writeHead(500);
          response.end();
        }
      });
      server.on('upgrade', this.onUpgrade);
      this.ownServer = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(listen.port, listen.host, () => {
          server.off('error', reject);
          server.on('error', (error) => this.log.error(`endpoint ${this.describe()}: ${error.message}`));
          resolve();
        });
      });
    }
    if (this.limits.pingIntervalMs > 0) {
      this.heartbeat = setInterval(() => this.checkHeartbeats(), this.limits.pingIntervalMs);
      this.heartbeat.unref();
    }
  }

  /** The port actually bound (own-port endpoints; useful with port 0). */
  get port(): number | undefined {
    const address = this.ownServer?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : undefined;
  }

  describe(): string {
    const listen = this.options.listen;
    return listen.kind === 'path' ? normalisePath(listen.path) : `${listen.host}:${this.port ?? listen.port}`;
  }

  get clientCount(): number {
    return this.sessions.size;
  }

  session(id: string): ClientSession | undefined {
    return this.sessions.get(id);
  }

  /**
   * Sends what a flow replies to one client; `context` names the request answered, for dialects that
   * correlate replies. Throws when the session is gone, or is closed because this reply would pass its
   * outbound hard cap, or when the payload cannot be encoded.
   */
  reply(sessionId: string, payload: unknown, context?: ReplyContext): void {
    const session = this.sessions.get(sessionId);
    if (!session || !session.isOpen) throw new SessionClosedError(sessionId);
    const dialect = this.dialect;
    if (!session.send(dialect.encodeReply && context ? dialect.encodeReply(payload, context) : dialect.encodeOutgoing(payload))) throw new SessionClosedError(sessionId);
  }

  /** Sends what a flow broadcasts to every client: encoded once, framed once. Returns the number of clients. */
  broadcast(payload: unknown, conflationKey?: string): number {
    return this.broadcastFrame(frameMessage(this.dialect.encodeOutgoing(payload)), conflationKey);
  }

  private broadcastFrame(frame: Buffer, conflationKey?: string): number {
    let count = 0;
    for (const session of this.sessions.values()) if (session.sendFrame(frame, conflationKey)) count++;
    return count;
  }

  /** Closes every client (1001), releases the port or path, and stops every timer. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.unroute?.();
    for (const socket of this.handshakes) socket.destroy();
    this.handshakes.clear();
    const closed = [...this.sessions.values()].map((session) => new Promise<void>((resolve) => {
      if (session.socket.readyState === WebSocket.CLOSED) return resolve();
      session.socket.once('close', () => resolve());
      session.close(CloseCode.goingAway, 'server shutting down');
    }));
    // The grace timer of each session cuts off clients that do not answer the close frame.
    await Promise.all(closed);
    await this.dialect.dispose?.();
    this.wss.close();
    const server = this.ownServer;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  }

  private readonly onUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.handshakes.add(socket);
    socket.once('close', () => this.handshakes.delete(socket));
    // A socket error during the handshake must not become an uncaught exception.
    const onHandshakeError = (): void => { socket.destroy(); };
    socket.on('error', onHandshakeError);
    this.verify(request).then((verdict) => {
      if (!this.handshakes.has(socket)) return;
      if (!verdict.accept) {
        refuseUpgrade(socket, verdict.status);
        return;
      }
      this.users.set(request, verdict.user);
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        this.handshakes.delete(socket);
        socket.off('error', onHandshakeError);
        this.accept(ws, request, socket);
      });
    }).catch((error: unknown) => {
      this.log.error(`endpoint ${this.describe()}: upgrade check failed: ${messageOf(error)}`);
      refuseUpgrade(socket, 500);
    });
  };

  private async verify(request: http.IncomingMessage): Promise<Verdict> {
    const origins = this.options.origins ?? [];
    const origin = request.headers.origin;
    // Origin checks keep other sites' browser pages out; browsers always send Origin on a WebSocket
    // upgrade, and a client without it is no browser (it could send any Origin it liked), so it passes on.
    if (origins.length > 0 && origin !== undefined && !origins.includes(origin)) return { accept: false, status: 403 };
    if (this.sessions.size + this.handshakes.size > this.limits.maxClients) return { accept: false, status: 503 };
    if (this.options.verifyClient && !(await runVerifyClient(this.options.verifyClient, request))) return { accept: false, status: 401 };
    if (this.options.httpNodeAuth && !(await passesHttpNodeAuth(request, this.options.httpNodeAuth))) return { accept: false, status: 401 };
    if (this.dialect.authenticatesItself) return { accept: true };
    const result = authenticate(request, this.auth);
    return result.ok ? { accept: true, user: result.user } : { accept: false, status: 401 };
  }

  private accept(ws: WebSocket, request: http.IncomingMessage, rawSocket: Duplex): void {
    const info: SessionInfo = {
      id: `${this.options.id}:${this.nextSessionNumber++}`,
      server: this.options.id,
      remote: `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`,
      protocol: ws.protocol,
    };
    const upgrade = { url: request.url ?? '/', headers: request.headers };
    const user = this.users.get(request);
    if (user !== undefined) info.user = user;
    const session = new ClientSession(ws, rawSocket, info, upgrade, {
      budgetBytes: this.limits.outboundBudgetBytes,
      hardCapBytes: this.limits.outboundHardCapBytes,
      overBudgetCloseMs: this.limits.overBudgetCloseMs,
    }, this.limits, this.limits.closeGraceMs);
    this.sessions.set(session.id, session);
    this.emit('clients', this.sessions.size);

    ws.on('pong', () => {
      session.awaitingPong = false;
      if (this.dialect.pong) this.safely(session, () => this.dialect.pong?.(session));
    });
    ws.on('error', (error) => {
      // 1009 (frame too big) and protocol errors arrive here; ws closes the socket itself.
      this.closeNotes.set(session, error.message);
      // ws answers a protocol error with a close frame but stops reading, so it reports 1006 later.
      session.closeSent ??= { code: closeCodeOfProtocolError(error), reason: error.message };
      this.warnAbout(session, 'socket', clip(error.message));
      this.hooks.dispatch({ hook: 'ERROR', session: session.info, payload: { code: 'socket', message: error.message } });
    });
    ws.on('message', (data, isBinary) => this.onMessage(session, toBuffer(data), isBinary));
    ws.once('close', (receivedCode, reasonBuffer) => {
      this.sessions.delete(session.id);
      // A peer that never answered our close frame shows up as 1006; report the close we sent instead.
      const sent = receivedCode === 1006 ? session.closeSent : undefined;
      const code = sent?.code ?? receivedCode;
      const reason = (sent?.reason ?? reasonBuffer.toString('utf8')) || this.closeNotes.get(session) || '';
      this.safely(session, () => this.dialect.close?.(session, code, reason));
      this.clientLog.release(this.clientLabel(session));
      if (this.announced.has(session) || this.dialect.connectsInProtocol) this.hooks.dispatch({ hook: 'CLOSE', session: session.info, payload: { code, reason } });
      this.emit('clients', this.sessions.size);
    });

    // The dialect opens first: one that authenticates itself may name the user or refuse the client,
    // and flows hear only of clients that were let in.
    this.safely(session, () => this.dialect.open?.(session));
    if (!this.dialect.connectsInProtocol) this.announce(session);
  }

  /** CONNECT to flows, once per session, and only while the client is still there and not being refused. */
  private announce(client: DialectSession): void {
    // The dialect names the client by the contract's view of it; only this endpoint's own sessions count.
    const session = this.sessions.get(client.id);
    if (session === undefined || session !== client) return;
    if (this.announced.has(session) || session.closeSent !== undefined || !session.isOpen) return;
    this.announced.add(session);
    this.hooks.dispatch({ hook: 'CONNECT', session: session.info, payload: {} });
  }

  private onMessage(session: ClientSession, data: Buffer, isBinary: boolean): void {
    // Once the server has sent its close frame it answers nothing more (RFC 6455 section 5.5.1).
    if (!session.isOpen) return;
    let decoded;
    try {
      decoded = this.dialect.decode(data, isBinary, session);
    } catch (error) {
      decoded = { ok: false as const, error: { code: 'internal' as const, message: messageOf(error) } };
    }
    if (!decoded.ok) {
      this.refuse(session, decoded.error);
      return;
    }
    for (const message of decoded.messages) this.dispatchMessage(session, message);
  }

  private dispatchMessage(session: ClientSession, message: DialectMessage): void {
    const delivery: HookDelivery = { hook: 'MESSAGE', session: session.info, payload: message.payload, message };
    const handledByFlow = this.hooks.dispatch(delivery);
    const handle = this.dialect.handle;
    if (handledByFlow || !handle) return;
    // Requests run in arrival order: a queued one starts when an earlier one finishes, so dialects that
    // answer in request order (WinCC OA) keep that order. A request read before the connection closed
    // still runs (a set followed at once by the client's close frame must still set); only its answer
    // is not sent.
    const accepted = session.requests.offer(() => Promise.resolve()
      .then(() => handle.call(this.dialect, session, message))
      .catch((error: unknown) => this.refuse(session, { code: 'internal', message: messageOf(error) }, message)));
    if (!accepted) {
      const { maxInFlight, maxQueued } = this.limits;
      this.refuse(session, { code: 'busy', message: `too many requests (${maxInFlight} in flight and ${maxQueued} queued)` }, message);
    }
  }

  /** Tells the client (in its protocol), the log and the ERROR hooks that a request was refused. */
  private refuse(session: ClientSession, error: DialectError, request?: DialectMessage): void {
    this.warnAbout(session, error.code, `${error.code}: ${clip(error.message)}`);
    this.hooks.dispatch({ hook: 'ERROR', session: session.info, payload: { code: error.code, message: error.message }, message: request });
    let answer: OutgoingFrame | undefined;
    try {
      answer = this.dialect.encodeError(error, request);
    } catch (encodeError) {
      const label = this.clientLabel(session);
      this.clientLog.note('error', label, 'encode-error', `${label}: dialect ${this.dialect.name} could not encode an error: ${clip(messageOf(encodeError))}`);
    }
    if (answer !== undefined) session.send(answer);
    if (error.close) session.close(error.close.code, error.close.reason);
  }

  private checkHeartbeats(): void {
    for (const session of this.sessions.values()) {
      // A client the server does not read cannot have its pong read either: the over-budget timer or the
      // requests it waits for decide its fate, and the heartbeat starts afresh once reading resumes.
      if (session.readingPaused) {
        session.awaitingPong = false;
        continue;
      }
      if (session.awaitingPong) {
        this.closeNotes.set(session, 'heartbeat timeout: no pong');
        this.warnAbout(session, 'heartbeat', 'no pong, closing');
        session.terminate();
        continue;
      }
      session.awaitingPong = true;
      session.socket.ping(this.dialect.pingPayload?.(session));
    }
  }

  private safely(session: ClientSession, action: () => void): void {
    try {
      action();
    } catch (error) {
      const label = this.clientLabel(session);
      this.clientLog.note('error', label, 'dialect-error', `${label}: dialect ${this.dialect.name} failed: ${clip(messageOf(error))}`);
    }
  }

  private clientLabel(session: DialectSession): string {
    return `client ${session.info.remote} on ${this.describe()}`;
  }

  /** Logs an event about one client; `text` must already have its client-controlled parts clipped. */
  private warnAbout(session: DialectSession, reason: string, text: string): void {
    const label = this.clientLabel(session);
    this.clientLog.note('warn', label, reason, `${label}: ${clip(text, LOG_LINE_LIMIT)}`);
  }
}

export class SessionClosedError extends Error {
  constructor(readonly sessionId: string) {
    super(`session ${sessionId} has closed`);
    this.name = 'SessionClosedError';
  }
}

/** The limits given, over the defaults; the hard cap follows the budget unless it is given too. */
function resolveLimits(given: Partial<EndpointLimits> | undefined): EndpointLimits {
  const limits = { ...defaultLimits, ...given };
  if (given?.outboundHardCapBytes === undefined) limits.outboundHardCapBytes = 4 * limits.outboundBudgetBytes;
  limits.outboundHardCapBytes = Math.max(limits.outboundHardCapBytes, limits.outboundBudgetBytes);
  return limits;
}

/** Answers a refused upgrade with the status alone: no reason, so nothing about the check leaks. */
function refuseUpgrade(socket: Duplex, status: number): void {
  if (socket.destroyed) return;
  const text = http.STATUS_CODES[status] ?? 'Error';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}

async function runVerifyClient(verify: VerifyClient, request: http.IncomingMessage): Promise<boolean> {
  const info: VerifyClientInfo = { origin: request.headers.origin ?? '', secure: Boolean((request.socket as { encrypted?: boolean }).encrypted), req: request };
  if (verify.length >= 2) return new Promise<boolean>((resolve) => { verify(info, (result) => resolve(Boolean(result))); });
  return Boolean(verify(info));
}

/** The close code ws sends for its protocol errors (it does not expose it on the error). */
function closeCodeOfProtocolError(error: Error): number {
  switch ((error as { code?: string }).code) {
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH': return CloseCode.messageTooBig;
    case 'WS_ERR_INVALID_UTF8': return 1007;
    default: return 1002;
  }
}
