import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import fs = require('node:fs');
import { after, afterEach, before, describe, it } from 'node:test';
import type { Node } from 'node-red';
import gatewayOpcua = require('../../nodes/ws-gateway-opcua/ws-gateway-opcua');
import type { OpcuaConfigNode } from '../../nodes/ws-gateway-opcua/opcua-node';
import { opcuaServerFlow } from '../fixtures/flows/opcua-server-flows';
import { inNode } from '../fixtures/flows/raw-flows';
import type { FlowNode } from '../fixtures/flows/raw-flows';
import { gatewayNodes, helper, wsUrl } from '../support/node-red';
import { startDemo, tempPki, waitForState, type RunningOpcuaDemoServer } from '../support/opcua';
import { openHandles, waitFor } from '../support/wait';
import { TestClient } from '../support/ws-client';

interface Answer {
  Header: { MessageType: string; ClientHandle: string; StatusCode?: string };
  Body?: unknown;
}

function request(type: string, handle: string, body?: unknown): Record<string, unknown> {
  const message: Record<string, unknown> = { Header: { MessageType: type, ClientHandle: handle } };
  if (body !== undefined) message.Body = body;
  return message;
}

describe('opcua-server dialect (ASNeG 8081 API) through Node-RED', { timeout: 180_000 }, () => {
  let demo: RunningOpcuaDemoServer;
  let pki: string;
  const clients: TestClient[] = [];

  async function load(flow: FlowNode[], waitForConnection = true): Promise<void> {
    await helper.load([...gatewayNodes, gatewayOpcua], flow, {});
    const opcua = helper.getNode('opc') as unknown as OpcuaConfigNode;
    assert.ok(opcua.endpoint, 'the ws-gateway-opcua node accepted its configuration');
    if (waitForConnection) await waitForState(opcua.endpoint.connection, 'connected');
  }
  async function open(): Promise<TestClient> {
    const client = await TestClient.open(wsUrl('/opcua'), { protocols: 'json' });
    clients.push(client);
    return client;
  }
  async function ask(client: TestClient, type: string, handle: string, body: unknown = {}): Promise<Answer> {
    client.send(request(type, handle, body));
    return client.nextJson<Answer>(10_000);
  }

  before(async () => {
    pki = tempPki();
    helper.settings({ wsGatewayOpcuaPkiFolder: pki } as unknown as Parameters<typeof helper.settings>[0]);
    await helper.startServer();
    demo = await startDemo();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await helper.unload();
  });
  after(async () => {
    await helper.stopServer();
    await demo.stop();
    fs.rmSync(pki, { recursive: true, force: true });
  });

  it('lists the variables and describes them (VALUELIST, VALUEINFO), echoing the json subprotocol', async () => {
    await load(opcuaServerFlow(demo.endpointUrl));
    const client = await open();
    assert.equal(client.ws.protocol, 'json');
    const list = await ask(client, 'VALUELIST_REQUEST', '1');
    assert.deepEqual(list, { Header: { MessageType: 'VALUELIST_RESPONSE', ClientHandle: '1' }, Body: { Variables: ['Boolean', 'ByteArray', 'Counter', 'Double', 'Int32', 'Int64', 'Missing', 'Setpoint', 'Sine', 'String'] } });
    const info = await ask(client, 'VALUEINFO_REQUEST', '2', { Variables: ['Boolean', 'ByteArray', 'Nope'] });
    assert.deepEqual(info.Body, { Variables: [
      { Variable: 'Boolean', Type: 'Boolean', IsArray: 'false' },
      { Variable: 'ByteArray', Type: 'Byte', IsArray: 'true', MetaData: { unit: 'count', limits: { low: '0', high: '255' } } },
      { Variable: 'Nope', StatusCode: 'BadNodeIdUnknown' },
    ] });
    const bad = await ask(client, 'VALUEINFO_REQUEST', '3', {});
    assert.deepEqual(bad, { Header: { MessageType: 'VALUEINFO_RESPONSE', ClientHandle: '3', StatusCode: 'BadAttributeIdInvalid' } });
  });

  it('reads values as ASNeG DataValues, with body and header errors', async () => {
    await load(opcuaServerFlow(demo.endpointUrl));
    const client = await open();
    const int32 = await ask(client, 'READ_REQUEST', 'r1', { Variable: 'Int32' });
    assert.equal(int32.Header.MessageType, 'READ_RESPONSE');
    const value = int32.Body as { Value: unknown; SourceTimestamp: string; ServerTimestamp: string };
    assert.deepEqual(value.Value, { Type: '6', Body: '555' });
    assert.match(value.SourceTimestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.deepEqual(((await ask(client, 'READ_REQUEST', 'r2', { Variable: 'Double' })).Body as { Value: unknown }).Value, { Type: '11', Body: '3.14159265' },
      'doubles in the shortest text that reads back the same (decision 11)');
    assert.deepEqual(((await ask(client, 'READ_REQUEST', 'r3', { Variable: 'ByteArray' })).Body as { Value: unknown }).Value, { Type: '3', Body: ['1', '2', '3', '4'] });
    assert.deepEqual(await ask(client, 'READ_REQUEST', 'r4', { Variable: 'Nope' }), { Header: { MessageType: 'READ_RESPONSE', ClientHandle: 'r4' }, Body: { StatusCode: 'BadNodeIdUnknown' } });
    assert.deepEqual(await ask(client, 'READ_REQUEST', 'r5', {}), { Header: { MessageType: 'READ_RESPONSE', ClientHandle: 'r5', StatusCode: 'BadAttributeIdInvalid' } });
    const missing = await ask(client, 'READ_REQUEST', 'r6', { Variable: 'Missing' });
    assert.deepEqual((missing.Body as { Value: unknown; Status: string }).Value, { Type: '0' });
    assert.equal((missing.Body as { Status: string }).Status, '2150891520', 'a bad node reads as a status-only DataValue (decision 4)');
  });

  it('writes numbers and times as ASNeG does when the server is told to (asnegNumbers g6, asnegTimestamps ms)', async () => {
    await load(opcuaServerFlow(demo.endpointUrl, {}, { asnegNumbers: 'g6', asnegTimestamps: 'ms' }));
    const client = await open();
    const value = (await ask(client, 'READ_REQUEST', 'g', { Variable: 'Double' })).Body as { Value: unknown; SourceTimestamp: string };
    assert.deepEqual(value.Value, { Type: '11', Body: '3.14159' });
    assert.match(value.SourceTimestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('writes confirmed values and names each refusal', async () => {
    await load(opcuaServerFlow(demo.endpointUrl));
    const client = await open();
    assert.deepEqual(await ask(client, 'WRITE_REQUEST', 'w1', { Variable: 'Setpoint', Value: { Value: { Type: '11', Body: '42.5' } } }),
      { Header: { MessageType: 'WRITE_RESPONSE', ClientHandle: 'w1' }, Body: '' });
    assert.deepEqual(((await ask(client, 'READ_REQUEST', 'w2', { Variable: 'Setpoint' })).Body as { Value: unknown }).Value, { Type: '11', Body: '42.5' });
    assert.deepEqual(await ask(client, 'WRITE_REQUEST', 'w3', { Variable: 'Setpoint', Value: { Value: { Type: '12', Body: 'text' } } }),
      { Header: { MessageType: 'WRITE_RESPONSE', ClientHandle: 'w3', StatusCode: 'BadTypeMismatch' } });
    assert.deepEqual(await ask(client, 'WRITE_REQUEST', 'w4', { Variable: 'Nope', Value: { Value: { Type: '11', Body: '1' } } }),
      { Header: { MessageType: 'WRITE_RESPONSE', ClientHandle: 'w4' }, Body: { StatusCode: 'BadNodeIdUnknown' } });
    assert.deepEqual(await ask(client, 'WRITE_REQUEST', 'w5', { Variable: 'Setpoint', Value: { Type: '11', Body: '1' } }),
      { Header: { MessageType: 'WRITE_RESPONSE', ClientHandle: 'w5', StatusCode: 'BadAttributeIdInvalid' } }, 'the old simpledemo form without the inner Value');
    assert.deepEqual(await ask(client, 'WRITE_REQUEST', 'w6', { Value: { Value: { Type: '11', Body: '1' } } }),
      { Header: { MessageType: 'WRITE_RESPONSE', ClientHandle: 'w6', StatusCode: 'BadAttributeIdInvalid' } });
    assert.deepEqual(await ask(client, 'WRITE_REQUEST', 'w7', { Variable: 'Sine', Value: { Value: { Type: '11', Body: '1' } } }),
      { Header: { MessageType: 'WRITE_RESPONSE', ClientHandle: 'w7', StatusCode: 'BadNotWritable' } });
    assert.deepEqual(await ask(client, 'WRITE_REQUEST', 'w8', { Variable: 'Int32', Value: { Value: { Type: 6, Body: 777 } } }),
      { Header: { MessageType: 'WRITE_RESPONSE', ClientHandle: 'w8' }, Body: '' }, 'JSON numbers are accepted where strings are');
    assert.deepEqual(await ask(client, 'WRITE_REQUEST', 'w9', { Variable: 'Int64', Value: { Value: { Type: '8', Body: '-9007199254740993' } } }),
      { Header: { MessageType: 'WRITE_RESPONSE', ClientHandle: 'w9' }, Body: '' });
    assert.deepEqual(((await ask(client, 'READ_REQUEST', 'w10', { Variable: 'Int64' })).Body as { Value: unknown }).Value, { Type: '8', Body: '-9007199254740993' }, '64-bit integers keep every digit');
  });

  it('monitors per connection and ClientHandle, and leaves no monitored item behind', async () => {
    await load(opcuaServerFlow(demo.endpointUrl));
    const first = await open();
    const second = await open();
    assert.deepEqual(await ask(first, 'MONITORSTART_REQUEST', 'Counter', { Variable: 'Counter' }), { Header: { MessageType: 'MONITORSTART_RESPONSE', ClientHandle: 'Counter' }, Body: '' });
    const update = await first.nextJson<Answer>(5000);
    assert.equal(update.Header.MessageType, 'MONITORUPDATE_MESSAGE');
    assert.equal(update.Header.ClientHandle, 'Counter');
    assert.equal((update.Body as { Value: { Type: string } }).Value.Type, '7');
    assert.deepEqual(await ask(second, 'MONITORSTART_REQUEST', 'Counter', { Variable: 'Setpoint' }), { Header: { MessageType: 'MONITORSTART_RESPONSE', ClientHandle: 'Counter' }, Body: '' },
      'the same handle on another connection is a registration of its own');
    const secondUpdate = await second.nextJson<Answer>(5000);
    assert.equal((secondUpdate.Body as { Value: { Type: string } }).Value.Type, '11', 'it watches its own variable (ASNeG would share the first)');
    first.send(request('MONITORSTART_REQUEST', 'Counter', { Variable: 'Counter' }));
    let again = await first.nextJson<Answer>();
    while (again.Header.MessageType === 'MONITORUPDATE_MESSAGE') again = await first.nextJson<Answer>();
    assert.deepEqual(again, { Header: { MessageType: 'MONITORSTART_RESPONSE', ClientHandle: 'Counter' }, Body: { StatusCode: 'BadEntryExists' } });
    assert.deepEqual(await ask(second, 'MONITORSTART_REQUEST', 'x', { Variable: 'Nope' }), { Header: { MessageType: 'MONITORSTART_RESPONSE', ClientHandle: 'x' }, Body: { StatusCode: 'BadNodeIdUnknown' } });
    assert.deepEqual(await ask(second, 'MONITORSTART_REQUEST', 'y', {}), { Header: { MessageType: 'MONITORSTART_RESPONSE', ClientHandle: 'y', StatusCode: 'BadAttributeIdInvalid' } });
    await waitFor(() => demo.monitoredItemCount() === 2, 'two items on the OPC UA server');
    second.send(request('MONITORSTOP_REQUEST', 'Counter', { Variable: 'Setpoint' }));
    let stopped = await second.nextJson<Answer>();
    while (stopped.Header.MessageType === 'MONITORUPDATE_MESSAGE') stopped = await second.nextJson<Answer>();
    assert.deepEqual(stopped, { Header: { MessageType: 'MONITORSTOP_RESPONSE', ClientHandle: 'Counter' }, Body: '' });
    assert.deepEqual(await ask(second, 'MONITORSTOP_REQUEST', 'Counter', { Variable: 'Setpoint' }), { Header: { MessageType: 'MONITORSTOP_RESPONSE', ClientHandle: 'Counter' }, Body: { StatusCode: 'BadNoEntryExists' } });
    await waitFor(() => demo.monitoredItemCount() === 1, 'one item after MONITORSTOP');
    await first.close();
    await waitFor(() => demo.monitoredItemCount() === 0, 'no item after the last client left', 5000);
  });

  it('answers HISTORICALREAD (basic and extended ISO times) from the server history', async () => {
    await load(opcuaServerFlow(demo.endpointUrl));
    const client = await open();
    const end = new Date();
    const start = new Date(end.getTime() - 60_000);
    const basic = (date: Date): string => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, '');
    const history = await ask(client, 'HISTORICALREAD_REQUEST', 'h1', { Variable: 'Sine', StartTime: basic(start), EndTime: basic(end) });
    assert.equal(history.Header.MessageType, 'HISTORICALREAD_RESPONSE');
    const values = (history.Body as { DataValues: Array<{ Value: { Type: string } }> }).DataValues;
    assert.ok(values.length >= 55 && values.length <= 62, `a minute of samples, got ${values.length}`);
    assert.equal(values[0].Value.Type, '11');
    const extended = await ask(client, 'HISTORICALREAD_REQUEST', 'h2', { Variable: 'Sine', StartTime: start.toISOString(), EndTime: 'NOW', NumValuesPerNode: '5' });
    assert.equal((extended.Body as { DataValues: unknown[] }).DataValues.length, 5);
    assert.deepEqual(await ask(client, 'HISTORICALREAD_REQUEST', 'h3', { Variable: 'Sine', StartTime: basic(start) }),
      { Header: { MessageType: 'HISTORICALREAD_RESPONSE', ClientHandle: 'h3', StatusCode: 'BadAttributeIdInvalid' } });
    assert.deepEqual(await ask(client, 'HISTORICALREAD_REQUEST', 'h4', { Variable: 'Nope', StartTime: 'NOW', EndTime: 'NOW' }),
      { Header: { MessageType: 'HISTORICALREAD_RESPONSE', ClientHandle: 'h4' }, Body: { StatusCode: 'BadNodeIdUnknown' } });
  });

  it('answers unknown types with ERROR, ignores broken frames without crashing, and accepts ClientHandler', async () => {
    await load(opcuaServerFlow(demo.endpointUrl));
    const client = await open();
    assert.deepEqual(await ask(client, 'FOO_REQUEST', '1'), { Header: { MessageType: 'ERROR', ClientHandle: '1', StatusCode: 'BadRequestHeaderInvalid' } });
    assert.deepEqual(await ask(client, 'READ_RESPONSE', '2'), { Header: { MessageType: 'ERROR', ClientHandle: '2', StatusCode: 'BadRequestHeaderInvalid' } });
    client.send('not json');
    client.send({ Header: { MessageType: 'READ_REQUEST' }, Body: { Variable: 'Int32' } });
    client.send({ Header: { ClientHandle: 'z' }, Body: {} });
    client.send({ Header: { MessageType: 'READ_REQUEST', ClientHandle: 'no-body' } });
    client.send({ Body: {} });
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.ok(await client.silentFor(300), 'broken frames get no answer');
    client.send({ Header: { MessageType: 'VALUELIST_REQUEST', ClientHandler: 'alias' }, Body: {} });
    const answer = await client.nextJson<Answer>();
    assert.equal(answer.Header.ClientHandle, 'alias');
    assert.equal(answer.Header.MessageType, 'VALUELIST_RESPONSE');
  });

  it('answers BadNotConnected while the OPC UA server cannot be reached, and turns red with the reason (regression: stayed yellow, logged nothing)', async () => {
    const nowhere = await startDemo();
    const url = nowhere.endpointUrl;
    await nowhere.stop();
    await load([...opcuaServerFlow(url), inNode('in')], false);
    const statuses: Array<{ fill?: string; text?: string }> = [];
    (helper.getNode('in') as unknown as EventEmitter).on('call:status', (call: { args: Array<{ fill?: string; text?: string }> }) => statuses.push(call.args[0]));
    await waitFor(() => statuses.some((status) => status.fill === 'red' && /^OPC UA unreachable: connect ECONNREFUSED/.test(status.text ?? '')), 'the flow node shows the server unreachable', 10000);
    const opcua = helper.getNode('opc') as unknown as OpcuaConfigNode;
    const attempts = opcua.endpoint?.connection.attempts ?? 0;
    await waitFor(() => (opcua.endpoint?.connection.attempts ?? 0) >= attempts + 2, 'two more connection attempts', 15000);
    const spy = helper.log() as unknown as { args: Array<[{ level: number; id?: string; msg?: unknown }]> };
    const warnings = spy.args.map(([entry]) => entry).filter((entry) => entry.id === 'opc' && entry.level === 30).map((entry) => String(entry.msg));
    assert.deepEqual(warnings, [`${url} unreachable: connect ECONNREFUSED ${url.replace('opc.tcp://', '')}`], 'the ws-gateway-opcua node warns once');
    const client = await open();
    assert.deepEqual(await ask(client, 'READ_REQUEST', 'n1', { Variable: 'Int32' }), { Header: { MessageType: 'READ_RESPONSE', ClientHandle: 'n1' }, Body: { StatusCode: 'BadNotConnected' } });
    assert.deepEqual(await ask(client, 'WRITE_REQUEST', 'n2', { Variable: 'Setpoint', Value: { Value: { Type: '11', Body: '1' } } }),
      { Header: { MessageType: 'WRITE_RESPONSE', ClientHandle: 'n2' }, Body: { StatusCode: 'BadNotConnected' } });
    assert.deepEqual(await ask(client, 'VALUEINFO_REQUEST', 'n3', { Variables: ['Int32'] }), { Header: { MessageType: 'VALUEINFO_RESPONSE', ClientHandle: 'n3' }, Body: { Variables: [{ Variable: 'Int32', StatusCode: 'BadNotConnected' }] } });
  });

  it('recovers after the OPC UA server stops and starts again: monitored values flow again', async () => {
    const own = await startDemo();
    const port = Number(new URL(own.endpointUrl.replace('opc.tcp', 'http')).port);
    let server = own;
    try {
      await load(opcuaServerFlow(own.endpointUrl));
      const client = await open();
      await ask(client, 'MONITORSTART_REQUEST', 'c', { Variable: 'Counter' });
      await client.nextJson<Answer>(5000);
      await own.stop();
      let lost = await client.nextJson<Answer>(15000);
      while (lost.Header.StatusCode === undefined) lost = await client.nextJson<Answer>(15000);
      assert.deepEqual(lost, { Header: { MessageType: 'MONITORUPDATE_MESSAGE', ClientHandle: 'c', StatusCode: 'BadNotConnected' } });
      server = await startDemo({ port });
      let back = await client.nextJson<Answer>(30000);
      while (back.Body === undefined) back = await client.nextJson<Answer>(30000);
      assert.equal((back.Body as { Value: { Type: string } }).Value.Type, '7');
      assert.equal(server.monitoredItemCount(), 1);
      assert.deepEqual(await ask(client, 'READ_REQUEST', 'r', { Variable: 'Boolean' }).then((answer) => answer.Header.MessageType === 'MONITORUPDATE_MESSAGE' ? client.nextJson<Answer>() : answer).then((answer) => (answer.Body as { Value: unknown }).Value), { Type: '1', Body: 'true' });
    } finally {
      await Promise.all(clients.splice(0).map((client) => client.close()));
      await helper.unload();
      await server.stop();
    }
  });

  it('browses the server through the deployed node (admin endpoint)', async () => {
    await load(opcuaServerFlow(demo.endpointUrl));
    const objects = await helper.request().get('/ws-gateway-opcua/opc/browse').expect(200);
    const demoFolder = (objects.body.children as Array<{ displayName: string; nodeId: string; hasChildren: boolean }>).find((child) => child.displayName === 'Demo');
    assert.ok(demoFolder?.hasChildren, 'the Objects folder holds the Demo folder');
    const inside = await helper.request().get('/ws-gateway-opcua/opc/browse').query({ nodeId: demoFolder.nodeId }).expect(200);
    const setpoint = (inside.body.children as Array<{ displayName: string; nodeClass: string }>).find((child) => child.displayName === 'Setpoint');
    assert.equal(setpoint?.nodeClass, 'Variable');
    await helper.request().get('/ws-gateway-opcua/nope/browse').expect(404);
    await helper.request().get('/ws-gateway-opcua/opc/browse').query({ nodeId: 'not a node id' }).expect(400);
  });

  it('releases every session, monitored item and socket on redeploy', async () => {
    const handlesBefore = openHandles();
    const flow = opcuaServerFlow(demo.endpointUrl);
    await load(flow);
    const client = await open();
    await ask(client, 'MONITORSTART_REQUEST', 'c', { Variable: 'Counter' });
    await waitFor(() => demo.monitoredItemCount() === 1, 'the item exists');
    const sessionsWithFlow = demo.sessionCount();
    await helper.setFlows(flow.map((node) => ({ ...node })), 'full');
    assert.equal((await client.closed).code, 1001);
    await waitForState((helper.getNode('opc') as unknown as OpcuaConfigNode).endpoint!.connection, 'connected');
    await waitFor(() => demo.monitoredItemCount() === 0, 'the item went with the old deploy', 5000);
    await waitFor(() => demo.sessionCount() === sessionsWithFlow, 'one session again, not two', 10000);
    await helper.unload();
    await waitFor(() => demo.sessionCount() === 0, 'no session left after unload', 10000);
    await waitFor(() => (openHandles().get('TCPSocketWrap') ?? 0) <= (handlesBefore.get('TCPSocketWrap') ?? 0), 'no OPC UA or WebSocket socket left', 5000);
    const node = helper.getNode('opc') as Node | null;
    assert.equal(node, null);
  });
  it('regression: refuses a WRITE too large (BadEncodingLimitsExceeded) or of 1e400 (BadOutOfRange), and a frame nested too deeply', async () => {
    await load(opcuaServerFlow(demo.endpointUrl));
    const client = await open();
    assert.deepEqual(await ask(client, 'WRITE_REQUEST', 'm1', { Variable: 'String', Value: { Value: { Type: '12', Body: 'before' } } }),
      { Header: { MessageType: 'WRITE_RESPONSE', ClientHandle: 'm1' }, Body: '' });
    assert.deepEqual(await ask(client, 'WRITE_REQUEST', 'm2', { Variable: 'String', Value: { Value: { Type: '12', Body: 'x'.repeat(300 * 1024) } } }),
      { Header: { MessageType: 'WRITE_RESPONSE', ClientHandle: 'm2', StatusCode: 'BadEncodingLimitsExceeded' } });
    client.send('{"Header":{"MessageType":"WRITE_REQUEST","ClientHandle":"m3"},"Body":{"Variable":"Setpoint","Value":{"Value":{"Type":11,"Body":1e400}}}}');
    assert.deepEqual(await client.nextJson<Answer>(10_000), { Header: { MessageType: 'WRITE_RESPONSE', ClientHandle: 'm3', StatusCode: 'BadOutOfRange' } });
    client.send(`{"Header":{"MessageType":"READ_REQUEST","ClientHandle":"m4"},"Body":{"Variable":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`);
    assert.deepEqual(await client.nextJson<Answer>(10_000), { Header: { MessageType: 'READ_RESPONSE', ClientHandle: 'm4', StatusCode: 'BadEncodingLimitsExceeded' } });
    assert.deepEqual(((await ask(client, 'READ_REQUEST', 'm5', { Variable: 'String' })).Body as { Value: unknown }).Value, { Type: '12', Body: 'before' }, 'nothing was written');
  });
});
