import type { Duplex } from 'node:stream';
import { corkUntilTurnEnds } from './turn-flusher';

export interface OutboundOptions {
  /** Bytes that may wait in the socket's buffer before notifications are conflated. */
  budgetBytes: number;
  /** How long a client may stay over budget before it is closed. */
  overBudgetCloseMs: number;
}

/**
 * The way out to one client. Frames are written to the socket at once while the client keeps up.
 * Once its unsent bytes exceed the budget, frames that carry a conflation key (change notifications)
 * wait in a map that keeps only the latest frame per key, and go out when the socket drains.
 * Frames without a key (answers to requests) are always written: they are never dropped.
 * A client that stays over budget for `overBudgetCloseMs` is reported through `onOverBudget`.
 */
export class Outbound {
  private readonly waiting = new Map<string, Buffer>();
  private overBudgetTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Frames replaced by a newer one of the same key while waiting: a figure for tests and status. */
  conflated = 0;

  constructor(
    private readonly socket: Duplex,
    private readonly options: OutboundOptions,
    private readonly onOverBudget: () => void,
  ) {
    socket.on('drain', this.onDrain);
  }

  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  get waitingFrames(): number {
    return this.waiting.size;
  }

  write(frame: Buffer, conflationKey?: string): void {
    if (this.closed || this.socket.destroyed) return;
    if (conflationKey !== undefined && (this.waiting.size > 0 || this.isOverBudget())) {
      if (this.waiting.has(conflationKey)) this.conflated++;
      this.waiting.set(conflationKey, frame);
      this.armOverBudgetTimer();
      return;
    }
    corkUntilTurnEnds(this.socket);
    this.socket.write(frame);
    if (this.isOverBudget()) this.armOverBudgetTimer();
  }

  dispose(): void {
    this.closed = true;
    this.waiting.clear();
    this.disarmOverBudgetTimer();
    this.socket.off('drain', this.onDrain);
  }

  private isOverBudget(): boolean {
    return this.socket.writableLength > this.options.budgetBytes;
  }

  private readonly onDrain = (): void => {
    for (const [key, frame] of this.waiting) {
      if (this.isOverBudget()) break;
      this.waiting.delete(key);
      corkUntilTurnEnds(this.socket);
      this.socket.write(frame);
    }
    if (this.waiting.size === 0 && !this.isOverBudget()) this.disarmOverBudgetTimer();
  };

  private armOverBudgetTimer(): void {
    if (this.overBudgetTimer) return;
    this.overBudgetTimer = setTimeout(() => {
      this.overBudgetTimer = undefined;
      if (this.waiting.size > 0 || this.isOverBudget()) this.onOverBudget();
    }, this.options.overBudgetCloseMs);
  }

  private disarmOverBudgetTimer(): void {
    if (this.overBudgetTimer) clearTimeout(this.overBudgetTimer);
    this.overBudgetTimer = undefined;
  }
}
