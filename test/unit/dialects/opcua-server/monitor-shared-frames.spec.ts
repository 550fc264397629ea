import assert from 'node:assert/strict';
import fs = require('node:fs');
import { after, before, describe, it } from 'node:test';
import type { OpcuaEndpoint } from '../../../../lib/opcua';
import { endpointFor, tempPki, waitForState } from '../../../support/opcua';
import { startOpcuaTestServer, type OpcuaTestServer } from '../../../support/opcua-test-server';
import { TestClient } from '../../../support/ws-client';
import { startEndpoint, type Fixture } from '../../server/endpoint-fixture';
import { createOpcuaServerDialect } from '../../../../lib/dialects/opcua-server';

interface Update {
  Header: { MessageType: string; ClientHandle: string };
  Body?: unknown;
}

describe('opcua-server (8081): MONITORUPDATE_MESSAGE frames shared between clients', () => {
  let opcua: OpcuaTestServer;
  let pki: string;
  let endpoint: OpcuaEndpoint;
  let fixture: Fixture;
  const clients: TestClient[] = [];

  before(async () => {
    pki = tempPki();
    opcua = await startOpcuaTestServer({ port: 0 });
    endpoint = endpointFor(opcua, pki, { variables: [{ name: 'Setpoint', nodeId: 'ns=1;s=Setpoint', samplingInterval: 50 }] });
    endpoint.start();
    await waitForState(endpoint.connection, 'connected');
    fixture = await startEndpoint({ dialect: createOpcuaServerDialect, sources: { opcua: endpoint } });
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await fixture.endpoint.close();
    await endpoint.close();
    await opcua.stop();
    fs.rmSync(pki, { recursive: true, force: true });
  });

  // A value's update is framed once per ClientHandle and the frame shared by every client using that
  // handle: each client must still receive exactly the text of its own update, with its own handle.
  it('gives clients with the same handle and with another handle the exact text of their own update', async () => {
    const handles = ['Setpoint', 'Setpoint', 'other "quoted" handle ü'];
    for (const handle of handles) {
      const client = await TestClient.open(fixture.url, { protocols: 'json' });
      clients.push(client);
      client.send({ Header: { MessageType: 'MONITORSTART_REQUEST', ClientHandle: handle }, Body: { Variable: 'Setpoint' } });
      const started = await client.nextJson<Update>(10_000);
      assert.equal(started.Header.MessageType, 'MONITORSTART_RESPONSE');
    }
    const texts = await Promise.all(clients.map((client) => client.nextText(10_000)));
    const body = (JSON.parse(texts[0]) as Update).Body;
    assert.ok(body !== undefined, 'the update carries the value');
    texts.forEach((text, index) => {
      assert.equal(text, `{"Header":{"MessageType":"MONITORUPDATE_MESSAGE","ClientHandle":${JSON.stringify(handles[index])}},"Body":${JSON.stringify(body)}}`);
    });
  });
});
