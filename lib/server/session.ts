import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket = require('ws');
import type { OutgoingFrame } from '../dialects/dialect';
import { frameMessage } from './frame';
import { Outbound, type OutboundOptions } from './outbound';

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

/** Close codes the endpoint uses, named for logs and tests. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  messageTooBig: 1009,
  internalError: 1011,
} as const;

/**
 * One connected client. Everything sent to it goes through its Outbound (budget, conflation, one flush
 * per turn); `ws` only reads frames, answers pings and runs the closing handshake.
 */
export class ClientSession {
  private currentInfo: SessionInfo;
  /** Requests the dialect is still working on for this client. */
  inFlight = 0;
  /** Set when a ping went out and no pong came back yet. */
  awaitingPong = false;
  private readonly outbound: Outbound;
  private terminateTimer: NodeJS.Timeout | undefined;
  /** The close the server started, reported when the peer never completes the handshake (1006). */
  closeSent: { code: number; reason: string } | undefined;

  constructor(
    readonly socket: WebSocket,
    rawSocket: Duplex,
    info: SessionInfo,
    readonly upgrade: UpgradeRequest,
    outboundOptions: OutboundOptions,
    private readonly closeGraceMs: number,
  ) {
    this.currentInfo = Object.freeze({ ...info });
    this.outbound = new Outbound(rawSocket, outboundOptions, () =>
      this.close(CloseCode.policyViolation, 'outbound budget exceeded: client too slow'),
    );
    socket.once('close', () => {
      this.outbound.dispose();
      if (this.terminateTimer) clearTimeout(this.terminateTimer);
    });
  }

  get id(): string {
    return this.currentInfo.id;
  }

  /** Frozen, so a flow that keeps msg._session cannot change what the gateway knows. */
  get info(): SessionInfo {
    return this.currentInfo;
  }

  /** Names the user a dialect authenticated after the upgrade (WinCC OA); later events carry it. */
  setUser(user: string | undefined): void {
    const { user: _previous, ...rest } = this.currentInfo;
    this.currentInfo = Object.freeze(user === undefined ? rest : { ...rest, user });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  get bufferedBytes(): number {
    return this.outbound.bufferedBytes;
  }

  get conflatedFrames(): number {
    return this.outbound.conflated;
  }

  /** Sends one message; returns false when the client is no longer open (nothing was sent). */
  send(message: OutgoingFrame, conflationKey?: string): boolean {
    return this.sendFrame(frameMessage(message), conflationKey);
  }

  /** Sends bytes framed once by `frameMessage`, e.g. the shared frame of a broadcast. */
  sendFrame(frame: Buffer, conflationKey?: string): boolean {
    if (!this.isOpen) return false;
    this.outbound.write(frame, conflationKey);
    return true;
  }

  /**
   * Starts the closing handshake and gives the client `closeGraceMs` to answer; a client that does not
   * (dead, or too slow to read its backlog) is cut off so its socket and buffers are released.
   */
  close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    if (this.socket.readyState !== WebSocket.CLOSING) {
      this.closeSent = { code, reason };
      this.socket.close(code, reason);
    }
    if (!this.terminateTimer) this.terminateTimer = setTimeout(() => this.socket.terminate(), this.closeGraceMs);
  }

  terminate(): void {
    this.socket.terminate();
  }
}
