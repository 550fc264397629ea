import type { IncomingMessage, Server } from 'node:http';
import { defaultDialectLimits, type AuthPolicy, type DialectFactory, type DialectLimits } from '../dialects/contract';
import type { HttpNodeAuth } from './http-node-auth';

/**
 * Every bound of one endpoint: those the endpoint enforces itself, and those its dialect checks
 * (DialectLimits: JSON depth, client patterns, client-chosen names), which reach the dialect through
 * its context.
 */
export interface EndpointLimits extends DialectLimits {
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
  ...defaultDialectLimits,
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

/** How an endpoint listens, admits and bounds clients: everything but the dialect it speaks. */
export interface EndpointSettings {
  /** Names the endpoint in SessionInfo.server (the ws-gateway-server node id). */
  id: string;
  listen: ListenOn;
  dialectOptions?: Record<string, unknown>;
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

export interface EndpointOptions<Sources extends object = object> extends EndpointSettings {
  /** Makes the dialect the endpoint speaks (lib/dialects/builtin has the package's own, by name). */
  dialect: DialectFactory<Sources>;
  /** Connections (OPC UA, Modbus, ...) the dialect serves, handed to it as they are. */
  sources?: Partial<NoInfer<Sources>>;
}
