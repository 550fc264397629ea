import type { Reply } from './payload';

/**
 * The owner's memory of the write requests it has taken, by correlation id, so that a request the broker
 * delivers twice (QoS 1 is at least once; a requester's client resends what was in flight when its
 * connection broke) is applied once: a repeat gets the first one's answer, or waits for it.
 * Entries leave after `ttlMs`, and the oldest go first beyond `maxEntries`.
 */
export class WriteDedupe {
  private readonly entries = new Map<string, { at: number; answer: Promise<Reply> }>();

  constructor(private readonly ttlMs: number, private readonly maxEntries: number, private readonly now: () => number = Date.now) {}

  /** The answer of an earlier request with this key, or of `apply` (run now) when it is new. */
  take(key: string, apply: () => Promise<Reply>): { answer: Promise<Reply>; repeat: boolean } {
    this.expire();
    const known = this.entries.get(key);
    if (known) return { answer: known.answer, repeat: true };
    const answer = apply();
    this.entries.set(key, { at: this.now(), answer });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return { answer, repeat: false };
  }

  get size(): number {
    return this.entries.size;
  }

  private expire(): void {
    const limit = this.now() - this.ttlMs;
    for (const [key, entry] of this.entries) {
      if (entry.at > limit) break;
      this.entries.delete(key);
    }
  }
}
