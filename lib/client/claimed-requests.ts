/**
 * Requests of the server (zwsx.rqc, zwsx.psrq) that a flow said it would answer. The server waits only
 * a few seconds for a client-response, so each one is answered with null when the flow is too slow.
 */
export class ClaimedRequests {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  claim(id: string, timeoutMs: number, onTimeout: () => void): void {
    this.timers.set(id, setTimeout(() => {
      this.timers.delete(id);
      onTimeout();
    }, timeoutMs));
  }

  /** True when the request was waiting for the flow (and now is not); false when unknown or too late. */
  take(id: string): boolean {
    const timer = this.timers.get(id);
    if (!timer) return false;
    clearTimeout(timer);
    this.timers.delete(id);
    return true;
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

/** What `respond` says for a request nobody waits to answer (unknown, answered, or answered null for being late). */
export function unknownRequestError(id: string): Error {
  return new Error(`request ${id} is unknown or was already answered (null is sent when the flow takes too long)`);
}
