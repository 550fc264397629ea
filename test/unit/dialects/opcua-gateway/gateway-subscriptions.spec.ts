import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GatewayClient, GatewayMessage } from '../../../support/gateway-client';
import { waitFor } from '../../../support/wait';
import { startGateway, type GatewayFixture } from './gateway-fixture';

const demo = (id: string) => ({ IdType: '1', Id: id, Namespace: '1' });
type Results<T> = { Results: T[] };
interface CreateResult { StatusCode: string; MonitoredItemId: string; RevisedSamplingInterval: string; RevisedQueueSize: string; FilterResult?: unknown }

describe('opcua-gateway: subscriptions, monitored items, GW_DataChangeNotify and GW_EventNotify', () => {
  let gateway: GatewayFixture;
  let client: GatewayClient;
  let sessionId: string;

  before(async () => {
    gateway = await startGateway();
    client = await gateway.open();
    client.socket.send({ Header: { MessageType: 'GW_LoginRequest', ClientHandle: 'login-handle' }, Body: { DiscoveryUrl: gateway.opcua.endpointUrl } });
    sessionId = ((await client.nextOfType('GW_LoginResponse')).Body as { SessionId: string }).SessionId;
    await client.nextOfType('GW_SessionStatusNotify', sessionId);
  });
  after(async () => { await gateway.stop(); });

  const call = (type: string, body: unknown) => client.request(type, body, sessionId);
  const dataChange = (handle: string): Promise<GatewayMessage> =>
    client.next((message) => message.Header.MessageType === 'GW_DataChangeNotify' && (message.Body as { ClientHandleData: string }).ClientHandleData === handle);

  async function createSubscription(): Promise<string> {
    const answer = await call('GW_CreateSubscriptionRequest', {});
    assert.equal(answer.Header.StatusCode, '0');
    const body = answer.Body as Record<string, string>;
    assert.deepEqual(Object.keys(body).sort(), ['RevisedLifetimeCount', 'RevisedMaxKeepAliveCount', 'RevisedPublishingInterval', 'SubscriptionId']);
    return body.SubscriptionId;
  }

  it('creates a subscription and a monitored item (Reporting by default), then pushes data changes tagged with the login ClientHandle', async () => {
    const subscriptionId = await createSubscription();
    const created = await call('GW_CreateMonitoredItemsRequest', {
      SubscriptionId: subscriptionId,
      ItemsToCreate: [
        { ItemToMonitor: { NodeId: demo('Setpoint'), AttributeId: '13' }, RequestedParameters: { ClientHandle: '4711', SamplingInterval: '50' } },
        { ItemToMonitor: { NodeId: demo('Nope') }, RequestedParameters: { ClientHandle: '4712', SamplingInterval: '50' } },
      ],
    });
    assert.equal(created.Header.StatusCode, '0');
    const [good, bad] = (created.Body as Results<CreateResult>).Results;
    assert.equal(good.StatusCode, '0');
    assert.match(good.MonitoredItemId, /^\d+$/);
    assert.equal(bad.StatusCode, '2150891520', 'an unknown node gets BadNodeIdUnknown in its result');
    const first = await dataChange('4711');
    assert.deepEqual(first.Header, { MessageType: 'GW_DataChangeNotify', ClientHandle: 'login-handle', SessionId: sessionId });
    assert.equal(((first.Body as { Value: { Value: { Type: string } } }).Value.Value.Type), '11');
    const written = await call('GW_WriteRequest', { NodesToWrite: [{ NodeId: demo('Setpoint'), Value: { Value: { Type: '11', Body: '77.5' } } }] });
    assert.deepEqual((written.Body as Results<string>).Results, ['0']);
    const change = await dataChange('4711');
    assert.deepEqual((change.Body as { Value: { Value: unknown } }).Value.Value, { Type: '11', Body: '77.5' });

    const deleted = await call('GW_DeleteMonitoredItemsRequest', { SubscriptionId: subscriptionId, MonitoredItemIds: [good.MonitoredItemId, '123456'] });
    assert.deepEqual((deleted.Body as Results<string>).Results, ['0', '2151809024']);
    const removed = await call('GW_DeleteSubscriptionsRequest', { SubscriptionIds: [subscriptionId, '987654'] });
    assert.deepEqual((removed.Body as Results<string>).Results, ['0', '2150105088']);
    await waitFor(() => gateway.opcua.server.currentSubscriptionCount === 0, 'the subscription to be gone on the server');
  });

  it('pushes events with the selected fields as Variants (EventFilter as an extensible parameter)', async () => {
    const subscriptionId = await createSubscription();
    const field = (name: string) => ({ TypeDefinitionId: { Id: '2041' }, BrowsePath: [{ Name: name }], AttributeId: '13' });
    const created = await call('GW_CreateMonitoredItemsRequest', {
      SubscriptionId: subscriptionId,
      ItemsToCreate: [{
        ItemToMonitor: { NodeId: demo('Demo'), AttributeId: '12' },
        RequestedParameters: { ClientHandle: '4713', SamplingInterval: '0', QueueSize: '10', Filter: { TypeId: { Id: '15295' }, Body: { SelectClauses: [field('Message'), field('Severity')], WhereClause: { Elements: [] } } } },
      }],
    });
    const [result] = (created.Body as Results<CreateResult>).Results;
    assert.equal(result.StatusCode, '0');
    assert.deepEqual((result.FilterResult as { TypeId: unknown }).TypeId, { Id: '15314' });
    gateway.opcua.raiseEvent('tank full');
    const event = await client.nextOfType('GW_EventNotify');
    assert.deepEqual(event.Header, { MessageType: 'GW_EventNotify', ClientHandle: 'login-handle', SessionId: sessionId });
    assert.deepEqual(event.Body, { ClientHandleData: '4713', Event: [{ Type: '21', Body: { Locale: '', Text: 'tank full' } }, { Type: '5', Body: '500' }] });
    await call('GW_DeleteSubscriptionsRequest', { SubscriptionIds: [subscriptionId] });
  });

  it('answers monitored-item requests for an unknown subscription with BadSubscriptionIdInvalid', async () => {
    const create = await call('GW_CreateMonitoredItemsRequest', { SubscriptionId: '424242', ItemsToCreate: [{ ItemToMonitor: { NodeId: demo('Setpoint') }, RequestedParameters: { ClientHandle: '1', SamplingInterval: '100' } }] });
    assert.equal(create.Header.StatusCode, '2150105088');
    assert.equal(create.Body, undefined);
    const remove = await call('GW_DeleteMonitoredItemsRequest', { SubscriptionId: '424242', MonitoredItemIds: ['1'] });
    assert.equal(remove.Header.StatusCode, '2150105088');
    const missing = await call('GW_CreateMonitoredItemsRequest', { SubscriptionId: '424242', ItemsToCreate: [{ ItemToMonitor: { NodeId: demo('Setpoint') }, RequestedParameters: { SamplingInterval: '100' } }] });
    assert.equal(missing.Header.StatusCode, '2158690304', 'RequestedParameters.ClientHandle is required');
  });

  it('leaves no subscription or session on the server when the WebSocket client goes away', async () => {
    const other = await gateway.open();
    const { sessionId: otherSession } = await other.login({ DiscoveryUrl: gateway.opcua.endpointUrl });
    const answer = await other.request('GW_CreateSubscriptionRequest', {}, otherSession);
    const subscriptionId = (answer.Body as { SubscriptionId: string }).SubscriptionId;
    await other.request('GW_CreateMonitoredItemsRequest', { SubscriptionId: subscriptionId, ItemsToCreate: [{ ItemToMonitor: { NodeId: demo('Setpoint') }, RequestedParameters: { ClientHandle: '9', SamplingInterval: '50' } }] }, otherSession);
    assert.equal(gateway.opcua.server.currentSubscriptionCount, 1);
    assert.equal(gateway.serverSessions(), 2);
    other.socket.ws.terminate();
    await waitFor(() => gateway.serverSessions() === 1 && gateway.opcua.server.currentSubscriptionCount === 0, 'the vanished client\'s session and subscription to end', 10_000);
  });
});
