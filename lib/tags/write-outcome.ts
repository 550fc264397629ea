/**
 * What a client may assume about a write that did not succeed. A write has one outcome, and the client
 * must hear the true one:
 * - `failed`: the write never took effect (it was not sent, or the device or server refused it): it is
 *   safe to send it again;
 * - `unknown`: it was sent and no answer came (timeout, connection broken while it was on the wire): the
 *   device may have executed it, now or later; read the value back before deciding to send it again.
 * A write is never sent again by the gateway itself, in either case.
 */
export type WriteOutcome = 'failed' | 'unknown';

/** The words every dialect puts in its error text, so a person reading any of them learns the same. */
export const OUTCOME_UNKNOWN = 'outcome unknown (the write was sent and not answered; the device may have executed it)';
export const NOT_EXECUTED = 'not executed';

/** The outcome an error carries (`outcome` on Modbus and OPC UA errors); `failed` when it says nothing. */
export function writeOutcomeOf(error: unknown): WriteOutcome {
  return (error as { outcome?: unknown } | null | undefined)?.outcome === 'unknown' ? 'unknown' : 'failed';
}
