/**
 * Replies to DpGet, DpSet and DpGetPeriod leave in request order per socket, as the original's one
 * request at a time did, while the work itself runs concurrently (different sockets never wait for
 * each other). Each reply waits for the one before it.
 */
export class ReplyOrder {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `work` now and delivers its frame after every earlier reply; resolves once delivered. */
  enqueue(work: Promise<string | undefined>, deliver: (frame: string) => void): Promise<void> {
    const delivered = Promise.all([this.tail, work]).then(([, frame]) => {
      if (frame !== undefined) deliver(frame);
    });
    // A failed step must not stall the chain; work never rejects by contract, this is only a guard.
    this.tail = delivered.catch(() => {});
    return this.tail;
  }
}
