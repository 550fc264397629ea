import type { Node } from 'node-red';
import type { ClientMode, GatewayClient } from '../../lib/client';
import type { ConfigHold } from '../shared/config-lease';

/** Secrets of a ws-gateway-client, kept in Node-RED's credential store. */
export interface GatewayClientCredentials {
  username?: string;
  secret?: string;
  tlsPassphrase?: string;
}

/** What ws-gateway-in and ws-gateway-out need of a ws-gateway-client node. */
export interface GatewayClientNode extends Node<GatewayClientCredentials> {
  /** The running client while the node is in use; undefined while unused or misconfigured (the node logged why). */
  client: GatewayClient | undefined;
  /**
   * Opens the connection for its first user (a ws-gateway-in or -out) and keeps it until the last hold
   * is released; undefined when the configuration could not be used.
   */
  acquire(): ConfigHold<GatewayClient> | undefined;
  mode: ClientMode;
  /** Why there is no client, for the status of the flow nodes. */
  failure: string | undefined;
}
