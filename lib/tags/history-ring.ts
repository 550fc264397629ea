import type { TagValue } from './types';

/**
 * A fixed-size ring of samples for one tag. Samples arrive in time order in practice; a sample older
 * than the newest is still kept (the query sorts), so a source with late timestamps loses nothing.
 */
export class HistoryRing {
  private readonly samples: TagValue[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`history size must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.samples.length;
  }

  push(sample: TagValue): void {
    if (this.samples.length < this.capacity) {
      this.samples.push(sample);
    } else {
      this.samples[this.next] = sample;
      this.next = (this.next + 1) % this.capacity;
    }
  }

  /** Samples with from <= timestamp <= to, oldest first, at most `max` (the oldest ones when cut). */
  query(from: number, to: number, max: number): TagValue[] {
    const ordered = this.samples.length < this.capacity
      ? this.samples
      : [...this.samples.slice(this.next), ...this.samples.slice(0, this.next)];
    const inRange = ordered.filter((sample) => sample.timestamp >= from && sample.timestamp <= to);
    inRange.sort((a, b) => a.timestamp - b.timestamp);
    return max > 0 && inRange.length > max ? inRange.slice(0, max) : inRange;
  }
}
