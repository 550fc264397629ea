// Runs every compiled spec under dist/test with Node's own test runner, one file at a time so that
// tests that bind ports and count open handles do not disturb each other.
//
// Files named *.revert.spec.js run in a second invocation with the flags that let this Node decrypt
// RSA PKCS#1 v1.5 (scripts/security-revert.mjs), as the demo runs: --security-revert=CVE-2023-46809 on
// Node 20, which refuses that decryption without it; nothing on Node 22 and later, which decrypt it anyway
// and refuse the flag. The OPC UA policy Basic128Rsa15 needs that decryption. Node does not accept the
// flag in NODE_OPTIONS, so it goes on the command line.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePythonClient } from './ensure-debian-package.mjs';
import { revertFlags } from './security-revert.mjs';

function specs(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return specs(path);
    return entry.endsWith('.spec.js') ? [path] : [];
  });
}

const filter = process.argv[2];
const files = specs('dist/test').filter((file) => !filter || file.includes(filter)).sort();
if (files.length === 0) {
  console.error('no spec files found under dist/test');
  process.exit(1);
}

// Seed acceptance tests (test/e2e) drive the demo with the seeds' own Python client.
if (files.some((file) => file.includes('/e2e/')) && !ensurePythonClient()) process.exit(1);

const isRevert = (file) => file.endsWith('.revert.spec.js');
const runs = [
  { flags: [], files: files.filter((file) => !isRevert(file)) },
  { flags: revertFlags(), files: files.filter(isRevert) },
];
/** Runs one invocation, echoing its output, and returns its exit status and its pass / fail counts. */
function runTests(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk.toString('utf8');
    });
    child.on('close', (code) => {
      const count = (name) => Number(output.match(new RegExp(`^\\S+ ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
      resolve({ status: code ?? 1, passed: count('pass'), failed: count('fail') });
    });
  });
}

let status = 0;
let passed = 0;
let failed = 0;
for (const run of runs) {
  if (run.files.length === 0) continue;
  const args = [...run.flags, '--enable-source-maps', '--test', '--test-concurrency=1', '--test-reporter=spec', ...run.files];
  const result = await runTests(args);
  if (result.status !== 0) status = result.status;
  passed += result.passed;
  failed += result.failed;
}
// Two invocations print two summaries; this line is the total of both.
console.log(`\ntotal: ${passed} passed, ${failed} failed`);
process.exit(status);
