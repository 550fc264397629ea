import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path = require('node:path');
import { describe, it } from 'node:test';
import { RSA15_FLAG } from '../../../lib/opcua';

/** Runs the probe in a fresh Node process with the given flags and returns what it printed. */
function probe(flags: string[]): { state: string; detail: string; value?: unknown } {
  const script = path.join(__dirname, '..', '..', 'support', 'rsa15-probe.js');
  const run = spawnSync(process.execPath, [...flags, script], { encoding: 'utf8', timeout: 60_000 });
  const line = run.stdout.split('\n').find((text) => text.startsWith('RESULT '));
  assert.ok(line, `the probe printed a result (exit ${run.status}): ${run.stderr.slice(-500)}`);
  return JSON.parse(line.slice('RESULT '.length)) as { state: string; detail: string; value?: unknown };
}

describe('Basic128Rsa15 and --security-revert=CVE-2023-46809', { timeout: 120_000 }, () => {
  it('logs in with SignAndEncrypt / Basic128Rsa15 as user1 when Node runs with the flag (as npm start does)', () => {
    const result = probe([RSA15_FLAG]);
    assert.equal(result.state, 'connected', result.detail);
    assert.equal(result.value, 3.14159265);
  });

  it('fails with a message naming the flag when Node runs without it', () => {
    const result = probe([]);
    assert.equal(result.state, 'failed');
    assert.ok(result.detail.includes(RSA15_FLAG), result.detail);
  });
});
