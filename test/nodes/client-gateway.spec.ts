import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Node } from 'node-red';
import { catchAll, clientInNode, clientNode, clientOutNode, helperNode, invokeFlow } from '../fixtures/flows/client-flows';
import { echoFlow, type FlowNode } from '../fixtures/flows/raw-flows';
import { loadWithClient } from '../support/client-nodes';
import { collect, helper, wsUrl } from '../support/node-red';
import { expectNothingWithin, handlesBackTo, openHandles, waitFor } from '../support/wait';
import { PeerServiceError, ZatoPeer } from '../support/zato-peer';

const seedRequest = { elem1: 'value1', elem2: 'value2' };

type Msg = Record<string, unknown>;

function inject(id: string, msg: Msg): void {
  (helper.getNode(id) as Node & { receive(msg: Msg): void }).receive(msg);
}

function errorText(msg: Msg): string {
  return String((msg.error as { message?: unknown } | undefined)?.message);
}

describe('ws-gateway-client with ws-gateway-in / ws-gateway-out', () => {
  let peer: ZatoPeer;
  before(async () => { await helper.startServer(); });
  afterEach(async () => {
    await helper.unload();
    await peer?.stop();
  });
  after(async () => { await helper.stopServer(); });

  it('invokes zato.helpers.echo with the seed request and emits the reply with msg.zato; CONNECT carries ctx', async () => {
    peer = await ZatoPeer.start({ users: { api: 'pw' } });
    await loadWithClient(invokeFlow(peer.url), { cli: { username: 'api', secret: 'pw' } });
    const events = collect('events');
    const replies = collect('replies');
    await waitFor(() => events.length === 1, 'CONNECT');
    assert.equal(events[0].hook, 'CONNECT');
    assert.deepEqual(events[0].ctx, { type: 'connect' });
    assert.deepEqual(events[0].gateway, { client: 'cli', mode: 'zato', type: '' });

    inject('invoker', { payload: { service: 'zato.helpers.echo', request: seedRequest }, marker: 7 });
    await waitFor(() => replies.length === 1, 'the reply');
    assert.deepEqual(replies[0].payload, seedRequest);
    assert.equal(replies[0].marker, 7, 'the rest of the message is kept');
    const zato = replies[0].zato as Record<string, unknown>;
    assert.equal(zato.status, 200);
    assert.equal(zato.is_ok, true);
    assert.equal(zato.msg_type, 'zwsx.rspok');
    const sent = peer.frames.find((frame) => frame.meta.action === 'invoke-service');
    assert.equal(zato.in_reply_to, sent?.meta.id);
    assert.equal(typeof zato.id, 'string');
    assert.equal(sent?.meta.client_name, 'WSX outconn - test');
    assert.match(String(sent?.meta.client_id), /^wsx\.out\.[0-9a-f]{8}$/);
  });

  it('takes the service from the node or msg.topic when msg.payload is only the request', async () => {
    peer = await ZatoPeer.start();
    await loadWithClient(invokeFlow(peer.url, {}, { service: 'zato.helpers.echo' }));
    const replies = collect('replies');
    inject('invoker', { payload: seedRequest });
    inject('invoker', { topic: 'zato.ping', payload: null });
    await waitFor(() => replies.length === 2, 'two replies');
    const payloads = replies.map((msg) => msg.payload);
    assert.ok(payloads.some((payload) => JSON.stringify(payload) === JSON.stringify(seedRequest)));
    assert.ok(payloads.some((payload) => JSON.stringify(payload) === JSON.stringify({ pong: 'zato' })));
  });

  it('sends error statuses, timeouts, lost connections and missing connections to a Catch node at once', async () => {
    peer = await ZatoPeer.start();
    peer.services.set('conflict', () => { throw new PeerServiceError(409, 'Already exists'); });
    peer.services.set('never', () => new Promise(() => {}));
    await loadWithClient(invokeFlow(peer.url, { responseTimeout: 0.2 }));
    const errors = collect('errors');
    const replies = collect('replies');
    const events = collect('events');
    await waitFor(() => events.length === 1, 'CONNECT');

    inject('invoker', { payload: { service: 'conflict', request: {} } });
    await waitFor(() => errors.length === 1, 'the status error');
    assert.match(errorText(errors[0]), /409.*Already exists/);
    assert.equal((errors[0].zato as { status: number }).status, 409);
    assert.equal((errors[0].zato as { is_ok: boolean }).is_ok, false);

    inject('invoker', { payload: { service: 'never', request: {} } });
    await waitFor(() => errors.length === 2, 'the timeout');
    assert.match(errorText(errors[1]), /no reply to zwsxc\.inv\.[0-9a-f]+ within 200 ms/);

    await helper.unload();
    await loadWithClient(invokeFlow(peer.url, { responseTimeout: 30 }));
    const errorsLost = collect('errors');
    await waitFor(() => peer.open.length === 1, 'a new connection');
    await waitFor(() => peer.open[0].token !== undefined, 'its session');
    inject('invoker', { payload: { service: 'never', request: {} } });
    await peer.nextFrame((frame) => (frame.data as { service?: string } | undefined)?.service === 'never', 3000, peer.frames.length - 1);
    const started = Date.now();
    peer.dropNewest();
    await waitFor(() => errorsLost.length === 1, 'the lost connection');
    assert.match(errorText(errorsLost[0]), /connection lost while waiting for the reply \(code 1006/);
    assert.ok(Date.now() - started < 30_000);
    assert.equal(replies.length, 0);
  });

  it('reports "not connected" when no connection comes within the reply timeout', async () => {
    peer = await ZatoPeer.start();
    const url = peer.url;
    await peer.stop();
    await loadWithClient(invokeFlow(url, { responseTimeout: 0.15 }));
    const errors = collect('errors');
    inject('invoker', { payload: { service: 'zato.ping' } });
    await waitFor(() => errors.length === 1, 'the error');
    assert.match(errorText(errors[0]), /not connected to ws:\/\/127\.0\.0\.1:\d+\/zato\/ws \(waited 150 ms\)/);
    peer = await ZatoPeer.start();
  });

  it('emits MESSAGE for deliveries and CLOSE with code, reason and ctx, then CONNECT again', async () => {
    peer = await ZatoPeer.start();
    await loadWithClient(invokeFlow(peer.url));
    const events = collect('events');
    await waitFor(() => events.length === 1, 'CONNECT');
    peer.deliver({ msg_id: 'zpsm.1', data: 'hello' });
    await waitFor(() => events.length === 2, 'MESSAGE');
    assert.equal(events[1].hook, 'MESSAGE');
    assert.deepEqual(events[1].payload, { msg_id: 'zpsm.1', data: 'hello' });
    assert.deepEqual(events[1].ctx, { type: 'message', data: { msg_id: 'zpsm.1', data: 'hello' } });
    assert.equal((events[1].zato as { msg_type: string }).msg_type, 'zwsx.psrq');
    peer.closeNewest(4005, 'going down');
    await waitFor(() => events.length === 4, 'CLOSE and CONNECT');
    assert.deepEqual(events.map((msg) => msg.hook), ['CONNECT', 'MESSAGE', 'CLOSE', 'CONNECT']);
    assert.deepEqual(events[2].payload, { code: 4005, reason: 'going down' });
    assert.deepEqual(events[2].ctx, { type: 'close', code: 4005, reason: 'going down' });
  });

  it('reports an abrupt drop as CLOSE 1006, and stays down without auto-reconnect', async () => {
    peer = await ZatoPeer.start();
    await loadWithClient(invokeFlow(peer.url, { autoReconnect: false }));
    const events = collect('events');
    await waitFor(() => events.length === 1, 'CONNECT');
    peer.dropNewest();
    await waitFor(() => events.length === 2, 'CLOSE');
    assert.deepEqual(events[1].payload, { code: 1006, reason: '' });
    // A reconnection that does not come has no event; the window is several first back-off delays.
    await expectNothingWithin(150);
    assert.equal(peer.connections.length, 1, 'no reconnection');
    assert.equal(events.length, 2);
  });

  it('sends no CLOSE when the flow is redeployed, and connects again with the new configuration', async () => {
    peer = await ZatoPeer.start();
    const flow = invokeFlow(peer.url);
    await loadWithClient(flow);
    const events = collect('events');
    await waitFor(() => events.length === 1, 'CONNECT');
    const changed: FlowNode[] = flow.map((node) => (node.id === 'cli' ? { ...node, clientName: 'renamed' } : { ...node }));
    await helper.setFlows(changed, 'nodes');
    await waitFor(() => peer.frames.filter((frame) => frame.meta.action === 'create-session').length === 2, 'the new session');
    await waitFor(() => events.length === 2, 'the second CONNECT');
    assert.deepEqual(events.map((msg) => msg.hook), ['CONNECT', 'CONNECT']);
    assert.equal(peer.frames.filter((frame) => frame.meta.action === 'create-session')[1].meta.client_name, 'renamed');
  });

  it('lets a flow answer server-initiated requests (handle mode); otherwise the client answers null', async () => {
    peer = await ZatoPeer.start();
    await loadWithClient([
      { id: 'flow', type: 'tab' },
      clientNode(peer.url, { requestReplyTimeout: 1 }),
      clientInNode('answer', { hookConnect: false, hookClose: false, mode: 'handle', filterType: 'zwsx.rqc' }, ['replier']),
      clientOutNode('replier', 'reply'),
      clientInNode('watch', { hookConnect: true, hookClose: false }, ['events']),
      helperNode('events'),
    ]);
    const events = collect('events');
    await waitFor(() => events.length === 1, 'CONNECT');
    const answered = await peer.request({ question: 'ping?' });
    assert.deepEqual(answered.data, { response: { question: 'ping?' } });
    const watched = events.find((msg) => msg.hook === 'MESSAGE');
    assert.equal((watched?.zato as { msg_type: string }).msg_type, 'zwsx.rqc');
    // A delivery does not match the handle node's filter: nobody claims it, the client answers null.
    const id = peer.deliver({ topic_name: 't' });
    const response = await peer.nextFrame((frame) => frame.meta.in_reply_to === id);
    assert.deepEqual(response.data, { response: null });
  });

  it('answers null in time when the flow does not answer a claimed request', async () => {
    peer = await ZatoPeer.start();
    await loadWithClient([
      { id: 'flow', type: 'tab' },
      clientNode(peer.url, { requestReplyTimeout: 0.2 }),
      clientInNode('answer', { hookConnect: true, hookClose: false, mode: 'handle' }, ['events']),
      helperNode('events'),
    ]);
    const events = collect('events');
    await waitFor(() => events.length === 1, 'CONNECT');
    const response = await peer.request({ question: 'anyone?' }, 3000);
    assert.deepEqual(response.data, { response: null });
    assert.equal(events[1].hook, 'MESSAGE');
  });

  it('re-sends the subscriptions after a reconnection', async () => {
    peer = await ZatoPeer.start();
    await loadWithClient(invokeFlow(peer.url, { subscriptions: 'orders\n\n alerts \n' }));
    await waitFor(() => peer.subscriptions.length === 2, 'subscriptions');
    peer.dropNewest();
    await waitFor(() => peer.subscriptions.length === 4, 'subscriptions again');
    assert.deepEqual(peer.subscriptions, ['orders', 'alerts', 'orders', 'alerts']);
  });

  it('fires no CONNECT and one CLOSE for bad credentials', async () => {
    peer = await ZatoPeer.start({ users: { api: 'pw' } });
    await loadWithClient(invokeFlow(peer.url), { cli: { username: 'api', secret: 'nope' } });
    const events = collect('events');
    await waitFor(() => peer.connections.length >= 3, 'three attempts');
    assert.deepEqual(events.map((msg) => msg.hook), ['CLOSE']);
  });

  it('plain mode: sends to the raw echo of a gateway server and receives the echo as MESSAGE', async () => {
    peer = await ZatoPeer.start();
    const echo = echoFlow({ path: '/echo' });
    await loadWithClient([
      ...echo,
      clientNode(wsUrl('/echo'), { mode: 'plain' }),
      clientInNode('hooks', {}, ['events']),
      clientOutNode('sender', 'send'),
      clientOutNode('invoker', 'invoke', {}, ['replies']),
      catchAll('catcher', ['errors']),
      helperNode('events'),
      helperNode('replies'),
      helperNode('errors'),
    ]);
    const events = collect('events');
    const errors = collect('errors');
    await waitFor(() => events.length === 1, 'CONNECT');
    inject('sender', { payload: { hello: 'echo' } });
    await waitFor(() => events.length === 2, 'the echo');
    assert.deepEqual(events[1].payload, { hello: 'echo' });
    assert.deepEqual(events[1].ctx, { type: 'message', data: { hello: 'echo' } });
    assert.equal(events[1].zato, undefined);
    assert.deepEqual(events[1].gateway, { client: 'cli', mode: 'plain', type: 'json' });
    // With data format json a text frame that is not JSON is ignored; the next JSON frame arrives.
    inject('sender', { payload: 'text frame' });
    inject('sender', { payload: [1, 2] });
    await waitFor(() => events.length === 3, 'the JSON array');
    assert.deepEqual(events[2].payload, [1, 2]);
    inject('invoker', { payload: { x: 1 } });
    await waitFor(() => errors.length === 1, 'invoke refused');
    assert.match(errorText(errors[0]), /invoke needs a connection in Zato mode/);
  });

  it('leaves no socket or timer behind when the flow stops, even with invocations waiting and pings running', async () => {
    peer = await ZatoPeer.start();
    peer.services.set('never', () => new Promise(() => {}));
    const before = openHandles();
    await loadWithClient(invokeFlow(peer.url, { pingInterval: 0.05, responseTimeout: 30 }));
    const events = collect('events');
    const errors = collect('errors');
    await waitFor(() => events.length === 1, 'CONNECT');
    inject('invoker', { payload: { service: 'never', request: {} } });
    await peer.nextFrame((frame) => (frame.data as { service?: string } | undefined)?.service === 'never');
    await helper.unload();
    await handlesBackTo(before);
    assert.equal(events.length, 1, 'no CLOSE on stop');
    assert.ok(errors.length <= 1);
  });

  it('plain mode with data format text hands frames over as strings', async () => {
    peer = await ZatoPeer.start();
    await loadWithClient([
      ...echoFlow({ path: '/echo' }),
      clientNode(wsUrl('/echo'), { mode: 'plain', dataFormat: 'text' }),
      clientInNode('hooks', { hookConnect: false }, ['events']),
      clientOutNode('sender', 'send'),
      helperNode('events'),
    ]);
    const events = collect('events');
    await waitFor(() => (helper.getNode('cli') as unknown as { client?: { isReady: boolean } }).client?.isReady === true, 'connection');
    inject('sender', { payload: { a: 1 } });
    await waitFor(() => events.length === 1, 'the echo');
    assert.equal(events[0].payload, '{"a":1}');
  });
});
