import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import WebSocket = require('ws');

/**
 * A stand-in for a Zato WebSocket channel with `helpers.web-sockets-gateway` mounted, written from the
 * protocol's description (docs/protocols/zato.md) with plain `ws` and nothing of our own code, so that the
 * client is tested against an independent reading of the protocol:
 *  - create-session checks the user list, answers zwsx.rspa with a token, or zwsx.merr and drops the
 *    socket without a close frame (the client sees 1006);
 *  - anything before the session, or with a wrong token: zwsx.merr and drop;
 *  - invoke-service runs `data.service` with `data.request`: zwsx.rspok, or zwsx.rsperr with a status;
 *  - frames without meta.id / meta.timestamp, or not JSON: ignored, connection kept;
 *  - server-initiated requests (zwsx.rqc) awaited for a client-response, pub/sub deliveries (zwsx.psrq),
 *    pings whose payload is a small JSON document, closes with any code, abrupt drops.
 */

export class PeerServiceError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export type PeerService = (request: unknown, peer: ZatoPeer) => unknown;

export interface PeerOptions {
  /** user -> secret; undefined: create-session needs no credentials. */
  users?: Record<string, string>;
  /** Answer create-session at all (false: the client's session timeout is tested). */
  answerSessions?: boolean;
  /** False: the peer never pongs, like a half-open link. */
  autoPong?: boolean;
}

interface PeerFrame {
  meta: Record<string, unknown>;
  data?: unknown;
}

interface Connection {
  ws: WebSocket;
  token?: string;
  headers: Record<string, string | string[] | undefined>;
  protocol: string;
}

interface Waiter {
  predicate(frame: PeerFrame): boolean;
  resolve(frame: PeerFrame): void;
}

export class ZatoPeer {
  readonly services = new Map<string, PeerService>();
  /** Every JSON frame received, in order, from any connection. */
  readonly frames: PeerFrame[] = [];
  /** Non-JSON text frames received (kept to prove they were ignored, not answered). */
  readonly junk: string[] = [];
  readonly connections: Connection[] = [];
  /** Topics clients subscribed to, in order, one entry per subscription call. */
  readonly subscriptions: string[] = [];
  private readonly waiters = new Set<Waiter>();
  private constructor(private readonly wss: WebSocket.Server, private readonly options: PeerOptions) {
    this.services.set('zato.helpers.echo', (request) => request);
    this.services.set('zato.ping', () => ({ pong: 'zato' }));
    this.services.set('zato.pubsub.subscription.create-wsx-subscription', (request) => {
      const topic = (request as { topic_name?: unknown } | null)?.topic_name;
      if (typeof topic !== 'string') throw new PeerServiceError(400, 'I/O processing error');
      this.subscriptions.push(topic);
      return { sub_key: `zpsk.${randomBytes(4).toString('hex')}` };
    });
    wss.on('connection', (ws, request) => this.accept(ws, request.headers, ws.protocol));
  }

  static async start(options: PeerOptions = {}): Promise<ZatoPeer> {
    const wss = new WebSocket.Server({
      host: '127.0.0.1',
      port: 0,
      autoPong: options.autoPong ?? true,
      handleProtocols: (offered: Set<string>) => [...offered][0] ?? false,
    });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    return new ZatoPeer(wss, options);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/zato/ws`;
  }

  /** Connections still open. */
  get open(): Connection[] {
    return this.connections.filter((connection) => connection.ws.readyState === WebSocket.OPEN);
  }

  /** The next received frame that matches (already received ones count). */
  nextFrame(predicate: (frame: PeerFrame) => boolean, timeoutMs = 3000, from = 0): Promise<PeerFrame> {
    const earlier = this.frames.slice(from).find(predicate);
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`the peer received no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** A server-initiated request (zwsx.rqc) on the newest connection; resolves with the client's response frame. */
  async request(data: unknown, timeoutMs = 5000): Promise<PeerFrame> {
    const id = `zwsx.rqc.${randomBytes(6).toString('hex')}`;
    const connection = this.newest();
    connection.ws.send(JSON.stringify({ meta: { id, timestamp: now(), msg_type: 'zwsx.rqc' }, data }));
    return this.nextFrame((frame) => frame.meta.in_reply_to === id, timeoutMs);
  }

  /** A pub/sub delivery (zwsx.psrq) on the newest connection; returns its id. */
  deliver(data: unknown): string {
    const id = `zpsm.${randomBytes(6).toString('hex')}`;
    this.newest().ws.send(JSON.stringify({ meta: { id, timestamp: now(), msg_type: 'zwsx.psrq' }, data }));
    return id;
  }

  /** Sends raw text to the newest connection (non-JSON frames, frames without meta). */
  sendRaw(text: string): void {
    this.newest().ws.send(text);
  }

  /** Pings with the JSON payload Zato uses and resolves with the pong's payload. */
  ping(): Promise<string> {
    const ws = this.newest().ws;
    const payload = JSON.stringify({ meta: { id: `zwsx.ping.${randomBytes(4).toString('hex')}`, timestamp: now(), msg_type: 'zwsx.rqc' } });
    return new Promise((resolve) => {
      ws.once('pong', (data) => resolve(data.toString('utf8')));
      ws.ping(payload);
    });
  }

  closeNewest(code: number, reason: string): void {
    this.newest().ws.close(code, reason);
  }

  /** Ends the newest connection without a close frame (the client sees 1006). */
  dropNewest(): void {
    this.newest().ws.terminate();
  }

  async stop(): Promise<void> {
    for (const connection of this.connections) connection.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private newest(): Connection {
    const connection = this.open.at(-1);
    if (!connection) throw new Error('no client is connected to the peer');
    return connection;
  }

  private accept(ws: WebSocket, headers: Connection['headers'], protocol: string): void {
    const connection: Connection = { ws, headers, protocol };
    this.connections.push(connection);
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      let frame: PeerFrame;
      try {
        frame = JSON.parse(text) as PeerFrame;
      } catch {
        this.junk.push(text);
        return;
      }
      if (typeof frame !== 'object' || frame === null || typeof frame.meta !== 'object' || frame.meta === null) {
        this.junk.push(text);
        return;
      }
      this.frames.push(frame);
      for (const waiter of [...this.waiters]) {
        if (waiter.predicate(frame)) {
          this.waiters.delete(waiter);
          waiter.resolve(frame);
        }
      }
      void this.answer(connection, frame);
    });
  }

  private async answer(connection: Connection, frame: PeerFrame): Promise<void> {
    const meta = frame.meta;
    // The channel requires id and timestamp; without them the frame is dropped, nothing is answered.
    if (typeof meta.id !== 'string' || typeof meta.timestamp !== 'string') return;
    const action = meta.action;
    if (action === 'create-session') {
      if (this.options.answerSessions === false) return;
      const users = this.options.users;
      const allowed = !users || (typeof meta.username === 'string' && users[meta.username] !== undefined && users[meta.username] === meta.secret);
      if (!allowed) return this.forbid(connection);
      connection.token = `zwsxt.${randomBytes(12).toString('hex')}`;
      this.reply(connection, meta.id, 'zwsx.rspa', 200, { token: connection.token });
      return;
    }
    if (action === 'client-response' || action === undefined) return;
    if (!connection.token || meta.token !== connection.token) return this.forbid(connection);
    if (action !== 'invoke-service') return;
    const data = (frame.data ?? {}) as { service?: unknown; request?: unknown };
    const service = typeof data.service === 'string' ? this.services.get(data.service) : undefined;
    if (!service) {
      this.reply(connection, meta.id, 'zwsx.rsperr', 404, { cid: randomBytes(6).toString('hex') }, `Service not found: ${String(data.service)}`);
      return;
    }
    try {
      const response = await service(data.request, this);
      this.reply(connection, meta.id, 'zwsx.rspok', 200, response);
    } catch (error) {
      const status = error instanceof PeerServiceError ? error.status : 500;
      const text = error instanceof PeerServiceError ? error.message : 'Internal server error';
      this.reply(connection, meta.id, 'zwsx.rsperr', status, { cid: randomBytes(6).toString('hex') }, text);
    }
  }

  private reply(connection: Connection, inReplyTo: string, msgType: string, status: number, data: unknown, errorMessage?: string): void {
    if (connection.ws.readyState !== WebSocket.OPEN) return;
    const meta: Record<string, unknown> = { id: `zwsx.rsp.${randomBytes(6).toString('hex')}`, timestamp: now(), msg_type: msgType, status, in_reply_to: inReplyTo };
    if (errorMessage) meta.error_message = errorMessage;
    const frame: PeerFrame = { meta };
    if (data !== undefined && data !== null) frame.data = data;
    connection.ws.send(JSON.stringify(frame));
  }

  /** Refused: the merr frame, then the socket is cut without a close frame, as the channel does. */
  private forbid(connection: Connection): void {
    const frame = { meta: { id: randomBytes(12).toString('hex'), timestamp: now(), msg_type: 'zwsx.merr', status: 403 }, data: 'Forbidden: not authorized' };
    connection.ws.send(JSON.stringify(frame), () => connection.ws.terminate());
  }
}

function now(): string {
  return new Date().toISOString().replace('Z', '000');
}
