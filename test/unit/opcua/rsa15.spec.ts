import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path = require('node:path');
import { describe, it } from 'node:test';
import { RSA15_FLAG, rsa15Available } from '../../../lib/opcua';
import { securityRevert } from '../../support/security-revert';

interface ProbeResult { state: string; detail: string; value?: unknown }

/** Runs the probe in a fresh Node process with the given flags and returns what it printed. */
function probe(flags: string[]): ProbeResult {
  const script = path.join(__dirname, '..', '..', 'support', 'rsa15-probe.js');
  const run = spawnSync(process.execPath, [...flags, script], { encoding: 'utf8', timeout: 60_000 });
  const line = run.stdout.split('\n').find((text) => text.startsWith('RESULT '));
  assert.ok(line, `the probe printed a result (exit ${run.status}): ${run.stderr.slice(-500)}`);
  return JSON.parse(line.slice('RESULT '.length)) as ProbeResult;
}

function assertReadsTheSeedValue(result: ProbeResult): void {
  assert.equal(result.state, 'connected', result.detail);
  assert.equal(result.value, 3.14159265);
}

// What the running Node does is measured, not guessed from its version: this file runs without the flag
// (scripts/run-tests.mjs), so rsa15Available() is this Node's capability without it. Node 20 lacks it and
// accepts the flag; Node 22 and later have it and refuse the flag.
describe(`Basic128Rsa15 with and without ${RSA15_FLAG} on Node ${process.version}`, { timeout: 120_000 }, () => {
  it('runs without the flag, so that the capability measured here is the one without it', () => {
    assert.equal(process.execArgv.includes(RSA15_FLAG), false);
  });

  it('without the flag: logs in as user1 where this Node decrypts RSA PKCS#1 v1.5, else fails naming the flag', () => {
    const result = probe([]);
    if (rsa15Available()) {
      assertReadsTheSeedValue(result);
    } else {
      assert.equal(result.state, 'failed');
      assert.ok(result.detail.includes(RSA15_FLAG), result.detail);
    }
  });

  it('with the flag where this Node accepts it (as npm start gives it): logs in as user1', async () => {
    const { revertFlagAccepted } = await securityRevert();
    if (revertFlagAccepted()) {
      assertReadsTheSeedValue(probe([RSA15_FLAG]));
    } else {
      // Node refuses to start with a revert it does not know; npm start then leaves the flag out.
      const run = spawnSync(process.execPath, [RSA15_FLAG, '-e', '0'], { encoding: 'utf8' });
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /unknown CVE/);
      assert.equal(rsa15Available(), true, 'a Node that refuses the flag must decrypt PKCS#1 v1.5 without it');
    }
  });

  it('every Node the package supports can run Basic128Rsa15: natively or with the flag it accepts', async () => {
    const { revertFlagAccepted } = await securityRevert();
    assert.ok(rsa15Available() || revertFlagAccepted(), `Node ${process.version} has no way to decrypt RSA PKCS#1 v1.5`);
  });
});
