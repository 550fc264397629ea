import type { HistoryRing } from './history-ring';

interface Queued {
  ring: HistoryRing;
  seq: number;
}

/**
 * The bound on the bytes of all history rings together. Every kept sample is queued in one global
 * order; when the total passes the bound, the globally oldest sample goes first, whichever tag it
 * belongs to. Samples a ring already dropped on its own (count or per-tag bytes) or rings let go of
 * leave stale queue entries; they are skipped when met and swept out once they outnumber the live
 * ones, so every operation is O(1) amortised.
 */
export class HistoryBudget {
  private queue: Queued[] = [];
  private head = 0;
  private nextSeq = 1;
  private held = 0;
  private samples = 0;
  private evicted = 0;

  constructor(readonly maxBytes: number) {
    if (!(maxBytes > 0)) throw new RangeError(`history bytes must be positive, got ${maxBytes}`);
  }

  /** Bytes of history held across all rings. */
  get bytes(): number {
    return this.held;
  }

  /** Samples held across all rings. */
  get sampleCount(): number {
    return this.samples;
  }

  /** Samples dropped to keep all rings within `maxBytes`. */
  get dropped(): number {
    return this.evicted;
  }

  /** Adds a sample to a ring within both its own and the total bound. */
  push(ring: HistoryRing, sample: Parameters<HistoryRing['push']>[0], bytes: number): void {
    const seq = this.nextSeq++;
    const sizeBefore = ring.size;
    this.held += ring.push(sample, bytes, seq);
    this.samples += ring.size - sizeBefore;
    if (ring.size > 0 && ring.oldestSeq <= seq) this.queue.push({ ring, seq });
    while (this.held > this.maxBytes && this.evictOldest());
    if (this.queue.length - this.head > 2 * this.samples + 64) this.sweep();
    else if (this.head > 1024 && this.head * 2 > this.queue.length) this.compact();
  }

  /** A ring whose tag is gone: its bytes no longer count. */
  release(ring: HistoryRing): void {
    this.held -= ring.bytes;
    this.samples -= ring.size;
    ring.release();
  }

  private evictOldest(): boolean {
    while (this.head < this.queue.length) {
      const { ring, seq } = this.queue[this.head++];
      if (!ring.isOpen || ring.oldestSeq !== seq) continue;
      this.held -= ring.dropOldest();
      this.samples--;
      this.evicted++;
      return true;
    }
    return false;
  }

  private compact(): void {
    this.queue = this.queue.slice(this.head);
    this.head = 0;
  }

  private sweep(): void {
    this.queue = this.queue.slice(this.head).filter(({ ring, seq }) => ring.isOpen && seq >= ring.oldestSeq);
    this.head = 0;
  }
}
