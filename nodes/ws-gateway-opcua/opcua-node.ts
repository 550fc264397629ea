import type { Node } from 'node-red';
import type { OpcuaEndpoint, OpcuaEndpointOptions } from '../../lib/opcua';
import type { ConfigHold } from '../shared/config-lease';

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
  /** The open endpoint while the node is in use; undefined while unused or misconfigured (the node logged why). */
  endpoint: OpcuaEndpoint | undefined;
  /**
   * The node's configuration, valid whether or not a session is open (undefined when misconfigured):
   * what the 8082 gateway reads of it without holding the node's session.
   */
  options: OpcuaEndpointOptions | undefined;
  /**
   * Opens the session for its first user (a server, the tag space's users) and keeps it open until
   * the last hold is released; undefined when the configuration could not be used.
   */
  acquire(): ConfigHold<OpcuaEndpoint> | undefined;
}
