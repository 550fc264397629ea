import type { NodeAPI } from 'node-red';
import { modbusNode, opcuaNode, type SourceReferences } from './dialect-sources';
import { servesTagSpace, tagSpaceUsers } from './tag-space-users';

/**
 * Acquires what a ws-gateway-server uses: the connections it names (ws-gateway-opcua, ws-gateway-modbus)
 * and, for a dialect that serves every tag, the tag space (and with it every OPC UA and Modbus
 * connection). Called before the dialect's sources are resolved, so they are open; returns the release,
 * for the server's close.
 */
export function acquireServerSources(RED: NodeAPI, config: SourceReferences): () => void {
  // An opcua-gateway endpoint reads only the OPC UA node's configuration (resolveDialectSources), so it
  // does not hold the node's shared session open.
  const opcua = config.dialect === 'opcua-gateway' ? undefined : opcuaNode(RED, config);
  const holds: Array<{ release(): void } | undefined> = [modbusNode(RED, config)?.acquire(), opcua?.acquire()];
  if (servesTagSpace(config)) holds.push(tagSpaceUsers().acquire());
  return () => { for (const hold of holds) hold?.release(); };
}
