import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https = require('node:https');
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import WebSocket = require('ws');
import { ClientClosedError, InvokeUnsupportedError, NotConnectedError } from '../../../lib/client';
import { expectNothingWithin, handlesBackTo, openHandles, waitFor } from '../../support/wait';
import { fastOptions, RecordingClient } from './client-fixture';

interface PlainServer {
  wss: WebSocket.Server;
  url: string;
  sockets: WebSocket[];
  received: Array<{ data: string; isBinary: boolean }>;
  upgrades: Array<{ headers: Record<string, string | string[] | undefined>; protocol: string }>;
  stop(): Promise<void>;
}

/** A plain `ws` echo server: every frame comes back as it was sent. */
async function plainServer(options: WebSocket.ServerOptions = {}): Promise<PlainServer> {
  const wss = new WebSocket.Server({ host: '127.0.0.1', port: 0, handleProtocols: (offered: Set<string>) => [...offered][0] ?? false, ...options });
  if (!options.server) await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const server: PlainServer = {
    wss,
    url: '',
    sockets: [],
    received: [],
    upgrades: [],
    async stop() {
      for (const socket of server.sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
  const address = (options.server ?? wss).address() as AddressInfo;
  server.url = `ws://127.0.0.1:${address.port}/echo`;
  wss.on('connection', (ws, request) => {
    server.sockets.push(ws);
    server.upgrades.push({ headers: request.headers, protocol: ws.protocol });
    ws.on('message', (data, isBinary) => {
      server.received.push({ data: data.toString(), isBinary });
      ws.send(data, { binary: isBinary });
    });
  });
  return server;
}

function openSockets(server: PlainServer): WebSocket[] {
  return server.sockets.filter((socket) => socket.readyState === WebSocket.OPEN);
}

describe('ws-gateway-client library, plain mode', () => {
  const clients: RecordingClient[] = [];
  const servers: PlainServer[] = [];
  function client(url: string, overrides: Parameters<typeof fastOptions>[1] = {}): RecordingClient {
    const recording = new RecordingClient(fastOptions(url, { mode: 'plain', ...overrides }));
    clients.push(recording);
    recording.client.start();
    return recording;
  }
  async function server(options?: WebSocket.ServerOptions): Promise<PlainServer> {
    const started = await plainServer(options);
    servers.push(started);
    return started;
  }
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((recording) => recording.client.close()));
    await Promise.all(servers.splice(0).map((started) => started.stop()));
  });

  it('sends strings as text, objects as JSON and Buffers as binary, and parses JSON replies (data format json)', async () => {
    const echo = await server();
    const c = client(echo.url);
    await waitFor(() => c.client.isReady, 'connection');
    assert.deepEqual(c.hooks(), ['connect']);
    await c.client.send({ hello: 'zato' });
    await c.client.send('"quoted"');
    await c.client.send(Buffer.from([1, 2]));
    await waitFor(() => c.count('message') === 3, 'three echoes');
    assert.deepEqual(echo.received, [
      { data: '{"hello":"zato"}', isBinary: false },
      { data: '"quoted"', isBinary: false },
      { data: '\u0001\u0002', isBinary: true },
    ]);
    const messages = c.messages();
    assert.deepEqual(messages[0].data, { hello: 'zato' });
    assert.equal(messages[0].type, 'json');
    assert.equal(messages[1].data, 'quoted');
    assert.deepEqual([...(messages[2].data as Buffer)], [1, 2]);
    assert.equal(messages[2].type, 'binary');
    assert.equal(messages[0].request, undefined);
  });

  it('hands text frames over unparsed with data format text, and ignores non-JSON frames with json', async () => {
    const echo = await server();
    const text = client(echo.url, { dataFormat: 'text' });
    const json = client(echo.url, { dataFormat: 'json' });
    await waitFor(() => text.client.isReady && json.client.isReady, 'both connected');
    await text.client.send('{"a":1}');
    await json.client.send('not json at all');
    await json.client.send('[1,2]');
    await waitFor(() => text.count('message') === 1 && json.count('message') === 1, 'messages');
    assert.equal(text.messages()[0].data, '{"a":1}');
    assert.equal(text.messages()[0].type, 'text');
    assert.deepEqual(json.messages()[0].data, [1, 2]);
  });

  it('sends the Basic header from the credentials, custom headers and the subprotocol', async () => {
    const echo = await server();
    const c = client(echo.url, { username: 'ann', secret: 's3cret:x', headers: { 'x-api-key': 'k1' }, subprotocol: 'json.v1' });
    await waitFor(() => c.client.isReady, 'connection');
    const upgrade = echo.upgrades[0];
    assert.equal(upgrade.headers.authorization, `Basic ${Buffer.from('ann:s3cret:x').toString('base64')}`);
    assert.equal(upgrade.headers['x-api-key'], 'k1');
    assert.equal(upgrade.protocol, 'json.v1');
  });

  it('reports remote close codes and reasons, then reconnects after the first retry delay', async () => {
    const echo = await server();
    const c = client(echo.url);
    await waitFor(() => c.client.isReady, 'connection');
    openSockets(echo)[0].close(4100, 'maintenance');
    await waitFor(() => c.count('connect') === 2, 'reconnect');
    assert.deepEqual(c.closes(), [{ code: 4100, reason: 'maintenance' }]);
    assert.deepEqual(c.hooks(), ['connect', 'close', 'connect']);
  });

  it('reports an abrupt drop as 1006', async () => {
    const echo = await server();
    const c = client(echo.url);
    await waitFor(() => c.client.isReady, 'connection');
    openSockets(echo)[0].terminate();
    await waitFor(() => c.count('close') === 1, 'close');
    assert.equal(c.closes()[0].code, 1006);
  });

  it('stays down after a remote close when auto-reconnect is off, and send then fails clearly', async () => {
    const echo = await server();
    const c = client(echo.url, { autoReconnect: false });
    await waitFor(() => c.client.isReady, 'connection');
    openSockets(echo)[0].close(1000, 'done');
    await waitFor(() => c.client.state === 'disconnected', 'disconnected');
    // A reconnection that does not come has no event; the window is five first back-off delays (30 ms).
    await expectNothingWithin(150);
    assert.equal(echo.sockets.length, 1, 'no reconnection');
    await assert.rejects(c.client.send('x'), NotConnectedError);
  });

  it('keeps retrying the first connection, and a send waiting for it goes out once it exists', async () => {
    const probe = await server();
    const url = probe.url;
    const port = Number(new URL(url).port);
    await probe.stop();
    servers.splice(0);
    const c = client(url, { responseTimeoutMs: 3000, reconnectFirstMs: 50, reconnectMaxMs: 100 });
    const sent = c.client.send('late');
    await waitFor(() => c.states.filter((state) => state === 'disconnected').length >= 2, 'two failed connection attempts');
    const echo = await server({ port });
    await sent;
    await waitFor(() => echo.received.length === 1, 'the waiting frame');
    assert.equal(echo.received[0].data, 'late');
  });

  it('fails a send after waiting up to the response timeout when there is no connection', async () => {
    const probe = await server();
    const url = probe.url;
    await probe.stop();
    servers.splice(0);
    const c = client(url, { responseTimeoutMs: 100 });
    await assert.rejects(c.client.send('x'), (error: unknown) => error instanceof NotConnectedError && /not connected/.test(error.message));
  });

  it('refuses invoke in plain mode with a clear error unless a correlation field is configured', async () => {
    const echo = await server();
    const c = client(echo.url);
    await waitFor(() => c.client.isReady, 'connection');
    await assert.rejects(c.client.invoke({ service: 'x' }), InvokeUnsupportedError);
  });

  it('correlates plain invocations by the configured field, out of order; other frames stay MESSAGE', async () => {
    const wss = new WebSocket.Server({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    // Answers each request after the wait it names, so replies come back in another order.
    wss.on('connection', (ws) => ws.on('message', (data) => {
      const request = JSON.parse(data.toString()) as { id: string; wait: number };
      setTimeout(() => ws.send(JSON.stringify({ id: request.id, echoed: request.wait })), request.wait);
      ws.send(JSON.stringify({ note: 'not a reply' }));
    }));
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
    const c = client(url, { correlationField: 'id' });
    try {
      await waitFor(() => c.client.isReady, 'connection');
      const waits = [60, 0, 30];
      const replies = await Promise.all(waits.map((wait, index) => c.client.invoke(index === 0 ? { id: 'mine', wait } : { wait })));
      assert.deepEqual(replies.map((reply) => (reply.data as { echoed: number }).echoed), waits);
      assert.equal((replies[0].data as { id: string }).id, 'mine');
      assert.match((replies[1].data as { id: string }).id, /^inv\.[0-9a-f]+$/);
      assert.equal(c.count('message'), 3, 'frames without a waiting id are MESSAGE events');
      await assert.rejects(c.client.invoke('not an object'), /needs a JSON object/);
    } finally {
      await c.client.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
  });

  it('emits no CLOSE when it is closed itself (redeploy), and fails waiting sends at once', async () => {
    const echo = await server();
    const c = client(echo.url);
    await waitFor(() => c.client.isReady, 'connection');
    await c.client.close();
    assert.deepEqual(c.hooks(), ['connect']);
    assert.equal(c.client.state, 'stopped');
    await assert.rejects(c.client.send('x'), ClientClosedError);
    // As above: nothing marks a reconnection that does not come; several first back-off delays (30 ms).
    await expectNothingWithin(100);
    assert.equal(echo.sockets.length, 1, 'no reconnection after close');
  });

  it('closes with 4002 when its pings go unanswered, and keeps a ponging connection', async () => {
    const deaf = await server({ autoPong: false });
    const live = await server();
    const silent = client(deaf.url, { pingIntervalMs: 40, pingsMissedThreshold: 2 });
    const healthy = client(live.url, { pingIntervalMs: 40, pingsMissedThreshold: 2 });
    await waitFor(() => silent.count('close') === 1, 'close after missed pongs');
    assert.deepEqual(silent.closes()[0], { code: 4002, reason: 'Pings missed' });
    await waitFor(() => silent.count('connect') === 2, 'reconnect after missed pongs');
    assert.equal(healthy.count('close'), 0);
    assert.equal(openSockets(live).length, 1);
  });

  it('connects over wss with a CA, and with allow-self-signed; refuses an unknown certificate by default', async () => {
    const cert = readFileSync(join(__dirname, '../../../../test/fixtures/tls/cert.pem'));
    const key = readFileSync(join(__dirname, '../../../../test/fixtures/tls/key.pem'));
    const httpsServer = https.createServer({ cert, key });
    await new Promise<void>((resolve) => httpsServer.listen(0, '127.0.0.1', resolve));
    const secure = await server({ server: httpsServer, host: undefined, port: undefined });
    const url = secure.url.replace('ws://', 'wss://');
    const withCa = client(url, { tls: { ca: cert } });
    const selfSigned = client(url, { tls: { rejectUnauthorized: false } });
    const strict = client(url, { reconnectFirstMs: 5000 });
    await waitFor(() => withCa.client.isReady && selfSigned.client.isReady, 'both trusted clients');
    await waitFor(() => strict.client.state === 'disconnected', 'the strict client refused');
    assert.equal(strict.count('connect'), 0);
    await Promise.all(clients.splice(0).map((recording) => recording.client.close()));
    await secure.stop();
    servers.splice(0);
    httpsServer.closeAllConnections();
    await new Promise((resolve) => httpsServer.close(resolve));
  });

  it('leaves no socket or timer behind after close', async () => {
    const before = openHandles();
    const echo = await server();
    const c = client(echo.url, { pingIntervalMs: 20 });
    await waitFor(() => c.client.isReady, 'connection');
    await c.client.close();
    await echo.stop();
    servers.splice(0);
    // Handles of earlier tests may still be going away; none may have been added.
    await handlesBackTo(before);
  });
});
