import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it, mock } from 'node:test';
import WebSocket = require('ws');
import { Backoff, ClientClosedError, GatewayClient, NotConnectedError, type ClientCloseEvent, type ClientState, type GatewayClientOptions, type TransportState } from '../../../lib/client';
import { PlainProtocol } from '../../../lib/client/plain-protocol';
import { ClientTransport } from '../../../lib/client/transport';
import { canMove, clientStateOf } from '../../../lib/client/transport-state';
import { ZatoProtocol } from '../../../lib/client/zato-protocol';
import { ZatoPeer } from '../../support/zato-peer';
import { fastOptions } from './client-fixture';

const silent = { info() {}, warn() {}, error() {} };

/** A transport with a record of every move, status, CONNECT and CLOSE, and a way to wait for a move. */
class RecordedTransport {
  readonly moves: TransportState[] = [];
  readonly statuses: ClientState[] = [];
  readonly closes: ClientCloseEvent[] = [];
  connects = 0;
  readonly transport: ClientTransport;
  private readonly waiters: Array<{ state: TransportState; count: number; resolve(): void }> = [];

  constructor(options: GatewayClientOptions, backoff: Backoff) {
    this.transport = new ClientTransport(options, silent, {
      moved: (state) => {
        this.moves.push(state);
        for (const waiter of [...this.waiters]) {
          if (this.count(waiter.state) < waiter.count) continue;
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      },
      status: (status) => this.statuses.push(status),
      connect: () => this.connects++,
      close: (event) => this.closes.push(event),
    }, (link) => (options.mode === 'zato' ? new ZatoProtocol(options, link, silent, () => {}) : new PlainProtocol(options, link, silent, () => {})), backoff);
  }

  count(state: TransportState): number {
    return this.moves.filter((move) => move === state).length;
  }

  /** Resolves once the transport has entered `state` `count` times (socket events are real I/O). */
  reached(state: TransportState, count = 1): Promise<void> {
    if (this.count(state) >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ state, count, resolve }));
  }
}

interface Server {
  wss: WebSocket.Server;
  url: string;
  port: number;
  stop(): Promise<void>;
}

async function listen(options: WebSocket.ServerOptions = {}): Promise<Server> {
  const wss = new WebSocket.Server({ host: '127.0.0.1', port: 0, ...options });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as AddressInfo).port;
  return {
    wss,
    port,
    url: `ws://127.0.0.1:${port}/`,
    async stop() {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Ends the newest socket of the server from its side (an abrupt drop). */
function dropNewest(server: Server): void {
  const sockets = [...server.wss.clients];
  sockets.at(-1)?.terminate();
}

/** Back-off without jitter, so each delay is known: 100, 200, 400, 400, ... */
function exactBackoff(): Backoff {
  return new Backoff({ firstMs: 100, maxMs: 400, jitter: 0 });
}

describe('ws-gateway-client transport, its state machine', { timeout: 10_000 }, () => {
  const transports: RecordedTransport[] = [];
  const servers: Server[] = [];
  const peers: ZatoPeer[] = [];
  function transport(url: string, overrides: Partial<GatewayClientOptions> = {}): RecordedTransport {
    const recorded = new RecordedTransport(fastOptions(url, { mode: 'plain', ...overrides }), exactBackoff());
    transports.push(recorded);
    return recorded;
  }
  async function server(options?: WebSocket.ServerOptions): Promise<Server> {
    const started = await listen(options);
    servers.push(started);
    return started;
  }
  /** A port nothing listens on: every attempt is refused. */
  async function deadUrl(): Promise<string> {
    const probe = await listen();
    await probe.stop();
    return probe.url;
  }
  afterEach(async () => {
    await Promise.all(transports.splice(0).map((recorded) => recorded.transport.close()));
    mock.timers.reset();
    await Promise.all(servers.splice(0).map((started) => started.stop()));
    await Promise.all(peers.splice(0).map((started) => started.stop()));
  });

  it('allows only the documented moves, and shows each state as the status nodes know', () => {
    const states: TransportState[] = ['idle', 'connecting', 'handshaking', 'open', 'waiting-to-retry', 'down', 'closing', 'closed'];
    const allowed = states.flatMap((from) => states.filter((to) => canMove(from, to)).map((to) => `${from}>${to}`));
    assert.deepEqual(allowed, [
      'idle>connecting', 'idle>closed',
      'connecting>handshaking', 'connecting>waiting-to-retry', 'connecting>down', 'connecting>closing',
      'handshaking>open', 'handshaking>waiting-to-retry', 'handshaking>closing',
      'open>waiting-to-retry', 'open>down', 'open>closing',
      'waiting-to-retry>connecting', 'waiting-to-retry>closed',
      'down>closed',
      'closing>closed',
    ]);
    assert.deepEqual(states.map((state) => clientStateOf(state, false)),
      ['disconnected', 'connecting', 'connecting', 'connected', 'disconnected', 'disconnected', 'stopped', 'stopped']);
    // While logins are refused, retrying shows "authentication failed", never "connecting".
    assert.deepEqual(['connecting', 'handshaking', 'waiting-to-retry'].map((state) => clientStateOf(state as TransportState, true)),
      ['auth-failed', 'auth-failed', 'auth-failed']);
  });

  it('walks idle, connecting, handshaking, open on start, and emits CONNECT once open', async () => {
    const live = await server();
    const t = transport(live.url);
    assert.equal(t.transport.state, 'idle');
    assert.equal(t.transport.clientState, 'disconnected');
    t.transport.start();
    await t.reached('open');
    assert.deepEqual(t.moves, ['connecting', 'handshaking', 'open']);
    assert.deepEqual(t.statuses, ['connecting', 'connected']);
    assert.equal(t.connects, 1);
    assert.equal(t.transport.isReady, true);
    t.transport.start();
    assert.deepEqual(t.moves, ['connecting', 'handshaking', 'open'], 'a second start does nothing');
  });

  it('retries a refused first connection after each back-off delay, never before, doubling up to the cap', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    const t = transport(await deadUrl());
    t.transport.start();
    for (const [attempt, delayMs] of [100, 200, 400, 400].entries()) {
      await t.reached('waiting-to-retry', attempt + 1);
      mock.timers.tick(delayMs - 1);
      assert.equal(t.count('connecting'), attempt + 1, `attempt ${attempt + 2} not before ${delayMs} ms`);
      mock.timers.tick(1);
      assert.equal(t.count('connecting'), attempt + 2, `attempt ${attempt + 2} at ${delayMs} ms`);
    }
    assert.equal(t.count('handshaking'), 0);
    assert.equal(t.closes.length, 0, 'no CLOSE for a connection that never opened');
    assert.equal(t.connects, 0);
  });

  it('reconnects an established link with back-off, and starts the back-off over after a link that stayed up', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 0 });
    const live = await server();
    const t = transport(live.url, { reconnectResetMs: 1000 });
    t.transport.start();
    await t.reached('open');
    /** Drops the link, and returns the delay before the transport tried again. */
    async function dropAndMeasureRetry(round: number): Promise<number> {
      dropNewest(live);
      await t.reached('waiting-to-retry', round);
      let waited = 0;
      while (t.count('connecting') === round) {
        mock.timers.tick(50);
        waited += 50;
      }
      await t.reached('open', round + 1);
      return waited;
    }
    assert.equal(await dropAndMeasureRetry(1), 100);
    assert.equal(await dropAndMeasureRetry(2), 200, 'a link that dropped at once doubles the delay');
    mock.timers.tick(1000);
    assert.equal(await dropAndMeasureRetry(3), 100, 'a link up for reconnectResetMs starts over');
    assert.equal(t.connects, 4);
    assert.deepEqual(t.closes.map((close) => close.code), [1006, 1006, 1006]);
    assert.deepEqual(t.statuses, ['connecting', 'connected', 'disconnected', 'connecting', 'connected', 'disconnected', 'connecting', 'connected', 'disconnected', 'connecting', 'connected']);
  });

  it('holds callers while it waits to retry, fails them after the response timeout, and lets them go once open', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    const url = await deadUrl();
    const t = transport(url, { responseTimeoutMs: 1000 });
    t.transport.start();
    await t.reached('waiting-to-retry');
    const early = t.transport.whenReady();
    mock.timers.tick(1000);
    await assert.rejects(early, (error: unknown) => error instanceof NotConnectedError && /waited 1000 ms/.test(error.message));
    // The retry timer fired meanwhile; wait for that attempt to fail, then bring the server up.
    await t.reached('waiting-to-retry', 2);
    servers.push(await listen({ port: Number(new URL(url).port) }));
    const late = t.transport.whenReady();
    mock.timers.tick(200);
    await t.reached('open');
    await late;
  });

  it('stays down when an established link closes with auto-reconnect off: callers fail at once', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    const live = await server();
    const t = transport(live.url, { autoReconnect: false });
    t.transport.start();
    await t.reached('open');
    dropNewest(live);
    await t.reached('down');
    assert.deepEqual(t.moves, ['connecting', 'handshaking', 'open', 'down']);
    assert.equal(t.transport.clientState, 'disconnected');
    assert.deepEqual(t.closes.map((close) => close.code), [1006]);
    await assert.rejects(t.transport.whenReady(), (error: unknown) => error instanceof NotConnectedError && /waited 0 ms/.test(error.message));
    mock.timers.tick(10_000);
    assert.equal(t.count('connecting'), 1, 'no retry');
    await t.transport.close();
    assert.deepEqual(t.moves.slice(-1), ['closed']);
  });

  it('goes down at once for a URL ws cannot use', async () => {
    const t = transport('ws://bad host:1/');
    t.transport.start();
    assert.deepEqual(t.moves, ['connecting', 'down']);
    await assert.rejects(t.transport.whenReady(), NotConnectedError);
  });

  it('closes from every state: no CLOSE event, no further attempt, callers fail with ClientClosedError', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    const idle = transport('ws://127.0.0.1:1/');
    await idle.transport.close();
    idle.transport.start();
    assert.deepEqual(idle.moves, ['closed'], 'idle closes directly, and start after close does nothing');

    const retrying = transport(await deadUrl());
    retrying.transport.start();
    await retrying.reached('waiting-to-retry');
    const held = retrying.transport.whenReady();
    await retrying.transport.close();
    await assert.rejects(held, ClientClosedError);
    mock.timers.tick(10_000);
    assert.deepEqual(retrying.moves, ['connecting', 'waiting-to-retry', 'closed'], 'the retry timer was cancelled');

    const live = await server();
    const open = transport(live.url);
    open.transport.start();
    await open.reached('open');
    await open.transport.close();
    assert.deepEqual(open.moves, ['connecting', 'handshaking', 'open', 'closing', 'closed']);
    assert.deepEqual(open.statuses, ['connecting', 'connected', 'stopped']);
    assert.equal(open.closes.length, 0);
    await assert.rejects(open.transport.whenReady(), ClientClosedError);
    await assert.rejects(open.transport.write('x'), NotConnectedError);

    const connecting = transport(live.url);
    connecting.transport.start();
    await connecting.transport.close();
    assert.deepEqual(connecting.moves, ['connecting', 'closing', 'closed']);
  });

  it('ends a link whose pings go unanswered with 4002, then retries', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    const deaf = await server({ autoPong: false });
    const t = transport(deaf.url, { pingIntervalMs: 1000, pingsMissedThreshold: 2 });
    t.transport.start();
    await t.reached('open');
    // The first tick pings; each later tick with the pong still due counts a miss.
    mock.timers.tick(1000);
    mock.timers.tick(1000);
    assert.equal(t.count('waiting-to-retry'), 0, 'one miss is not enough');
    mock.timers.tick(1000);
    await t.reached('waiting-to-retry');
    assert.deepEqual(t.closes, [{ code: 4002, reason: 'Pings missed' }]);
  });

  it('shows refused logins as auth-failed: one CLOSE for the run, retries at the cap only, a success ends the run', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    const users = { api: 'right' };
    const zato = await ZatoPeer.start({ users });
    peers.push(zato);
    const t = transport(zato.url, { mode: 'zato', username: 'api', secret: 'wrong' });
    t.transport.start();
    await t.reached('waiting-to-retry');
    assert.deepEqual(t.moves, ['connecting', 'handshaking', 'waiting-to-retry']);
    assert.deepEqual(t.statuses, ['connecting', 'auth-failed']);
    assert.equal(t.closes.length, 1);
    assert.match(t.closes[0].reason, /not authorized/i);
    mock.timers.tick(399);
    assert.equal(t.count('connecting'), 1, 'not at the first delay (100 ms): at the cap');
    mock.timers.tick(1);
    await t.reached('waiting-to-retry', 2);
    assert.equal(t.closes.length, 1, 'one CLOSE for the run');
    assert.deepEqual(t.statuses, ['connecting', 'auth-failed'], 'retrying does not show connecting');
    users.api = 'wrong';
    mock.timers.tick(400);
    await t.reached('open');
    assert.deepEqual(t.statuses, ['connecting', 'auth-failed', 'connected']);
    assert.equal(t.connects, 1);
  });

  it('lets a listener close the client from within CONNECT, CLOSE or a status change, with no retry after', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    const live = await server();
    let connections = 0;
    live.wss.on('connection', () => connections++);
    const errors: string[] = [];
    const started = (): GatewayClient => {
      const client = new GatewayClient(fastOptions(live.url, { mode: 'plain', pingIntervalMs: 1000, log: { ...silent, error: (text) => errors.push(text) } }));
      return client;
    };
    const stopped = (client: GatewayClient): Promise<void> => new Promise((resolve) => {
      if (client.state === 'stopped') resolve();
      else client.on('state', (state) => { if (state === 'stopped') resolve(); });
    });

    const onConnect = started();
    onConnect.on('connect', () => void onConnect.close());
    onConnect.start();
    await stopped(onConnect);

    const onClose = started();
    let opened = 0;
    onClose.on('connect', () => {
      if (++opened === 1) dropNewest(live);
    });
    onClose.on('close', () => void onClose.close());
    onClose.start();
    await stopped(onClose);

    const onConnecting = started();
    onConnecting.on('state', (state) => { if (state === 'connecting') void onConnecting.close(); });
    onConnecting.start();
    await stopped(onConnecting);

    const before = connections;
    mock.timers.tick(60_000);
    assert.equal(connections, before, 'nothing reconnected');
    assert.ok(connections <= 2, `${connections} connections: the one closed while connecting never opened`);
    assert.deepEqual(errors, [], 'no listener failed, no move was refused');
    assert.equal(opened, 1);
  });
});
