import type WebSocket = require('ws');

/** A received message as one Buffer, whatever form `ws` delivered it in (binaryType decides). */
export function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
