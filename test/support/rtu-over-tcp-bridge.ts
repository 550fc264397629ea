import net = require('node:net');
import type { AddressInfo } from 'node:net';

/** Modbus RTU CRC-16 (polynomial 0xA001, initial 0xFFFF), sent low byte first. */
export function crc16(frame: Buffer): number {
  let crc = 0xffff;
  for (const byte of frame) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** Length of an RTU request frame once its first bytes are known; undefined while too short to tell. */
function requestLength(buffer: Buffer): number | undefined {
  if (buffer.length < 2) return undefined;
  const fc = buffer[1];
  if (fc === 15 || fc === 16) return buffer.length < 7 ? undefined : 7 + buffer[6] + 2;
  return 8;
}

/**
 * A serial server stand-in: accepts RTU frames over TCP (what serial device servers do), checks their
 * CRC and passes them on as Modbus TCP to a real Modbus TCP server, and the answers back as RTU. Lets
 * the `rtu-tcp` transport talk to the Neuron simulator; frames with a bad CRC are dropped as a bus would.
 */
export async function startRtuBridge(targetPort: number): Promise<{ port: number; frames: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const state = { frames: 0 };
  const server = net.createServer((client) => {
    sockets.add(client);
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    let pending = Buffer.alloc(0);
    let answer = Buffer.alloc(0);
    let transaction = 0;
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (let length = requestLength(pending); length !== undefined && pending.length >= length; length = requestLength(pending)) {
        const frame = pending.subarray(0, length);
        pending = pending.subarray(length);
        if (crc16(frame.subarray(0, length - 2)) !== frame.readUInt16LE(length - 2)) continue;
        state.frames++;
        const pdu = frame.subarray(1, length - 2);
        const header = Buffer.alloc(7);
        header.writeUInt16BE(++transaction & 0xffff, 0);
        header.writeUInt16BE(0, 2);
        header.writeUInt16BE(pdu.length + 1, 4);
        header.writeUInt8(frame[0], 6);
        upstream.write(Buffer.concat([header, pdu]));
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      answer = Buffer.concat([answer, chunk]);
      while (answer.length >= 7 && answer.length >= 6 + answer.readUInt16BE(4)) {
        const total = 6 + answer.readUInt16BE(4);
        const body = answer.subarray(6, total);
        answer = answer.subarray(total);
        const crc = Buffer.alloc(2);
        crc.writeUInt16LE(crc16(body), 0);
        client.write(Buffer.concat([body, crc]));
      }
    });
    const end = (): void => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get frames() { return state.frames; },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
