import assert from 'node:assert/strict';
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { after, afterEach, before, describe, it } from 'node:test';
import { opcuaGatewayFlow } from '../fixtures/flows/opcua-gateway-flows';
import type { GatewayServerNode } from '../../nodes/shared/server-node';
import { GatewayClient, policyUri } from '../support/gateway-client';
import gatewayOpcua = require('../../nodes/ws-gateway-opcua/ws-gateway-opcua');
import { serverNode } from '../fixtures/flows/raw-flows';
import { collect, gatewayNodes, helper, load, wsUrl } from '../support/node-red';
import { startOpcuaTestServer, type OpcuaTestServer } from '../support/opcua-test-server';
import { openHandles, waitFor } from '../support/wait';
import { testGatewayPkiFolder } from '../unit/dialects/opcua-gateway/gateway-fixture';
import { freePort } from '../support/ports';
import { readExample } from '../support/examples';

const setpoint = { IdType: '1', Id: 'Setpoint', Namespace: '1' };

describe('ws-gateway-server with the opcua-gateway dialect in Node-RED', () => {
  let opcua: OpcuaTestServer;
  const clients: GatewayClient[] = [];
  async function open(): Promise<GatewayClient> {
    const client = await GatewayClient.open(wsUrl('/opcua'));
    clients.push(client);
    return client;
  }

  let baseline: Map<string, number>;
  const sockets = (handles: Map<string, number>): number => handles.get('TCPSocketWrap') ?? 0;

  before(async () => {
    opcua = await startOpcuaTestServer({ port: 0 });
    await helper.startServer();
    baseline = openHandles();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await helper.unload();
    await waitFor(() => opcua.server.currentSessionCount === 0, 'no OPC UA session left after unload', 10_000);
    // Every socket of the gateway (WebSocket clients, OPC UA client connections and their server ends) is gone.
    await waitFor(() => sockets(openHandles()) <= sockets(baseline), `sockets back to ${sockets(baseline)}, now ${sockets(openHandles())}`, 10_000);
  });
  after(async () => {
    await helper.stopServer();
    await opcua.stop();
  });

  it('serves the seed\'s session messages and a read, and shows the requests to gateway in (observe)', async () => {
    await load(opcuaGatewayFlow(opcua.endpointUrl, testGatewayPkiFolder));
    const seen = collect('sink');
    const client = await open();
    const { sessionId, status } = await client.login({ DiscoveryUrl: opcua.endpointUrl, UserAuth: { Type: 'UserName', UserName: 'user1', Password: 'password1' } });
    assert.equal(status, 'Connect');
    const read = await client.request('GW_ReadRequest', { NodesToRead: [{ NodeId: setpoint }] }, sessionId);
    assert.equal(read.Header.StatusCode, '0');
    const logout = await client.request('GW_LogoutRequest', {}, sessionId);
    assert.deepEqual([logout.Header.StatusCode, logout.Body], ['0', '']);
    await waitFor(() => seen.length === 3, 'three requests seen by gateway in');
    assert.deepEqual(seen.map((msg) => (msg.gateway as { type: string }).type), ['GW_LoginRequest', 'GW_ReadRequest', 'GW_LogoutRequest']);
    assert.deepEqual(seen[0].gateway, { dialect: 'opcua-gateway', type: 'GW_LoginRequest', handle: (seen[0].gateway as { handle: string }).handle });
  });

  it('closes every OPC UA session and subscription on a full redeploy, and the new deploy serves again', async () => {
    const flow = opcuaGatewayFlow(opcua.endpointUrl, testGatewayPkiFolder);
    await load(flow);
    const client = await open();
    const { sessionId } = await client.login({ DiscoveryUrl: opcua.endpointUrl });
    const subscription = await client.request('GW_CreateSubscriptionRequest', {}, sessionId);
    const subscriptionId = (subscription.Body as { SubscriptionId: string }).SubscriptionId;
    await client.request('GW_CreateMonitoredItemsRequest', { SubscriptionId: subscriptionId, ItemsToCreate: [{ ItemToMonitor: { NodeId: setpoint }, RequestedParameters: { ClientHandle: '1', SamplingInterval: '100' } }] }, sessionId);
    assert.equal(opcua.server.currentSessionCount, 1);
    assert.equal(opcua.server.currentSubscriptionCount, 1);
    await helper.setFlows(flow.map((node) => ({ ...node })), 'full');
    assert.equal((await client.socket.closed).code, 1001);
    assert.equal(opcua.server.currentSessionCount, 0, 'the deploy waited for the sessions to close');
    assert.equal(opcua.server.currentSubscriptionCount, 0);
    const again = await open();
    assert.equal((await again.login({ DiscoveryUrl: opcua.endpointUrl })).status, 'Connect');
  });

  it('runs examples/opcua-gateway.json (own port and allowed endpoint swapped for the test ones)', async () => {
    const example = readExample('opcua-gateway.json').flow;
    const port = await freePort();
    const flow = readExample('opcua-gateway.json', { helperNodes: true }).flow.map((node) => node.type === 'ws-gateway-server'
      ? { ...node, port, gatewayEndpoints: String(node.gatewayEndpoints).replace('opc.tcp://127.0.0.1:4840', opcua.endpointUrl), gatewayPkiFolder: testGatewayPkiFolder }
      : node);
    const server = example.find((node) => node.type === 'ws-gateway-server');
    assert.deepEqual([server?.listen, server?.host, server?.port, server?.dialect, server?.gatewayEndpoints], ['port', '127.0.0.1', 8082, 'opcua-gateway', 'opc.tcp://127.0.0.1:4840']);
    await load(flow);
    const serverNode = helper.getNode(String(server?.id)) as unknown as GatewayServerNode;
    await waitFor(() => serverNode.endpoint?.port === port, 'the example server to listen');
    const client = await GatewayClient.open(`ws://127.0.0.1:${port}`);
    clients.push(client);
    const { sessionId, status } = await client.login({ DiscoveryUrl: opcua.endpointUrl, UserAuth: { Type: 'UserName', UserName: 'user1', Password: 'password1' } });
    assert.equal(status, 'Connect');
    assert.equal((await client.request('GW_LogoutRequest', {}, sessionId)).Header.StatusCode, '0');
  });

  it('refuses logins to endpoints the server node does not list', async () => {
    await load(opcuaGatewayFlow('', testGatewayPkiFolder));
    const client = await open();
    const answer = await client.request('GW_LoginRequest', { DiscoveryUrl: opcua.endpointUrl });
    assert.equal(answer.Header.StatusCode, '2149515264');
  });

  it('allows the endpoint of its ws-gateway-opcua node, and signs those sessions with that node\'s certificate', async () => {
    const nodePki = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-gateway-node-pki-'));
    const gatewayPki = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-gateway-gw-pki-'));
    helper.settings({ wsGatewayOpcuaPkiFolder: nodePki } as unknown as Parameters<typeof helper.settings>[0]);
    try {
      await helper.load([...gatewayNodes, gatewayOpcua], [
        { id: 'flow', type: 'tab' },
        { id: 'opc', type: 'ws-gateway-opcua', name: '', endpointUrl: opcua.endpointUrl, securityMode: 'None', securityPolicy: 'None', identity: 'anonymous', acceptUnknownServerCertificate: true, publishingInterval: 100, variables: [] },
        serverNode({ path: '/opcua', dialect: 'opcua-gateway', gatewayEndpoints: '', gatewayPkiFolder: gatewayPki, opcua: 'opc' }),
      ]);
      const client = await open();
      const { sessionId, status } = await client.login({
        DiscoveryUrl: opcua.endpointUrl, SecurityMode: 'SignAndEncrypt', SecurityPolicyUri: policyUri('Basic256Sha256'),
        UserAuth: { Type: 'UserName', UserName: 'user1', Password: 'password1' },
      });
      assert.equal(status, 'Connect', 'allowed although gatewayEndpoints lists nothing');
      const nodeCertificate = fs.readFileSync(path.join(nodePki, 'own', 'certs', 'client_certificate.pem'), 'utf8');
      assert.match(nodeCertificate, /BEGIN CERTIFICATE/);
      assert.equal(fs.existsSync(path.join(gatewayPki, 'own', 'certs', 'client_certificate.pem')), false, 'the gateway\'s own certificate was not needed');
      await client.request('GW_LogoutRequest', {}, sessionId);
      const elsewhere = await client.request('GW_LoginRequest', { DiscoveryUrl: 'opc.tcp://127.0.0.1:1/other' });
      assert.equal(elsewhere.Header.StatusCode, '2149515264', 'other endpoints stay refused');
    } finally {
      helper.settings({ wsGatewayOpcuaPkiFolder: undefined } as unknown as Parameters<typeof helper.settings>[0]);
      await helper.unload();
      fs.rmSync(nodePki, { recursive: true, force: true });
      fs.rmSync(gatewayPki, { recursive: true, force: true });
    }
  });
});
