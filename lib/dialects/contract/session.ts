import type { IncomingHttpHeaders } from 'node:http';
import type { OutgoingFrame } from './frame';

/** What flows and dialects may know about a client; passed through msg._session unchanged. */
export interface SessionInfo {
  id: string;
  /** Id of the endpoint (the ws-gateway-server node) the client is connected to. */
  server: string;
  /** The authenticated user name, when the endpoint authenticates. */
  user?: string;
  /** Remote address and port, for logs and filters. */
  remote: string;
  /** The negotiated subprotocol, '' when none. */
  protocol: string;
}

/**
 * The upgrade request as a dialect may need it (its own authentication, query options). It may hold
 * credentials: never log it.
 */
export interface UpgradeRequest {
  url: string;
  headers: IncomingHttpHeaders;
}

/** Close codes of RFC 6455 that endpoints and dialects use, named for logs and tests. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  messageTooBig: 1009,
  internalError: 1011,
} as const;

/**
 * What a dialect may do with one client. Everything it sends goes through the client's outbound path,
 * which the server owns (the budget, conflation of notifications, one flush per turn, nothing after a
 * close frame); a dialect never sees the socket, so it cannot pass those bounds.
 */
export interface DialectSession {
  readonly id: string;
  /** Frozen; changes only through `setUser`. */
  readonly info: SessionInfo;
  readonly upgrade: UpgradeRequest;
  /** False once the connection is closed or closing: nothing sent then reaches the client. */
  readonly isOpen: boolean;
  /**
   * Sends one message; false when it was not taken (the client is closed, or is being closed because
   * this message would pass its hard cap). A `conflationKey` marks a notification: while the client is
   * slow, only the latest message per key waits for it.
   */
  send(message: OutgoingFrame, conflationKey?: string): boolean;
  /** Sends a frame already built with `frameMessage` or `frameTextParts` (shared between clients). */
  sendFrame(frame: Buffer, conflationKey?: string): boolean;
  /** Starts the closing handshake; a client that does not answer in time is cut off. */
  close(code: number, reason: string): void;
  /**
   * Cuts the connection without a closing handshake (the client sees 1006), after `lastMessage` has
   * gone out, for protocols that refuse a client that way (Zato's channel).
   */
  drop(lastMessage?: OutgoingFrame): void;
  /** Names the user a dialect authenticated after the upgrade (WinCC OA, Zato); later events carry it. */
  setUser(user: string | undefined): void;
}
