import { randomBytes } from 'node:crypto';
import net = require('node:net');

/**
 * A client that completes the WebSocket handshake by hand and then does only what the test says:
 * it never answers pings and can stop reading. That is how a dead or stuck peer looks on a real network.
 */
export async function openRawWebSocket(port: number, path: string): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await new Promise<void>((resolve, reject) => {
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
      const rest = Buffer.from(head.slice(end + 4), 'latin1');
      if (rest.length > 0) socket.unshift(rest);
      resolve();
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
  return socket;
}

/** Resolves when the peer closes or resets the connection. */
export function socketEnded(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.once('close', () => resolve());
  });
}

/** Everything the peer sends from now until the connection ends. */
export function readToEnd(socket: net.Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.resume();
  return socketEnded(socket).then(() => Buffer.concat(chunks));
}

export interface ServerFrame {
  /** 0x1 text, 0x2 binary, 0x8 close, 0x9 ping, 0xA pong. */
  opcode: number;
  payloadLength: number;
  payload: Buffer;
}

/**
 * One masked client frame (RFC 6455 section 5.3), text by default. Several of them written at once reach
 * the server in one read, which is how a pipelining client looks.
 */
export function clientFrame(payload: Buffer, opcode = 0x1): Buffer {
  const length = payload.length;
  const first = 0x80 | opcode;
  const header = length < 126 ? Buffer.from([first, 0x80 | length])
    : length < 65536 ? Buffer.from([first, 0x80 | 126, length >> 8, length & 0xff])
      : Buffer.concat([Buffer.from([first, 0x80 | 127]), bigEndian64(length)]);
  const mask = randomBytes(4);
  const masked = Buffer.alloc(length);
  for (let i = 0; i < length; i++) masked[i] = payload[i] ^ mask[i % 4];
  return Buffer.concat([header, mask, masked]);
}

export function clientTextFrame(text: string): Buffer {
  return clientFrame(Buffer.from(text, 'utf8'));
}

/** A client close frame with a status code. */
export function clientCloseFrame(code = 1000): Buffer {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(code);
  return clientFrame(payload, 0x8);
}

function bigEndian64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  return bytes;
}

/** Collects the frames a server sends on a raw socket; `frames` grows as they arrive. */
export function collectServerFrames(socket: net.Socket): { frames(): ServerFrame[] } {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { frames: () => serverFrames(Buffer.concat(chunks)) };
}

/** Splits a server's byte stream (unmasked frames, RFC 6455 section 5.2) into its frames; a cut last frame is left out. */
export function serverFrames(bytes: Buffer): ServerFrame[] {
  const frames: ServerFrame[] = [];
  let offset = 0;
  while (offset + 2 <= bytes.length) {
    const opcode = bytes[offset] & 0x0f;
    let payloadLength = bytes[offset + 1] & 0x7f;
    let header = 2;
    if (payloadLength === 126) {
      if (offset + 4 > bytes.length) break;
      payloadLength = bytes.readUInt16BE(offset + 2);
      header = 4;
    } else if (payloadLength === 127) {
      if (offset + 10 > bytes.length) break;
      payloadLength = Number(bytes.readBigUInt64BE(offset + 2));
      header = 10;
    }
    if (offset + header + payloadLength > bytes.length) break;
    frames.push({ opcode, payloadLength, payload: bytes.subarray(offset + header, offset + header + payloadLength) });
    offset += header + payloadLength;
  }
  return frames;
}
