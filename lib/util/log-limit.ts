/** Characters of client-controlled text a log line may carry; the rest is replaced by a marker. */
export const CLIENT_TEXT_LIMIT = 200;

/**
 * Client-controlled text cut for a log line: a client can send a megabyte frame, and a log line that
 * carries it whole turns every refused frame into a megabyte of disk.
 */
export function clip(text: string, limit = CLIENT_TEXT_LIMIT): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}… [${(text.length - limit).toLocaleString('en-US')} more characters cut]`;
}

export interface LogSink {
  warn(message: string): void;
  error(message: string): void;
}

export interface LogLimitOptions {
  /** Lines one client may log for one reason per window; further events are only counted. */
  burst: number;
  /** Length of the window, in ms. */
  windowMs: number;
}

export const defaultLogLimit: LogLimitOptions = { burst: 5, windowMs: 10_000 };

interface Window {
  level: 'warn' | 'error';
  startedAt: number;
  logged: number;
  suppressed: number;
  /** When the last counted event happened: the summary spans the window up to it. */
  lastAt: number;
}

/**
 * Logs events about clients without letting one client flood the log: per client and reason, the first
 * `burst` lines of a window are written, later ones are counted and summed up in one line
 * ("… 1,234 more in 10 s") when the next window starts or the client is released (closed).
 * No timers: a summary waits for the client's next event or its release, so nothing outlives a client
 * and memory is one small record per client and reason.
 */
export class LogLimiter {
  private readonly windows = new Map<string, Map<string, Window>>();

  constructor(
    private readonly sink: LogSink,
    private readonly options: LogLimitOptions = defaultLogLimit,
  ) {}

  /** One event of `reason` about `client` (a label such as "client 1.2.3.4:5 on /ws"); `line` is already clipped. */
  note(level: 'warn' | 'error', client: string, reason: string, line: string): void {
    const now = Date.now();
    let reasons = this.windows.get(client);
    if (!reasons) {
      reasons = new Map();
      this.windows.set(client, reasons);
    }
    let window = reasons.get(reason);
    if (window && now - window.startedAt >= this.options.windowMs) {
      this.summarise(client, reason, window);
      window = undefined;
    }
    if (!window) {
      window = { level, startedAt: now, logged: 0, suppressed: 0, lastAt: now };
      reasons.set(reason, window);
    }
    if (window.logged < this.options.burst) {
      window.logged++;
      this.sink[level](line);
    } else {
      window.suppressed++;
      window.lastAt = now;
    }
  }

  /** Writes the pending summaries of a client and forgets it: called when the client has gone. */
  release(client: string): void {
    const reasons = this.windows.get(client);
    if (!reasons) return;
    this.windows.delete(client);
    for (const [reason, window] of reasons) this.summarise(client, reason, window);
  }

  /** Clients with a record: what the limiter holds, for tests. */
  get size(): number {
    return this.windows.size;
  }

  private summarise(client: string, reason: string, window: Window): void {
    if (window.suppressed === 0) return;
    const seconds = Math.max(1, Math.ceil((window.lastAt - window.startedAt) / 1000));
    this.sink[window.level](`${client}: ${reason}: … ${window.suppressed.toLocaleString('en-US')} more in ${seconds} s`);
  }
}
