import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Lease } from '../../../lib/util/lease';

/** A lease over numbered resources that records what was opened and closed. */
function recordingLease(idle?: (stop: () => void) => void): { lease: Lease<number>; opened: number[]; closed: number[] } {
  const opened: number[] = [];
  const closed: number[] = [];
  let next = 1;
  const lease = new Lease<number>({
    open: () => {
      opened.push(next);
      return next++;
    },
    close: (resource) => {
      closed.push(resource);
      return Promise.resolve();
    },
    idle,
  });
  return { lease, opened, closed };
}

describe('Lease', () => {
  it('opens nothing until the first acquire, shares one resource, closes after the last release', () => {
    const { lease, opened, closed } = recordingLease();
    assert.deepEqual(opened, []);
    assert.equal(lease.resource, undefined);
    const first = lease.acquire();
    const second = lease.acquire();
    assert.deepEqual(opened, [1]);
    assert.equal(first.resource, 1);
    assert.equal(second.resource, 1);
    first.release();
    first.release();
    assert.deepEqual(closed, [], 'a second release of the same hold does not count');
    assert.equal(lease.inUse, true);
    second.release();
    assert.deepEqual(closed, [1]);
    assert.equal(lease.inUse, false);
    assert.equal(lease.acquire().resource, 2, 'the next user opens a new resource');
  });

  it('lets the idle hook defer the close; a user that comes back meanwhile keeps the same resource', () => {
    const deferred: Array<() => void> = [];
    const { lease, opened, closed } = recordingLease((stop) => deferred.push(stop));
    lease.acquire().release();
    assert.equal(deferred.length, 1);
    assert.equal(lease.resource, 1, 'still open while the close waits');
    const again = lease.acquire();
    assert.equal(again.resource, 1);
    for (const stop of deferred.splice(0)) stop();
    assert.deepEqual(closed, [], 'in use again: the deferred stop does nothing');
    again.release();
    for (const stop of deferred.splice(0)) stop();
    assert.deepEqual(closed, [1]);
    assert.deepEqual(opened, [1]);
  });

  it('end closes whatever holds remain, later releases do nothing and later acquires throw', async () => {
    const { lease, closed } = recordingLease();
    const hold = lease.acquire();
    await lease.end();
    assert.deepEqual(closed, [1]);
    hold.release();
    assert.deepEqual(closed, [1]);
    assert.throws(() => lease.acquire(), /ended/);
  });

  it('end waits for a close already under way and reports its failure', async () => {
    let finish = (): void => {};
    const lease = new Lease<string>({
      open: () => 'line',
      close: () => new Promise<void>((_resolve, reject) => { finish = () => reject(new Error('close failed')); }),
    });
    lease.acquire().release();
    const ending = lease.end();
    finish();
    await assert.rejects(ending, /close failed/);
  });

  it('a failing open leaves the lease unused, and the next acquire tries again', () => {
    let attempts = 0;
    const lease = new Lease<string>({
      open: () => {
        attempts += 1;
        if (attempts === 1) throw new Error('refused');
        return 'open';
      },
      close: () => Promise.resolve(),
    });
    assert.throws(() => lease.acquire(), /refused/);
    assert.equal(lease.inUse, false);
    assert.equal(lease.acquire().resource, 'open');
  });
});
