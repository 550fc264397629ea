import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OutgoingFrame } from './frame';
import type { DialectSession } from './session';

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
  open?(session: DialectSession): void;
  /** `session` lets protocols with their own session state (Zato tokens) check a frame against it. */
  decode(data: Buffer, isBinary: boolean, session?: DialectSession): DecodeResult;
  /** Answers a request the flow did not take over. A rejection is answered with `encodeError('internal')`. */
  handle?(session: DialectSession, message: DialectMessage): Promise<void> | void;
  /** Encodes what a flow replies or broadcasts; throws a DialectError-like Error when it cannot. */
  encodeOutgoing(payload: unknown): OutgoingFrame;
  /** Encodes a flow's reply to one request; dialects without it get `encodeOutgoing(payload)`. */
  encodeReply?(payload: unknown, reply: ReplyContext): OutgoingFrame;
  /** Payload of the endpoint's heartbeat pings, for protocols that put data in them (Zato: JSON). */
  pingPayload?(session: DialectSession): string | Buffer;
  /** The client answered a heartbeat ping, for protocols that count it as activity (Zato extends the token). */
  pong?(session: DialectSession): void;
  /** The protocol's own error answer, or undefined where the protocol has none. */
  encodeError(error: DialectError, request?: DialectMessage): OutgoingFrame | undefined;
  close?(session: DialectSession, code: number, reason: string): void;
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
