/**
 * Callers waiting for the connection to become usable: `send` / `invoke` during a (re)connection wait
 * here up to their timeout instead of failing at once (Zato's "No free connections") or being dropped.
 */
export class ReadyGate {
  private readonly waiters = new Set<{ resolve(): void; reject(error: Error): void; timer: NodeJS.Timeout }>();

  wait(timeoutMs: number, timeoutError: () => Error): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(timeoutError());
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  open(): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
    this.waiters.clear();
  }

  failAll(error: Error): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.waiters.clear();
  }
}
