import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runtimeTags } from '../../nodes/shared/runtime-tags';
import { helperNode, inNode, outNode, serverNode, type FlowNode } from '../fixtures/flows/raw-flows';
import { collect, gatewayNodes, helper, load, useNodeRed, wsUrl } from '../support/node-red';
import { readExample } from '../support/examples';
import { waitFor } from '../support/wait';
import { TestClient } from '../support/ws-client';

// Core nodes the example flow uses, loaded from Node-RED itself.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- Node-RED's core node files ship no type declarations
const coreNodes = ['common/20-inject.js', 'function/10-function.js', 'common/21-debug.js', 'common/90-comment.js'].map((file) => require(`@node-red/nodes/core/${file}`) as unknown);

const space = () => runtimeTags({}).space;

function winccoaServer(overrides: Partial<FlowNode> = {}): FlowNode {
  return serverNode({
    path: '/wcc', dialect: 'winccoa', auth: 'users',
    winccoaSystem: 'System1', winccoaMapping: 'node/arg = NodeDP_Arg. : NodeType', winccoaWriteAccess: 'demo = node/*', winccoaTimeZone: 'utc',
    winccoaGreeting: false, winccoaLegacySetReply: false, winccoaSwapTs: false,
    ...overrides,
  });
}

type Frame = Record<string, { Values?: Record<string, unknown>; Error: number; Id?: number }>;

describe('ws-gateway nodes with the winccoa dialect', () => {
  const nodeRed = useNodeRed();
  const open = (path: string): Promise<TestClient> => nodeRed.open(wsUrl(path));

  it('serves flow tags published by ws-gateway-out as datapoints, with the node\'s mapping, access and credentials', async () => {
    await load([
      { id: 'flow', type: 'tab' },
      winccoaServer(),
      outNode('publish', { action: 'publish' }),
      inNode('in', { hookClose: false, hookError: false }, ['seen']),
      helperNode('seen'),
    ], { srv: { users: 'demo:demo\nviewer:viewer' } });
    const seen = collect('seen');
    helper.getNode('publish').receive({ topic: 'node/arg', payload: 1 } as never);
    helper.getNode('publish').receive({ topic: 'NodeDP_Trend', payload: 5 } as never);
    const watchedBefore = space().watchedCount;

    const client = await open('/wcc?username=demo&password=demo');
    client.send({ DpGet: { Id: 1, Dps: ['NodeDP_Arg.', 'NodeDP_Trend.'] } });
    assert.deepEqual(await client.nextJson(), { DpGetResult: { Values: { 'System1:NodeDP_Arg.:_original.._value': 1, 'System1:NodeDP_Trend.:_original.._value': 5 }, Error: 0, Id: 1 } });
    await waitFor(() => seen.length === 2, 'the observing gateway in');
    assert.equal(seen[0].hook, 'CONNECT');
    assert.equal((seen[0]._session as { user?: string }).user, 'demo', 'the user the dialect authenticated');
    assert.deepEqual(seen[1].gateway, { dialect: 'winccoa', type: 'DpGet', handle: 1 });

    client.send({ DpConnect: { Id: 2, Dps: ['NodeDP_Trend.'], Answer: true } });
    assert.equal((await client.nextJson<Frame>()).DpConnectResult?.Values?.['System1:NodeDP_Trend.:_online.._value'], 5);
    helper.getNode('publish').receive({ topic: 'NodeDP_Trend', payload: 6 } as never);
    assert.equal((await client.nextJson<Frame>()).DpConnectResult?.Values?.['System1:NodeDP_Trend.:_online.._value'], 6);

    client.send({ DpSet: { Id: 3, Wait: true, Values: [{ Dp: 'NodeDP_Arg.', Value: 9 }] } });
    assert.deepEqual(await client.nextJson(), { DpSetResult: { Error: 0, Id: 3 } });
    assert.equal(space().peek('node/arg')?.value, 9);
    client.send({ DpSet: { Id: 4, Wait: true, Values: [{ Dp: 'NodeDP_Trend.', Value: 1 }] } });
    assert.equal((await client.nextJson<Frame>()).DpSetResult?.Error, -5, 'demo may write node/* only');
    client.send({ DpQueryConnect: { Id: 5, Query: 'SELECT \'_online.._value\' FROM \'*\' WHERE _DPT = "NodeType"', Answer: true } });
    assert.deepEqual((await client.nextJson<Record<string, { Values: unknown }>>()).DpQueryConnectResult?.Values, [['System1:NodeDP_Arg.', 9]]);

    assert.ok(space().watchedCount > watchedBefore);
    await client.close();
    await waitFor(() => space().watchedCount === watchedBefore, 'the closed socket to release its subscriptions');
  });

  it('closes 4000 for a wrong password, and flows hear nothing of that client', async () => {
    await load([{ id: 'flow', type: 'tab' }, winccoaServer(), inNode('in', {}, ['seen']), helperNode('seen')], { srv: { users: 'demo:demo' } });
    const seen = collect('seen');
    const client = await open('/wcc?username=demo&password=nope');
    assert.deepEqual(await client.closed, { code: 4000, reason: 'invalid username and/or password!' });
    assert.deepEqual(seen, []);
  });

  it('runs examples/winccoa.json: trends with history, the seed period archive, writable args', async () => {
    const { flow, credentials } = readExample('winccoa.json');
    await helper.load([...gatewayNodes, ...coreNodes] as never, flow as never, credentials as never);
    await waitFor(() => space().peek('ExampleDP_Arg1') !== undefined && space().peek('ExampleDP_Trend1') !== undefined, 'the example to publish its tags', 5000);
    const client = await open('/winccoa?username=demo&password=demo');
    client.send({ DpGetPeriod: { Dps: ['ExampleDP_Trend1.'], T1: '2018-02-07T18:10:00.000', T2: '2018-02-07T23:59:59.999', Count: 0, Ts: 0 } });
    const period = (await client.nextJson<Record<string, { Values: Record<string, unknown[]> }>>()).DpGetPeriodResult;
    assert.equal(period?.Values['System1:ExampleDP_Trend1.:_offline.._value']?.length, 350, 'one archived sample a minute');
    client.send({ DpSet: { Wait: true, Values: [{ Dp: 'ExampleDP_Arg1.', Value: 3 }, { Dp: 'ExampleDP_Arg2.', Value: 4 }] } });
    assert.deepEqual(await client.nextJson(), { DpSetResult: { Error: 0 } });
    client.send({ DpConnect: { Id: 1, Dps: ['ExampleDP_Trend1.'] } });
    const hotlink = await client.nextJson<Frame>(3000);
    assert.equal(hotlink.DpConnectResult?.Id, 1);
    assert.equal(typeof hotlink.DpConnectResult?.Values?.['System1:ExampleDP_Trend1.:_online.._value'], 'number');
  });
});
