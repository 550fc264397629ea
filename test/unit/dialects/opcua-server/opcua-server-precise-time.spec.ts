import assert from 'node:assert/strict';
import fs = require('node:fs');
import { after, before, describe, it } from 'node:test';
import type { OpcuaEndpoint, OpcuaVariable } from '../../../../lib/opcua';
import { endpointFor, tempPki, waitForState } from '../../../support/opcua';
import { builtinSamples, preciseSourcePicoSeconds, preciseSourceText } from '../../../support/opcua-precise-values';
import { startOpcuaTestServer, type OpcuaTestServer } from '../../../support/opcua-test-server';
import { TestClient } from '../../../support/ws-client';
import { startEndpoint, type Fixture } from '../../server/endpoint-fixture';
import { createOpcuaServerDialect } from '../../../../lib/dialects/opcua-server';

interface Answer {
  Header: { MessageType: string; ClientHandle: string; StatusCode?: string };
  Body?: unknown;
}
type JsonDataValue = { Value: unknown; SourceTimestamp?: string; ServerTimestamp?: string; SourcePicoSeconds?: string; ServerPicoSeconds?: string };

const typeNames = builtinSamples(1).map((sample) => `Types.${sample.name}`);
const variables: OpcuaVariable[] = ['Precise', ...typeNames].map((name) => ({ name, nodeId: `ns=1;s=${name}`, samplingInterval: 50 }));

function assertPicoSecondsConsistent(value: JsonDataValue, context: string): void {
  for (const [stamp, pico] of [[value.SourceTimestamp, value.SourcePicoSeconds], [value.ServerTimestamp, value.ServerPicoSeconds]] as const) {
    if (pico === undefined) continue;
    assert.match(pico, /^\d{1,4}$/, `${context}: PicoSeconds ${pico} within 0..9999`);
    assert.match(stamp ?? '', /\.\d{7}Z$/, `${context}: PicoSeconds ride on a 100 ns timestamp, not on ${stamp}`);
  }
}

/** The server stamps each read with its own clock; what the client wrote is the rest. */
function withoutServerTime({ ServerTimestamp: _time, ServerPicoSeconds: _pico, ...rest }: JsonDataValue): JsonDataValue {
  return rest;
}

describe('opcua-server (8081): timestamps below the millisecond (an open62541 server)', () => {
  let opcua: OpcuaTestServer;
  let pki: string;
  const endpoints: OpcuaEndpoint[] = [];
  const fixtures: Fixture[] = [];
  const clients: TestClient[] = [];

  async function serve(dialectOptions: Record<string, unknown>): Promise<TestClient> {
    const endpoint = endpointFor(opcua, pki, { variables });
    endpoints.push(endpoint);
    endpoint.start();
    await waitForState(endpoint.connection, 'connected');
    const fixture = await startEndpoint({ dialect: createOpcuaServerDialect, sources: { opcua: endpoint }, dialectOptions });
    fixtures.push(fixture);
    const client = await TestClient.open(fixture.url, { protocols: 'json' });
    clients.push(client);
    return client;
  }
  async function ask(client: TestClient, type: string, handle: string, body: unknown): Promise<Answer> {
    client.send({ Header: { MessageType: type, ClientHandle: handle }, Body: body });
    return client.nextJson<Answer>(10_000);
  }

  before(async () => {
    pki = tempPki();
    opcua = await startOpcuaTestServer({ port: 0 });
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(fixtures.map((fixture) => fixture.endpoint.close()));
    await Promise.all(endpoints.map((endpoint) => endpoint.close()));
    await opcua.stop();
    fs.rmSync(pki, { recursive: true, force: true });
  });

  it('regression: READ and MONITORUPDATE_MESSAGE carry the 100 ns time and PicoSeconds in 0..9999 (asnegTimestamps "100ns")', async () => {
    const client = await serve({ asnegTimestamps: '100ns' });
    const read = await ask(client, 'READ_REQUEST', 'r1', { Variable: 'Precise' });
    const value = read.Body as JsonDataValue;
    assert.deepEqual(withoutServerTime(value), { Value: { Type: '11', Body: '1.25' }, SourceTimestamp: preciseSourceText, SourcePicoSeconds: preciseSourcePicoSeconds });
    assertPicoSecondsConsistent(value, 'READ_RESPONSE');
    const started = await ask(client, 'MONITORSTART_REQUEST', 'm1', { Variable: 'Precise' });
    assert.equal(started.Body, '');
    const update = await client.nextJson<Answer>(10_000);
    assert.equal(update.Header.MessageType, 'MONITORUPDATE_MESSAGE');
    const pushed = update.Body as JsonDataValue;
    assert.equal(pushed.SourceTimestamp, preciseSourceText);
    assert.equal(pushed.SourcePicoSeconds, preciseSourcePicoSeconds);
    assertPicoSecondsConsistent(pushed, 'MONITORUPDATE_MESSAGE');
    await ask(client, 'MONITORSTOP_REQUEST', 'm1', { Variable: 'Precise' });
  });

  for (const [label, options] of [['100 ns', { asnegTimestamps: '100ns' }], ['whole-second (default)', {}]] as const) {
    it(`regression: every built-in type READ can be written back unchanged by WRITE_REQUEST (${label} timestamps)`, async () => {
      const client = await serve(options);
      for (const name of typeNames) {
        const read = await ask(client, 'READ_REQUEST', `r-${name}`, { Variable: name });
        const value = read.Body as JsonDataValue;
        assertPicoSecondsConsistent(value, name);
        if (label !== '100 ns') assert.equal(value.SourcePicoSeconds, undefined, `${name}: no PicoSeconds beside a truncated time`);
        const written = await ask(client, 'WRITE_REQUEST', `w-${name}`, { Variable: name, Value: value });
        assert.deepEqual(written, { Header: { MessageType: 'WRITE_RESPONSE', ClientHandle: `w-${name}` }, Body: '' }, `${name}: ${JSON.stringify(value)}`);
        const again = await ask(client, 'READ_REQUEST', `a-${name}`, { Variable: name });
        assert.deepEqual(withoutServerTime(again.Body as JsonDataValue), withoutServerTime(value), name);
      }
    });
  }
});
