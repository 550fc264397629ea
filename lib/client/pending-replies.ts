import { InvokeTimeoutError } from './client-errors';

/** What invoke resolves with: the correlated reply frame, as Zato's response object names it. */
export interface InvokeReply {
  id: string;
  in_reply_to: string;
  status: number;
  is_ok: boolean;
  msg_type: string;
  timestamp: string;
  data: unknown;
  error_message?: string;
}

/** A reply that came with a status other than 200 (zwsx.rsperr). */
export class InvokeStatusError extends Error {
  readonly status: number;
  constructor(readonly reply: InvokeReply) {
    super(`remote answered status ${reply.status}${reply.error_message ? `: ${reply.error_message}` : ''}`);
    this.name = 'InvokeStatusError';
    this.status = reply.status;
  }
}

interface Pending {
  resolve?(reply: InvokeReply): void;
  reject?(error: Error): void;
  /** performance.now() after which the entry goes (and an invocation fails with a timeout). */
  deadline: number;
  timeoutMs: number;
}

/**
 * Invocations waiting for their reply, by request id. Unlike Zato's client, which keeps every request
 * and response forever, an entry goes as soon as its reply, its timeout or the end of its socket comes.
 * One timer serves every entry (armed for the earliest deadline): a timer per invocation was a
 * visible share of the CPU at thousands of invocations per second, and nearly all of them were
 * cleared unfired.
 */
export class PendingReplies {
  private readonly entries = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private timerDeadline = Number.POSITIVE_INFINITY;

  constructor(private readonly warn: (text: string) => void) {}

  get size(): number {
    let count = 0;
    for (const entry of this.entries.values()) if (entry.resolve) count++;
    return count;
  }

  expect(id: string, timeoutMs: number): Promise<InvokeReply> {
    return new Promise<InvokeReply>((resolve, reject) => {
      this.add(id, { resolve, reject, deadline: performance.now() + timeoutMs, timeoutMs });
    });
  }

  /** A send without waiting: its reply, if any, is dropped quietly instead of being logged as late. */
  discardReplyTo(id: string, timeoutMs: number): void {
    this.add(id, { deadline: performance.now() + timeoutMs, timeoutMs });
  }

  /** True while an invocation waits for this id (plain mode: is this frame a reply?). */
  awaits(id: string): boolean {
    return this.entries.get(id)?.resolve !== undefined;
  }

  settle(id: string, reply: InvokeReply): void {
    const entry = this.take(id);
    if (!entry) {
      this.warn(`late or unknown reply to ${id} dropped`);
      return;
    }
    if (!entry.resolve || !entry.reject) return;
    if (reply.is_ok) entry.resolve(reply);
    else entry.reject(new InvokeStatusError(reply));
  }

  reject(id: string, error: Error): void {
    this.take(id)?.reject?.(error);
  }

  /** The socket has gone: nobody waits out a timeout for a reply that cannot come. */
  rejectAll(error: Error): void {
    const entries = [...this.entries.values()];
    this.entries.clear();
    this.disarm();
    for (const entry of entries) entry.reject?.(error);
  }

  private add(id: string, entry: Pending): void {
    this.entries.set(id, entry);
    if (entry.deadline < this.timerDeadline) this.arm(entry.deadline);
  }

  private take(id: string): Pending | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    // Nothing waits: no timer keeps the process (or a test) alive for entries that are gone.
    if (this.entries.size === 0) this.disarm();
    return entry;
  }

  private arm(deadline: number, now = performance.now()): void {
    this.disarm();
    this.timerDeadline = deadline;
    this.timer = setTimeout(() => this.expire(), Math.max(0, Math.ceil(deadline - now)));
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDeadline = Number.POSITIVE_INFINITY;
  }

  /** Fails the entries whose time is up and arms the timer for the earliest one left. */
  private expire(): void {
    // The timer firing says its delay is over, whatever performance.now() says: so entries expire on
    // time under fake timers (node:test mock.timers) as they did with a timer each.
    const now = Math.max(performance.now(), this.timerDeadline);
    this.timer = undefined;
    this.timerDeadline = Number.POSITIVE_INFINITY;
    const expired: Array<[string, Pending]> = [];
    let next = Number.POSITIVE_INFINITY;
    for (const [id, entry] of this.entries) {
      if (entry.deadline <= now) expired.push([id, entry]);
      else if (entry.deadline < next) next = entry.deadline;
    }
    for (const [id] of expired) this.entries.delete(id);
    if (next !== Number.POSITIVE_INFINITY) this.arm(next, now);
    for (const [id, entry] of expired) entry.reject?.(new InvokeTimeoutError(id, entry.timeoutMs));
  }
}
