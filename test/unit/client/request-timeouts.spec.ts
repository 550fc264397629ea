import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { ClaimedRequests } from '../../../lib/client/claimed-requests';
import { ReadyGate } from '../../../lib/client/ready-gate';

/** The client's other waits with a deadline, on fake timers. */
describe('claimed server requests and the ready gate (fake timers)', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('a claimed request the flow answers in time is taken once and never times out', () => {
    const claimed = new ClaimedRequests();
    const timedOut: string[] = [];
    claimed.claim('q1', 3000, () => timedOut.push('q1'));
    mock.timers.tick(2999);
    assert.equal(claimed.take('q1'), true);
    assert.equal(claimed.take('q1'), false, 'taken already');
    mock.timers.tick(10_000);
    assert.deepEqual(timedOut, []);
  });

  it('a claimed request the flow is too slow for times out at its deadline, and is then too late to take', () => {
    const claimed = new ClaimedRequests();
    const timedOut: string[] = [];
    claimed.claim('q2', 3000, () => timedOut.push('q2'));
    claimed.claim('q3', 5000, () => timedOut.push('q3'));
    mock.timers.tick(3000);
    assert.deepEqual(timedOut, ['q2']);
    assert.equal(claimed.take('q2'), false);
    claimed.clear();
    mock.timers.tick(10_000);
    assert.deepEqual(timedOut, ['q2'], 'cleared: q3 never times out');
  });

  it('waiters pass when the gate opens, fail with the timeout error at their deadline, or with the error of failAll', async () => {
    const gate = new ReadyGate();
    const passes = gate.wait(1000, () => new Error('not ready'));
    gate.open();
    await passes;
    const late = gate.wait(1000, () => new Error('not ready within 1000 ms'));
    mock.timers.tick(1000);
    await assert.rejects(late, /not ready within 1000 ms/);
    const failed = gate.wait(60_000, () => new Error('timeout'));
    gate.failAll(new Error('closed'));
    await assert.rejects(failed, /closed/);
    mock.timers.runAll();
  });
});
