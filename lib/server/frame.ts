import WebSocket = require('ws');
import type { OutgoingFrame } from '../dialects/dialect';

interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}

/** `ws` frames messages with its Sender; the typings do not declare it, so name the one call we use. */
const { Sender } = WebSocket as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

const TEXT_OPCODE = 0x1;
const BINARY_OPCODE = 0x2;

/**
 * The bytes of one unmasked, uncompressed server frame carrying the whole message. Built once, the
 * same Buffer can be written to any number of sockets: that is what makes broadcast cheap.
 */
export function frameMessage(message: OutgoingFrame): Buffer {
  const isText = typeof message === 'string';
  const payload = isText ? Buffer.from(message, 'utf8') : message;
  const parts = Sender.frame(payload, { fin: true, rsv1: false, opcode: isText ? TEXT_OPCODE : BINARY_OPCODE, mask: false, readOnly: true });
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
