// `npm run bench:check`: compares the ratios of the last `npm run bench` (.bench-results/summary.json)
// with the table kept in bench/README.md and fails when a ratio fell by more than a third. Ratios, not
// figures, because only they carry over between machines and loads. Rows missing on either side are
// listed, not failed (a bench may have been renamed or skipped).
import { readFileSync } from 'node:fs';

const tolerance = 2 / 3;
const readme = readFileSync(new URL('../bench/README.md', import.meta.url), 'utf8');
const summary = JSON.parse(readFileSync('.bench-results/summary.json', 'utf8'));

/** `| path | figure | baseline | ratio |` rows of the README's table, by path. */
const kept = new Map();
for (const line of readme.split('\n')) {
  const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
  if (cells.length !== 4) continue;
  const ratio = Number(cells[3]);
  if (Number.isFinite(ratio) && ratio > 0) kept.set(cells[0], ratio);
}

let failed = 0;
for (const result of summary.results) {
  for (const row of result.rows) {
    const before = kept.get(row.path);
    if (before === undefined) {
      console.log(`new      ${row.path}: ${row.ratio.toFixed(2)}`);
      continue;
    }
    kept.delete(row.path);
    const dropped = row.ratio < before * tolerance;
    if (dropped) failed++;
    console.log(`${dropped ? 'DROPPED ' : 'ok      '} ${row.path}: ${row.ratio.toFixed(2)} (README ${before.toFixed(2)})`);
  }
}
for (const path of kept.keys()) console.log(`missing  ${path}`);
console.log(`machine now: ${summary.machine}`);
if (failed > 0) {
  console.error(`${failed} ratio(s) fell by more than a third against bench/README.md`);
  process.exit(1);
}
