import type { OpcuaEndpoint } from '../../opcua';

/** The connection an opcua-server endpoint serves; the caller passes it in DialectContext.sources. */
export interface OpcuaServerSources {
  /** The ws-gateway-opcua node the server refers to (field `opcua`): its connection and variable list. */
  opcua: OpcuaEndpoint;
}
