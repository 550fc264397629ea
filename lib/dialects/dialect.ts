import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TagSpace } from '../tags';
import type { AuthPolicy } from '../server/auth';
import type { ClientSession } from '../server/session';

/** One request of a client, decoded by a dialect's codec. */
export interface DialectMessage {
  /** The protocol's own name for it: MessageType, cmd, Dp command; '' where the protocol has none (raw). */
  type: string;
  /** The decoded request as the flow sees it in msg.payload. */
  payload: unknown;
  /** The tag it is about, where one applies. */
  topic?: string;
  /** A client handle or request id that the answer must carry. */
  handle?: string | number;
  /** Device type of EVOK-like requests, for ws-gateway-in filters. */
  deviceType?: string;
  /** The id of the server's own request this message answers (Zato client-response), for flows to correlate. */
  inReplyTo?: string;
}

export type DialectErrorCode =
  | 'bad-frame' // not decodable at all (not JSON, binary where text is expected)
  | 'bad-request' // decodable but not a valid request
  | 'unknown-type' // a request type the dialect does not know
  | 'busy' // too many requests in flight for this client
  | 'internal'; // the handler failed unexpectedly

export interface DialectError {
  code: DialectErrorCode;
  message: string;
  /** Close the client after answering, where the protocol does so (WinCC OA: 1011 on unreadable JSON). */
  close?: { code: number; reason: string };
}

export type DecodeResult = { ok: true; messages: DialectMessage[] } | { ok: false; error: DialectError };

/** What a dialect sends: text frames as strings, binary frames as Buffers. */
export type OutgoingFrame = string | Buffer;

export interface DialectLogger {
  warn(message: string): void;
  error(message: string): void;
  /**
   * Something one client did (a refused login, an unknown command): rate-limited per client and
   * `reason`, so a client cannot flood the log. Cut client-controlled text with `clip` (lib/util/log-limit).
   */
  warnAbout(session: ClientSession, reason: string, message: string): void;
}

/**
 * Connections a server node hands to its dialect. Each data area declares its own entry by module
 * augmentation in its own folder, so adding a source never edits this file:
 *
 *   declare module '../dialects/dialect' { interface DialectSources { opcua?: OpcuaConnection } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- empty on purpose: each data area adds its entry by module augmentation
export interface DialectSources {}

/** What every dialect gets from the endpoint that serves it. */
export interface DialectContext {
  tags: TagSpace;
  sources: DialectSources;
  /** The server's authentication policy, for dialects that authenticate after the upgrade (`authenticatesItself`). */
  auth: AuthPolicy;
  log: DialectLogger;
  /** Send the same payload to every client of the endpoint (encoded and framed once). */
  broadcast(frame: OutgoingFrame, conflationKey?: string): void;
  /** Dialect-specific options from the server configuration. */
  options: Readonly<Record<string, unknown>>;
  /**
   * For dialects that `connectsInProtocol`: the client is now connected in the protocol's sense (Zato:
   * create-session succeeded), so flows get the CONNECT event. A second call for a session does nothing.
   */
  connected(session: ClientSession): void;
  /**
   * Deepest JSON nesting a request may have (EndpointLimits.maxJsonDepth); each dialect checks it in
   * `decode` with `jsonDepthExceeds` and answers a deeper frame with its own error. Default 64.
   */
  maxJsonDepth?: number;
}

/**
 * A protocol spoken over a gateway endpoint. The endpoint owns sockets, limits and hooks; the dialect
 * only decodes requests, answers them through the session, and encodes what flows send.
 */
export interface Dialect {
  readonly name: string;
  /** Subprotocols this dialect accepts when a client offers them (echoed in the handshake). */
  readonly subprotocols: readonly string[];
  /**
   * True when the protocol authenticates after the upgrade in its own way (WinCC OA closes with 4000);
   * the endpoint then admits every client at the upgrade and the dialect checks `context.auth` in `open`.
   */
  readonly authenticatesItself?: boolean;
  /**
   * True when a client counts as connected only after a protocol step (Zato's create-session): the
   * endpoint then fires CONNECT when the dialect calls `context.connected`, not at socket open, and
   * fires CLOSE for every client, connected or not (as Zato's channel calls its disconnect hook).
   */
  readonly connectsInProtocol?: boolean;
  /** EndpointLimits.maxFrameBytes when the server sets none (the general default is 1 MiB). */
  readonly defaultMaxFrameBytes?: number;
  open?(session: ClientSession): void;
  /** `session` lets protocols with their own session state (Zato tokens) check a frame against it. */
  decode(data: Buffer, isBinary: boolean, session?: ClientSession): DecodeResult;
  /** Answers a request the flow did not take over. A rejection is answered with `encodeError('internal')`. */
  handle?(session: ClientSession, message: DialectMessage): Promise<void> | void;
  /** Encodes what a flow replies or broadcasts; throws a DialectError-like Error when it cannot. */
  encodeOutgoing(payload: unknown): OutgoingFrame;
  /** Encodes a flow's reply to one request; dialects without it get `encodeOutgoing(payload)`. */
  encodeReply?(payload: unknown, reply: ReplyContext): OutgoingFrame;
  /** Payload of the endpoint's heartbeat pings, for protocols that put data in them (Zato: JSON). */
  pingPayload?(session: ClientSession): string | Buffer;
  /** The protocol's own error answer, or undefined where the protocol has none. */
  encodeError(error: DialectError, request?: DialectMessage): OutgoingFrame | undefined;
  close?(session: ClientSession, code: number, reason: string): void;
  /**
   * Plain HTTP requests to an own-port endpoint (EVOK serves REST on its WebSocket's port); `next` answers
   * what the dialect does not serve (426 Upgrade Required). Path endpoints never call it: Node-RED's
   * HTTP server routes their requests.
   */
  httpRequest?(request: IncomingMessage, response: ServerResponse, next: () => void): void;
  /** Releases what the dialect holds; the endpoint waits for a returned promise (e.g. OPC UA sessions closing). */
  dispose?(): void | Promise<void>;
}

/**
 * What a flow's reply (ws-gateway-out, action reply) says about the request it answers: taken from
 * msg.gateway as ws-gateway-in emitted it, so protocols that correlate replies by id (Zato) can.
 */
export interface ReplyContext {
  /** DialectMessage.handle of the request being answered. */
  handle?: string | number;
  /** A protocol status for the answer (Zato: an HTTP status; 200 when absent). */
  status?: number;
  /** Error text that goes with a failing status. */
  error?: string;
}

export type DialectFactory = (context: DialectContext) => Dialect;
