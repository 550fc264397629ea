import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GatewayClient, GatewayMessage } from '../../../support/gateway-client';
import { builtinSamples, preciseSourcePicoSeconds, preciseSourceText } from '../../../support/opcua-precise-values';
import { startGateway, type GatewayFixture } from './gateway-fixture';

type JsonDataValue = { Value: unknown; SourceTimestamp?: string; ServerTimestamp?: string; SourcePicoSeconds?: string; ServerPicoSeconds?: string };
type Results<T> = { Results: T[] };

const nodeIdOf = (id: string): Record<string, string> => ({ IdType: '1', Id: id, Namespace: '1' });
const typeNames = builtinSamples(1).map((sample) => `Types.${sample.name}`);

/** PicoSeconds are OPC UA's 10 ps count and only ride on timestamps that carry all seven 100 ns digits. */
function assertPicoSecondsConsistent(value: JsonDataValue, context: string): void {
  for (const [stamp, pico] of [[value.SourceTimestamp, value.SourcePicoSeconds], [value.ServerTimestamp, value.ServerPicoSeconds]] as const) {
    if (pico === undefined) continue;
    assert.match(pico, /^\d{1,4}$/, `${context}: PicoSeconds ${pico} within 0..9999`);
    assert.match(stamp ?? '', /\.\d{7}Z$/, `${context}: PicoSeconds ride on a 100 ns timestamp, not on ${stamp}`);
  }
}

/** The server stamps each read with its own clock; what the client wrote is the rest. */
function withoutServerTime(values: JsonDataValue[]): JsonDataValue[] {
  return values.map(({ ServerTimestamp: _time, ServerPicoSeconds: _pico, ...rest }) => rest);
}

async function read(client: GatewayClient, sessionId: string, names: string[]): Promise<JsonDataValue[]> {
  const answer = await client.request('GW_ReadRequest', { NodesToRead: names.map((name) => ({ NodeId: nodeIdOf(name) })) }, sessionId);
  assert.equal(answer.Header.StatusCode, '0', JSON.stringify(answer));
  return (answer.Body as Results<JsonDataValue>).Results;
}

async function readWriteBack(gateway: GatewayFixture): Promise<{ first: JsonDataValue[]; again: JsonDataValue[]; written: GatewayMessage }> {
  const client = await gateway.open();
  const { sessionId } = await client.login({ DiscoveryUrl: gateway.opcua.endpointUrl });
  const first = await read(client, sessionId, typeNames);
  const written = await client.request('GW_WriteRequest', { NodesToWrite: typeNames.map((name, index) => ({ NodeId: nodeIdOf(name), Value: first[index] })) }, sessionId);
  const again = await read(client, sessionId, typeNames);
  return { first, again, written };
}

describe('opcua-gateway: timestamps below the millisecond (an open62541 server)', () => {
  describe('with asnegTimestamps "100ns"', () => {
    let gateway: GatewayFixture;
    before(async () => { gateway = await startGateway([], { asnegTimestamps: '100ns' }); });
    after(async () => { await gateway.stop(); });

    it('regression: GW_ReadResponse and GW_DataChangeNotify carry the 100 ns time and PicoSeconds in 0..9999', async () => {
      const client = await gateway.open();
      const { sessionId } = await client.login({ DiscoveryUrl: gateway.opcua.endpointUrl });
      const [value] = await read(client, sessionId, ['Precise']);
      assert.deepEqual(withoutServerTime([value]), [{ Value: { Type: '11', Body: '1.25' }, SourceTimestamp: preciseSourceText, SourcePicoSeconds: preciseSourcePicoSeconds }]);
      assert.match(value.ServerTimestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/, 'the server clock to 100 ns');
      assertPicoSecondsConsistent(value, 'GW_ReadResponse');
      const subscription = await client.request('GW_CreateSubscriptionRequest', { RequestedPublishingInterval: '50' }, sessionId);
      const subscriptionId = (subscription.Body as { SubscriptionId: string }).SubscriptionId;
      await client.request('GW_CreateMonitoredItemsRequest', {
        SubscriptionId: subscriptionId,
        ItemsToCreate: [{ ItemToMonitor: { NodeId: nodeIdOf('Precise') }, RequestedParameters: { ClientHandle: '5', SamplingInterval: '50' } }],
      }, sessionId);
      const notify = await client.nextOfType('GW_DataChangeNotify', sessionId, 10_000);
      const changed = (notify.Body as { Value: JsonDataValue }).Value;
      assert.equal(changed.SourceTimestamp, preciseSourceText);
      assert.equal(changed.SourcePicoSeconds, preciseSourcePicoSeconds);
      assertPicoSecondsConsistent(changed, 'GW_DataChangeNotify');
    });

    it('regression: every built-in type read can be written back unchanged, and reads back identical', async () => {
      const { first, again, written } = await readWriteBack(gateway);
      assert.equal(written.Header.StatusCode, '0', JSON.stringify(written));
      assert.deepEqual((written.Body as Results<string>).Results, typeNames.map(() => '0'), JSON.stringify(written.Body));
      first.forEach((value, index) => assertPicoSecondsConsistent(value, typeNames[index]));
      assert.deepEqual(withoutServerTime(again), withoutServerTime(first));
    });
  });

  describe('with the default whole-second timestamps', () => {
    let gateway: GatewayFixture;
    before(async () => { gateway = await startGateway(); });
    after(async () => { await gateway.stop(); });

    it('writes no PicoSeconds beside truncated times, and a value read still writes back Good', async () => {
      const { first, again, written } = await readWriteBack(gateway);
      for (const value of first) {
        assert.equal(value.SourcePicoSeconds, undefined);
        assert.equal(value.ServerPicoSeconds, undefined);
        assert.equal(value.SourceTimestamp, '2024-05-06T07:08:09Z');
      }
      assert.deepEqual((written.Body as Results<string>).Results, typeNames.map(() => '0'), JSON.stringify(written.Body));
      assert.deepEqual(again.map((value) => value.Value), first.map((value) => value.Value));
    });
  });
});
