import type { OutgoingHttpHeaders } from 'node:http';
import type { InvokeReply } from './pending-replies';

/** A request the remote end sent us (Zato `zwsx.rqc` / `zwsx.psrq`); it expects a client-response. */
export interface ServerRequest {
  id: string;
  timestamp: string | undefined;
  msgType: string;
}

export interface ClientMessageEvent {
  /** Plain: the frame (parsed with dataFormat json, a string with text, a Buffer when binary); Zato: `data`. */
  data: unknown;
  /** What ws-gateway-in filters on: the Zato msg_type, or json / text / binary in plain mode. */
  type: string;
  request?: ServerRequest;
  /**
   * A listener that will answer `request` itself (through `respond`) calls this; otherwise the client
   * answers `{"response": null}` at once, as Zato does when its hook returns nothing.
   */
  claim(): void;
}

export interface ClientCloseEvent {
  code: number;
  reason: string;
}

/** What a protocol may ask of the transport, about the socket it has at the moment. */
export interface ProtocolLink {
  readonly url: string;
  /** True once the protocol's handshake is done on the socket in hand (transport state `open`). */
  readonly isReady: boolean;
  /** Writes one frame; resolves once `ws` has handed it to the socket, rejects when there is no open socket. */
  write(frame: string | Buffer): Promise<void>;
  /** Resolves when the link is ready; waits for a (re)connection up to the response timeout. */
  whenReady(): Promise<void>;
  /** The handshake on the socket in hand succeeded: callers may go, CONNECT is emitted. */
  handshakeDone(): void;
  /**
   * The peer refused our credentials on the socket in hand: a configuration error. The socket is ended,
   * one CLOSE stands for the whole run of refusals, and retries go at the slowest back-off pace.
   */
  refused(text: string): void;
  /** Ends the socket in hand for a reason of our own; it is reported with this code and reconnected. */
  end(code: number, reason: string): void;
}

/**
 * One language spoken over the transport's socket: plain frames, or Zato's channel protocol. The
 * transport owns the socket and its life; a protocol owns what the frames mean and who waits for which.
 */
export interface ClientProtocol {
  /** Headers the upgrade request carries on top of the configured ones. */
  upgradeHeaders(): OutgoingHttpHeaders;
  /** A new socket is open: start the session handshake, or call `link.handshakeDone()` at once. */
  opened(): void;
  /** The link became ready (CONNECT was emitted): per-session work, such as subscriptions. */
  ready(): void;
  frame(data: Buffer, isBinary: boolean): void;
  /**
   * The socket in hand has gone: forget it and fail what waited on it. Returns the close as it is to be
   * reported (a protocol may know why the peer dropped it when the close frame says nothing).
   */
  socketClosed(closed: ClientCloseEvent): ClientCloseEvent;
  /** Stopped for good: fail everything still waiting with `error`, cancel every timer. */
  stop(error: Error): void;
  /** The payload is defined (the client checked). */
  send(payload: unknown): Promise<void>;
  invoke(data: unknown, timeoutMs: number): Promise<InvokeReply>;
  respond(requestId: string, response: unknown): Promise<void>;
  readonly invocationsInFlight: number;
}

/** A MESSAGE event; `claim` does nothing unless the frame is a request the protocol would answer itself. */
export function messageEvent(data: unknown, type: string, request?: ServerRequest, claim: () => void = () => {}): ClientMessageEvent {
  const event: ClientMessageEvent = { data, type, claim };
  if (request) event.request = request;
  return event;
}
