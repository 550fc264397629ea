import { randomFillSync } from 'node:crypto';

/**
 * Random bytes for many ids at once: one call into the crypto module per 4 KiB instead of one per id.
 * Every message through a Zato channel or a flow needs an id, and a crypto call for each of them was a
 * visible share of the CPU at thousands of messages per second. The bytes are as random as before.
 */
const pool = Buffer.allocUnsafe(4096);
let offset = pool.length;

/** `bytes` random bytes as lower-case hex (twice as many characters); at most 4096 bytes. */
export function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const start = offset;
  offset += bytes;
  return pool.toString('hex', start, start + bytes);
}
