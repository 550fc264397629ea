import { after, afterEach, before } from 'node:test';
import helper = require('node-red-node-test-helper');
import type { Node } from 'node-red';
import gatewayServer = require('../../nodes/ws-gateway-server/ws-gateway-server');
import gatewayIn = require('../../nodes/ws-gateway-in/ws-gateway-in');
import gatewayOut = require('../../nodes/ws-gateway-out/ws-gateway-out');
import type { FlowNode } from '../fixtures/flows/raw-flows';
import { TestClient } from './ws-client';

helper.init(require.resolve('node-red'));

export { helper };
export const gatewayNodes = [gatewayServer, gatewayIn, gatewayOut];

export function load(flow: FlowNode[], credentials: Record<string, Record<string, string>> = {}): Promise<void> {
  return helper.load(gatewayNodes, flow, credentials);
}

/** Base URL for WebSocket clients of the helper's HTTP server (Node-RED's own server in tests). */
export function wsUrl(path: string): string {
  return `${helper.url().replace(/^http/, 'ws')}${path}`;
}

export interface NodeWithMessages {
  messages: Array<Record<string, unknown>>;
}

/** Collects what a helper node receives. */
export function collect(id: string): Array<Record<string, unknown>> {
  const node = helper.getNode(id) as Node | undefined;
  if (!node) throw new Error(`no node ${id}`);
  const messages: Array<Record<string, unknown>> = [];
  node.on('input', (msg: Record<string, unknown>) => messages.push(msg));
  return messages;
}

/**
 * The hooks of a node test file: Node-RED's HTTP server for the file; after each test the clients it
 * opened are closed, the flows unloaded and the settings restored. `open` opens a tracked ws client.
 */
export function useNodeRed(): { open(url: string, options?: Parameters<typeof TestClient.open>[1]): Promise<TestClient> } {
  const defaultSettings = { ...helper.settings({}) };
  const clients: TestClient[] = [];
  before(async () => { await helper.startServer(); });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await helper.unload();
    helper.settings(defaultSettings);
  });
  after(async () => { await helper.stopServer(); });
  return {
    open: async (url, options) => {
      const client = await TestClient.open(url, options);
      clients.push(client);
      return client;
    },
  };
}
