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
  timer: NodeJS.Timeout;
}

/**
 * Invocations waiting for their reply, by request id. Unlike Zato's client, which keeps every request
 * and response forever, an entry goes as soon as its reply, its timeout or the end of its socket comes.
 */
export class PendingReplies {
  private readonly entries = new Map<string, Pending>();

  constructor(private readonly warn: (text: string) => void) {}

  get size(): number {
    let count = 0;
    for (const entry of this.entries.values()) if (entry.resolve) count++;
    return count;
  }

  expect(id: string, timeoutMs: number): Promise<InvokeReply> {
    return new Promise<InvokeReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.entries.delete(id);
        reject(new InvokeTimeoutError(id, timeoutMs));
      }, timeoutMs);
      this.entries.set(id, { resolve, reject, timer });
    });
  }

  /** A send without waiting: its reply, if any, is dropped quietly instead of being logged as late. */
  discardReplyTo(id: string, timeoutMs: number): void {
    const timer = setTimeout(() => this.entries.delete(id), timeoutMs);
    this.entries.set(id, { timer });
  }

  /** True while an invocation waits for this id (plain mode: is this frame a reply?). */
  awaits(id: string): boolean {
    return this.entries.get(id)?.resolve !== undefined;
  }

  settle(id: string, reply: InvokeReply): void {
    const entry = this.entries.get(id);
    if (!entry) {
      this.warn(`late or unknown reply to ${id} dropped`);
      return;
    }
    this.entries.delete(id);
    clearTimeout(entry.timer);
    if (!entry.resolve || !entry.reject) return;
    if (reply.is_ok) entry.resolve(reply);
    else entry.reject(new InvokeStatusError(reply));
  }

  reject(id: string, error: Error): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    clearTimeout(entry.timer);
    entry.reject?.(error);
  }

  /** The socket has gone: nobody waits out a timeout for a reply that cannot come. */
  rejectAll(error: Error): void {
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) {
      clearTimeout(entry.timer);
      entry.reject?.(error);
    }
  }
}
