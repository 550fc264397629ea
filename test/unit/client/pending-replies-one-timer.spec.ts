import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import { InvokeTimeoutError } from '../../../lib/client/client-errors';
import { PendingReplies, type InvokeReply } from '../../../lib/client/pending-replies';

function reply(inReplyTo: string): InvokeReply {
  return { id: `r-${inReplyTo}`, in_reply_to: inReplyTo, status: 200, is_ok: true, msg_type: 'zwsx.rspok', timestamp: '', data: { ok: inReplyTo } };
}

/** Where each promise stands, read after the microtasks of a tick have run. */
function track(promise: Promise<InvokeReply>): { state: string } {
  const result = { state: 'waiting' };
  promise.then(() => { result.state = 'replied'; }, (error: unknown) => { result.state = error instanceof InvokeTimeoutError ? 'timed out' : 'failed'; });
  return result;
}

const settle = (): Promise<void> => new Promise((done) => setImmediate(done));

describe('pending replies: one timer for every invocation (lib/client/pending-replies)', () => {
  afterEach(() => mock.timers.reset());

  it('each invocation times out after its own timeout, the short ones before the long ones given earlier', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const pending = new PendingReplies(() => {});
    const long = track(pending.expect('long', 1000));
    const short = track(pending.expect('short', 100));
    const answered = track(pending.expect('answered', 100));
    pending.settle('answered', reply('answered'));
    mock.timers.tick(99);
    await settle();
    assert.deepEqual([long.state, short.state, answered.state], ['waiting', 'waiting', 'replied']);
    mock.timers.tick(1);
    await settle();
    assert.deepEqual([long.state, short.state], ['waiting', 'timed out']);
    mock.timers.tick(899);
    await settle();
    assert.equal(long.state, 'waiting');
    mock.timers.tick(1);
    await settle();
    assert.equal(long.state, 'timed out');
    assert.equal(pending.size, 0);
  });

  it('a reply after the timeout is late (logged), and a send without waiting is dropped quietly', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const warnings: string[] = [];
    const pending = new PendingReplies((text) => warnings.push(text));
    const late = track(pending.expect('late', 50));
    pending.discardReplyTo('sent', 50);
    pending.settle('sent', reply('sent'));
    mock.timers.tick(50);
    await settle();
    pending.settle('late', reply('late'));
    assert.equal(late.state, 'timed out');
    assert.deepEqual(warnings, ['late or unknown reply to late dropped']);
  });

  it('keeps no timer once nothing waits, so the process can end', () => {
    const pending = new PendingReplies(() => {});
    const before = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    void pending.expect('a', 60_000);
    void pending.expect('b', 60_000);
    assert.equal(process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length, before + 1, 'one timer for both');
    pending.settle('a', reply('a'));
    pending.settle('b', reply('b'));
    assert.equal(process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length, before);
  });
});
