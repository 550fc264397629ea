// Runs every compiled spec under dist/test with Node's own test runner, one file at a time so that
// tests that bind ports and count open handles do not disturb each other.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
const result = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
