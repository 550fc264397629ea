import assert from 'node:assert/strict';
import fs = require('node:fs');
import { after, before, describe, it } from 'node:test';
import gatewayOpcua = require('../../nodes/ws-gateway-opcua/ws-gateway-opcua');
import type { OpcuaConfigNode } from '../../nodes/ws-gateway-opcua/opcua-node';
import { opcuaServerFlow } from '../fixtures/flows/opcua-server-flows';
import { gatewayNodes, helper, wsUrl } from '../support/node-red';
import { tempPki, waitForState } from '../support/opcua';
import { startOpcuaTestServer, type OpcuaTestServer } from '../support/opcua-test-server';
import { waitFor } from '../support/wait';
import { TestClient } from '../support/ws-client';

interface Answer {
  Header: { MessageType: string; ClientHandle: string; StatusCode?: string };
  Body?: unknown;
}

const write = (handle: string, variable: string, value: number): object => ({
  Header: { MessageType: 'WRITE_REQUEST', ClientHandle: handle },
  Body: { Variable: variable, Value: { Value: { Type: '11', Body: String(value) } } },
});

describe('opcua-server dialect (8081): WRITE answers say whether the write may have happened', { timeout: 120_000 }, () => {
  let server: OpcuaTestServer;
  let pki: string;
  before(async () => {
    pki = tempPki();
    helper.settings({ wsGatewayOpcuaPkiFolder: pki } as unknown as Parameters<typeof helper.settings>[0]);
    server = await startOpcuaTestServer({ port: 0 });
    await helper.startServer();
  });
  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await server.stop();
    fs.rmSync(pki, { recursive: true, force: true });
  });

  it('regression: in flight when the server goes away -> header BadTimeout (not BadNotConnected); while down -> BadNotConnected; nothing replayed', async () => {
    await helper.load([...gatewayNodes, gatewayOpcua], opcuaServerFlow(server.endpointUrl, {
      variables: [{ name: 'Held', nodeId: 'ns=1;s=Held' }, { name: 'Setpoint', nodeId: 'ns=1;s=Setpoint' }],
    }), {});
    const connection = (helper.getNode('opc') as unknown as OpcuaConfigNode).endpoint!.connection;
    await waitForState(connection, 'connected');
    const client = await TestClient.open(wsUrl('/opcua'), { protocols: 'json' });
    try {
      client.send(write('1', 'Held', 1));
      await waitFor(() => server.heldWrites === 1, 'the write taken by the server');
      const port = server.port;
      await server.stop();
      const inFlight = await client.nextJson<Answer>(30_000);
      assert.deepEqual(inFlight, { Header: { MessageType: 'WRITE_RESPONSE', ClientHandle: '1', StatusCode: 'BadTimeout' } });

      await waitFor(() => !connection.connected, 'the connection noticed');
      client.send(write('2', 'Setpoint', 42));
      assert.deepEqual(await client.nextJson<Answer>(5000), { Header: { MessageType: 'WRITE_RESPONSE', ClientHandle: '2' }, Body: { StatusCode: 'BadNotConnected' } });

      server = await startOpcuaTestServer({ port });
      await waitForState(connection, 'connected', 60_000);
      client.send(write('3', 'Setpoint', 43));
      assert.deepEqual(await client.nextJson<Answer>(10_000), { Header: { MessageType: 'WRITE_RESPONSE', ClientHandle: '3' }, Body: '' });
      assert.deepEqual(server.writes, [{ name: 'Setpoint', value: 43 }], 'nothing earlier reached the restarted server');
    } finally {
      await client.close();
    }
  });
});
