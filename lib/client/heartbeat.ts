/**
 * Our own keep-alive: a ping every `intervalMs`; a ping still unanswered when the next one is due counts
 * as missed, and `threshold` misses in a row mean the link is dead (Zato's outconn shows this setting
 * but never enforces it, so half-open sockets went unnoticed). Any pong resets the count.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private awaitingPong = false;
  private missed = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly threshold: number,
    private readonly ping: () => void,
    private readonly onDead: (missed: number) => void,
  ) {}

  start(): void {
    this.stop();
    if (this.intervalMs <= 0) return;
    this.awaitingPong = false;
    this.missed = 0;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
  }

  pong(): void {
    this.awaitingPong = false;
    this.missed = 0;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    if (this.awaitingPong && ++this.missed >= this.threshold) {
      this.stop();
      this.onDead(this.missed);
      return;
    }
    this.awaitingPong = true;
    this.ping();
  }
}
