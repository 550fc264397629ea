import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { Heartbeat } from '../../../lib/client/heartbeat';

/** The client's own keep-alive, on fake timers: each tick is one interval, no test waits in real time. */
describe('client heartbeat (fake timers)', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval'] }));
  afterEach(() => mock.timers.reset());

  function heartbeat(intervalMs: number, threshold: number): { beat: Heartbeat; pings: number[]; dead: number[] } {
    const pings: number[] = [];
    const dead: number[] = [];
    let tick = 0;
    const beat = new Heartbeat(intervalMs, threshold, () => pings.push(++tick), (missed) => dead.push(missed));
    return { beat, pings, dead };
  }

  it('pings once per interval and nothing before the first interval', () => {
    const { beat, pings, dead } = heartbeat(1000, 3);
    beat.start();
    mock.timers.tick(999);
    assert.equal(pings.length, 0);
    mock.timers.tick(1);
    assert.equal(pings.length, 1);
    beat.pong();
    mock.timers.tick(1000);
    beat.pong();
    mock.timers.tick(1000);
    assert.equal(pings.length, 3);
    assert.deepEqual(dead, []);
    beat.stop();
  });

  it('declares the link dead after `threshold` unanswered pings in a row, once, and stops pinging', () => {
    const { beat, pings, dead } = heartbeat(1000, 3);
    beat.start();
    mock.timers.tick(1000); // ping 1
    mock.timers.tick(1000); // ping 1 unanswered: missed 1, ping 2
    mock.timers.tick(1000); // missed 2, ping 3
    assert.deepEqual(dead, []);
    mock.timers.tick(1000); // missed 3: dead
    assert.deepEqual(dead, [3]);
    assert.equal(pings.length, 3, 'no ping with the verdict');
    // Node 20's fake setInterval runs an interval on even when its own callback cleared it (the real one
    // stops), so only what a stopped heartbeat shows either way is checked here: no further ping.
    mock.timers.tick(10_000);
    assert.equal(pings.length, 3, 'no ping after the verdict');
  });

  it('any pong resets the count of misses', () => {
    const { beat, dead } = heartbeat(1000, 2);
    beat.start();
    mock.timers.tick(1000); // ping
    mock.timers.tick(1000); // missed 1
    beat.pong();
    mock.timers.tick(1000); // answered: ping again, count from zero
    mock.timers.tick(1000); // missed 1
    assert.deepEqual(dead, []);
    mock.timers.tick(1000); // missed 2
    assert.deepEqual(dead, [2]);
  });

  it('a restart forgets earlier misses; stop ends the pings; an interval of 0 is off', () => {
    const { beat, pings, dead } = heartbeat(1000, 2);
    beat.start();
    mock.timers.tick(2000); // ping, missed 1
    beat.start();
    mock.timers.tick(2000); // ping, missed 1 again: not 2
    assert.deepEqual(dead, []);
    beat.stop();
    const sent = pings.length;
    mock.timers.tick(10_000);
    assert.equal(pings.length, sent);
    const off = heartbeat(0, 2);
    off.beat.start();
    mock.timers.tick(10_000);
    assert.deepEqual(off.pings, []);
  });
});
