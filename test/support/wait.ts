// How tests wait. A test waits for the event it is about: a frame, a status, a 'close', a log line, an
// answer that can only come after the thing awaited (frames are handled in order). Where the only sign
// is a state to look at, waitFor polls it. Time-dependent logic runs on node:test's mock.timers. A fixed
// sleep is left only as the assertion that something does NOT happen, and only where nothing marks its
// absence: expectNothingWithin names those.

/** Polls `condition` until it holds, failing with `what` (or what it returns then) after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string | (() => string), timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Polls an asynchronous check (an HTTP probe, a connection attempt) every `intervalMs` until it resolves
 * true, failing with `what` after `timeoutMs`; a check that throws counts as not yet. `abort` ends the
 * wait early with its own reason (the process under test has exited, say); `context` (its log, say) is
 * added to the error either way.
 */
export async function pollUntil(check: () => Promise<boolean>, what: string, options: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined; context?: () => string }): Promise<void> {
  const fail = (reason: string): Error => new Error(`${what}: ${reason}${options.context ? `\n${options.context()}` : ''}`);
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const aborted = options.abort?.();
    if (aborted !== undefined) throw fail(aborted);
    try {
      if (await check()) return;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw fail(`not within ${options.timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/**
 * The window of an absence check: "nothing arrives / nothing reconnects within `ms`". Only where no
 * event can mark that the thing will not happen; each caller says why in a comment.
 */
export function expectNothingWithin(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The bound of a wait raced against its event (`Promise.race([exited, deadline(15_000)])`): not a sleep. */
export function deadline(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** One turn of the event loop, so that sockets can move bytes between two steps of a producing loop. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Handles of kinds a leak would leave behind, counted by type. */
export function openHandles(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'TCPSocketWrap' || kind === 'TCPServerWrap' || kind === 'Timeout') counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

/** Waits until no kind of handle counts more than in `before`: what a closed thing leaves goes away in its own time. */
export async function handlesBackTo(before: Map<string, number>, timeoutMs = 3000): Promise<void> {
  const excess = (): string[] => [...openHandles()].filter(([kind, count]) => count > (before.get(kind) ?? 0)).map(([kind, count]) => `${count} ${kind} (before: ${before.get(kind) ?? 0})`);
  await waitFor(() => excess().length === 0, () => `handles back to the count before; left: ${excess().join(', ')}`, timeoutMs);
}
