import type { Writable } from 'node:stream';

/**
 * Corks a socket on its first write and uncorks it later, so a burst of frames to one socket leaves as
 * one write(v) system call. Two moments to uncork, for two kinds of writer:
 *
 * - When the callback that wrote returns (the next tick): what one I/O callback brought in (a request,
 *   an OPC UA publish response, a Modbus poll) is answered in full by then, and waiting longer would
 *   hold the frames behind every other socket's input of the same poll phase (50 OPC UA sessions'
 *   publish responses, say), which is pure latency: bench:opcua's 8082 p99 added went from 11 to 4-7 ms.
 * - After the event loop's check phase (setImmediate), for what a flow writes: Node-RED delivers each
 *   message in a callback of its own, and gathering a turn's messages into one write instead of one
 *   system call per message kept invoke through a flow at 0.6 of a bare pair instead of 0.5.
 */
class Flusher {
  private readonly corked = new Set<Writable>();
  private scheduled = false;

  constructor(private readonly schedule: (flush: () => void) => void) {}

  cork(socket: Writable): void {
    if (this.corked.has(socket)) return;
    socket.cork();
    this.corked.add(socket);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(this.flush);
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const sockets = [...this.corked];
    this.corked.clear();
    for (const socket of sockets) socket.uncork();
  };
}

const untilCallbackEnds = new Flusher((flush) => process.nextTick(flush));
const untilTurnEnds = new Flusher((flush) => setImmediate(flush));

let flowWriters = 0;

/** Corks until the writing callback returns, or until the turn ends inside `writtenByFlow`. */
export function corkUntilWriterReturns(socket: Writable): void {
  (flowWriters > 0 ? untilTurnEnds : untilCallbackEnds).cork(socket);
}

/** Corks until the event loop's check phase: for a writer that is fed by flow messages. */
export function corkUntilTurnEnds(socket: Writable): void {
  untilTurnEnds.cork(socket);
}

/** Runs `write` for a flow message: the sockets it writes to are uncorked when the turn ends. */
export function writtenByFlow<T>(write: () => T): T {
  flowWriters++;
  try {
    return write();
  } finally {
    flowWriters--;
  }
}
