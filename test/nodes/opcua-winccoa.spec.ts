import assert from 'node:assert/strict';
import fs = require('node:fs');
import { after, before, describe, it } from 'node:test';
import gatewayOpcua = require('../../nodes/ws-gateway-opcua/ws-gateway-opcua');
import type { OpcuaConfigNode } from '../../nodes/ws-gateway-opcua/opcua-node';
import { runtimeTags } from '../../nodes/shared/runtime-tags';
import { opcuaNode } from '../fixtures/flows/opcua-server-flows';
import { serverNode } from '../fixtures/flows/raw-flows';
import { gatewayNodes, helper, useNodeRed, wsUrl } from '../support/node-red';
import { startDemo, tempPki, waitForState, type RunningOpcuaDemoServer } from '../support/opcua';

type Result = Record<string, { Values?: Record<string, unknown> | unknown[]; Error: number; Id?: number }>;

/**
 * OPC UA variables of a ws-gateway-opcua node are datapoints of the WinCC OA dialect: reads, confirmed
 * writes, hotlinks, and `_offline` history answered by the OPC UA server's HistoryRead (the demo server
 * back-fills an hour, long before the tag space saw a single sample).
 */
describe('OPC UA variables as WinCC OA datapoints', { timeout: 120_000 }, () => {
  const { open } = useNodeRed();
  let demo: RunningOpcuaDemoServer;
  let pki: string;
  before(async () => {
    pki = tempPki();
    helper.settings({ wsGatewayOpcuaPkiFolder: pki } as unknown as Parameters<typeof helper.settings>[0]);
    demo = await startDemo();
  });
  after(async () => {
    await demo.stop();
    fs.rmSync(pki, { recursive: true, force: true });
  });

  it('reads, writes, hotlinks and reads history through HistoryRead', async () => {
    await helper.load([...gatewayNodes, gatewayOpcua], [
      { id: 'flow', type: 'tab' },
      opcuaNode(demo.endpointUrl),
      serverNode({
        path: '/wcc', dialect: 'winccoa', auth: 'none', winccoaSystem: 'System1', winccoaTimeZone: 'utc',
        winccoaMapping: '', winccoaWriteAccess: '', winccoaGreeting: false, winccoaLegacySetReply: false, winccoaSwapTs: false,
      }),
    ], { wcc: {} });
    const opcua = helper.getNode('opc') as unknown as OpcuaConfigNode;
    assert.ok(opcua.endpoint);
    await waitForState(opcua.endpoint.connection, 'connected');
    assert.ok(runtimeTags({}).space.has('Sine'), 'the OPC UA variables are tags');
    const client = await open(wsUrl('/wcc'));

    client.send({ DpSet: { Id: 1, Wait: true, Values: [{ Dp: 'Setpoint.', Value: 42.5 }] } });
    assert.deepEqual(await client.nextJson(), { DpSetResult: { Error: 0, Id: 1 } });
    client.send({ DpGet: { Id: 2, Dps: ['Setpoint.'] } });
    assert.deepEqual(await client.nextJson(), { DpGetResult: { Values: { 'System1:Setpoint.:_original.._value': 42.5 }, Error: 0, Id: 2 } });

    client.send({ DpConnect: { Id: 3, Dps: ['Counter.'], Answer: false } });
    const hotlink = await client.nextJson<Result>(10_000);
    assert.equal(typeof (hotlink.DpConnectResult?.Values as Record<string, unknown>)['System1:Counter.:_online.._value'], 'number');

    const now = Date.now();
    client.send({ DpGetPeriod: { Id: 4, Dps: ['Sine.'], T1: now - 30 * 60_000, T2: now - 10 * 60_000, Count: 0, Ts: 1 } });
    const period = await client.nextJson<Result>(15_000);
    assert.equal(period.DpGetPeriodResult?.Error, 0, JSON.stringify(period));
    const values = JSON.stringify(period.DpGetPeriodResult?.Values);
    const samples = (values.match(/\[/g) ?? []).length;
    assert.ok(samples > 600, `twenty minutes of one-second samples from the server's history, got ${values.slice(0, 200)}`);
  });
});
