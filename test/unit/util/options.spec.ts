import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readInteger, readNumber } from '../../../lib/util/options';

describe('option parsing (lib/util/options)', () => {
  it('an empty field always means the default', () => {
    // regression: the server's nonNegative('') read as 0 and switched the heartbeat off, while the
    // Modbus copy of the same helper used the default.
    for (const empty of ['', '   ', undefined, null]) {
      assert.equal(readNumber(empty, { fallback: 30 }), 30, `readNumber(${JSON.stringify(empty)})`);
      assert.equal(readInteger(empty, { fallback: 7, min: 1 }), 7, `readInteger(${JSON.stringify(empty)})`);
    }
  });

  it('unreadable, negative, fractional and out-of-range values fall back', () => {
    const rule = { fallback: 16, min: 1, max: 100 };
    assert.equal(readInteger('abc', rule), 16);
    assert.equal(readInteger('-3', rule), 16);
    assert.equal(readInteger(-3, rule), 16);
    assert.equal(readInteger('2.5', rule), 16);
    assert.equal(readInteger(0, rule), 16);
    assert.equal(readInteger('101', rule), 16);
    assert.equal(readInteger(Number.POSITIVE_INFINITY, rule), 16);
    assert.equal(readInteger(Number.NaN, rule), 16);
    assert.equal(readInteger({}, rule), 16);
    assert.equal(readInteger(true, rule), 16);
  });

  it('valid values are read, as numbers or as the strings the editor stores', () => {
    assert.equal(readInteger('42', { fallback: 1, min: 1, max: 100 }), 42);
    assert.equal(readInteger(100, { fallback: 1, min: 1, max: 100 }), 100);
    assert.equal(readNumber('0.5', { fallback: 10, aboveMin: true }), 0.5);
    assert.equal(readNumber(' 12 ', { fallback: 10 }), 12);
  });

  it('0 is a value only where the rule allows it and it is typed in', () => {
    assert.equal(readNumber('0', { fallback: 30 }), 0, 'a heartbeat of 0 = off, when typed');
    assert.equal(readNumber('0', { fallback: 30, aboveMin: true }), 30, 'a positive option refuses 0');
  });

  it('the fallback may be undefined, meaning "leave it to the layer below"', () => {
    assert.equal(readInteger('', { fallback: undefined, min: 1 }), undefined);
    assert.equal(readInteger('x', { fallback: undefined, min: 1 }), undefined);
    assert.equal(readInteger('64', { fallback: undefined, min: 1 }), 64);
  });
});
