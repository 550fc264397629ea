import fs = require('node:fs');
import path = require('node:path');

/**
 * One line of the `npm run bench` table: a figure of the path under test beside its baseline measured in
 * the same run on the same machine. The ratio is what is compared between machines and runs; absolute
 * figures only say how loaded the machine was.
 */
export interface BenchRow {
  path: string;
  unit: string;
  figure: number;
  baselineName: string;
  baseline: number;
  /** false for latencies: there a smaller figure is better, so the ratio is baseline / figure. */
  higherIsBetter: boolean;
}

export interface BenchResult {
  bench: string;
  rows: Array<BenchRow & { ratio: number }>;
  detail?: unknown;
}

export const resultsFolder = '.bench-results';

/** Ratio oriented so that 1.0 means "as good as the baseline" and more is better, whatever the unit. */
export function ratioOf(row: BenchRow): number {
  return row.higherIsBetter ? row.figure / row.baseline : row.baseline / row.figure;
}

/** Writes `.bench-results/<bench>.json`, which `npm run bench` collects into its table. */
export function writeBenchResult(bench: string, rows: BenchRow[], detail?: unknown): void {
  const result: BenchResult = { bench, rows: rows.map((row) => ({ ...row, ratio: ratioOf(row) })), detail };
  fs.mkdirSync(resultsFolder, { recursive: true });
  fs.writeFileSync(path.join(resultsFolder, `${bench}.json`), `${JSON.stringify(result, null, 2)}\n`);
}
