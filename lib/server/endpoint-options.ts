import type { IncomingMessage, Server } from 'node:http';
import type { DialectSources } from '../dialects/dialect';
import type { AuthPolicy } from './auth';
import type { HttpNodeAuth } from './http-node-auth';
import { DEFAULT_MAX_JSON_DEPTH } from '../util/json-depth';

export interface EndpointLimits {
  /** Largest frame a client may send; a bigger one closes the client with 1009. */
  maxFrameBytes: number;
  /** Clients at once; the next upgrade is refused with HTTP 503. */
  maxClients: number;
  /** Requests of one client the dialect works on at once; more wait in its queue (maxQueued). */
  maxInFlight: number;
  /**
   * Requests of one client that wait, in arrival order, for a free in-flight slot. While the queue is
   * full the server stops reading the client; a request past it (several in one frame, or already read)
   * is answered "busy".
   */
  maxQueued: number;
  /**
   * Bytes held for one client (everything queued to it: answers, flow frames, broadcasts, waiting
   * notifications) before it is throttled: notifications conflate to the latest per key and the server
   * stops reading the client until the bytes fall to half of this.
   */
  outboundBudgetBytes: number;
  /**
   * Bytes that are never held for one client: a frame that would pass them closes the client with 1008.
   * Default: 4 × outboundBudgetBytes.
   */
  outboundHardCapBytes: number;
  /** A client over budget this long is closed with 1008. */
  overBudgetCloseMs: number;
  /** Ping period; a client that has not answered the previous ping is cut off. 0 disables. */
  pingIntervalMs: number;
  /** After a close frame, how long a client has to answer before its socket is destroyed. */
  closeGraceMs: number;
  /**
   * Deepest nesting of arrays and objects a JSON frame (or REST body) may have; deeper ones are refused
   * with the dialect's own error answer before they are parsed, and the client stays connected.
   */
  maxJsonDepth: number;
}

export const defaultLimits: EndpointLimits = {
  maxFrameBytes: 1024 * 1024,
  maxClients: 100,
  maxInFlight: 16,
  maxQueued: 256,
  outboundBudgetBytes: 1024 * 1024,
  outboundHardCapBytes: 4 * 1024 * 1024,
  overBudgetCloseMs: 10_000,
  pingIntervalMs: 30_000,
  closeGraceMs: 2_000,
  maxJsonDepth: DEFAULT_MAX_JSON_DEPTH,
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
