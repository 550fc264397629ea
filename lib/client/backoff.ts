/** Reconnect delays: the first retry after `firstMs` (2 s, as Zato), then doubling with jitter up to `maxMs`. */
export interface BackoffOptions {
  firstMs: number;
  maxMs: number;
  /** Fraction of each later delay that is randomised (0.2 = +/- 20 %), so many clients do not retry in step. */
  jitter: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions) {
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt. */
  next(): number {
    const attempt = this.attempt++;
    if (attempt === 0) return Math.min(this.options.firstMs, this.options.maxMs);
    const base = Math.min(this.options.maxMs, this.options.firstMs * 2 ** Math.min(attempt, 30));
    const jittered = base * (1 + this.options.jitter * (this.random() * 2 - 1));
    return Math.round(Math.min(this.options.maxMs, Math.max(this.options.firstMs, jittered)));
  }

  /** The longest delay: used after a configuration error (bad credentials) that retrying fast cannot fix. */
  atCap(): number {
    this.attempt = Math.max(this.attempt, 1);
    return this.options.maxMs;
  }

  reset(): void {
    this.attempt = 0;
  }
}
