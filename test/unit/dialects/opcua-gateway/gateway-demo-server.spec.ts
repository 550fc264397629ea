import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_NAMESPACE_URI } from '../../../../demo/opcua/demo-server';
import { GatewayClient } from '../../../support/gateway-client';
import { startDemo, type RunningOpcuaDemoServer } from '../../../support/opcua';
import { endpointPool } from '../../server/endpoint-fixture';
import { testGatewayPkiFolder } from './gateway-fixture';
import { createOpcuaGatewayDialect } from '../../../../lib/dialects/opcua-gateway';

type Results<T> = { Results: T[] };

/**
 * Every request type of the 8082 API once, against the demo OPC UA server of `npm start` (the other
 * gateway specs use a smaller test server for their edge cases): login as user1, the attribute, history,
 * view and method services, a subscription with a data change and an event, and logout.
 */
describe('opcua-gateway against the demo OPC UA server: every message type', { timeout: 60_000 }, () => {
  const pool = endpointPool();
  let demo: RunningOpcuaDemoServer;
  let client: GatewayClient;
  let sessionId: string;
  let ns: string;
  const node = (id: string) => ({ IdType: '1', Id: id, Namespace: ns });
  const call = (type: string, body: unknown) => client.request(type, body, sessionId, 10_000);

  before(async () => {
    demo = await startDemo();
    ns = String(demo.server.engine.addressSpace!.getNamespaceIndex(DEMO_NAMESPACE_URI));
    const gateway = await pool.start({ dialect: createOpcuaGatewayDialect, dialectOptions: { gatewayEndpoints: demo.endpointUrl, gatewayPkiFolder: testGatewayPkiFolder } });
    client = await GatewayClient.open(gateway.url);
    const login = await client.login({ DiscoveryUrl: demo.endpointUrl, UserAuth: { Type: 'UserName', UserName: 'user1', Password: 'password1' } });
    assert.equal(login.status, 'Connect');
    sessionId = login.sessionId;
  });
  after(async () => {
    await client?.close();
    await pool.closeAll();
    await demo?.stop();
  });

  it('GW_ReadRequest and GW_WriteRequest on Setpoint', async () => {
    const written = await call('GW_WriteRequest', { NodesToWrite: [{ NodeId: node('Setpoint'), Value: { Value: { Type: '11', Body: '12.25' } } }] });
    assert.deepEqual((written.Body as Results<string>).Results, ['0']);
    const read = await call('GW_ReadRequest', { NodesToRead: [{ NodeId: node('Setpoint') }] });
    assert.deepEqual((read.Body as Results<{ Value: unknown }>).Results[0].Value, { Type: '11', Body: '12.25' });
  });

  it('GW_HistoryReadRequest on Sine: the back-filled hour', async () => {
    const now = Date.now();
    const answer = await call('GW_HistoryReadRequest', {
      HistoryReadDetails: { TypeId: { Id: '15263' }, Body: { IsReadModified: 'false', StartTime: new Date(now - 30 * 60_000).toISOString(), EndTime: new Date(now - 29 * 60_000).toISOString(), NumValuesPerNode: '0', ReturnBounds: 'false' } },
      NodesToRead: [{ NodeId: node('Sine') }],
    });
    const [result] = (answer.Body as Results<{ StatusCode: string; HistoryData: { Body: { DataValues: unknown[] } } }>).Results;
    assert.equal(result.StatusCode, '0');
    assert.ok(result.HistoryData.Body.DataValues.length >= 55, `a minute of one-second samples, got ${result.HistoryData.Body.DataValues.length}`);
  });

  it('GW_BrowseRequest, GW_BrowseNextRequest and GW_TranslateBrowsePathsToNodeIdsRequest on the Demo folder', async () => {
    const first = await call('GW_BrowseRequest', { RequestedMaxReferencesPerNode: '2', NodesToBrowse: [{ NodeId: node('Demo'), BrowseDirection: '0', ReferenceTypeId: { Id: '33' }, IncludeSubtypes: 'true', NodeClassMask: '0', ResultMask: '63' }] });
    const [page] = (first.Body as Results<{ ContinuationPoint?: string; References: unknown[] }>).Results;
    assert.equal(page.References.length, 2);
    assert.equal(typeof page.ContinuationPoint, 'string');
    const next = await call('GW_BrowseNextRequest', { ReleaseContinuationPoints: 'false', ContinuationPoints: [page.ContinuationPoint] });
    assert.ok((next.Body as Results<{ References: unknown[] }>).Results[0].References.length > 0);
    const element = (name: string) => ({ ReferenceTypeId: { Id: '33' }, IsInverse: 'false', IncludeSubtypes: 'true', TargetName: { Name: name, Uri: ns } });
    const translated = await call('GW_TranslateBrowsePathsToNodeIdsRequest', { BrowsePaths: [{ StartingNode: { Id: '85' }, RelativePath: { Elements: [element('Demo'), element('Setpoint')] } }] });
    assert.deepEqual((translated.Body as Results<{ Targets: Array<{ TargetId: unknown }> }>).Results[0].Targets[0].TargetId, node('Setpoint'));
  });

  it('GW_CallRequest: Demo.Multiply', async () => {
    const answer = await call('GW_CallRequest', { MethodsToCall: [{ ObjectId: node('Demo'), MethodId: node('Multiply'), InputArguments: [{ Type: '11', Body: '1.5' }, { Type: '11', Body: '4' }] }] });
    assert.deepEqual((answer.Body as Results<{ OutputArguments: unknown[] }>).Results[0].OutputArguments, [{ Type: '11', Body: '6' }]);
  });

  it('subscriptions: a data change of Counter and an event of Machine, then delete and logout', async () => {
    const subscription = await call('GW_CreateSubscriptionRequest', { RequestedPublishingInterval: '100' });
    const subscriptionId = (subscription.Body as { SubscriptionId: string }).SubscriptionId;
    const field = (name: string) => ({ TypeDefinitionId: { Id: '2041' }, BrowsePath: [{ Name: name }], AttributeId: '13' });
    const created = await call('GW_CreateMonitoredItemsRequest', {
      SubscriptionId: subscriptionId,
      ItemsToCreate: [
        { ItemToMonitor: { NodeId: node('Counter'), AttributeId: '13' }, RequestedParameters: { ClientHandle: '1', SamplingInterval: '100' } },
        { ItemToMonitor: { NodeId: node('Machine'), AttributeId: '12' }, RequestedParameters: { ClientHandle: '2', SamplingInterval: '0', QueueSize: '10', Filter: { TypeId: { Id: '15295' }, Body: { SelectClauses: [field('Message')], WhereClause: { Elements: [] } } } } },
      ],
    });
    const results = (created.Body as Results<{ StatusCode: string; MonitoredItemId: string }>).Results;
    assert.deepEqual(results.map((result) => result.StatusCode), ['0', '0']);
    const change = await client.next((message) => message.Header.MessageType === 'GW_DataChangeNotify' && (message.Body as { ClientHandleData: string }).ClientHandleData === '1', 5000);
    assert.ok(Number(((change.Body as { Value: { Value: { Body: string } } }).Value.Value.Body)) >= 0);
    const event = await client.nextOfType('GW_EventNotify', sessionId, 8000);
    assert.match(JSON.stringify(event.Body), /Machine event \d+/);
    const removed = await call('GW_DeleteMonitoredItemsRequest', { SubscriptionId: subscriptionId, MonitoredItemIds: results.map((result) => result.MonitoredItemId) });
    assert.deepEqual((removed.Body as Results<string>).Results, ['0', '0']);
    const deleted = await call('GW_DeleteSubscriptionsRequest', { SubscriptionIds: [subscriptionId] });
    assert.deepEqual((deleted.Body as Results<string>).Results, ['0']);
    const logout = await call('GW_LogoutRequest', {});
    assert.equal(logout.Header.StatusCode, '0');
  });
});
