import type { Node } from 'node-red';
import type { ClientMode, GatewayClient } from '../../lib/client';

/** Secrets of a ws-gateway-client, kept in Node-RED's credential store. */
export interface GatewayClientCredentials {
  username?: string;
  secret?: string;
  tlsPassphrase?: string;
}

/** What ws-gateway-in and ws-gateway-out need of a ws-gateway-client node. */
export interface GatewayClientNode extends Node<GatewayClientCredentials> {
  /** Undefined when the configuration could not be used (the node logged why). */
  client: GatewayClient | undefined;
  mode: ClientMode;
  /** Why there is no client, for the status of the flow nodes. */
  failure: string | undefined;
}
