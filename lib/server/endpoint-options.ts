import type { IncomingMessage, Server } from 'node:http';
import type { DialectSources } from '../dialects/dialect';
import type { AuthPolicy } from './auth';
import type { HttpNodeAuth } from './http-node-auth';

export interface EndpointLimits {
  /** Largest frame a client may send; a bigger one closes the client with 1009. */
  maxFrameBytes: number;
  /** Clients at once; the next upgrade is refused with HTTP 503. */
  maxClients: number;
  /** Requests of one client the dialect may work on at once; more are answered "busy". */
  maxInFlight: number;
  /** Unsent bytes per client before change notifications are conflated. */
  outboundBudgetBytes: number;
  /** A client over budget this long is closed with 1008. */
  overBudgetCloseMs: number;
  /** Ping period; a client that has not answered the previous ping is cut off. 0 disables. */
  pingIntervalMs: number;
  /** After a close frame, how long a client has to answer before its socket is destroyed. */
  closeGraceMs: number;
}

export const defaultLimits: EndpointLimits = {
  maxFrameBytes: 1024 * 1024,
  maxClients: 100,
  maxInFlight: 16,
  outboundBudgetBytes: 1024 * 1024,
  overBudgetCloseMs: 10_000,
  pingIntervalMs: 30_000,
  closeGraceMs: 2_000,
};

export type ListenOn =
  /** A path of an existing HTTP(S) server, e.g. Node-RED's own (the path includes httpNodeRoot). */
  | { kind: 'path'; server: Server; path: string }
  /** Its own port; TLS when a certificate and key are given. */
  | { kind: 'port'; host: string; port: number; tls?: { cert: Buffer | string; key: Buffer | string; passphrase?: string } };

export interface VerifyClientInfo {
  origin: string;
  secure: boolean;
  req: IncomingMessage;
}

/**
 * Node-RED's `webSocketNodeVerifyClient` contract, which is `ws`'s verifyClient: either returns the
 * verdict, or (when it declares two parameters) calls back with it.
 */
export type VerifyClient = (info: VerifyClientInfo, callback?: (result: boolean, code?: number, message?: string) => void) => boolean | void;

export interface EndpointLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface EndpointOptions {
  /** Names the endpoint in SessionInfo.server (the ws-gateway-server node id). */
  id: string;
  listen: ListenOn;
  /** Dialect name from lib/dialects/registry. */
  dialect: string;
  dialectOptions?: Record<string, unknown>;
  /** Connections (OPC UA, Modbus, ...) the dialect serves. */
  sources?: DialectSources;
  /** Extra subprotocols accepted besides the dialect's own. */
  subprotocols?: string[];
  auth?: AuthPolicy;
  httpNodeAuth?: HttpNodeAuth;
  verifyClient?: VerifyClient;
  /** Allowed Origin header values; empty allows any. A client that sends no Origin (no browser) is not checked. */
  origins?: string[];
  limits?: Partial<EndpointLimits>;
  log?: EndpointLogger;
}
