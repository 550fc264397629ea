// Runs `npm test` several times in a row while other processes keep the CPU busy, to show that no test
// depends on the machine being idle (timing assumptions, fixed sleeps, races that only a quiet machine hides).
//
//   node scripts/test-under-load.mjs [runs] [busy-processes]      (defaults: 10 runs, 1 busy process)
//
// Each busy process is a Node child spinning on SHA-256 hashing without pause, so it takes one core
// for itself; with the default on a 2-core machine the tests share the other core and compete for this
// one. The script stops at the first failing run, prints every run's total and time, the load average
// seen during the runs, and exits non-zero unless every run passed.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';

const runs = Number(process.argv[2] ?? 10);
const busy = Number(process.argv[3] ?? 1);

const spinner = `
  const { createHash } = require('node:crypto');
  const block = Buffer.alloc(1 << 16, 7);
  for (;;) createHash('sha256').update(block).digest();
`;
const hogs = Array.from({ length: busy }, () => spawn(process.execPath, ['-e', spinner], { stdio: 'ignore' }));
const stopHogs = () => { for (const hog of hogs) hog.kill('SIGKILL'); };
process.on('exit', stopHogs);
process.on('SIGINT', () => process.exit(130));

let peakLoad = 0;
const sampler = setInterval(() => { peakLoad = Math.max(peakLoad, loadavg()[0]); }, 5000);

/** One `npm test`, its output passed through; resolves with its exit status and its total line. */
function npmTest() {
  return new Promise((resolve) => {
    const child = spawn('npm', ['test'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-4000);
    });
    child.on('close', (code) => resolve({ status: code ?? 1, total: tail.match(/total: .*/)?.[0] ?? 'no total line' }));
  });
}

const results = [];
for (let run = 1; run <= runs; run++) {
  const started = Date.now();
  const { status, total } = await npmTest();
  const seconds = Math.round((Date.now() - started) / 1000);
  results.push({ run, status, total, seconds, load: loadavg()[0].toFixed(1) });
  console.log(`\n=== run ${run}/${runs}: exit ${status}, ${total}, ${seconds} s, load average ${loadavg()[0].toFixed(1)}`);
  if (status !== 0) break;
}
clearInterval(sampler);
stopHogs();

console.log(`\nnpm test under load: ${busy} busy process(es) hashing without pause beside the tests`);
for (const result of results) {
  console.log(`run ${result.run}: exit ${result.status}, ${result.total}, ${result.seconds} s, load ${result.load}`);
}
console.log(`highest 1-minute load average seen: ${peakLoad.toFixed(1)}`);
const passed = results.filter((result) => result.status === 0).length;
console.log(`${passed} of ${runs} runs passed`);
process.exit(passed === runs ? 0 : 1);
