import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GatewayClient } from '../../../support/gateway-client';
import { historySamples } from '../../../support/opcua-test-server';
import { anonymousLogin, startGateway, type GatewayFixture } from './gateway-fixture';

const demo = (id: string) => ({ IdType: '1', Id: id, Namespace: '1' });
type Results<T> = { Results: T[] };

describe('opcua-gateway: attribute, history, view and method services', () => {
  let gateway: GatewayFixture;
  let client: GatewayClient;
  let sessionId: string;

  before(async () => {
    gateway = await startGateway();
    client = await gateway.open();
    ({ sessionId } = await client.login(anonymousLogin(gateway)));
  });
  after(async () => { await gateway.stop(); });

  const call = (type: string, body: unknown) => client.request(type, body, sessionId);

  it('GW_ReadRequest: DataValues with string scalars and second timestamps; per-node errors as Status (decision 4)', async () => {
    const answer = await call('GW_ReadRequest', { NodesToRead: [{ NodeId: demo('Counter'), AttributeId: '13' }, { NodeId: demo('Nope') }, { NodeId: { Id: '2256' } }] });
    assert.equal(answer.Header.StatusCode, '0');
    assert.equal(answer.Header.MessageType, 'GW_ReadResponse');
    const [counter, missing, status] = (answer.Body as Results<Record<string, unknown>>).Results;
    assert.deepEqual(counter.Value, { Type: '6', Body: '7' });
    assert.match(String(counter.ServerTimestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(missing, { Value: { Type: '0' }, Status: '2150891520' });
    const extension = (status.Value as { Type: string; Body: { TypeId: unknown; Body: Record<string, Record<string, unknown>> } });
    assert.equal(extension.Type, '22');
    assert.deepEqual(extension.Body.TypeId, { Id: '15367' });
    assert.equal(extension.Body.Body.ServerStatusDataType.State, '0');
  });

  it('GW_WriteRequest: writes a Double, reports a type mismatch per node, and the value reads back', async () => {
    const answer = await call('GW_WriteRequest', { NodesToWrite: [
      { NodeId: demo('Setpoint'), AttributeId: '13', Value: { Value: { Type: '11', Body: '42.25' } } },
      { NodeId: demo('Setpoint'), Value: { Value: { Type: '6', Body: '1' } } },
      { NodeId: demo('Counter'), Value: { Value: { Type: '6', Body: '1' } } },
    ] });
    assert.equal(answer.Header.StatusCode, '0');
    const results = (answer.Body as Results<string>).Results;
    assert.equal(results[0], '0');
    assert.notEqual(results[1], '0', 'an Int32 into a Double is refused');
    assert.notEqual(results[2], '0', 'Counter is read-only');
    const back = await call('GW_ReadRequest', { NodesToRead: [{ NodeId: demo('Setpoint') }] });
    assert.deepEqual((back.Body as Results<{ Value: unknown }>).Results[0].Value, { Type: '11', Body: '42.25' });
  });

  it('refuses empty, missing and undecodable operation lists with BadInvalidArgument and no Body', async () => {
    for (const [type, body] of [
      ['GW_ReadRequest', { NodesToRead: [] }],
      ['GW_WriteRequest', { NodesToWrite: [] }],
      ['GW_ReadRequest', {}],
      ['GW_ReadRequest', { NodesToRead: [{ NodeId: { Id: 'abc' } }] }],
      ['GW_WriteRequest', { NodesToWrite: [{ NodeId: demo('Setpoint'), Value: { Type: '11', Body: '1' } }] }],
      ['GW_BrowseRequest', { NodesToBrowse: [{ NodeId: { Id: '85' } }] }],
      ['GW_HistoryReadRequest', { HistoryReadDetails: { TypeId: { Id: '649' }, Body: { IsReadModified: 'false', NumValuesPerNode: '0', ReturnBounds: 'false' } }, NodesToRead: [{ NodeId: demo('History') }] }],
    ] as const) {
      const answer = await call(type, body);
      assert.equal(answer.Header.StatusCode, '2158690304', `${type} ${JSON.stringify(body)}`);
      assert.equal(answer.Body, undefined);
    }
  });

  it('GW_HistoryReadRequest: raw history with the JSON encoding ids 15263 -> 15270', async () => {
    const answer = await call('GW_HistoryReadRequest', {
      HistoryReadDetails: { TypeId: { Id: '15263' }, Body: { IsReadModified: 'False', StartTime: '2019-05-04T14:33:04Z', EndTime: '2050-05-04T14:33:04Z', NumValuesPerNode: '0', ReturnBounds: 'False' } },
      NodesToRead: [{ NodeId: demo('History') }],
    });
    assert.equal(answer.Header.StatusCode, '0');
    const [result] = (answer.Body as Results<{ StatusCode: string; HistoryData: { TypeId: unknown; Body: { DataValues: Array<{ Value: { Body: string }; SourceTimestamp: string }> } } }>).Results;
    assert.equal(result.StatusCode, '0');
    assert.deepEqual(result.HistoryData.TypeId, { Id: '15270' });
    assert.deepEqual(result.HistoryData.Body.DataValues.map((value) => Number(value.Value.Body)), historySamples);
    assert.equal(result.HistoryData.Body.DataValues[0].SourceTimestamp, '2024-01-01T00:00:00Z');
  });

  it('GW_BrowseRequest and GW_BrowseNextRequest: references with a continuation point', async () => {
    const first = await call('GW_BrowseRequest', {
      RequestedMaxReferencesPerNode: '1',
      NodesToBrowse: [{ NodeId: demo('Demo'), BrowseDirection: '0', ReferenceTypeId: { Id: '47' }, IncludeSubtypes: 'true', NodeClassMask: '0', ResultMask: '63' }],
    });
    assert.equal(first.Header.StatusCode, '0');
    const [result] = (first.Body as Results<{ StatusCode: string; ContinuationPoint?: string; References: Array<Record<string, unknown>> }>).Results;
    assert.equal(result.References.length, 1);
    assert.equal(typeof result.ContinuationPoint, 'string');
    assert.equal(result.References[0].IsForward, 'true');
    assert.deepEqual(result.References[0].ReferenceTypeId, { Id: '47' });
    const names = [(result.References[0].BrowseName as { Name: string }).Name];
    let continuation = result.ContinuationPoint;
    while (continuation) {
      const next = await call('GW_BrowseNextRequest', { ReleaseContinuationPoints: 'false', ContinuationPoints: [continuation] });
      assert.equal(next.Header.StatusCode, '0');
      const [page] = (next.Body as Results<{ ContinuationPoint?: string; References: Array<{ BrowseName: { Name: string } }> }>).Results;
      names.push(...page.References.map((reference) => reference.BrowseName.Name));
      continuation = page.ContinuationPoint;
    }
    assert.deepEqual(names.sort(), ['Add', 'Counter', 'History', 'Setpoint']);
  });

  it('GW_TranslateBrowsePathsToNodeIdsRequest: Objects/Demo/Setpoint', async () => {
    const element = (name: string) => ({ ReferenceTypeId: { Id: '33' }, IsInverse: 'false', IncludeSubtypes: 'true', TargetName: { Name: name, Uri: '1' } });
    const answer = await call('GW_TranslateBrowsePathsToNodeIdsRequest', { BrowsePaths: [{ StartingNode: { Id: '85' }, RelativePath: { Elements: [element('Demo'), element('Setpoint')] } }] });
    assert.equal(answer.Header.StatusCode, '0');
    const [result] = (answer.Body as Results<{ StatusCode: string; Targets: Array<{ TargetId: unknown; RemainingPathIndex: string }> }>).Results;
    assert.equal(result.StatusCode, '0');
    assert.deepEqual(result.Targets[0].TargetId, demo('Setpoint'));
    assert.equal(result.Targets[0].RemainingPathIndex, '4294967295');
  });

  it('GW_CallRequest: calls Add(a, b) and returns the output arguments as Variants', async () => {
    const answer = await call('GW_CallRequest', { MethodsToCall: [{ ObjectId: demo('Demo'), MethodId: demo('Add'), InputArguments: [{ Type: '11', Body: '1.5' }, { Type: '11', Body: '2' }] }] });
    assert.equal(answer.Header.StatusCode, '0');
    const [result] = (answer.Body as Results<{ StatusCode: string; OutputArguments: unknown[] }>).Results;
    assert.equal(result.StatusCode, '0');
    assert.deepEqual(result.OutputArguments, [{ Type: '11', Body: '3.5' }]);
  });

  it('answers pipelined requests each with its own ClientHandle; past the in-flight limit with BadTooManyOperations', async () => {
    const handles = Array.from({ length: 20 }, () => client.send('GW_ReadRequest', { NodesToRead: [{ NodeId: demo('Counter') }] }, sessionId));
    const statuses: string[] = [];
    for (const handle of handles) statuses.push((await client.next((message) => message.Header.ClientHandle === handle)).Header.StatusCode ?? '');
    assert.ok(statuses.every((status) => status === '0' || status === '2148532224'), statuses.join());
    assert.ok(statuses.filter((status) => status === '0').length >= 16, 'the default limit is 16 requests in flight');
  });
});
