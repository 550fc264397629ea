import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { InvokeTimeoutError } from '../../../lib/client/client-errors';
import { InvokeStatusError, PendingReplies, type InvokeReply } from '../../../lib/client/pending-replies';

function reply(id: string, status = 200): InvokeReply {
  return { id: `r-${id}`, in_reply_to: id, status, is_ok: status === 200, msg_type: '0002', timestamp: '2024-01-01T00:00:00.000', data: { id } };
}

/** Invocations waiting for replies, on fake timers: a timeout is a tick, not a wait. */
describe('pending replies (fake timers)', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('a reply in time settles the invocation and cancels its timeout', async () => {
    const warnings: string[] = [];
    const pending = new PendingReplies((text) => warnings.push(text));
    const answer = pending.expect('a', 1000);
    assert.ok(pending.awaits('a'));
    assert.equal(pending.size, 1);
    mock.timers.tick(999);
    pending.settle('a', reply('a'));
    assert.deepEqual((await answer).data, { id: 'a' });
    assert.equal(pending.size, 0);
    mock.timers.tick(10_000);
    assert.deepEqual(warnings, []);
  });

  it('no reply within the timeout rejects with InvokeTimeoutError at the timeout, not before, and forgets the id', async () => {
    const warnings: string[] = [];
    const pending = new PendingReplies((text) => warnings.push(text));
    let outcome: unknown;
    const answer = pending.expect('b', 5000).then(() => 'resolved', (error: unknown) => error);
    void answer.then((value) => { outcome = value; });
    mock.timers.tick(4999);
    await Promise.resolve();
    assert.equal(outcome, undefined, 'still waiting 1 ms before the timeout');
    mock.timers.tick(1);
    const error = await answer;
    assert.ok(error instanceof InvokeTimeoutError);
    assert.equal(error.message, 'no reply to b within 5000 ms');
    assert.equal(pending.awaits('b'), false);
    pending.settle('b', reply('b'));
    assert.deepEqual(warnings, ['late or unknown reply to b dropped'], 'a reply after the timeout is late');
  });

  it('a reply with another status rejects with InvokeStatusError', async () => {
    const pending = new PendingReplies(() => undefined);
    const answer = pending.expect('c', 1000);
    pending.settle('c', reply('c', 404));
    await assert.rejects(answer, (error: unknown) => error instanceof InvokeStatusError && error.status === 404);
  });

  it('a send without waiting drops its reply quietly within the timeout, and forgets it after', () => {
    const warnings: string[] = [];
    const pending = new PendingReplies((text) => warnings.push(text));
    pending.discardReplyTo('d', 1000);
    assert.equal(pending.awaits('d'), false, 'nobody waits for it');
    assert.equal(pending.size, 0);
    pending.settle('d', reply('d'));
    assert.deepEqual(warnings, [], 'expected, so not logged');
    pending.discardReplyTo('e', 1000);
    mock.timers.tick(1000);
    pending.settle('e', reply('e'));
    assert.deepEqual(warnings, ['late or unknown reply to e dropped']);
  });

  it('the end of the socket rejects every waiting invocation at once and leaves no timer behind', async () => {
    const pending = new PendingReplies(() => undefined);
    const answers = [pending.expect('f', 60_000), pending.expect('g', 60_000)];
    pending.discardReplyTo('h', 60_000);
    const lost = new Error('connection lost');
    pending.rejectAll(lost);
    for (const answer of answers) await assert.rejects(answer, (error: unknown) => error === lost);
    assert.equal(pending.size, 0);
    pending.reject('f', new Error('twice'));
    // Every timer was cleared: running all that is left settles nothing more.
    mock.timers.runAll();
    assert.equal(pending.size, 0);
  });
});
