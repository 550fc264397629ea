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

/**
 * Calls `onProblem` whenever a source the server serves becomes unusable or usable again (undefined),
 * so the flow nodes' status can say "OPC UA reconnecting". Returns the function that stops watching.
 */
export function watchDialectSources(sources: DialectSources, onProblem: (problem: string | undefined) => void): () => void {
  const opcua = sources.opcua;
  if (!opcua) return () => {};
  const onState = (state: string): void => onProblem(state === 'connected' ? undefined : `OPC UA ${state}`);
  opcua.connection.on('state', onState);
  if (!opcua.connection.connected) onProblem(`OPC UA ${opcua.connection.state}`);
  return () => { opcua.connection.off('state', onState); };
}
