import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket = require('ws');
import { frameMessage, frameTextParts } from '../../../lib/dialects/contract';

interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}

/** `ws`'s own framing (its Sender, which the typings do not declare): the reference the contract must match. */
const { Sender } = WebSocket as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

function wsFrame(payload: Buffer, opcode: number): Buffer {
  return Buffer.concat(Sender.frame(payload, { fin: true, rsv1: false, opcode, mask: false, readOnly: true }));
}

// Each length class of the RFC 6455 header: 7-bit, 16-bit and 64-bit payload lengths, at their edges.
const lengths = [0, 1, 125, 126, 127, 65535, 65536, 70000];

describe('frameMessage', () => {
  for (const length of lengths) {
    it(`frames a ${length}-byte text and binary message as ws does`, () => {
      const text = 'x'.repeat(length);
      assert.deepEqual(frameMessage(text), wsFrame(Buffer.from(text), 0x1));
      const bytes = Buffer.alloc(length, 0xab);
      assert.deepEqual(frameMessage(bytes), wsFrame(bytes, 0x2));
    });
  }

  it('counts bytes, not characters, for multi-byte UTF-8 text', () => {
    const text = `{"v":"${'Grüße €'.repeat(30)}"}`;
    assert.deepEqual(frameMessage(text), wsFrame(Buffer.from(text), 0x1));
  });
});

describe('frameTextParts', () => {
  for (const length of lengths) {
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
