import type { AddressInfo, Server } from 'node:net';
import { ServerTCP, type FCallback, type FCallbackVal, type IServiceVector } from 'modbus-serial';
import { isProduct, loadShippedProfile, type BoardFeature, type DeviceProfile } from '../../lib/modbus/profile';

/** A write the simulator received, as the tests assert it: function code, address, value(s). */
export interface SimulatedWrite {
  unit: number;
  fc: 5 | 6 | 16;
  address: number;
  value?: number;
  values?: number[];
}

export interface NeuronSimulatorOptions {
  /** A shipped product profile, e.g. `neuron-l533` (units 1-3). */
  product?: string;
  host?: string;
  /** 0 = any free port (tests). */
  port?: number;
  /** Let analog inputs drift a little on their own, as real inputs do (the demo). */
  drift?: boolean;
  /** Hears every write as it is executed (a simulator in a child process reports them to its parent). */
  onWrite?: (write: SimulatedWrite) => void;
}

/** How an offline unit behaves: a gateway's exception 0x0B, or no answer at all (request times out). */
export type OfflineMode = 'exception' | 'silent';

interface SimUnit {
  unit: number;
  profile: DeviceProfile;
  holding: Map<number, number>;
  offline: OfflineMode | undefined;
}

const GATEWAY_TARGET_FAILED = 0x0b;
const ILLEGAL_ADDRESS = 0x02;

/**
 * A Modbus TCP server that behaves like the firmware of a Unipi Neuron: each group is its own unit,
 * state is read from holding registers, coil writes switch outputs and show up as bits of the status
 * registers, values written to registers read back, and inputs can be driven from tests.
 */
export class NeuronSimulator {
  private server: ServerTCP | undefined;
  private readonly units = new Map<number, SimUnit>();
  private driftTimer: NodeJS.Timeout | undefined;
  /** Every write received, oldest first. */
  readonly writes: SimulatedWrite[] = [];
  /** Number of requests answered or refused, for traffic assertions. */
  requests = 0;
  port = 0;

  constructor(private readonly options: NeuronSimulatorOptions = {}) {
    const product = loadShippedProfile(options.product ?? 'neuron-l533');
    if (!isProduct(product)) throw new Error('the simulator needs a product profile (several units)');
    for (const { unit, profile } of product.units) {
      const board = loadShippedProfile(profile);
      if (isProduct(board)) throw new Error(`${profile} is not a board profile`);
      this.units.set(unit, { unit, profile: board, holding: new Map(), offline: undefined });
    }
    this.initialState();
  }

  async start(): Promise<number> {
    const port = this.options.port ?? 5020;
    // modbus-serial listens on 502 when given a falsy port, so "any free port" (0) bound 502 and two
    // simulators collided; the text '0' reaches net.listen as it is and gets a free port.
    const server = new ServerTCP(this.vector(), { host: this.options.host ?? '127.0.0.1', port: (port === 0 ? '0' : port) as number, unitID: 255 });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.on('initialized', () => resolve());
      server.on('serverError', (error: Error | null) => reject(error ?? new Error('server error')));
    });
    server.on('socketError', () => { /* a client vanished; nothing to do */ });
    server.on('error', () => { /* a request could not be answered; the client times out */ });
    this.port = ((server as unknown as { _server: Server })._server.address() as AddressInfo).port;
    if (this.options.drift) {
      this.driftTimer = setInterval(() => this.drift(), 500);
      this.driftTimer.unref();
    }
    return this.port;
  }

  async stop(): Promise<void> {
    if (this.driftTimer) clearInterval(this.driftTimer);
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Takes a unit off the bus or puts it back. */
  setOffline(unit: number, mode: OfflineMode | undefined): void {
    this.requireUnit(unit).offline = mode;
  }

  /** Drives digital input `number` (1-based) of a unit; a rising edge counts, as the firmware does. */
  setDigitalInput(unit: number, number: number, on: boolean): void {
    const { feature, index } = this.feature(unit, 'di', number);
    const sim = this.requireUnit(unit);
    const register = feature.stateRegister ?? 0;
    const before = ((sim.holding.get(register) ?? 0) >> index) & 1;
    this.setBit(sim, register, index, on);
    if (on && !before && feature.counterRegister !== undefined) {
      const address = feature.counterRegister + 2 * index;
      const count = (this.word(sim, address) + this.word(sim, address + 1) * 0x10000 + 1) >>> 0;
      sim.holding.set(address, count & 0xffff);
      sim.holding.set(address + 1, count >>> 16);
    }
  }

  /** Sets the float an analog input reports. */
  setAnalogInput(unit: number, number: number, value: number): void {
    const { feature, index } = this.feature(unit, 'ai', number);
    const address = (feature.valueRegister ?? 0) + (feature.valueStride ?? 2) * index;
    this.setFloat(this.requireUnit(unit), address, value);
  }

  /** Sets a holding register as the firmware would (several in one turn land in one poll cycle). */
  setRegister(unit: number, address: number, value: number): void {
    this.requireUnit(unit).holding.set(address, value & 0xffff);
  }

  /** The raw holding register, for assertions. */
  register(unit: number, address: number): number {
    return this.word(this.requireUnit(unit), address);
  }

  /** Whether output `number` of a kind is on, read from its status bit. */
  output(unit: number, kind: 'do' | 'ro' | 'led', number: number): boolean {
    const { feature, index } = this.feature(unit, kind, number);
    return ((this.word(this.requireUnit(unit), feature.stateRegister ?? 0) >> index) & 1) === 1;
  }

  private initialState(): void {
    for (const sim of this.units.values()) {
      for (const feature of sim.profile.features ?? []) {
        if (feature.kind === 'di' && feature.debounceRegister !== undefined) {
          for (let i = 0; i < feature.count; i++) sim.holding.set(feature.debounceRegister + i, 50);
        }
        if (feature.kind === 'wd' && feature.timeoutRegister !== undefined) sim.holding.set(feature.timeoutRegister, 5000);
        if (feature.kind === 'ai' && feature.modeRegister !== undefined) {
          const voltage = Object.entries(feature.modes ?? {}).find(([, mode]) => mode.unit === 'V');
          for (let i = 0; i < feature.count; i++) sim.holding.set(feature.modeRegister + i, voltage?.[1].value ?? 0);
        }
        if (feature.kind === 'do' && feature.pwmCycleRegister !== undefined && feature.pwmPrescaleRegister !== undefined) {
          // 48 MHz / (1000 × 10) = 4800 Hz, the firmware's default PWM frequency.
          sim.holding.set(feature.pwmCycleRegister, 999);
          sim.holding.set(feature.pwmPrescaleRegister, 9);
        }
      }
    }
    if (this.units.has(1)) this.setAnalogInput(1, 1, 8.703);
  }

  private drift(): void {
    for (const sim of this.units.values()) {
      for (const feature of sim.profile.features ?? []) {
        if (feature.kind !== 'ai' || feature.format !== 'float32') continue;
        for (let i = 0; i < feature.count; i++) {
          const address = (feature.valueRegister ?? 0) + (feature.valueStride ?? 2) * i;
          const base = sim.unit === 1 ? 8.7 : 0;
          const noise = Math.round((Math.random() - 0.5) * 8) / 1000;
          this.setFloat(sim, address, base + noise);
        }
      }
    }
  }

  private vector(): IServiceVector {
    return {
      getHoldingRegister: (addr: number, unitID: number, cb: FCallbackVal<number>) => {
        this.answer(unitID, cb, (sim) => this.readWords(sim, addr, 1)[0]);
      },
      getMultipleHoldingRegisters: (addr: number, length: number, unitID: number, cb: FCallbackVal<number[]>) => {
        this.answer(unitID, cb, (sim) => this.readWords(sim, addr, length));
      },
      getCoil: (addr: number, unitID: number, cb: FCallbackVal<boolean>) => {
        this.answer(unitID, cb, (sim) => this.coilState(sim, addr));
      },
      setCoil: (addr: number, value: boolean, unitID: number, cb: FCallback) => {
        this.answer(unitID, (error) => cb(error), (sim) => {
          this.writeCoil(sim, addr, value);
          this.record({ unit: sim.unit, fc: 5, address: addr, value: value ? 1 : 0 });
          return true;
        });
      },
      setRegister: (addr: number, value: number, unitID: number, cb: FCallback) => {
        this.answer(unitID, (error) => cb(error), (sim) => {
          this.writeWords(sim, addr, [value]);
          this.record({ unit: sim.unit, fc: 6, address: addr, value });
          return true;
        });
      },
      setRegisterArray: (addr: number, values: number[], unitID: number, cb: FCallback) => {
        this.answer(unitID, (error) => cb(error), (sim) => {
          this.writeWords(sim, addr, values);
          this.record({ unit: sim.unit, fc: 16, address: addr, values: [...values] });
          return true;
        });
      },
    };
  }

  private record(write: SimulatedWrite): void {
    this.writes.push(write);
    this.options.onWrite?.(write);
  }

  /** Runs a request for a unit the way the bus would: offline units fail or stay silent. */
  private answer<T>(unitID: number, cb: (error: Error | null, value: T) => void, action: (sim: SimUnit) => T): void {
    this.requests++;
    const sim = this.units.get(unitID);
    if (sim?.offline === 'silent') return;
    if (!sim || sim.offline === 'exception') return cb(modbusException(GATEWAY_TARGET_FAILED), undefined as T);
    let value: T;
    try {
      value = action(sim);
    } catch (error) {
      return cb(error as Error, undefined as T);
    }
    cb(null, value);
  }

  private readWords(sim: SimUnit, address: number, count: number): number[] {
    if (!this.readable(sim, address, count)) throw modbusException(ILLEGAL_ADDRESS);
    return Array.from({ length: count }, (_, offset) => this.word(sim, address + offset));
  }

  private writeWords(sim: SimUnit, address: number, values: number[]): void {
    if (!this.readable(sim, address, values.length)) throw modbusException(ILLEGAL_ADDRESS);
    values.forEach((value, offset) => sim.holding.set(address + offset, value & 0xffff));
    // Raw 12-bit analog outputs keep 0..4095, as the DAC does.
    for (const feature of sim.profile.features ?? []) {
      if (feature.kind !== 'ao' || feature.format !== 'raw12') continue;
      for (let i = 0; i < feature.count; i++) {
        const register = (feature.valueRegister ?? 0) + i;
        if (register >= address && register < address + values.length) sim.holding.set(register, Math.min(this.word(sim, register), 4095));
      }
    }
  }

  private readable(sim: SimUnit, address: number, count: number): boolean {
    const ranges = sim.profile.readable?.holding ?? [];
    return ranges.some(([from, to]) => address >= from && address + count - 1 <= to);
  }

  private coilState(sim: SimUnit, address: number): boolean {
    for (const feature of sim.profile.features ?? []) {
      if (feature.coil === undefined || feature.stateRegister === undefined) continue;
      const index = address - feature.coil;
      if (index >= 0 && index < feature.count) return ((this.word(sim, feature.stateRegister) >> index) & 1) === 1;
    }
    return false;
  }

  /** Coil writes switch the output and show in its status bit, as the board firmware does. */
  private writeCoil(sim: SimUnit, address: number, on: boolean): void {
    for (const feature of sim.profile.features ?? []) {
      if (feature.coil !== undefined && feature.stateRegister !== undefined) {
        const index = address - feature.coil;
        if (index >= 0 && index < feature.count) {
          this.setBit(sim, feature.stateRegister, index, on);
          return;
        }
      }
      if (feature.nvSaveCoil === address || feature.resetCoil === address) return;
    }
    throw modbusException(ILLEGAL_ADDRESS);
  }

  private setBit(sim: SimUnit, register: number, bit: number, on: boolean): void {
    const word = this.word(sim, register);
    sim.holding.set(register, on ? word | (1 << bit) : word & ~(1 << bit));
  }

  private setFloat(sim: SimUnit, address: number, value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeFloatBE(value, 0);
    sim.holding.set(address, buffer.readUInt16BE(2));
    sim.holding.set(address + 1, buffer.readUInt16BE(0));
  }

  private word(sim: SimUnit, address: number): number {
    return sim.holding.get(address) ?? 0;
  }

  private requireUnit(unit: number): SimUnit {
    const sim = this.units.get(unit);
    if (!sim) throw new Error(`the simulator has no unit ${unit}`);
    return sim;
  }

  private feature(unit: number, kind: BoardFeature['kind'], number: number): { feature: BoardFeature; index: number } {
    let first = 1;
    for (const feature of this.requireUnit(unit).profile.features ?? []) {
      if (feature.kind !== kind) continue;
      first = feature.startIndex ?? first;
      if (number >= first && number < first + feature.count) return { feature, index: number - first };
      first += feature.count;
    }
    throw new Error(`unit ${unit} has no ${kind} ${number}`);
  }
}

function modbusException(code: number): Error {
  return Object.assign(new Error(`Modbus exception ${code}`), { modbusErrorCode: code });
}
