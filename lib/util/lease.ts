/** What a lease opens for its first user and closes after its last. */
export interface LeaseHooks<T> {
  open(): T;
  close(resource: T): Promise<void>;
  /**
   * Called when the last user has left, with the function that closes the resource if it is still
   * unused by then. The default calls it at once; a caller may wait (a redeploy that is about to bring
   * a new user), so the resource is not dropped and opened again in between.
   */
  idle?(stop: () => void): void;
}

/** One user's hold on a lease: the resource, and the release (the second call does nothing). */
export interface LeaseHold<T> {
  readonly resource: T;
  release(): void;
}

/**
 * Counts the users of one shared resource (a connection): the first `acquire` opens it, and it closes
 * when the last hold is released, so a resource nobody uses holds nothing. `end` closes it for good,
 * whoever still holds it (its owner went away).
 */
export class Lease<T> {
  private users = 0;
  private current: { resource: T } | undefined;
  private ended = false;
  private readonly closing = new Set<Promise<void>>();

  constructor(private readonly hooks: LeaseHooks<T>) {}

  /** True while at least one hold is not released. */
  get inUse(): boolean {
    return this.users > 0;
  }

  /** The open resource (also while a deferred close is waiting), or undefined. */
  get resource(): T | undefined {
    return this.current?.resource;
  }

  /** Opens the resource if it is closed; throws what `open` throws, and once the lease has ended. */
  acquire(): LeaseHold<T> {
    if (this.ended) throw new Error('the lease has ended');
    const current = this.current ?? { resource: this.hooks.open() };
    this.current = current;
    this.users += 1;
    let held = true;
    return {
      resource: current.resource,
      release: () => {
        if (!held) return;
        held = false;
        this.users -= 1;
        if (this.users > 0 || this.ended) return;
        const stop = (): void => { if (this.users === 0) this.shut(); };
        if (this.hooks.idle) this.hooks.idle(stop);
        else stop();
      },
    };
  }

  /** Closes the resource whatever holds remain; later releases do nothing, later acquires throw. */
  async end(): Promise<void> {
    this.ended = true;
    this.shut();
    await Promise.all(this.closing);
  }

  private shut(): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    const closing = this.hooks.close(current.resource).finally(() => { this.closing.delete(closing); });
    this.closing.add(closing);
    // The owner hears close errors through `end`; an idle close has no one to tell.
    closing.catch(() => undefined);
  }
}
