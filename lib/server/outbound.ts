import type { Duplex } from 'node:stream';
import { corkUntilWriterReturns } from '../util/turn-flusher';

export interface OutboundOptions {
  /** Bytes that may wait for the client before it is throttled: notifications conflate, reading pauses. */
  budgetBytes: number;
  /** Bytes that may never wait for the client: a frame that would pass them closes the client instead. */
  hardCapBytes: number;
  /** How long a client may stay over budget before it is closed. */
  overBudgetCloseMs: number;
}

export interface OutboundListener {
  /**
   * False once either side started the closing handshake: waiting frames must then not go out, as the
   * close frame (written by `ws` itself when the client closes first) may already be on the wire.
   */
  open(): boolean;
  /** True: the client went over budget, stop reading its requests. False: it drained, read again. */
  pressure(over: boolean): void;
  /** The client must go (1008): over budget for too long, or a frame would pass the hard cap. */
  overflow(reason: string): void;
}

export const OverflowReason = {
  tooSlow: 'outbound budget exceeded: client too slow',
  hardCap: 'outbound hard cap exceeded: client too slow',
} as const;

/**
 * The way out to one client, and the bound on what the server holds for it. Every frame counts:
 * answers, frames a flow sends, broadcasts and notifications. What is counted is what waits in the
 * socket's buffer (written but not yet taken by the kernel) plus conflated notifications not yet written.
 *
 * - Under the budget, frames are written at once.
 * - Over the budget, the listener hears `pressure(true)` (the session stops reading the client, so no
 *   new requests arrive and no new answers are made), frames with a conflation key (notifications)
 *   wait in a map that keeps the latest frame per key, and a timer starts.
 * - Frames without a key (answers, flow frames) are still written: they are never dropped. A frame that
 *   would take the total past the hard cap closes the client instead (the one exception: a single frame
 *   bigger than the cap when nothing waits, else such a frame could never be sent).
 * - Once the buffer falls to half the budget (the low-water mark), waiting notifications go out and
 *   `pressure(false)` resumes reading. Still over budget when the timer fires: the client is closed.
 * - After `shutdown` (the close frame is about to go) nothing more is written, so no data frame can
 *   follow the close frame.
 */
export class Outbound {
  private readonly waiting = new Map<string, Buffer>();
  private waitingBytes = 0;
  private pressed = false;
  private overBudgetTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Frames replaced by a newer one of the same key while waiting: a figure for tests and status. */
  conflated = 0;
  /** The most bytes ever held for this client: a figure for tests and benchmarks. */
  peakBytes = 0;

  constructor(
    private readonly socket: Duplex,
    private readonly options: OutboundOptions,
    private readonly listener: OutboundListener,
  ) {
    socket.on('drain', this.relieve);
  }

  /** Bytes held for this client: unsent in the socket's buffer plus waiting notifications. */
  get bufferedBytes(): number {
    return this.socket.writableLength + this.waitingBytes;
  }

  get waitingFrames(): number {
    return this.waiting.size;
  }

  /** True while the client is over budget and not yet drained to the low-water mark. */
  get overBudget(): boolean {
    return this.pressed;
  }

  /** Queues one frame; false when it was not taken (closed, or the client is being closed for it). */
  write(frame: Buffer, conflationKey?: string): boolean {
    if (this.closed || this.socket.destroyed) return false;
    if (conflationKey !== undefined && (this.waiting.size > 0 || this.pressed || this.isOverBudget())) {
      const previous = this.waiting.get(conflationKey);
      if (previous) {
        this.conflated++;
        this.waitingBytes -= previous.length;
      }
      this.waiting.set(conflationKey, frame);
      this.waitingBytes += frame.length;
      if (this.bufferedBytes > this.options.hardCapBytes) return this.fail(OverflowReason.hardCap);
      this.track();
      return true;
    }
    const held = this.bufferedBytes;
    if (held > 0 && held + frame.length > this.options.hardCapBytes) return this.fail(OverflowReason.hardCap);
    this.send(frame);
    this.track();
    return true;
  }

  /**
   * Writes one last frame (when given) and calls `then` once the socket has taken it, or at once when
   * nothing can be written; nothing goes out after it, waiting frames are discarded. For a client that
   * is dropped without a closing handshake.
   */
  finish(frame: Buffer | undefined, then: () => void): void {
    const writable = !this.closed && !this.socket.destroyed;
    this.shutdown();
    if (!writable || frame === undefined) {
      then();
      return;
    }
    corkUntilWriterReturns(this.socket);
    this.socket.write(frame, () => then());
  }

  /** Nothing more goes out: waiting frames are discarded and later writes ignored. */
  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.waiting.clear();
    this.waitingBytes = 0;
    this.disarmOverBudgetTimer();
    this.socket.off('drain', this.relieve);
  }

  private send(frame: Buffer): void {
    corkUntilWriterReturns(this.socket);
    // A frame that leaves the buffer while the client is throttled is the moment to check whether it
    // may resume: 'drain' alone comes only when the buffer empties, and never when the buffer stayed
    // under the socket's high-water mark (a budget smaller than 16 KiB).
    if (this.pressed || this.bufferedBytes + frame.length > this.options.budgetBytes) this.socket.write(frame, this.relieve);
    else this.socket.write(frame);
  }

  private isOverBudget(): boolean {
    return this.bufferedBytes > this.options.budgetBytes;
  }

  private track(): void {
    const held = this.bufferedBytes;
    if (held > this.peakBytes) this.peakBytes = held;
    if (held <= this.options.budgetBytes || this.pressed) return;
    this.pressed = true;
    this.armOverBudgetTimer();
    this.listener.pressure(true);
  }

  private readonly relieve = (): void => {
    if (this.closed || !this.pressed) return;
    if (!this.listener.open()) {
      this.shutdown();
      return;
    }
    if (this.socket.writableLength > this.options.budgetBytes / 2) return;
    for (const [key, frame] of this.waiting) {
      if (this.socket.writableLength > this.options.budgetBytes / 2) break;
      this.waiting.delete(key);
      this.waitingBytes -= frame.length;
      this.send(frame);
    }
    if (this.bufferedBytes > this.options.budgetBytes / 2) return;
    this.pressed = false;
    this.disarmOverBudgetTimer();
    this.listener.pressure(false);
  };

  private fail(reason: string): false {
    this.listener.overflow(reason);
    return false;
  }

  private armOverBudgetTimer(): void {
    if (this.overBudgetTimer) return;
    this.overBudgetTimer = setTimeout(() => {
      this.overBudgetTimer = undefined;
      if (this.pressed) this.listener.overflow(OverflowReason.tooSlow);
    }, this.options.overBudgetCloseMs);
  }

  private disarmOverBudgetTimer(): void {
    if (this.overBudgetTimer) clearTimeout(this.overBudgetTimer);
    this.overBudgetTimer = undefined;
  }
}
