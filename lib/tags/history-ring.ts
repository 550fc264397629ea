import type { TagValue } from './types';

interface Entry {
  sample: TagValue;
  bytes: number;
  /** Position in the tag space's global order of samples, for the total bound (see HistoryBudget). */
  seq: number;
}

/**
 * The history of one tag: at most `capacity` samples and at most `maxBytes` of them (sizes as
 * value-size.ts measures them), the oldest dropped first. Samples arrive in time order in practice; a
 * sample older than the newest is still kept (the query sorts), so a source with late timestamps loses
 * nothing. A single sample larger than `maxBytes` is not kept at all.
 */
export class HistoryRing {
  private entries: Entry[] = [];
  private head = 0;
  private held = 0;
  private droppedCount = 0;
  private open = true;

  constructor(private readonly capacity: number, private readonly maxBytes = Number.POSITIVE_INFINITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`history size must be a positive integer, got ${capacity}`);
    if (!(maxBytes > 0)) throw new RangeError(`history bytes must be positive, got ${maxBytes}`);
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  /** Bytes of the samples held. */
  get bytes(): number {
    return this.held;
  }

  /** Samples dropped so far to stay within the bounds (count, bytes of the tag, bytes of all tags). */
  get dropped(): number {
    return this.droppedCount;
  }

  /** False once the tag space let go of the ring (its tag is gone). */
  get isOpen(): boolean {
    return this.open;
  }

  /** Sequence number of the oldest sample held, or Infinity when empty. */
  get oldestSeq(): number {
    return this.size > 0 ? this.entries[this.head].seq : Number.POSITIVE_INFINITY;
  }

  /** Adds a sample and drops the oldest beyond the ring's own bounds. Returns the change of `bytes`. */
  push(sample: TagValue, bytes = 0, seq = 0): number {
    const before = this.held;
    if (bytes > this.maxBytes) {
      this.droppedCount++;
      return 0;
    }
    this.entries.push({ sample, bytes, seq });
    this.held += bytes;
    while (this.size > this.capacity || this.held > this.maxBytes) this.dropOldest();
    return this.held - before;
  }

  /** Drops the oldest sample; returns its bytes (0 when empty). */
  dropOldest(): number {
    if (this.size === 0) return 0;
    const entry = this.entries[this.head];
    this.entries[this.head] = undefined as unknown as Entry;
    this.head++;
    // Compacting once half the array is dead keeps push and drop O(1) amortised.
    if (this.head > 32 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    this.held -= entry.bytes;
    this.droppedCount++;
    return entry.bytes;
  }

  /** Lets go of every sample; the ring takes no more. */
  release(): void {
    this.entries = [];
    this.head = 0;
    this.held = 0;
    this.open = false;
  }

  /** Samples with from <= timestamp <= to, oldest first, at most `max` (the oldest ones when cut). */
  query(from: number, to: number, max: number): TagValue[] {
    const inRange: TagValue[] = [];
    for (let index = this.head; index < this.entries.length; index++) {
      const sample = this.entries[index].sample;
      if (sample.timestamp >= from && sample.timestamp <= to) inRange.push(sample);
    }
    inRange.sort((a, b) => a.timestamp - b.timestamp);
    return max > 0 && inRange.length > max ? inRange.slice(0, max) : inRange;
  }
}
