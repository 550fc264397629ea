import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startOpcuaTestServer } from '../../../support/opcua-test-server';
import { startGateway, type GatewayFixture } from './gateway-fixture';

const setpoint = { IdType: '1', Id: 'Setpoint', Namespace: '1' };
type Results<T> = { Results: T[] };

describe('opcua-gateway: sessions recover when the OPC UA server restarts (decision 13)', () => {
  let gateway: GatewayFixture;
  before(async () => { gateway = await startGateway(); });
  after(async () => { await gateway.stop(); });

  it('says Disconnect, answers BadSessionClosed meanwhile, says Connect, and the monitored items deliver again under the same ids', async () => {
    const client = await gateway.open();
    const { sessionId } = await client.login({ DiscoveryUrl: gateway.opcua.endpointUrl });
    const subscription = await client.request('GW_CreateSubscriptionRequest', { RequestedPublishingInterval: '50' }, sessionId);
    const subscriptionId = (subscription.Body as { SubscriptionId: string }).SubscriptionId;
    const created = await client.request('GW_CreateMonitoredItemsRequest', {
      SubscriptionId: subscriptionId,
      ItemsToCreate: [{ ItemToMonitor: { NodeId: setpoint }, RequestedParameters: { ClientHandle: '31', SamplingInterval: '50' } }],
    }, sessionId);
    const monitoredItemId = (created.Body as Results<{ MonitoredItemId: string }>).Results[0].MonitoredItemId;
    await client.nextOfType('GW_DataChangeNotify', sessionId);

    const port = gateway.opcua.port;
    await gateway.opcua.stop();
    const down = await client.nextOfType('GW_SessionStatusNotify', sessionId, 15_000);
    assert.deepEqual(down.Body, { SessionStatus: 'Disconnect' });
    const meanwhile = await client.request('GW_ReadRequest', { NodesToRead: [{ NodeId: setpoint }] }, sessionId);
    assert.equal(meanwhile.Header.StatusCode, '2149974016');

    gateway.opcua = await startOpcuaTestServer({ port });
    const up = await client.nextOfType('GW_SessionStatusNotify', sessionId, 30_000);
    assert.deepEqual(up.Body, { SessionStatus: 'Connect' });
    const written = await client.request('GW_WriteRequest', { NodesToWrite: [{ NodeId: setpoint, Value: { Value: { Type: '11', Body: '12.5' } } }] }, sessionId);
    assert.deepEqual((written.Body as Results<string>).Results, ['0']);
    const change = await client.next((message) => message.Header.MessageType === 'GW_DataChangeNotify'
      && JSON.stringify((message.Body as { Value: { Value: unknown } }).Value.Value) === JSON.stringify({ Type: '11', Body: '12.5' }), 15_000);
    assert.equal((change.Body as { ClientHandleData: string }).ClientHandleData, '31');
    const deleted = await client.request('GW_DeleteMonitoredItemsRequest', { SubscriptionId: subscriptionId, MonitoredItemIds: [monitoredItemId] }, sessionId);
    assert.deepEqual((deleted.Body as Results<string>).Results, ['0'], 'the ids the client was given still work');
    const removed = await client.request('GW_DeleteSubscriptionsRequest', { SubscriptionIds: [subscriptionId] }, sessionId);
    assert.deepEqual((removed.Body as Results<string>).Results, ['0']);
  });
});
