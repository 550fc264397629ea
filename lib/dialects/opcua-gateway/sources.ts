import type { OpcuaEndpoint } from '../../opcua';

/** What an opcua-gateway endpoint may be given in DialectContext.sources. */
export interface OpcuaGatewaySources {
  /**
   * The ws-gateway-opcua node the server refers to (field `opcua`): its endpoint is allowed too, and
   * sessions to it use that node's certificate and trust lists.
   */
  opcua: OpcuaEndpoint;
}
