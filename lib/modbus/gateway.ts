import { EventEmitter } from 'node:events';
import { decodePoint, encodePoint, expandProfile, type Circuit, type Point } from './circuits';
import { ModbusError, ModbusLine, type LineOptions, type LineStatus, type Transport, type WriteRequest } from './line';
import { planBlocks, type ReadBlock } from './plan';
import type { DeviceProfile, Table } from './profile';
import { messageOf } from '../util/errors';

export interface UnitConfig {
  unit: number;
  profile: DeviceProfile;
  /** First part of circuit names; the unit id when absent (`1_01`). */
  group?: string;
}

export interface GatewayOptions {
  line: LineOptions;
  units: UnitConfig[];
  /** Pause between two poll cycles of a unit; 0 polls as fast as the line answers. */
  pollIntervalMs?: number;
  /** Longest pause between polls of a unit that does not answer (doubling from the poll interval). */
  backoffMaxMs?: number;
  /** The product the units make up (a Neuron L533), for clients that ask what they talk to (EVOK device_info). */
  product?: { family: string; model: string };
}

/** The properties of one circuit that changed in a poll cycle. */
export interface CircuitChange {
  circuit: Circuit;
  points: string[];
}

export interface CycleChanges {
  unit: number;
  changes: CircuitChange[];
  /** The unit's first complete cycle: every circuit is reported. */
  first: boolean;
  timestamp: number;
}

export interface UnitStatus {
  unit: number;
  reachable: boolean;
  reason?: string;
}

interface GatewayEvents {
  changes: [CycleChanges];
  unit: [UnitStatus];
  status: [LineStatus];
  cycle: [unit: number];
}

interface UnitState {
  config: UnitConfig;
  circuits: Circuit[];
  blocks: ReadBlock[];
  words: Record<Table, Map<number, number>>;
  last: Map<Circuit, Record<string, number | undefined>>;
  status: UnitStatus;
  cycles: number;
  /** Cycles begun, and the number of the last one that ended well: a waiter can tell a cycle that began
   *  after its write from one that was already running. */
  cyclesBegun: number;
  lastCompleted: number;
  wake: (() => void) | undefined;
  kicked: boolean;
  /** Slow blocks a write touched: read in the next cycle whatever their rate, so the change shows at once. */
  dirty: Set<ReadBlock>;
  /** Date.now() of the end of the last cycle that read every due block. */
  lastReadAt: number | undefined;
}

/**
 * A Modbus line with its units: profiles expanded into circuits, a poller per unit that reads the
 * planned blocks, keeps the latest words, and reports per cycle which circuits changed. Writes go
 * through the line's write queue, ahead of polling, and wake the unit's poller so the new state is read
 * back at once.
 */
export class ModbusGateway extends EventEmitter<GatewayEvents> {
  readonly line: ModbusLine;
  readonly transport: Transport;
  readonly product: { family: string; model: string } | undefined;
  private readonly units = new Map<number, UnitState>();
  readonly pollIntervalMs: number;
  private readonly backoffMaxMs: number;
  private running = false;

  constructor(options: GatewayOptions) {
    super();
    this.line = new ModbusLine(options.line);
    this.transport = options.line.transport;
    this.product = options.product;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.backoffMaxMs = options.backoffMaxMs ?? 30_000;
    for (const config of options.units) {
      if (this.units.has(config.unit)) throw new Error(`unit ${config.unit} is configured twice`);
      const circuits = expandProfile(config.profile, config.unit, config.group);
      this.units.set(config.unit, {
        config,
        circuits,
        blocks: planBlocks(config.unit, circuits, config.profile),
        words: { coil: new Map(), discrete: new Map(), holding: new Map(), input: new Map() },
        last: new Map(),
        status: { unit: config.unit, reachable: false, reason: 'not polled yet' },
        cycles: 0,
        cyclesBegun: 0,
        lastCompleted: 0,
        wake: undefined,
        kicked: false,
        dirty: new Set(),
        lastReadAt: undefined,
      });
    }
    this.line.on('status', (status) => this.emit('status', status));
    // A connected line wakes pollers that were backing off because the line was down.
    this.line.on('status', (status) => { if (status.state === 'connected') for (const unit of this.units.keys()) this.kick(unit); });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.line.start();
    for (const state of this.units.values()) void this.pollLoop(state);
  }

  async close(): Promise<void> {
    this.running = false;
    for (const state of this.units.values()) state.wake?.();
    await this.line.close();
  }

  get unitIds(): number[] {
    return [...this.units.keys()];
  }

  circuits(unit?: number): Circuit[] {
    if (unit !== undefined) return this.units.get(unit)?.circuits ?? [];
    return [...this.units.values()].flatMap((state) => state.circuits);
  }

  blocks(unit?: number): ReadBlock[] {
    return [...this.units.values()].filter((state) => unit === undefined || state.config.unit === unit).flatMap((state) => state.blocks);
  }

  unitStatus(unit: number): UnitStatus | undefined {
    return this.units.get(unit)?.status;
  }

  /** When the unit last answered a whole poll cycle (Date.now()); undefined before the first. */
  lastReadAt(unit: number): number | undefined {
    return this.units.get(unit)?.lastReadAt;
  }

  /** The profile model of a unit (`B-1000`, `E-4Ai4Ao`, `generic`). */
  unitModel(unit: number): string | undefined {
    return this.units.get(unit)?.config.profile.model;
  }

  cyclesOf(unit: number): number {
    return this.units.get(unit)?.cycles ?? 0;
  }

  /** The latest polled value of a circuit property; undefined before the first read. */
  value(circuit: Circuit, property = 'value'): number | undefined {
    const point = circuit.points[property];
    const state = this.units.get(circuit.unit);
    if (!point || !state) return undefined;
    return decodePoint(point, (address) => state.words[point.table].get(address));
  }

  /** Writes a property through its point (FC5 coil, FC6 one register, FC16 two); rejects when it fails. */
  async writePoint(circuit: Circuit, property: string, value: number): Promise<void> {
    const point = circuit.points[property];
    if (!point?.write) throw new ModbusError(`${circuit.id} ${property} is read-only`, true);
    await this.send(circuit.unit, pointWrite(point, value));
  }

  /**
   * Sends one write on the line's priority queue and wakes the unit's poller to read it back; a caller
   * with more writes to come passes `readBack = false` and kicks once at the end.
   */
  async send(unit: number, request: WriteRequest, readBack = true): Promise<void> {
    await this.line.write(unit, request);
    const state = this.units.get(unit);
    if (state && request.fc !== 5) {
      const last = request.address + (request.fc === 16 ? request.values.length : 1) - 1;
      for (const block of state.blocks) {
        if (block.table === 'holding' && block.start <= last && request.address < block.start + block.count) state.dirty.add(block);
      }
    }
    if (readBack) this.kick(unit);
  }

  /**
   * Resolves once a poll cycle that began after this call has ended, so what a write changed is in the
   * polled state (read after write sees it); after `timeoutMs` it resolves anyway, since the write
   * itself already succeeded and a unit that stops answering is reported by its status.
   */
  readBack(unit: number, timeoutMs: number): Promise<void> {
    const state = this.units.get(unit);
    if (!state) return Promise.resolve();
    const begunBefore = state.cyclesBegun;
    this.kick(unit);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.off('cycle', onCycle);
        resolve();
      };
      const onCycle = (cycled: number): void => {
        if (cycled === unit && state.lastCompleted > begunBefore) done();
      };
      const timer = setTimeout(done, timeoutMs);
      this.on('cycle', onCycle);
    });
  }

  /** Reads registers ahead of polling (the read half of a read-modify-write). */
  readNow(unit: number, table: Table, address: number, count: number): Promise<number[]> {
    return this.line.read(unit, table, address, count, true);
  }

  /** Starts the unit's next poll cycle now instead of after the poll interval (not while backing off). */
  kick(unit: number): void {
    const state = this.units.get(unit);
    if (!state) return;
    state.kicked = true;
    state.wake?.();
  }

  private async pollLoop(state: UnitState): Promise<void> {
    let errors = 0;
    while (this.running) {
      if (this.line.status.state !== 'connected') {
        // A line that is down is the line's problem, reported by its status; the units wait for it.
        await this.pause(state, this.backoffMaxMs, true);
        continue;
      }
      state.kicked = false;
      const cycleNumber = ++state.cyclesBegun;
      const due = state.blocks.filter((block) => state.cycles % block.rate === 0 || state.dirty.has(block));
      const dirty = [...state.dirty];
      state.dirty.clear();
      try {
        const results = await Promise.all(due.map((block) => this.line.read(block.unit, block.table, block.start, block.count)));
        if (!this.running) return;
        due.forEach((block, index) => {
          const words = state.words[block.table];
          results[index].forEach((word, offset) => words.set(block.start + offset, word));
        });
        errors = 0;
        this.setUnitStatus(state, { unit: state.config.unit, reachable: true });
        this.report(state);
        state.cycles++;
        state.lastCompleted = cycleNumber;
        state.lastReadAt = Date.now();
        this.emit('cycle', state.config.unit);
        if (!state.kicked) await this.pause(state, this.pollIntervalMs, true);
      } catch (error) {
        if (!this.running) return;
        // What a write touched is read back once the unit answers again.
        for (const block of dirty) state.dirty.add(block);
        // Dropped unsent because another unit's request went unanswered and the line was reset: this
        // unit is not to blame, so its status stays and it polls again once the line is back.
        if (error instanceof ModbusError && error.droppedByReset) continue;
        errors++;
        this.setUnitStatus(state, { unit: state.config.unit, reachable: false, reason: messageOf(error) });
        const backoff = Math.min(Math.max(this.pollIntervalMs, 50) * 2 ** Math.min(errors, 16), this.backoffMaxMs);
        await this.pause(state, backoff, false);
      }
    }
  }

  private pause(state: UnitState, ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        state.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      // While backing off only close() ends the pause early; a kick must not hammer a dead unit.
      state.wake = wakeable ? done : () => { if (!this.running) done(); };
    });
  }

  private report(state: UnitState): void {
    const first = state.cycles === 0 && state.last.size === 0;
    const changes: CircuitChange[] = [];
    for (const circuit of state.circuits) {
      const previous = state.last.get(circuit);
      const current: Record<string, number | undefined> = {};
      const changed: string[] = [];
      for (const [name, point] of Object.entries(circuit.points)) {
        const value = decodePoint(point, (address) => state.words[point.table].get(address));
        current[name] = value;
        if (!previous || !sameValue(previous[name], value)) changed.push(name);
      }
      state.last.set(circuit, current);
      if (changed.length > 0) changes.push({ circuit, points: changed });
    }
    if (changes.length > 0) this.emit('changes', { unit: state.config.unit, changes, first, timestamp: Date.now() });
  }

  private setUnitStatus(state: UnitState, status: UnitStatus): void {
    const previous = state.status;
    state.status = status;
    if (previous.reachable !== status.reachable || (!status.reachable && previous.reason !== status.reason)) this.emit('unit', status);
  }
}

function sameValue(a: number | undefined, b: number | undefined): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** The wire request that writes `value` to a point. */
export function pointWrite(point: Point, value: number): WriteRequest {
  const target = point.write;
  if (!target) throw new ModbusError('read-only point', true);
  if (target.table === 'coil') return { fc: 5, address: target.address, value: value !== 0 };
  const words = encodePoint(point, value);
  return words.length === 1 ? { fc: 6, address: target.address, value: words[0] } : { fc: 16, address: target.address, values: words };
}
