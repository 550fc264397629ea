import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { clip, CLIENT_TEXT_LIMIT, LogLimiter } from '../../../lib/util/log-limit';

function recorder(): { lines: string[]; sink: { warn(line: string): void; error(line: string): void } } {
  const lines: string[] = [];
  return { lines, sink: { warn: (line) => lines.push(line), error: (line) => lines.push(`E ${line}`) } };
}

describe('log limiting', () => {
  beforeEach(() => mock.timers.enable({ apis: ['Date'], now: 0 }));
  afterEach(() => mock.timers.reset());

  it('cuts client text at 200 characters with a marker of how much was cut', () => {
    const cut = clip('x'.repeat(1_000_000));
    assert.ok(cut.startsWith('x'.repeat(CLIENT_TEXT_LIMIT)));
    assert.match(cut, /… \[999,800 more characters cut\]$/);
    assert.ok(cut.length < CLIENT_TEXT_LIMIT + 40);
    assert.equal(clip('short'), 'short');
  });

  it('regression: 10,000 events of one client and reason write a bounded number of lines with the right count', () => {
    const { lines, sink } = recorder();
    const limiter = new LogLimiter(sink, { burst: 5, windowMs: 10_000 });
    for (let i = 0; i < 10_000; i++) {
      limiter.note('warn', 'client A', 'busy', `client A: busy ${i}`);
      if (i % 1000 === 999) mock.timers.tick(900);
    }
    // 9 s passed, still the first window: five lines, the rest counted.
    assert.deepEqual(lines, ['client A: busy 0', 'client A: busy 1', 'client A: busy 2', 'client A: busy 3', 'client A: busy 4']);
    mock.timers.tick(1_100);
    limiter.note('warn', 'client A', 'busy', 'client A: busy again');
    assert.deepEqual(lines.slice(5), ['client A: busy: … 9,995 more in 9 s', 'client A: busy again']);
  });

  it('limits each client and reason on its own, and sums up what is left when a client is released', () => {
    const { lines, sink } = recorder();
    const limiter = new LogLimiter(sink, { burst: 1, windowMs: 10_000 });
    for (let i = 0; i < 3; i++) {
      limiter.note('warn', 'client A', 'busy', 'A busy');
      limiter.note('warn', 'client A', 'bad-frame', 'A bad frame');
      limiter.note('error', 'client B', 'busy', 'B busy');
    }
    assert.deepEqual(lines, ['A busy', 'A bad frame', 'E B busy']);
    limiter.release('client A');
    assert.deepEqual(lines.slice(3), ['client A: busy: … 2 more in 1 s', 'client A: bad-frame: … 2 more in 1 s']);
    assert.equal(limiter.size, 1, 'only client B is remembered');
    limiter.release('client B');
    assert.equal(lines.at(-1), 'E client B: busy: … 2 more in 1 s');
    assert.equal(limiter.size, 0);
    limiter.release('client B');
    assert.equal(lines.length, 6, 'a second release writes nothing');
  });
});
