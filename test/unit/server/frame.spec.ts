import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { frameMessage, frameTextParts } from '../../../lib/server/frame';

describe('frameTextParts', () => {
  // Each length class of the RFC 6455 header: 7-bit, 16-bit and 64-bit payload lengths, at their edges.
  for (const length of [0, 1, 125, 126, 127, 65535, 65536, 70000]) {
    it(`makes the same bytes as frameMessage for a ${length}-byte payload split in parts`, () => {
      const text = 'x'.repeat(length);
      const cut = Math.floor(length / 3);
      const parts = [Buffer.from(text.slice(0, cut)), Buffer.from(text.slice(cut, 2 * cut)), Buffer.from(text.slice(2 * cut))];
      assert.deepEqual(frameTextParts(parts), frameMessage(text));
    });
  }

  it('counts bytes, not characters, for multi-byte UTF-8 text', () => {
    const text = `{"v":"${'Grüße €'.repeat(20)}"}`;
    const bytes = Buffer.from(text);
    assert.deepEqual(frameTextParts([bytes.subarray(0, 10), bytes.subarray(10)]), frameMessage(text));
  });
});
