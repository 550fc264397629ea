/** What a dialect sends: text frames as strings, binary frames as Buffers. */
export type OutgoingFrame = string | Buffer;

const FIN = 0x80;
const TEXT_OPCODE = 0x1;
const BINARY_OPCODE = 0x2;

/** Bytes of the RFC 6455 header of an unmasked frame: the 7-bit, 16-bit or 64-bit length form. */
function headerLength(payloadLength: number): number {
  return payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10;
}

/** Allocates a frame for `payloadLength` bytes and writes its header; returns where the payload starts. */
function allocateFrame(opcode: number, payloadLength: number): { frame: Buffer; offset: number } {
  const offset = headerLength(payloadLength);
  const frame = Buffer.allocUnsafe(offset + payloadLength);
  frame[0] = FIN | opcode;
  if (payloadLength < 126) {
    frame[1] = payloadLength;
  } else if (payloadLength < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(payloadLength, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(payloadLength), 2);
  }
  return { frame, offset };
}

/**
 * The bytes of one unmasked, uncompressed server frame carrying the whole message (endpoints never
 * negotiate permessage-deflate). Built once, the same Buffer can be written to any number of sockets:
 * that is what makes broadcast cheap. Written here rather than taken from `ws`, so that dialects can
 * build frames without depending on the server or on `ws`'s undeclared internals.
 */
export function frameMessage(message: OutgoingFrame): Buffer {
  if (typeof message === 'string') {
    const length = Buffer.byteLength(message, 'utf8');
    const { frame, offset } = allocateFrame(TEXT_OPCODE, length);
    frame.write(message, offset, 'utf8');
    return frame;
  }
  const { frame, offset } = allocateFrame(BINARY_OPCODE, message.length);
  message.copy(frame, offset);
  return frame;
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
  const { frame, offset: start } = allocateFrame(TEXT_OPCODE, length);
  let offset = start;
  // TypedArray.set, not Buffer.copy: for the few bytes of a spliced Id its argument checks cost more than the copy.
  for (const part of parts) {
    frame.set(part, offset);
    offset += part.length;
  }
  return frame;
}
