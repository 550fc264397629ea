import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs = require('node:fs');
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import gatewayClient = require('../../nodes/ws-gateway-client/ws-gateway-client');
import gatewayModbus = require('../../nodes/ws-gateway-modbus/ws-gateway-modbus');
import gatewayOpcua = require('../../nodes/ws-gateway-opcua/ws-gateway-opcua');
import type { GatewayClientNode } from '../../nodes/ws-gateway-client/client-node';
import type { ModbusConfigNode } from '../../nodes/ws-gateway-modbus/modbus-node';
import type { OpcuaConfigNode } from '../../nodes/ws-gateway-opcua/opcua-node';
import { runtimeTags } from '../../nodes/shared/runtime-tags';
import { NeuronSimulator } from '../../demo/modbus/neuron-simulator';
import { clientInNode, clientNode } from '../fixtures/flows/client-flows';
import { modbusNode } from '../fixtures/flows/evok-flows';
import { opcuaNode } from '../fixtures/flows/opcua-server-flows';
import { serverNode, type FlowNode } from '../fixtures/flows/raw-flows';
import { gatewayNodes, helper, useNodeRed } from '../support/node-red';
import { startDemo, tempPki, waitForState, type RunningOpcuaDemoServer } from '../support/opcua';
import { CountingRelay } from '../support/tcp-counter';

const nodeTypes = [...gatewayNodes, gatewayOpcua, gatewayModbus, gatewayClient];
const tab: FlowNode = { id: 'flow', type: 'tab' };

/** A raw server that names no connection: deployed beside the config nodes, it must not open them. */
const bystander = (): FlowNode => serverNode({ id: 'bystander', path: '/bystander' });

function opcuaUser(path = '/opcua'): FlowNode {
  return serverNode({ id: 'opcua-endpoint', dialect: 'opcua-server', path, opcua: 'opc' });
}

function winccoaServer(): FlowNode {
  return serverNode({
    id: 'wcc-endpoint', path: '/wcc', dialect: 'winccoa', auth: 'none', winccoaSystem: 'System1', winccoaTimeZone: 'utc',
    winccoaMapping: '', winccoaWriteAccess: '', winccoaGreeting: false, winccoaLegacySetReply: false, winccoaSwapTs: false,
  });
}

function evokUser(path = '/evok'): FlowNode {
  return serverNode({ id: 'evok-endpoint', path, dialect: 'evok', modbus: 'mb', evokShapes: 'seed', evokErrors: false, registerEvents: false });
}

/** Read through a call, so an assertion that it is undefined does not narrow later reads. */
const endpointOf = (node: OpcuaConfigNode): OpcuaConfigNode['endpoint'] => node.endpoint;

const tags = (): ReturnType<typeof runtimeTags>['space'] => runtimeTags({}).space;

/**
 * Config nodes connect when the first flow node or endpoint uses them and close when the last goes:
 * counted on the real peers (OPC UA sessions on the server, TCP connections to the Modbus simulator,
 * WebSocket connections on a ws server). A user that is only redeployed takes the connection over.
 */
describe('config nodes connect lazily', { timeout: 120_000 }, () => {
  useNodeRed();

  describe('ws-gateway-opcua', () => {
    let demo: RunningOpcuaDemoServer;
    let pki: string;
    before(async () => {
      pki = tempPki();
      demo = await startDemo();
    });
    afterEach(() => { assert.equal(tags().has('Sine'), false, 'no OPC UA tag source is left after unload'); });
    after(async () => {
      await demo.stop();
      fs.rmSync(pki, { recursive: true, force: true });
    });
    const usePki = (): void => { helper.settings({ wsGatewayOpcuaPkiFolder: pki } as unknown as Parameters<typeof helper.settings>[0]); };

    it('opens no session while unused, one for an opcua-server endpoint, keeps it over a redeploy of that endpoint, closes it when the endpoint is removed', async () => {
      usePki();
      const flow = (...users: FlowNode[]): FlowNode[] => [tab, opcuaNode(demo.endpointUrl), bystander(), ...users];
      await helper.load(nodeTypes, flow());
      const opc = helper.getNode('opc') as unknown as OpcuaConfigNode;
      assert.equal(endpointOf(opc), undefined, 'no connection exists for an unused node');
      assert.equal(demo.sessionCount(), 0);
      assert.equal(tags().has('Sine'), false, 'its variables are no tags while unused');

      const created = once(demo.server, 'create_session');
      await helper.setFlows(flow(opcuaUser()), 'nodes');
      await created;
      const endpoint = opc.endpoint;
      assert.ok(endpoint);
      await waitForState(endpoint.connection, 'connected');
      assert.equal(demo.sessionCount(), 1);
      assert.equal(tags().has('Sine'), true);

      let closedSessions = 0;
      const onClosed = (): void => { closedSessions += 1; };
      demo.server.on('session_closed', onClosed);
      await helper.setFlows(flow(opcuaUser('/opcua-moved')), 'nodes');
      demo.server.off('session_closed', onClosed);
      assert.equal(opc.endpoint, endpoint, 'the redeployed endpoint took the same connection over');
      assert.equal(endpoint.connection.state, 'connected');
      assert.equal(closedSessions, 0);
      assert.equal(demo.sessionCount(), 1);

      const closed = once(demo.server, 'session_closed');
      await helper.setFlows(flow(), 'nodes');
      await closed;
      assert.equal(opc.endpoint, undefined);
      assert.equal(demo.sessionCount(), 0);
      assert.equal(tags().has('Sine'), false, 'the tag source went with the session');
    });

    it('is used by a WinCC OA endpoint, which serves every tag, and let go when that endpoint is removed', async () => {
      usePki();
      const created = once(demo.server, 'create_session');
      await helper.load(nodeTypes, [tab, opcuaNode(demo.endpointUrl), winccoaServer()], { 'wcc-endpoint': {} });
      await created;
      const opc = helper.getNode('opc') as unknown as OpcuaConfigNode;
      assert.ok(opc.endpoint);
      assert.equal(tags().has('Sine'), true, 'WinCC OA clients see the OPC UA variables');

      const closed = once(demo.server, 'session_closed');
      await helper.setFlows([tab, opcuaNode(demo.endpointUrl)], 'nodes');
      await closed;
      assert.equal(opc.endpoint, undefined);
      assert.equal(demo.sessionCount(), 0);
    });

    it('an 8082 gateway endpoint that names the node reads its configuration only and holds no session of it', async () => {
      usePki();
      const gateway = serverNode({ id: 'gateway-endpoint', path: '/gateway', dialect: 'opcua-gateway', opcua: 'opc', gatewayEndpoints: '', gatewayPkiFolder: pki });
      await helper.load(nodeTypes, [tab, opcuaNode(demo.endpointUrl), gateway]);
      const opc = helper.getNode('opc') as unknown as OpcuaConfigNode;
      // Opening is synchronous in the first acquire, so an endpoint object would exist by now.
      assert.equal(endpointOf(opc), undefined, 'the 8082 endpoint did not open the shared session');
      assert.equal(opc.options?.endpointUrl, demo.endpointUrl, 'the configuration the gateway reads is there without a session');
      assert.equal(demo.sessionCount(), 0);
    });

    it('a browse from the editor opens a session for an unused node and closes it afterwards', async () => {
      usePki();
      await helper.load(nodeTypes, [tab, opcuaNode(demo.endpointUrl), bystander()]);
      const closed = once(demo.server, 'session_closed');
      const objects = await helper.request().get('/ws-gateway-opcua/opc/browse').expect(200);
      assert.ok((objects.body as { children: unknown[] }).children.length > 0);
      await closed;
      assert.equal(demo.sessionCount(), 0);
      assert.equal((helper.getNode('opc') as unknown as OpcuaConfigNode).endpoint, undefined);
    });
  });

  describe('ws-gateway-modbus', () => {
    let sim: NeuronSimulator;
    let relay: CountingRelay;
    before(async () => {
      sim = new NeuronSimulator({ port: 0 });
      const port = await sim.start();
      relay = new CountingRelay({ host: '127.0.0.1', port });
      await relay.start();
    });
    after(async () => {
      await relay.stop();
      await sim.stop();
    });

    it('opens no line while unused, one for an EVOK endpoint, keeps it over a redeploy of that endpoint, closes it when the endpoint is removed', async () => {
      const flow = (...users: FlowNode[]): FlowNode[] => [tab, modbusNode(relay.port), bystander(), ...users];
      await helper.load(nodeTypes, flow());
      const mb = helper.getNode('mb') as unknown as ModbusConfigNode;
      assert.equal(mb.gateway, undefined, 'no gateway exists for an unused node');
      assert.equal(relay.open, 0);
      assert.equal(tags().has('neuron/1/ro/1'), false);

      await helper.setFlows(flow(evokUser()), 'nodes');
      await relay.until(1);
      const gateway = mb.gateway;
      assert.ok(gateway);
      assert.equal(mb.statusSource.status.fill === 'red', false, 'a line that just opened shows no error');

      let changes = 0;
      const onChange = (): void => { changes += 1; };
      relay.on('change', onChange);
      await helper.setFlows(flow(evokUser('/evok-moved')), 'nodes');
      relay.off('change', onChange);
      assert.equal(mb.gateway, gateway, 'the redeployed endpoint took the same line over');
      assert.equal(changes, 0, 'the line was neither closed nor opened again');

      await helper.setFlows(flow(), 'nodes');
      await relay.until(0);
      assert.equal(mb.gateway, undefined);
    });
  });

  describe('ws-gateway-client', () => {
    let wss: WebSocketServer;
    let url: string;
    before(async () => {
      wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
      await once(wss, 'listening');
      url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/peer`;
    });
    after(async () => {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    });

    it('connects for its first ws-gateway-in, keeps the connection over a redeploy of that node, closes it when the node is removed', async () => {
      const flow = (...users: FlowNode[]): FlowNode[] => [tab, clientNode(url, { mode: 'plain' }), ...users];
      await helper.load(nodeTypes, flow());
      const cli = helper.getNode('cli') as unknown as GatewayClientNode;
      assert.equal(cli.client, undefined, 'no client exists for an unused node');
      assert.equal(wss.clients.size, 0);

      const connected = once(wss, 'connection') as Promise<[WebSocket]>;
      await helper.setFlows(flow(clientInNode('in')), 'nodes');
      const [socket] = await connected;
      const client = cli.client;
      assert.ok(client);

      let closes = 0;
      socket.on('close', () => { closes += 1; });
      await helper.setFlows(flow(clientInNode('in', { hookClose: false })), 'nodes');
      assert.equal(cli.client, client, 'the redeployed node took the same connection over');
      assert.equal(closes, 0);
      assert.equal(wss.clients.size, 1);

      const closed = once(socket, 'close');
      await helper.setFlows(flow(), 'nodes');
      await closed;
      assert.equal(cli.client, undefined);
      assert.equal(wss.clients.size, 0);
    });
  });
});
