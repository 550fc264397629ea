import assert from 'node:assert/strict';
import net = require('node:net');
import { describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import type { Node } from 'node-red';
import type { GatewayServerNode } from '../../nodes/shared/server-node';
import { echoFlow, helperNode, inNode, outNode, serverNode } from '../fixtures/flows/raw-flows';
import { collect, helper, load, useNodeRed, wsUrl } from '../support/node-red';
import { openHandles, waitFor } from '../support/wait';
import { basicAuth, refusedStatus } from '../support/ws-client';
import { freePort } from '../support/ports';
import { messageOf } from '../../lib/util/errors';

interface ErrorCall { args: unknown[] }

/** Resolves with the message of the next error a node reports (node.error or done(err)). */
function nextError(id: string): Promise<string> {
  const node = helper.getNode(id) as Node & { once(event: 'call:error', listener: (call: ErrorCall) => void): void };
  return new Promise((resolve) => node.once('call:error', (call) => {
    const first = call.args[0];
    resolve(messageOf(first));
  }));
}

function serverOf(id = 'srv'): GatewayServerNode {
  return helper.getNode(id) as unknown as GatewayServerNode;
}

describe('ws-gateway nodes with the raw dialect', () => {
  const { open } = useNodeRed();

  it('answers every frame through in (handle) -> out (reply): the raw echo example', async () => {
    await load(echoFlow());
    const client = await open(wsUrl('/gw'));
    client.send({ hello: 'gateway' });
    assert.deepEqual(await client.nextJson(), { hello: 'gateway' });
    client.send('plain text');
    assert.equal(await client.nextText(), 'plain text');
    client.send(Buffer.from([1, 2, 3]));
    const binary = await client.nextFrame();
    assert.equal(binary.isBinary, true);
    assert.deepEqual([...binary.data], [1, 2, 3]);
  });

  it('regression: a client that sends 512 KB frames to the echo flow and never reads is paused, held to the hard cap, and closed with 1008', async () => {
    helper.settings({ wsGatewayServerOutboundHardCapBytes: 3 * 1024 * 1024 } as unknown as Parameters<typeof helper.settings>[0]);
    await load(echoFlow({ overBudgetCloseSeconds: 1 }));
    const endpoint = serverOf().endpoint;
    assert.ok(endpoint);
    assert.equal(endpoint.limits.outboundHardCapBytes, 3 * 1024 * 1024, 'the hard cap comes from settings.js');
    assert.equal(endpoint.limits.maxQueued, 256);
    const client = await open(wsUrl('/gw'));
    await waitFor(() => endpoint.clientCount === 1, 'client registered');
    // Sessions are numbered per endpoint, and the flow was just deployed: this is its first client.
    const session = endpoint.session('srv:1');
    assert.ok(session);
    client.ws.pause();
    const frame = Buffer.alloc(512 * 1024, 0x62);
    for (let i = 0; i < 60; i++) client.ws.send(frame);
    await waitFor(() => session.closeSent !== undefined, 'the client is closed', 5_000);
    assert.ok(session.readingPauses > 0, 'the server stopped reading the client');
    assert.equal(session.closeSent?.code, 1008);
    assert.ok(session.peakBufferedBytes <= endpoint.limits.outboundHardCapBytes, `held at most the hard cap (peak ${session.peakBufferedBytes})`);
    client.ws.resume();
    assert.equal((await client.closed).code, 1008);
  });

  it('emits CONNECT, MESSAGE and CLOSE with msg.hook, msg._session and msg.gateway', async () => {
    await load([{ id: 'flow', type: 'tab' }, serverNode(), inNode('in', {}, ['sink']), helperNode('sink')]);
    const messages = collect('sink');
    const client = await open(wsUrl('/gw'));
    client.send({ a: 1 });
    await waitFor(() => messages.length === 2, 'CONNECT and MESSAGE');
    await client.close();
    await waitFor(() => messages.length === 3, 'CLOSE');
    assert.deepEqual(messages.map((msg) => msg.hook), ['CONNECT', 'MESSAGE', 'CLOSE']);
    const session = messages[1]._session as { id: string; server: string; remote: string };
    assert.equal(session.server, 'srv');
    assert.match(session.remote, /^127\.0\.0\.1:\d+$/);
    assert.deepEqual(messages.map((msg) => (msg._session as { id: string }).id), [session.id, session.id, session.id]);
    assert.deepEqual(messages[1].payload, { a: 1 });
    assert.deepEqual(messages[1].gateway, { dialect: 'raw', type: 'json' });
    assert.deepEqual(messages[2].payload, { code: 1005, reason: '' });
  });

  it('filters by event and message type', async () => {
    await load([
      { id: 'flow', type: 'tab' }, serverNode(),
      inNode('texts', { hookConnect: false, hookClose: false, hookError: false, filterType: 'text' }, ['textSink']),
      inNode('closes', { hookConnect: false, hookMessage: false, hookError: false }, ['closeSink']),
      helperNode('textSink'), helperNode('closeSink'),
    ]);
    const texts = collect('textSink');
    const closes = collect('closeSink');
    const client = await open(wsUrl('/gw'));
    client.send({ json: true });
    client.send('not json');
    await client.close();
    // The JSON frame went first on the same socket: had the filter let it through, it would be texts[0].
    await waitFor(() => closes.length === 1 && texts.length === 1, 'CLOSE and the text frame');
    assert.deepEqual(texts.map((msg) => msg.payload), ['not json']);
    assert.deepEqual(closes.map((msg) => msg.hook), ['CLOSE']);
  });

  it('replies to one session, and broadcasts to all', async () => {
    await load([
      { id: 'flow', type: 'tab' }, serverNode(),
      inNode('in', { hookConnect: false, hookClose: false, hookError: false, mode: 'handle' }, ['reply']),
      outNode('reply'), outNode('broadcast', { action: 'broadcast' }),
    ]);
    const first = await open(wsUrl('/gw'));
    const second = await open(wsUrl('/gw'));
    first.send({ question: 1 });
    assert.deepEqual(await first.nextJson(), { question: 1 });
    assert.ok(await second.silentFor(100), 'a reply goes only to the asking session');
    helper.getNode('broadcast').receive({ payload: { alarm: 'high' } } as never);
    assert.deepEqual(await first.nextJson(), { alarm: 'high' });
    assert.deepEqual(await second.nextJson(), { alarm: 'high' });
  });

  it('reports a reply to a closed session as an error of the out node, and keeps running', async () => {
    await load([{ id: 'flow', type: 'tab' }, serverNode(), inNode('in', {}, ['sink']), helperNode('sink'), outNode('reply')]);
    const messages = collect('sink');
    const client = await open(wsUrl('/gw'));
    await waitFor(() => messages.length === 1, 'CONNECT');
    const session = messages[0]._session;
    await client.close();
    await waitFor(() => serverOf().endpoint?.clientCount === 0, 'session gone');
    const error = nextError('reply');
    helper.getNode('reply').receive({ payload: 'late answer', _session: session } as never);
    assert.match(await error, /session-closed/);
    const missing = nextError('reply');
    helper.getNode('reply').receive({ payload: 'no session' } as never);
    assert.match(await missing, /no-session/);
  });

  it('publishes to a tag and pushes the change to subscribed raw clients', async () => {
    await load([
      { id: 'flow', type: 'tab' }, serverNode({ rawTags: 'line1/*' }),
      outNode('publish', { action: 'publish' }), outNode('publishFixed', { action: 'publish', topic: 'line1/fixed' }),
    ]);
    const client = await open(wsUrl('/gw'));
    await waitFor(() => serverOf().endpoint?.clientCount === 1, 'client');
    helper.getNode('publish').receive({ topic: 'line1/speed', payload: 42 } as never);
    const change = await client.nextJson<{ topic: string; payload: unknown; quality: string; timestamp: number }>();
    assert.equal(change.topic, 'line1/speed');
    assert.equal(change.payload, 42);
    assert.equal(change.quality, 'good');
    helper.getNode('publish').receive({ topic: 'line1/speed', payload: 42 } as never);
    helper.getNode('publish').receive({ topic: 'line2/other', payload: 1 } as never);
    helper.getNode('publishFixed').receive({ payload: 'on' } as never);
    const next = await client.nextJson<{ topic: string; payload: unknown }>();
    assert.deepEqual([next.topic, next.payload], ['line1/fixed', 'on'], 'unchanged values and other tags are not pushed');
    const error = nextError('publish');
    helper.getNode('publish').receive({ payload: 1 } as never);
    assert.match(await error, /no-topic/);
  });

  it('survives bad frames: invalid UTF-8, oversized and binary frames, and clients that vanish', async () => {
    await load(echoFlow({ maxFrameBytes: 1024 }));
    const tooBig = await open(wsUrl('/gw'));
    tooBig.send('x'.repeat(4096));
    assert.equal((await tooBig.closed).code, 1009);
    const vanishing = await open(wsUrl('/gw'));
    vanishing.send({ please: 'answer' });
    vanishing.ws.terminate();
    const badUtf8 = await open(wsUrl('/gw'));
    badUtf8.ws.send(Buffer.from([0xff, 0xfe]), { binary: false });
    assert.equal((await badUtf8.closed).code, 1007);
    const healthy = await open(wsUrl('/gw'));
    healthy.send({ still: 'works' });
    assert.deepEqual(await healthy.nextJson(), { still: 'works' });
  });

  it('authenticates users from Node-RED credentials', async () => {
    await load(echoFlow({ auth: 'users' }), { srv: { users: 'demo:demo\nop:secret' } });
    await open(`${wsUrl('/gw')}?username=demo&password=demo`);
    await open(wsUrl('/gw'), { headers: basicAuth('op', 'secret') });
    assert.equal(await refusedStatus(`${wsUrl('/gw')}?username=demo&password=nope`), 401);
    assert.equal(await refusedStatus(wsUrl('/gw')), 401);
  });

  it('authenticates a bearer token from Node-RED credentials', async () => {
    await load(echoFlow({ auth: 'token' }), { srv: { token: 'abc' } });
    await open(wsUrl('/gw'), { headers: { Authorization: 'Bearer abc' } });
    assert.equal(await refusedStatus(wsUrl('/gw'), { headers: { Authorization: 'Bearer abd' } }), 401);
  });

  it('honours httpNodeAuth (bcrypt and md5), which Node-RED core WebSocket nodes skip', async () => {
    helper.settings({ httpNodeAuth: { user: 'plant', pass: bcrypt.hashSync('floor', 4) } });
    await load(echoFlow());
    await open(wsUrl('/gw'), { headers: basicAuth('plant', 'floor') });
    assert.equal(await refusedStatus(wsUrl('/gw'), { headers: basicAuth('plant', 'wrong') }), 401);
    assert.equal(await refusedStatus(wsUrl('/gw')), 401);
    await helper.unload();
    helper.settings({ httpNodeAuth: { user: 'plant', pass: '5f4dcc3b5aa765d61d8327deb882cf99' } }); // md5("password")
    await load(echoFlow());
    await open(wsUrl('/gw'), { headers: basicAuth('plant', 'password') });
    assert.equal(await refusedStatus(wsUrl('/gw'), { headers: basicAuth('plant', 'floor') }), 401);
  });

  it('honours httpNodeAuth given as middleware, and can be told not to', async () => {
    const badgeCheck = (req: { headers: Record<string, string> }, res: { sendStatus(code: number): void }, next: () => void): void => {
      if (req.headers['x-badge'] === 'ok') next(); else res.sendStatus(401);
    };
    helper.settings({ httpNodeAuth: badgeCheck } as unknown as Parameters<typeof helper.settings>[0]);
    await load(echoFlow());
    await open(wsUrl('/gw'), { headers: { 'x-badge': 'ok' } });
    assert.equal(await refusedStatus(wsUrl('/gw')), 401);
    await helper.unload();
    await load(echoFlow({ useHttpNodeAuth: false }));
    await open(wsUrl('/gw'));
  });

  it('honours webSocketNodeVerifyClient', async () => {
    helper.settings({ webSocketNodeVerifyClient: (info: { req: { headers: Record<string, string | string[] | undefined> } }) => info.req.headers['x-plant'] === 'A' } as unknown as Parameters<typeof helper.settings>[0]);
    await load(echoFlow());
    await open(wsUrl('/gw'), { headers: { 'x-plant': 'A' } });
    assert.equal(await refusedStatus(wsUrl('/gw'), { headers: { 'x-plant': 'B' } }), 401);
  });

  it('serves its path under httpNodeRoot', async () => {
    helper.settings({ httpNodeRoot: '/api' });
    await load(echoFlow());
    const client = await open(wsUrl('/api/gw'));
    client.send('"x"');
    assert.equal(await client.nextText(), 'x', 'a string payload goes out as a text frame, as Node-RED core websocket out does');
  });

  it('refuses a second server on a path that is taken, and says so in the status', async () => {
    await load([
      { id: 'flow', type: 'tab' }, serverNode(), serverNode({ id: 'srv2' }),
      inNode('in2', { server: 'srv2' }),
    ]);
    const failures = [serverOf('srv'), serverOf('srv2')].filter((server) => server.endpoint === undefined);
    assert.equal(failures.length, 1);
    assert.match(failures[0].failure ?? '', /duplicate-path/);
  });

  it('releases its own port on redeploy, so the same port works again, and leaks no handles', async () => {
    const port = await freePort();
    const handlesBefore = openHandles();
    const flow = echoFlow({ listen: 'port', port });
    await load(flow);
    const first = await open(`ws://127.0.0.1:${port}/anything`);
    first.send('"before"');
    assert.equal(await first.nextText(), 'before');
    await helper.setFlows(flow.map((node) => ({ ...node })), 'full');
    assert.equal((await first.closed).code, 1001, 'clients of the old deploy are told the server is going away');
    const second = await open(`ws://127.0.0.1:${port}/`);
    second.send('"after"');
    assert.equal(await second.nextText(), 'after');
    await second.close();
    await helper.unload();
    const left = (): string[] => ['TCPServerWrap', 'TCPSocketWrap'].filter((kind) => (openHandles().get(kind) ?? 0) > (handlesBefore.get(kind) ?? 0));
    await waitFor(() => left().length === 0, () => `no listening or client socket left: ${left().join(', ')}`);
    const probe = net.createServer();
    await new Promise<void>((resolve, reject) => { probe.once('error', reject); probe.listen(port, '127.0.0.1', resolve); });
    await new Promise((resolve) => probe.close(resolve));
  });

  it('detaches flow nodes from the server on a modified-nodes redeploy', async () => {
    const flow = [{ id: 'flow', type: 'tab' }, serverNode(), inNode('in', {}, []), outNode('out')];
    await load(flow);
    const endpoint = serverOf().endpoint;
    assert.ok(endpoint);
    const listeners = endpoint.listenerCount('clients');
    const hooks = endpoint.hooks.size;
    for (let i = 0; i < 3; i++) {
      const changed = flow.map((node) => (node.id === 'in' || node.id === 'out' ? { ...node, name: `rev${i}` } : node));
      await helper.setFlows(changed, 'nodes');
    }
    assert.equal(serverOf().endpoint, endpoint, 'the server itself was not restarted');
    assert.equal(endpoint.listenerCount('clients'), listeners);
    assert.equal(endpoint.hooks.size, hooks);
  });

  it('rejects an unknown dialect with a clear error', async () => {
    await load([{ id: 'flow', type: 'tab' }, serverNode({ dialect: 'klingon' }), inNode('in')]);
    assert.equal(serverOf().endpoint, undefined);
    assert.match(serverOf().failure ?? '', /unknown-dialect/);
  });

  it('removes its upgrade listener from the Node-RED server when the flow is stopped', async () => {
    const httpServer = (helper as unknown as { _server: { listenerCount(event: string): number } })._server;
    const before = httpServer.listenerCount('upgrade');
    await load(echoFlow());
    assert.equal(httpServer.listenerCount('upgrade'), before + 1);
    const client = await open(wsUrl('/gw'));
    await helper.unload();
    assert.equal((await client.closed).code, 1001);
    assert.equal(httpServer.listenerCount('upgrade'), before);
  });
});
