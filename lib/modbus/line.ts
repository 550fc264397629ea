import { EventEmitter } from 'node:events';
import ModbusRTU from 'modbus-serial';
import type { Table } from './profile';
import { messageOf } from '../util/errors';
import { NOT_EXECUTED, OUTCOME_UNKNOWN, type WriteOutcome } from '../tags/write-outcome';

/** How the line reaches its devices. */
export type Transport =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'rtu-tcp'; host: string; port: number }
  | { kind: 'rtu'; path: string; baudRate: number; parity: 'none' | 'even' | 'odd'; dataBits: 7 | 8; stopBits: 1 | 2 };

export interface LineOptions {
  transport: Transport;
  /** How long one request may wait for its answer. */
  timeoutMs?: number;
  /** First and longest pause between reconnection attempts (doubling in between). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

export type LineStatus = { state: 'connecting' } | { state: 'connected' } | { state: 'unreachable'; reason: string };

/** A write as it goes on the wire; tests and the bench see these through the `request` event. */
export type WriteRequest =
  | { fc: 5; address: number; value: boolean }
  | { fc: 6; address: number; value: number }
  | { fc: 16; address: number; values: number[] };

export type ReadRequest = { fc: 1 | 2 | 3 | 4; address: number; count: number };

interface LineEvents {
  status: [LineStatus];
  request: [unit: number, request: ReadRequest | WriteRequest];
}

interface Job {
  unit: number;
  request: ReadRequest | WriteRequest;
  resolve(values: number[]): void;
  reject(error: Error): void;
}

/**
 * Why a request failed. `unitFault`: the line is fine and only that unit did not answer properly.
 * `outcome` (for writes): `failed` when the request cannot have taken effect, `unknown` when it was sent
 * and not answered. `droppedByReset`: it was still queued when the line was reset because another
 * request went unanswered, so the unit it was meant for is not to blame.
 */
export class ModbusError extends Error {
  constructor(message: string, readonly unitFault: boolean, readonly outcome: WriteOutcome = 'failed', readonly droppedByReset = false) {
    super(message);
    this.name = 'ModbusError';
  }
}

const readCodes: Record<Table, ReadRequest['fc']> = { coil: 1, discrete: 2, holding: 3, input: 4 };

/**
 * One Modbus line (a TCP connection or a serial port) shared by every unit on it. Exactly one request is
 * in flight at a time, because RTU lines and most gateways allow no more; writes overtake queued polls so
 * a client's command never waits behind a poll cycle. While the line is down every request fails at once
 * (nothing is queued for later: a write is never replayed behind the user's back) and the line reconnects
 * with a doubling back-off.
 *
 * A request that goes unanswered resets the line: the request may still sit in the socket's send buffer
 * or in the device's input, and everything sent behind it on the same connection would be executed
 * whenever the device wakes up, long after its client was told it failed. So the connection is torn down
 * (socket destroyed, serial output discarded), every queued request fails as never sent, and a fresh
 * connection is made; nothing is ever sent again on it. The request that was on the wire is reported
 * with the outcome `unknown`.
 */
export class ModbusLine extends EventEmitter<LineEvents> {
  private client: ModbusRTU | undefined;
  private readonly writes: Job[] = [];
  private readonly polls: Job[] = [];
  /** The request on the wire; settled by its answer, its timeout, or the loss of its connection, whichever comes first. */
  private inFlight: Job | undefined;
  private closed = false;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private current: LineStatus = { state: 'connecting' };
  readonly timeoutMs: number;
  /** Requests sent so far (for the bench and status). */
  requestCount = 0;
  /** Connections torn down because a request went unanswered (for tests and status). */
  resetCount = 0;

  constructor(private readonly options: LineOptions) {
    super();
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.retryMs = options.reconnectMinMs ?? 500;
  }

  get status(): LineStatus {
    return this.current;
  }

  /** Nothing on the wire and nothing queued. */
  get idle(): boolean {
    return this.inFlight === undefined && this.writes.length === 0 && this.polls.length === 0;
  }

  describe(): string {
    const t = this.options.transport;
    return t.kind === 'rtu' ? `${t.path} ${t.baudRate}` : `${t.kind === 'tcp' ? 'tcp' : 'rtu over tcp'} ${t.host}:${t.port}`;
  }

  start(): void {
    void this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    this.failAll('connection closed');
    if (client) await dropTransport(client, this.options.transport);
  }

  /** A poll read; `urgent` reads (the read half of a read-modify-write) queue with the writes. */
  read(unit: number, table: Table, address: number, count: number, urgent = false): Promise<number[]> {
    return this.enqueue(urgent ? this.writes : this.polls, unit, { fc: readCodes[table], address, count });
  }

  write(unit: number, request: WriteRequest): Promise<void> {
    return this.enqueue(this.writes, unit, request).then(() => undefined);
  }

  private enqueue(queue: Job[], unit: number, request: ReadRequest | WriteRequest): Promise<number[]> {
    if (this.current.state !== 'connected') {
      const reason = this.current.state === 'unreachable' ? this.current.reason : 'connecting';
      return Promise.reject(new ModbusError(`${this.describe()} is not connected (${reason}); ${NOT_EXECUTED}`, false));
    }
    return new Promise<number[]>((resolve, reject) => {
      queue.push({ unit, request, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.inFlight) return;
    const client = this.client;
    if (!client) return this.failQueued(new ModbusError(`${this.describe()} is not connected; ${NOT_EXECUTED}`, false));
    const job = this.writes.shift() ?? this.polls.shift();
    if (!job) return;
    this.inFlight = job;
    this.requestCount++;
    this.emit('request', job.unit, job.request);
    client.setID(job.unit);
    execute(client, job.request).then((values) => this.settle(job, client, values), (error: unknown) => this.settle(job, client, undefined, error));
  }

  /** The answer (or failure) of the request on the wire; ignored when the line already gave up on it. */
  private settle(job: Job, client: ModbusRTU, values: number[] | undefined, error?: unknown): void {
    if (this.inFlight !== job || client !== this.client) return;
    this.inFlight = undefined;
    // The device answers (an exception is an answer too): from now on a lost connection is retried quickly again.
    if (values || isException(error)) this.retryMs = this.options.reconnectMinMs ?? 500;
    if (values) {
      job.resolve(values);
    } else {
      const failure = classify(error, job, this.timeoutMs);
      job.reject(failure);
      // An exception is an answer: the line is in step. Anything else unanswered leaves it out of step.
      if (failure.outcome === 'unknown' && !isException(error)) {
        // What is still in the socket or the device's input must never run behind the client's back.
        this.resetCount++;
        this.lost(`unit ${job.unit}: ${failure.unitFault ? 'no answer in time' : 'no valid answer'}, connection reset`, true);
        return;
      }
      if (!failure.unitFault && !client.isOpen) {
        this.lost(failure.message, false);
        return;
      }
    }
    this.pump();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    this.setStatus({ state: 'connecting' });
    const client = new ModbusRTU();
    client.on('error', () => { /* reported through the failing request or the close event */ });
    const t = this.options.transport;
    try {
      if (t.kind === 'tcp') await client.connectTCP(t.host, { port: t.port });
      // RTU frames (with CRC) over a plain TCP connection, as serial device servers pass them on:
      // modbus-serial calls this port "telnet"; its TcpRTUBuffered port sends Modbus TCP headers instead.
      else if (t.kind === 'rtu-tcp') await client.connectTelnet(t.host, { port: t.port });
      else await client.connectRTUBuffered(t.path, { baudRate: t.baudRate, parity: t.parity, dataBits: t.dataBits, stopBits: t.stopBits });
    } catch (error) {
      void dropTransport(client, t);
      this.scheduleReconnect(messageOf(error));
      return;
    }
    if (this.closed) {
      void dropTransport(client, t);
      return;
    }
    client.setTimeout(this.timeoutMs);
    client.on('close', () => { if (client === this.client) this.lost('connection closed by the peer', false); });
    this.client = client;
    // The back-off is reset by the first answer, not by the connect: a hung device whose kernel still
    // accepts connections must not be reconnected to at the shortest interval forever.
    this.setStatus({ state: 'connected' });
  }

  /**
   * The connection is unusable: it is torn down so that nothing waiting in it can still be sent, the
   * request on the wire (if any) gets outcome unknown, the queued ones fail as never sent.
   */
  private lost(reason: string, reset: boolean): void {
    const client = this.client;
    this.client = undefined;
    if (client) void dropTransport(client, this.options.transport);
    this.failAll(reason, reset);
    this.scheduleReconnect(reason);
  }

  private failAll(reason: string, reset = false): void {
    const job = this.inFlight;
    this.inFlight = undefined;
    job?.reject(new ModbusError(`${this.describe()}: ${reason} while the request was on the line; ${OUTCOME_UNKNOWN}`, false, 'unknown'));
    this.failQueued(new ModbusError(`${this.describe()}: ${reason}; ${NOT_EXECUTED}`, false, 'failed', reset));
  }

  private scheduleReconnect(reason: string): void {
    if (this.closed) return;
    this.setStatus({ state: 'unreachable', reason });
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, this.options.reconnectMaxMs ?? 30_000);
    this.retryTimer = setTimeout(() => { void this.connect(); }, delay);
  }

  private failQueued(error: ModbusError): void {
    for (const job of this.writes.splice(0).concat(this.polls.splice(0))) job.reject(error);
  }

  private setStatus(status: LineStatus): void {
    const same = status.state === this.current.state && (status.state !== 'unreachable' || (this.current.state === 'unreachable' && this.current.reason === status.reason));
    this.current = status;
    if (!same) this.emit('status', status);
  }
}

/** What modbus-serial keeps of a serial port (not part of its typings): the serialport instance. */
interface SerialInternals {
  _port?: { _client?: { flush?(callback: (error?: Error | null) => void): void } };
}

/**
 * Ends a connection so that nothing handed to it can still be sent. A socket is destroyed, not ended:
 * modbus-serial chains writes behind a drain promise and ending would still flush them. A serial port's
 * unsent output is discarded (tcflush) before it closes, since closing a tty waits for its output. The
 * client's own pending-answer timers are cancelled by modbus-serial's destroy.
 */
function dropTransport(client: ModbusRTU, transport: Transport): Promise<void> {
  return new Promise<void>((resolve) => {
    if (transport.kind !== 'rtu') {
      client.destroy(() => resolve());
      return;
    }
    const port = (client as unknown as SerialInternals)._port?._client;
    const close = (): void => { client.close(() => resolve()); };
    if (port?.flush && client.isOpen) port.flush(() => close());
    else close();
  });
}

async function execute(client: ModbusRTU, request: ReadRequest | WriteRequest): Promise<number[]> {
  switch (request.fc) {
    case 1: return (await client.readCoils(request.address, request.count)).data.slice(0, request.count).map(Number);
    case 2: return (await client.readDiscreteInputs(request.address, request.count)).data.slice(0, request.count).map(Number);
    case 3: return (await client.readHoldingRegisters(request.address, request.count)).data;
    case 4: return (await client.readInputRegisters(request.address, request.count)).data;
    case 5: await client.writeCoil(request.address, request.value); return [];
    case 6: await client.writeRegister(request.address, request.value); return [];
    case 16: await client.writeRegisters(request.address, request.values); return [];
  }
}

/** Exceptions by which the device says it did not (and will not) execute the request. */
const REFUSED = new Set([1, 2, 3, 6, 10]);

/**
 * What a failed request means. A Modbus exception is an answer, so the line stays in step; most say the
 * request was refused, but 4 (device failure while executing), 5 (accepted, still running) and 11 (a
 * gateway's target did not answer: it got the request and may have executed it) leave the outcome open.
 * Failing before anything was sent (port not open) cannot have taken effect. Anything else happened
 * after the request was sent (no answer in time, a garbled answer): outcome unknown.
 */
function classify(error: unknown, job: Job, timeoutMs: number): ModbusError {
  const e = error as { message?: string; modbusCode?: number; errno?: string };
  const message = e?.message ?? String(error);
  // Reads have no outcome to speak of; only a write's error text tells the client what to assume.
  const write = job.request.fc === 5 || job.request.fc === 6 || job.request.fc === 16;
  const unknown = write ? `; ${OUTCOME_UNKNOWN}` : '';
  const failed = write ? `; ${NOT_EXECUTED}` : '';
  if (typeof e?.modbusCode === 'number') {
    return REFUSED.has(e.modbusCode)
      ? new ModbusError(`Modbus exception ${e.modbusCode}: ${message}${failed}`, true)
      : new ModbusError(`Modbus exception ${e.modbusCode}: ${message}${unknown}`, true, 'unknown');
  }
  if (e?.errno === 'ETIMEDOUT') return new ModbusError(`unit ${job.unit}: no answer within the response timeout of ${timeoutMs} ms${unknown}`, true, 'unknown');
  if (e?.errno === 'ECONNREFUSED') return new ModbusError(`${message}${failed}`, false);
  return new ModbusError(`unit ${job.unit}: ${message}${unknown}`, false, 'unknown');
}

function isException(error: unknown): boolean {
  return typeof (error as { modbusCode?: unknown } | null)?.modbusCode === 'number';
}
