/**
 * `npm run bench`: every benchmark in turn with short defaults, each in its own process (so one bench's
 * sockets and timers cannot slow the next), then one table of every path, its figure, the baseline that
 * bench measured in the same run, and the ratio (oriented so that more is better). The machine and its
 * load are printed with it, because the figures only mean something beside them.
 *
 *   npm run bench                 all benches
 *   npm run bench -- winccoa opcua  only those
 *   npm run bench -- --markdown   the table as bench/README.md keeps it
 */
import { spawn } from 'node:child_process';
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { resultsFolder, type BenchResult } from './support/result';

interface BenchSpec {
  name: string;
  script: string;
  args: string[];
  env: Record<string, string>;
}

// Short defaults: enough samples for a stable ratio, not for a stable absolute figure.
const benches: BenchSpec[] = [
  { name: 'fanout', script: 'fanout/fanout.js', args: ['50', '1000', '1'], env: {} },
  { name: 'winccoa', script: 'winccoa/winccoa-bench.js', args: [], env: { BENCH_CHANGES: '1000', BENCH_SECONDS: '1' } },
  { name: 'invoke', script: 'invoke/invoke.js', args: [], env: { BENCH_SERIAL: '300', BENCH_CONCURRENT: '3000' } },
  { name: 'opcua-gateway', script: 'opcua-gateway/opcua-gateway-bench.js', args: ['500', '8', '2'], env: {} },
  { name: 'opcua', script: 'opcua/opcua-server-bench.js', args: [], env: { BENCH_SECONDS: '4' } },
  { name: 'modbus', script: 'modbus/modbus.js', args: [], env: { BENCH_MS: '1000', BENCH_SAMPLES: '40' } },
  // Needs Debian's mosquitto (test/support/mosquitto.ts installs it when it may, else the bench fails with how to).
  { name: 'mqtt', script: 'mqtt/mqtt-bench.js', args: [], env: { BENCH_CHANGES: '1000', BENCH_PACED: '200', BENCH_ROUNDS: '3' } },
];
// bench:opcua opens 100 OPC UA sessions one after the other for 8082: minutes on a loaded machine.
const perBenchTimeoutMs = 600_000;

function run(spec: BenchSpec): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(__dirname, spec.script), ...spec.args], {
      env: { ...process.env, ...spec.env }, stdio: ['ignore', 'ignore', 'inherit'],
    });
    const timer = setTimeout(() => child.kill(), perBenchTimeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

export function machine(): string {
  const model = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const load = os.loadavg().map((value) => value.toFixed(2)).join(', ');
  return `${os.availableParallelism()} cores, ${model}, Node ${process.version}, load average ${load}`;
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 100 ? Math.round(value).toString() : value.toPrecision(3);
}

function table(results: BenchResult[], markdown: boolean): string {
  const lines: string[] = [];
  const header = ['path', 'figure', 'baseline (same run)', 'ratio'];
  if (markdown) lines.push(`| ${header.join(' | ')} |`, '|---|---:|---|---:|');
  else lines.push(`${header[0].padEnd(58)} ${header[1].padStart(20)}   ${header[2].padEnd(46)} ${header[3].padStart(6)}`);
  for (const result of results) {
    for (const row of result.rows) {
      const figure = `${format(row.figure)} ${row.unit}`;
      const baseline = `${format(row.baseline)} ${row.unit} ${row.baselineName}`;
      if (markdown) lines.push(`| ${row.path} | ${figure} | ${baseline} | ${row.ratio.toFixed(2)} |`);
      else lines.push(`${row.path.padEnd(58)} ${figure.padStart(20)}   ${baseline.padEnd(46)} ${row.ratio.toFixed(2).padStart(6)}`);
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const markdown = args.includes('--markdown');
  const chosen = args.filter((arg) => !arg.startsWith('--'));
  const selected = chosen.length > 0 ? benches.filter((spec) => chosen.includes(spec.name)) : benches;
  const loadBefore = os.loadavg()[0];
  const results: BenchResult[] = [];
  const failed: string[] = [];
  for (const spec of selected) {
    const file = path.join(resultsFolder, `${spec.name}.json`);
    fs.rmSync(file, { force: true });
    process.stderr.write(`bench ${spec.name} ...\n`);
    const ok = await run(spec);
    if (!ok || !fs.existsSync(file)) {
      failed.push(spec.name);
      continue;
    }
    results.push(JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResult);
  }
  console.log(`${machine()} (1-min load ${loadBefore.toFixed(2)} at start)`);
  console.log(table(results, markdown));
  fs.writeFileSync(path.join(resultsFolder, 'summary.json'), `${JSON.stringify({ machine: machine(), results }, null, 2)}\n`);
  if (failed.length > 0) {
    console.error(`failed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
