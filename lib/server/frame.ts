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

/**
 * One unmasked text frame whose payload is `parts` in order, copied once into a single Buffer. For
 * messages that share all but a few bytes between clients (a notification that differs only by the
 * client's request Id): the shared parts are encoded once, and each client's frame costs one copy
 * instead of a JSON encode, a UTF-8 encode and a framing. Byte for byte what `frameMessage` makes of
 * the concatenated text.
 */
export function frameTextParts(parts: readonly Buffer[]): Buffer {
  let length = 0;
  for (const part of parts) length += part.length;
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x80 | TEXT_OPCODE;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  let offset = headerLength;
  for (const part of parts) offset += part.copy(frame, offset);
  return frame;
}
