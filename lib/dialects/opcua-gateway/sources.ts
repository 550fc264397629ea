import type { OpcuaEndpointOptions } from '../../opcua';

/** What an opcua-gateway endpoint may be given in DialectContext.sources. */
export interface OpcuaGatewaySources {
  /**
   * The configuration of the ws-gateway-opcua node the server refers to (field `opcua`): its endpoint
   * is allowed too, and sessions to it use that node's certificate and trust rule. Only the
   * configuration: each gateway client opens its own session, so the node's shared session is not needed
   * (and not opened) for an 8082 endpoint.
   */
  opcuaPeer: OpcuaEndpointOptions;
}
