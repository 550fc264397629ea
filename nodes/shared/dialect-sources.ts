import type { NodeAPI } from 'node-red';
import type { DialectSources } from '../../lib/dialects/dialect';

/** The fields of a ws-gateway-server node that name the config nodes its dialect serves. */
export interface SourceReferences {
  [field: string]: unknown;
}

/**
 * Finds the connections (ws-gateway-opcua, ws-gateway-modbus, ...) a server node refers to and hands
 * them to its dialect. Each data-area node adds its own lines here.
 */
export function resolveDialectSources(_RED: NodeAPI, _config: SourceReferences): DialectSources {
  const sources: DialectSources = {};
  return sources;
}
