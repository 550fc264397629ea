/**
 * The one percentile every bench reports: nearest rank (the smallest sample with at least p % of the
 * samples at or below it), so p50 of [1, 2, 3, 4] is 2 and p99 of 100 samples is the 99th. The input
 * is not reordered. NaN for no samples, so an empty measurement never passes for a fast one.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}
