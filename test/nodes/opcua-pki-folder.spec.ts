import assert from 'node:assert/strict';
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { after, before, describe, it, mock } from 'node:test';
import { OPCUACertificateManager } from 'node-opcua';
import gatewayOpcua = require('../../nodes/ws-gateway-opcua/ws-gateway-opcua');
import type { OpcuaConfigNode } from '../../nodes/ws-gateway-opcua/opcua-node';
import { certificateDer } from '../../lib/opcua/security';
import { serverNode } from '../fixtures/flows/raw-flows';
import { GatewayClient, policyUri } from '../support/gateway-client';
import { gatewayNodes, helper, wsUrl } from '../support/node-red';
import { waitForState } from '../support/opcua';
import { startOpcuaTestServer, type OpcuaTestServer } from '../support/opcua-test-server';
import { waitFor } from '../support/wait';
import { TestClient } from '../support/ws-client';

/** Node-RED's settings as the test helper takes them (it types only its own). */
type Settings = Parameters<typeof helper.settings>[0];

describe('one PKI folder for every OPC UA client session', { timeout: 120_000 }, () => {
  let opcua: OpcuaTestServer;
  let userDir: string;
  /** The client certificates the OPC UA server was shown, one per session (DER). */
  const presented: Buffer[] = [];
  const defaultSettings = { ...helper.settings({}) };

  before(async () => {
    opcua = await startOpcuaTestServer({ port: 0 });
    // At the session's creation the secure channel is open and holds the certificate the client signed with.
    opcua.server.on('create_session', (session) => {
      const certificate = session.channel?.clientCertificate;
      if (certificate) presented.push(Buffer.from(certificate));
    });
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-gateway-user-dir-'));
    // Only the user directory: neither wsGatewayOpcuaPkiFolder nor the server node's own folder.
    helper.settings({ userDir, wsGatewayOpcuaPkiFolder: undefined } as unknown as Settings);
    await helper.startServer();
  });
  after(async () => {
    helper.settings(defaultSettings);
    await helper.stopServer();
    await opcua.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('the 8081 connection and an 8082 gateway session sign with the one certificate of <userDir>/ws-gateway/pki and share its trust list', async () => {
    // Every certificate manager our nodes make, wherever its folder is (the test server's were made before).
    const initialize = mock.method(OPCUACertificateManager.prototype, 'initialize');
    const clients: Array<{ close(): Promise<void> }> = [];
    try {
      await helper.load([...gatewayNodes, gatewayOpcua], [
        { id: 'flow', type: 'tab' },
        {
          id: 'opc', type: 'ws-gateway-opcua', name: '', endpointUrl: opcua.endpointUrl, securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256',
          identity: 'anonymous', acceptUnknownServerCertificate: true, publishingInterval: 100, variables: [{ name: 'Setpoint', nodeId: 'ns=1;s=Setpoint' }],
        },
        serverNode({ id: 'srv81', path: '/opcua81', dialect: 'opcua-server', opcua: 'opc' }),
        // An allowed endpoint that is not the ws-gateway-opcua node's: the gateway's own trust rule, the same folder.
        serverNode({ id: 'srv82', path: '/opcua82', dialect: 'opcua-gateway', gatewayEndpoints: opcua.endpointUrl }),
      ]);
      const reader = await TestClient.open(wsUrl('/opcua81'), { protocols: 'json' });
      clients.push(reader);
      const connection = (helper.getNode('opc') as unknown as OpcuaConfigNode).endpoint?.connection;
      assert.ok(connection, 'the ws-gateway-opcua node accepted its configuration');
      await waitForState(connection, 'connected');
      reader.send({ Header: { MessageType: 'READ_REQUEST', ClientHandle: 'r' }, Body: { Variable: 'Setpoint' } });
      assert.equal((await reader.nextJson<{ Header: { StatusCode?: string } }>(10_000)).Header.StatusCode, undefined, 'the 8081 read went through');

      const gateway = await GatewayClient.open(wsUrl('/opcua82'));
      clients.push(gateway);
      const { sessionId, status } = await gateway.login({ DiscoveryUrl: opcua.endpointUrl, SecurityMode: 'SignAndEncrypt', SecurityPolicyUri: policyUri('Basic256Sha256') });
      assert.equal(status, 'Connect');
      assert.equal((await gateway.request('GW_LogoutRequest', {}, sessionId)).Header.StatusCode, '0');

      const folder = path.join(userDir, 'ws-gateway', 'pki');
      const own = certificateDer(fs.readFileSync(path.join(folder, 'own', 'certs', 'client_certificate.pem'), 'utf8'));
      await waitFor(() => presented.length >= 2, 'a session from each stack');
      assert.ok(presented.every((certificate) => certificate.equals(own)), 'every channel showed the certificate of <userDir>/ws-gateway/pki');
      const trusted = fs.readdirSync(path.join(folder, 'trusted', 'certs'));
      assert.equal(trusted.length, 1, `the server's certificate, trusted once in the one list: ${trusted.join(', ')}`);

      const roots = new Set(initialize.mock.calls.map((call) => path.resolve((call.this as OPCUACertificateManager).rootDir)));
      assert.ok(roots.size > 0, 'certificate managers were made');
      assert.deepEqual([...roots], [folder], 'no other PKI folder, none in the OS temp folder');
    } finally {
      initialize.mock.restore();
      await Promise.all(clients.map((client) => client.close()));
      await helper.unload();
    }
  });
});
