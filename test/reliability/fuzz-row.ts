/** One dialect's line of the fuzzing table. */
export interface FuzzRow {
  dialect: string;
  frames: number;
  crashes: number;
  batches: number;
  aliveBatches: number;
  /** Longest stall of the server's event loop while it had a CPU (see server-agent.ts). */
  maxStallMs: number;
  /** Longest wall-clock delay of the server's event loop (includes time the machine did not run it). */
  maxWallStallMs: number;
  errorsAnswered: number;
  /** Connections the server closed (bad UTF-8, binary where text is due, protocol violations). */
  serverCloses: number;
  seconds: number;
  /** Why a probe failed, first occurrence. */
  firstProbeFailure?: string;
  note?: string;
}

export const FRAMES_PER_DIALECT = 10_000;
export const BATCH = 500;
/** The scorecard's event-loop criterion: no stall above this, in ms. */
export const MAX_STALL_MS = 50;

export function fuzzRowPasses(row: FuzzRow): boolean {
  return row.crashes === 0 && row.aliveBatches === row.batches && row.maxStallMs <= MAX_STALL_MS && row.frames >= FRAMES_PER_DIALECT;
}

/** Adds one measurement window of the agent to the row. */
export function recordStall(row: FuzzRow, reply: { maxStallMs: number; maxWallStallMs: number }): void {
  row.maxStallMs = Math.max(row.maxStallMs, reply.maxStallMs);
  row.maxWallStallMs = Math.max(row.maxWallStallMs, reply.maxWallStallMs);
}
