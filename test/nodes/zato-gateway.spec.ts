import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Node, NodeInitializer } from 'node-red';
import type { FlowNode } from '../fixtures/flows/raw-flows';
import { clientNodes } from '../support/client-nodes';
import { collect, gatewayNodes, helper, wsUrl } from '../support/node-red';
import { helperNode, inNode, serverNode } from '../fixtures/flows/raw-flows';
import { readExample, type ExampleFlow } from '../support/examples';
import { waitFor } from '../support/wait';
import { TestClient } from '../support/ws-client';
import type { GatewayClientNode } from '../../nodes/ws-gateway-client/client-node';

// The raw echo example answers through a function node: load Node-RED's own.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- Node-RED's core node files ship no type declarations
const functionNode = require('@node-red/nodes/core/function/10-function.js') as NodeInitializer;

const seedRequest = { elem1: 'value1', elem2: 'value2' };
type Msg = Record<string, unknown>;

type Example = ExampleFlow;

/** An example flow as the demo deploys it, made testable, its clients pointed at the test's Node-RED. */
function example(file: string): Example {
  return readExample(file, { helperNodes: true, clientBase: wsUrl('') });
}

function idOf(flow: FlowNode[], predicate: (node: FlowNode) => boolean): string {
  const node = flow.find(predicate);
  if (!node) throw new Error('no such node in the example');
  return node.id;
}

function inject(id: string, msg: Msg): void {
  (helper.getNode(id) as Node & { receive(msg: Msg): void }).receive(msg);
}

describe('examples/zato-echo.json: the zato dialect served by Node-RED, invoked by ws-gateway-client', () => {
  before(async () => { await helper.startServer(); });
  afterEach(async () => { await helper.unload(); });
  after(async () => { await helper.stopServer(); });

  async function loadExample(credentials?: (credentials: Example['credentials']) => void): Promise<Example> {
    const loaded = example('zato-echo.json');
    credentials?.(loaded.credentials);
    await helper.load([...clientNodes, functionNode], loaded.flow, loaded.credentials);
    return loaded;
  }

  it('invokes zato.helpers.echo with the seed request and gets it back; the hooks show CONNECT with ctx', async () => {
    const { flow } = await loadExample();
    const replies = collect(idOf(flow, (node) => node.name === 'reply'));
    const hooks = collect(idOf(flow, (node) => node.name === 'CONNECT / MESSAGE / CLOSE'));
    await waitFor(() => hooks.length === 1, 'CONNECT');
    assert.equal(hooks[0].hook, 'CONNECT');
    assert.deepEqual(hooks[0].ctx, { type: 'connect' });
    const invoker = idOf(flow, (node) => node.type === 'ws-gateway-out' && node.action === 'invoke');
    inject(invoker, { payload: { service: 'zato.helpers.echo', request: seedRequest } });
    await waitFor(() => replies.length === 1, 'the reply');
    assert.deepEqual(replies[0].payload, seedRequest);
    const zato = replies[0].zato as Record<string, unknown>;
    assert.equal(zato.status, 200);
    assert.equal(zato.is_ok, true);
    assert.equal(zato.msg_type, 'zwsx.rspok');
    assert.match(String(zato.in_reply_to), /^zwsxc\.inv\./);
  });

  it('correlates 100 concurrent invocations through the flow', async () => {
    const { flow } = await loadExample();
    const replies = collect(idOf(flow, (node) => node.name === 'reply'));
    const client = (helper.getNode(idOf(flow, (node) => node.type === 'ws-gateway-client')) as unknown as GatewayClientNode).client;
    await waitFor(() => client?.isReady === true, 'the session');
    const invoker = idOf(flow, (node) => node.type === 'ws-gateway-out' && node.action === 'invoke');
    for (let index = 0; index < 100; index++) inject(invoker, { payload: { service: 'zato.helpers.echo', request: { index } }, index });
    await waitFor(() => replies.length === 100, '100 replies');
    for (const reply of replies) assert.deepEqual(reply.payload, { index: reply.index });
  });

  it('sends a service no flow implements to the catch node as a 404', async () => {
    const { flow } = await loadExample();
    const errors = collect(idOf(flow, (node) => node.name === 'error'));
    const invoker = idOf(flow, (node) => node.type === 'ws-gateway-out' && node.action === 'invoke');
    inject(invoker, { payload: { service: 'zato.helpers.nothing', request: {} } });
    await waitFor(() => errors.length === 1, 'the error');
    assert.match(String((errors[0].error as { message: string }).message), /status 404/);
    assert.equal((errors[0].zato as { status: number }).status, 404);
  });

  it('reports wrong credentials once: no CONNECT, one CLOSE, status authentication failed', async () => {
    const { flow } = await loadExample((credentials) => {
      const clientId = Object.keys(credentials).find((id) => credentials[id].username !== undefined);
      if (clientId) credentials[clientId] = { username: 'demo', secret: 'wrong' };
    });
    const hooks = collect(idOf(flow, (node) => node.name === 'CONNECT / MESSAGE / CLOSE'));
    const client = (helper.getNode(idOf(flow, (node) => node.type === 'ws-gateway-client')) as unknown as GatewayClientNode).client;
    await waitFor(() => hooks.length === 1, 'CLOSE');
    assert.equal(hooks[0].hook, 'CLOSE');
    assert.equal(client?.state, 'auth-failed');
  });

  it('serves a plain ws client that writes the frames of the reference by hand', async () => {
    await loadExample();
    const client = await TestClient.open(wsUrl('/zato'));
    try {
      client.send({ meta: { action: 'create-session', id: 'hand.1', timestamp: '2024-05-01T10:00:00.123456', token: null, username: 'demo', secret: 'demo', client_id: 'wsx.out.00000001', client_name: 'python' }, data: {} });
      const session = await client.nextJson<{ meta: { msg_type: string }; data: { token: string } }>();
      assert.equal(session.meta.msg_type, 'zwsx.rspa');
      client.send({ meta: { action: 'invoke-service', id: 'hand.2', timestamp: '2024-05-01T10:00:01.000000', token: session.data.token }, data: { service: 'zato.helpers.echo', request: seedRequest } });
      const reply = await client.nextJson<{ meta: Record<string, unknown>; data: unknown }>();
      assert.equal(reply.meta.msg_type, 'zwsx.rspok');
      assert.equal(reply.meta.in_reply_to, 'hand.2');
      assert.deepEqual(reply.data, seedRequest);
    } finally {
      await client.close();
    }
  });
});

describe('examples/client-plain-echo.json: a plain ws-gateway-client on the raw echo', () => {
  before(async () => { await helper.startServer(); });
  afterEach(async () => { await helper.unload(); });
  after(async () => { await helper.stopServer(); });

  it('sends to /echo and receives the echo as MESSAGE with ctx', async () => {
    const raw = example('raw-echo.json');
    const plain = example('client-plain-echo.json');
    await helper.load([...clientNodes, functionNode], [...raw.flow, ...plain.flow], { ...raw.credentials, ...plain.credentials });
    const events = collect(idOf(plain.flow, (node) => node.name === 'CONNECT / MESSAGE / CLOSE'));
    await waitFor(() => events.length === 1, 'CONNECT');
    inject(idOf(plain.flow, (node) => node.type === 'ws-gateway-out'), { payload: { hello: 'echo', n: 1 } });
    await waitFor(() => events.length === 2, 'the echo');
    assert.equal(events[1].hook, 'MESSAGE');
    assert.deepEqual(events[1].payload, { hello: 'echo', n: 1 });
    assert.deepEqual(events[1].ctx, { type: 'message', data: { hello: 'echo', n: 1 } });
  });
});

describe('a zato server in Node-RED: flows see the hooks as Zato 3.2 fires them and the clients\' answers', () => {
  before(async () => { await helper.startServer(); });
  afterEach(async () => { await helper.unload(); });
  after(async () => { await helper.stopServer(); });

  it('CONNECT only after create-session; a broadcast\'s answers arrive as MESSAGE with msg.gateway.inReplyTo', async () => {
    await helper.load(gatewayNodes, [
      { id: 'flow', type: 'tab' },
      serverNode({ path: '/zato-hooks', dialect: 'zato' }),
      inNode('in', { hookError: false }, ['sink']),
      helperNode('sink'),
    ]);
    const seen = collect('sink');
    const client = await TestClient.open(wsUrl('/zato-hooks'));
    try {
      const frame = (meta: Record<string, unknown>, data?: unknown): Record<string, unknown> => ({ meta: { timestamp: '2024-05-01T10:00:00.123456', ...meta }, data });
      client.send(frame({ action: 'create-session', id: 'hand.1', token: null, username: null, secret: null }, {}));
      const session = await client.nextJson<{ meta: { msg_type: string }; data: { token: string } }>();
      assert.equal(session.meta.msg_type, 'zwsx.rspa');
      await waitFor(() => seen.some((msg) => msg.hook === 'CONNECT'), 'CONNECT');
      const server = helper.getNode('srv') as Node & { endpoint?: { broadcast(payload: unknown): number } };
      assert.equal(server.endpoint?.broadcast({ question: 'level?' }), 1);
      const request = await client.nextJson<{ meta: { id: string; msg_type: string } }>();
      assert.equal(request.meta.msg_type, 'zwsx.rqc');
      client.send(frame({ action: 'client-response', id: 'hand.2', token: session.data.token, in_reply_to: request.meta.id }, { response: { level: 3 } }));
      await waitFor(() => seen.some((msg) => msg.hook === 'MESSAGE'), 'the answer as MESSAGE');
      const answer = seen.find((msg) => msg.hook === 'MESSAGE');
      assert.deepEqual(answer?.payload, { level: 3 });
      assert.deepEqual(answer?.gateway, { dialect: 'zato', type: 'client-response', inReplyTo: request.meta.id });
      assert.equal(seen[0].hook, 'CONNECT');
    } finally {
      await client.close();
    }
    await waitFor(() => seen.some((msg) => msg.hook === 'CLOSE'), 'CLOSE');
  });
});
