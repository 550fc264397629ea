import type { Duplex } from 'node:stream';
import WebSocket = require('ws');
import { CloseCode, frameMessage, type DialectSession, type OutgoingFrame, type SessionInfo, type UpgradeRequest } from '../dialects/contract';
import { Outbound, type OutboundOptions } from './outbound';
import { RequestQueue, type RequestQueueLimits } from './request-queue';

/** Why the session stopped reading its client: too much waits for it, or its requests queue is full. */
export type ReadPause = 'outbound' | 'requests';

/**
 * One connected client. Everything sent to it goes through its Outbound (budget, conflation, one flush
 * per turn); `ws` only reads frames, answers pings and runs the closing handshake. Reading stops while
 * the client is over its outbound budget or its request queue is full (back-pressure through TCP).
 * Dialects see it as a DialectSession: no socket, no queue, only the outbound path.
 */
export class ClientSession implements DialectSession {
  private currentInfo: SessionInfo;
  /** Requests the dialect works on for this client, and those waiting for a slot. */
  readonly requests: RequestQueue;
  /** Set when a ping went out and no pong came back yet. */
  awaitingPong = false;
  private readonly outbound: Outbound;
  private readonly readPauses = new Set<ReadPause>();
  private closing = false;
  /** How often the server stopped reading this client: a figure for tests and status. */
  readingPauses = 0;
  private terminateTimer: NodeJS.Timeout | undefined;
  /** The close the server started, reported when the peer never completes the handshake (1006). */
  closeSent: { code: number; reason: string } | undefined;

  constructor(
    readonly socket: WebSocket,
    rawSocket: Duplex,
    info: SessionInfo,
    readonly upgrade: UpgradeRequest,
    outboundOptions: OutboundOptions,
    requestLimits: RequestQueueLimits,
    private readonly closeGraceMs: number,
  ) {
    this.currentInfo = Object.freeze({ ...info });
    this.outbound = new Outbound(rawSocket, outboundOptions, {
      open: () => this.isOpen && !this.closing,
      pressure: (over) => this.pauseReading('outbound', over),
      overflow: (reason) => this.close(CloseCode.policyViolation, reason),
    });
    this.requests = new RequestQueue(requestLimits, (full) => this.pauseReading('requests', full));
    socket.once('close', () => {
      this.outbound.shutdown();
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

  /** Bytes held for this client: everything written and not yet taken by the kernel, and waiting notifications. */
  get bufferedBytes(): number {
    return this.outbound.bufferedBytes;
  }

  /** The most bytes ever held for this client (never above the hard cap, but for one oversized frame). */
  get peakBufferedBytes(): number {
    return this.outbound.peakBytes;
  }

  /** True while the server does not read this client (over budget, or its request queue is full). */
  get readingPaused(): boolean {
    return this.readPauses.size > 0;
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
    if (!this.isOpen || this.closing) return false;
    return this.outbound.write(frame, conflationKey);
  }

  /**
   * Starts the closing handshake and gives the client `closeGraceMs` to answer; a client that does not
   * (dead, or too slow to read its backlog) is cut off so its socket and buffers are released.
   * Frames already written stay in order before the close frame; nothing is written after it (waiting
   * notifications are discarded), as RFC 6455 forbids data frames after Close.
   */
  close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.outbound.shutdown();
    if (!this.closing && this.socket.readyState !== WebSocket.CLOSING) {
      this.closeSent = { code, reason };
      this.socket.close(code, reason);
    }
    this.closing = true;
    // Read again, so the client's close frame can arrive; the endpoint ignores requests from now on.
    this.readPauses.clear();
    this.socket.resume();
    if (!this.terminateTimer) this.terminateTimer = setTimeout(() => this.socket.terminate(), this.closeGraceMs);
  }

  /**
   * Writes `lastMessage` through the outbound path, then destroys the socket once it has gone out: no
   * closing handshake, the client sees 1006. Waiting notifications are discarded.
   */
  drop(lastMessage?: OutgoingFrame): void {
    if (!this.isOpen || this.closing) return;
    this.closing = true;
    const frame = lastMessage === undefined ? undefined : frameMessage(lastMessage);
    this.outbound.finish(frame, () => this.socket.terminate());
  }

  private pauseReading(reason: ReadPause, pause: boolean): void {
    if (this.closing) return;
    const wasPaused = this.readPauses.size > 0;
    if (pause) this.readPauses.add(reason);
    else this.readPauses.delete(reason);
    const paused = this.readPauses.size > 0;
    if (paused === wasPaused) return;
    if (paused) {
      this.readingPauses++;
      this.socket.pause();
    } else {
      this.socket.resume();
    }
  }

  terminate(): void {
    this.socket.terminate();
  }
}
