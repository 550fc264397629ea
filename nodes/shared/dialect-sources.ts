import type { NodeAPI } from 'node-red';
import type { DialectSources } from '../../lib/dialects/dialect';
import type { OpcuaConfigNode } from '../ws-gateway-opcua/opcua-node';

/** The fields of a ws-gateway-server node that name the config nodes its dialect serves. */
export interface SourceReferences {
  [field: string]: unknown;
}

/**
 * Finds the connections (ws-gateway-opcua, ws-gateway-modbus, ...) a server node refers to and hands
 * them to its dialect. Each data-area node adds its own lines here.
 */
export function resolveDialectSources(RED: NodeAPI, config: SourceReferences): DialectSources {
  const sources: DialectSources = {};
  // ws-gateway-opcua (opcua-server dialect): its shared connection and variable list.
  if (typeof config.opcua === 'string' && config.opcua !== '') {
    const opcua = RED.nodes.getNode(config.opcua) as OpcuaConfigNode | null;
    if (opcua?.endpoint) sources.opcua = opcua.endpoint;
  }
  return sources;
}
