import os = require('node:os');
import path = require('node:path');
import { startEndpoint, type Fixture } from '../../server/endpoint-fixture';
import { GatewayClient } from '../../../support/gateway-client';
import { startOpcuaTestServer, type OpcuaTestServer } from '../../../support/opcua-test-server';
import { createOpcuaGatewayDialect } from '../../../../lib/dialects/opcua-gateway';

/** The gateway's client PKI folder of the tests (its certificate is made once and reused). */
export const testGatewayPkiFolder = path.join(os.tmpdir(), 'ws-gateway-opcua-gateway-tests', 'gateway-pki');

export interface GatewayFixture {
  opcua: OpcuaTestServer;
  endpoint: Fixture;
  clients: GatewayClient[];
  open(): Promise<GatewayClient>;
  /** The number of sessions the OPC UA server holds right now. */
  serverSessions(): number;
  stop(): Promise<void>;
}

/** A real OPC UA test server and an opcua-gateway endpoint on ephemeral ports that allows only it. */
export async function startGateway(extraEndpoints: string[] = [], options: Record<string, unknown> = {}): Promise<GatewayFixture> {
  const opcua = await startOpcuaTestServer({ port: 0 });
  const endpoint = await startEndpoint({
    dialect: createOpcuaGatewayDialect,
    dialectOptions: { gatewayEndpoints: [opcua.endpointUrl, ...extraEndpoints].join('\n'), gatewayPkiFolder: testGatewayPkiFolder, ...options },
  });
  const fixture: GatewayFixture = {
    opcua,
    endpoint,
    clients: [],
    async open() {
      const client = await GatewayClient.open(endpoint.url);
      fixture.clients.push(client);
      return client;
    },
    serverSessions: () => fixture.opcua.server.currentSessionCount,
    async stop() {
      await Promise.all(fixture.clients.splice(0).map((client) => client.close()));
      await endpoint.endpoint.close();
      await fixture.opcua.stop();
    },
  };
  return fixture;
}

export const anonymousLogin = (fixture: GatewayFixture): Record<string, unknown> => ({ DiscoveryUrl: fixture.opcua.endpointUrl });
