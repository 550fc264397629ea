import type { Node } from 'node-red';
import type { GatewayEndpoint } from '../../lib/server';

/** Secrets of a ws-gateway-server, kept in Node-RED's credential store. */
export interface GatewayServerCredentials {
  /** One `name:password` per line. */
  users?: string;
  token?: string;
  tlsPassphrase?: string;
}

/** What ws-gateway-in and ws-gateway-out need of a ws-gateway-server node. */
export interface GatewayServerNode extends Node<GatewayServerCredentials> {
  /** Undefined when the configuration could not be used (the node logged why). */
  endpoint: GatewayEndpoint | undefined;
  dialect: string;
  /** Why there is no endpoint, for the status of the flow nodes. */
  failure: string | undefined;
  /** A data source the dialect serves that is not usable right now (e.g. "OPC UA reconnecting"). */
  sourceProblem?: string;
}
