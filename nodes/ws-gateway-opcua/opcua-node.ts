import type { Node } from 'node-red';
import type { OpcuaEndpoint } from '../../lib/opcua';

/** Secrets of a ws-gateway-opcua node, kept in Node-RED's credential store. */
export interface OpcuaNodeCredentials {
  userName?: string;
  password?: string;
  /** PEM (or base64 / hex DER) of the X.509 user certificate. */
  certificate?: string;
  /** PEM of its private key. */
  privateKey?: string;
}

/** What ws-gateway-server (through dialect-sources) needs of a ws-gateway-opcua node. */
export interface OpcuaConfigNode extends Node<OpcuaNodeCredentials> {
  /** Undefined when the configuration could not be used (the node logged why). */
  endpoint: OpcuaEndpoint | undefined;
}
