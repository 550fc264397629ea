/**
 * Loopback source addresses to spread many client connections over: each has its own ephemeral port
 * range, so 10,000 clients plus the TIME_WAIT sockets of earlier rows never run out of ports.
 */
export const LOCAL_ADDRESSES = Array.from({ length: 16 }, (_, i) => `127.0.0.${i + 2}`);

export function localAddress(n: number): string {
  return LOCAL_ADDRESSES[n % LOCAL_ADDRESSES.length];
}
