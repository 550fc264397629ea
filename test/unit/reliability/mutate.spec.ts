import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mutate, type FuzzFrame } from '../../reliability/mutate';
import { Prng } from '../../reliability/prng';

const DP_GET = { DpGet: { Id: 1, Dps: ['ExampleDP_Trend1.', 'ExampleDP_Arg1.'] } };

function frames(seed: number, count: number): FuzzFrame[] {
  const rng = new Prng(seed);
  return Array.from({ length: count }, () => mutate(DP_GET, rng));
}

const text = (frame: FuzzFrame): string => (typeof frame.data === 'string' ? frame.data : frame.data.toString('latin1'));

describe('the scorecard\'s frame mutator', () => {
  it('gives the same frames for the same seed and other frames for another seed', () => {
    assert.deepEqual(frames(42, 300).map(text), frames(42, 300).map(text));
    assert.notDeepEqual(frames(42, 300).map(text), frames(43, 300).map(text));
  });

  it('derives independent generators per dialect from one seed', () => {
    const root = new Prng(7);
    assert.equal(root.fork('zato').next(), new Prng(7).fork('zato').next());
    assert.notEqual(root.fork('zato').next(), root.fork('raw').next());
  });

  it('covers every kind of mutation the scorecard promises in 2,000 frames', () => {
    const all = frames(20_261_207, 2_000);
    const hows = all.map((frame) => frame.how).join('\n');
    // Wrong types (null, boolean, number where a string is due), edges, sizes, nesting, prototype names.
    for (const kind of ['=null', '=boolean', '=edge number', '=huge string', '=huge array', '=deep array', '=deep object', '=prototype keys', 'renamed __proto__', 'removed', 'truncated', 'bad UTF-8', 'binary frame']) {
      assert.ok(hows.includes(kind), kind);
    }
    assert.ok(all.some((frame) => /\[{1000,}/.test(text(frame))), 'deep nesting (1,000 levels and more) is written out as text');
    const badUtf8 = all.find((frame) => frame.how.startsWith('bad UTF-8'));
    assert.ok(badUtf8 && Buffer.isBuffer(badUtf8.data) && !badUtf8.binary);
    assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(badUtf8.data as Buffer));
    assert.ok(all.some((frame) => frame.binary));
    assert.ok(all.some((frame) => typeof frame.data === 'string' && frame.data.includes('"__proto__"')), 'a __proto__ key reaches the wire');
  });
});
