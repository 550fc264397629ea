import { EventEmitter } from 'node:events';
import ModbusRTU from 'modbus-serial';
import type { Table } from './profile';
import { messageOf } from '../util/errors';

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

/** Why a request failed; `unitFault` says the line is fine and only that unit did not answer properly. */
export class ModbusError extends Error {
  constructor(message: string, readonly unitFault: boolean) {
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
 */
export class ModbusLine extends EventEmitter<LineEvents> {
  private client: ModbusRTU | undefined;
  private readonly writes: Job[] = [];
  private readonly polls: Job[] = [];
  private busy = false;
  private closed = false;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private current: LineStatus = { state: 'connecting' };
  readonly timeoutMs: number;
  /** Requests sent so far (for the bench and status). */
  requestCount = 0;

  constructor(private readonly options: LineOptions) {
    super();
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.retryMs = options.reconnectMinMs ?? 500;
  }

  get status(): LineStatus {
    return this.current;
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
    this.failQueued(new ModbusError('connection closed', false));
    const client = this.client;
    this.client = undefined;
    if (client) await new Promise<void>((resolve) => client.close(() => resolve()));
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
      return Promise.reject(new ModbusError(`${this.describe()} is not connected (${reason})`, false));
    }
    return new Promise<number[]>((resolve, reject) => {
      queue.push({ unit, request, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.busy) return;
    const job = this.writes.shift() ?? this.polls.shift();
    const client = this.client;
    if (!job) return;
    if (!client) {
      job.reject(new ModbusError('not connected', false));
      return this.pump();
    }
    this.busy = true;
    this.requestCount++;
    this.emit('request', job.unit, job.request);
    client.setID(job.unit);
    execute(client, job.request).then(job.resolve, (error: unknown) => {
      const failure = classify(error);
      job.reject(failure);
      if (!failure.unitFault && client === this.client && !client.isOpen) this.lost(failure.message);
    }).finally(() => {
      this.busy = false;
      this.pump();
    });
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
      client.close(() => {});
      this.scheduleReconnect(messageOf(error));
      return;
    }
    if (this.closed) {
      client.close(() => {});
      return;
    }
    client.setTimeout(this.timeoutMs);
    client.on('close', () => { if (client === this.client) this.lost('connection closed by the peer'); });
    this.client = client;
    this.retryMs = this.options.reconnectMinMs ?? 500;
    this.setStatus({ state: 'connected' });
  }

  private lost(reason: string): void {
    const client = this.client;
    this.client = undefined;
    client?.close(() => {});
    this.failQueued(new ModbusError(`${this.describe()}: ${reason}`, false));
    this.scheduleReconnect(reason);
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

function classify(error: unknown): ModbusError {
  const e = error as { message?: string; modbusCode?: number; errno?: string };
  const message = e?.message ?? String(error);
  if (typeof e?.modbusCode === 'number') return new ModbusError(`Modbus exception ${e.modbusCode}: ${message}`, true);
  if (e?.errno === 'ETIMEDOUT') return new ModbusError(`no answer within the response timeout (${message})`, true);
  return new ModbusError(message, false);
}
