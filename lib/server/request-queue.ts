export interface RequestQueueLimits {
  /** Requests that run at once. */
  maxInFlight: number;
  /** Requests that wait, in arrival order, for one of those to finish. */
  maxQueued: number;
}

/** Work for one request; it must settle (the endpoint turns failures into error answers). */
export type RequestTask = () => Promise<void>;

/**
 * The requests of one client the dialect works on. Up to `maxInFlight` run at once; the next ones wait
 * in arrival order and start as slots free, so a client that pipelines a burst gets every answer.
 * Only when `maxQueued` wait as well is a request refused (the dialect's "busy"). `saturated(true)`
 * says no further request could be taken, so the session stops reading the client until
 * `saturated(false)`: a pipelining client is slowed by TCP instead of refused.
 */
export class RequestQueue {
  private running = 0;
  private readonly waiting: RequestTask[] = [];
  private full = false;

  constructor(
    private readonly limits: RequestQueueLimits,
    private readonly saturated: (full: boolean) => void,
  ) {}

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Runs the task now or queues it; false when the queue is full and the request must be refused. */
  offer(task: RequestTask): boolean {
    if (this.running < this.limits.maxInFlight) {
      this.start(task);
    } else if (this.waiting.length < this.limits.maxQueued) {
      this.waiting.push(task);
    } else {
      return false;
    }
    this.checkSaturation();
    return true;
  }

  private start(task: RequestTask): void {
    this.running++;
    const finished = (): void => {
      this.running--;
      while (this.running < this.limits.maxInFlight && this.waiting.length > 0) {
        const next = this.waiting.shift();
        if (next) this.start(next);
      }
      this.checkSaturation();
    };
    task().then(finished, finished);
  }

  private checkSaturation(): void {
    const full = this.running >= this.limits.maxInFlight && this.waiting.length >= this.limits.maxQueued;
    if (full === this.full) return;
    this.full = full;
    this.saturated(full);
  }
}
