import type { Writable } from 'node:stream';

/**
 * Sockets written to during this event-loop turn are corked on first write and uncorked together at
 * the end of the turn, so a burst of messages to one socket leaves as one write(v) system call.
 */
const corked = new Set<Writable>();
let scheduled = false;

export function corkUntilTurnEnds(socket: Writable): void {
  if (corked.has(socket)) return;
  socket.cork();
  corked.add(socket);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flushCorkedSockets);
  }
}

function flushCorkedSockets(): void {
  scheduled = false;
  const sockets = [...corked];
  corked.clear();
  for (const socket of sockets) socket.uncork();
}
