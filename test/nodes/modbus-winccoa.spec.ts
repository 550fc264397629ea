import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import gatewayModbus = require('../../nodes/ws-gateway-modbus/ws-gateway-modbus');
import { NeuronSimulator } from '../../demo/modbus/neuron-simulator';
import { runtimeTags } from '../../nodes/shared/runtime-tags';
import { modbusNode } from '../fixtures/flows/evok-flows';
import { serverNode } from '../fixtures/flows/raw-flows';
import { gatewayNodes, helper, useNodeRed, wsUrl } from '../support/node-red';
import { waitFor } from '../support/wait';

type Result = Record<string, { Values?: Record<string, unknown>; Error: number; Id?: number }>;

/**
 * A Modbus source plugged into the tag space is served by the WinCC OA dialect like any tag: the proof
 * that sources and dialects meet only in the tag space.
 */
describe('Modbus circuits as WinCC OA datapoints', () => {
  const { open } = useNodeRed();
  let sim: NeuronSimulator;
  before(async () => {
    sim = new NeuronSimulator({ port: 0 });
    await sim.start();
  });
  after(async () => { await sim.stop(); });

  it('reads, writes and hotlinks Modbus circuits through the mapping table', async () => {
    await helper.load([...gatewayNodes, gatewayModbus], [
      { id: 'flow', type: 'tab' },
      modbusNode(sim.port, { units: '1-2' }),
      serverNode({
        path: '/wcc', dialect: 'winccoa', auth: 'none', winccoaSystem: 'System1', winccoaTimeZone: 'utc',
        winccoaMapping: 'neuron/ro/2_01 = Neuron_RO_2_01. : NeuronRelay\nneuron/di/1_01 = Neuron_DI_1_01. : NeuronInput',
        winccoaWriteAccess: '', winccoaGreeting: false, winccoaLegacySetReply: false, winccoaSwapTs: false,
      }),
    ]);
    const client = await open(wsUrl('/wcc'));
    const space = runtimeTags({}).space;
    await waitFor(() => space.peek('neuron/di/1_01') !== undefined && space.peek('neuron/ro/2_01') !== undefined, 'the first poll');
    client.send({ DpConnect: { Id: 1, Dps: ['Neuron_DI_1_01.'], Answer: true } });
    const first = await client.nextJson<Result>();
    assert.equal(first.DpConnectResult?.Error, 0);
    assert.equal(first.DpConnectResult?.Values?.['System1:Neuron_DI_1_01.:_online.._value'], false);
    sim.setDigitalInput(1, 1, true);
    const hotlink = await client.nextJson<Result>(5000);
    assert.equal(hotlink.DpConnectResult?.Values?.['System1:Neuron_DI_1_01.:_online.._value'], true);

    client.send({ DpSet: { Id: 2, Wait: true, Values: [{ Dp: 'Neuron_RO_2_01.', Value: true }] } });
    assert.deepEqual(await client.nextJson(), { DpSetResult: { Error: 0, Id: 2 } });
    assert.equal(sim.output(2, 'ro', 1), true, 'the coil was written before the client heard Error 0');
    client.send({ DpGet: { Id: 3, Dps: ['Neuron_RO_2_01.'] } });
    assert.deepEqual(await client.nextJson(), { DpGetResult: { Values: { 'System1:Neuron_RO_2_01.:_original.._value': true }, Error: 0, Id: 3 } });
  });
});
