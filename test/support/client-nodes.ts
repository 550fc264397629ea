import type { NodeInitializer } from 'node-red';
import gatewayClient = require('../../nodes/ws-gateway-client/ws-gateway-client');
import type { FlowNode } from '../fixtures/flows/raw-flows';
import { gatewayNodes, helper } from './node-red';

// Node-RED's own Catch node: errors of ws-gateway-out must reach it, as they would in a user's flow.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- Node-RED's core node files ship no type declarations
const catchNode = require('@node-red/nodes/core/common/25-catch.js') as NodeInitializer;

/** Every node type of the package plus Catch. */
export const clientNodes: NodeInitializer[] = [...gatewayNodes, gatewayClient, catchNode];

export function loadWithClient(flow: FlowNode[], credentials: Record<string, Record<string, string>> = {}): Promise<void> {
  return helper.load(clientNodes, flow, credentials);
}
