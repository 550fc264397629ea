import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Device profiles: which circuits of a Modbus device sit at which coils and registers. Profiles are
 * data (JSON files in `profiles/`, or a generic profile filled in the editor), never code, so a user
 * can describe another device without a release.
 */

/** The kinds of circuit the gateway knows; the EVOK dialect names them the Unipi way. */
export type CircuitKind = 'di' | 'do' | 'ro' | 'led' | 'ai' | 'ao' | 'wd' | 'register';

export type Table = 'coil' | 'discrete' | 'holding' | 'input';
export type DataType = 'bool' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32';
export type WordOrder = 'lowFirst' | 'highFirst';

/** A mode of an analog circuit: the number written to its mode register, its unit and range. */
export interface ModeSpec {
  value?: number;
  unit?: string;
  range?: [number, number];
}

/** One feature of a Unipi-style board: `count` circuits of one kind at consecutive addresses. */
export interface BoardFeature {
  kind: CircuitKind;
  count: number;
  /** Number of the first circuit (boards with two features of one kind continue the numbering). */
  startIndex?: number;
  /** Holding register whose bit i holds the state of circuit i (di, do, ro, led). */
  stateRegister?: number;
  /** First coil written to switch circuit i (do, ro, led). */
  coil?: number;
  /** First of the 32-bit counters, two registers per circuit, low word first (di). */
  counterRegister?: number;
  debounceRegister?: number;
  directSwitchRegister?: number;
  polarityRegister?: number;
  toggleRegister?: number;
  /** First PWM duty register (do), and the prescale / cycle registers shared by the group. */
  pwmDutyRegister?: number;
  pwmPrescaleRegister?: number;
  pwmCycleRegister?: number;
  /** First value register (ai, ao, wd, register). */
  valueRegister?: number;
  /** Registers between the value registers of two circuits (2 for float32 AIs, 1 for raw AOs). */
  valueStride?: number;
  /** 'float32' (two registers, low word first) or 'raw12' (0.0025 V per step). */
  format?: 'float32' | 'raw12' | 'uint16';
  /** First mode register (ai, ao), one per circuit. */
  modeRegister?: number;
  modes?: Record<string, ModeSpec>;
  timeoutRegister?: number;
  nvSaveCoil?: number;
  resetCoil?: number;
}

/** One circuit of a generic profile, one row of the editor's table. */
export interface GenericCircuit {
  name: string;
  kind: CircuitKind;
  /** 1 coils, 2 discrete inputs, 3 holding registers, 4 input registers. */
  fc: 1 | 2 | 3 | 4;
  address: number;
  dataType?: DataType;
  wordOrder?: WordOrder;
  scale?: number;
  /** Bit of a register that holds a boolean circuit. */
  bit?: number;
  unit?: string;
}

export interface DeviceProfile {
  model: string;
  description?: string;
  /**
   * Address ranges (inclusive) that may be read in one request: the planner merges reads across gaps
   * only inside one range, so it never touches an address the device answers with an exception.
   * Without it, only gaps of up to `maxGap` registers are bridged.
   */
  readable?: Partial<Record<Table, Array<[number, number]>>>;
  maxGap?: number;
  /** Poll divisors: state every `value` cycles, configuration (modes, debounce, PWM setup) every `config`. */
  rates?: { value?: number; config?: number };
  features?: BoardFeature[];
  circuits?: GenericCircuit[];
}

/** A multi-unit product (a Neuron L533 is three groups, each its own Modbus unit). */
export interface ProductProfile {
  model: string;
  /** The product line (Unipi `Neuron`), reported to EVOK clients as device_info.family. */
  family?: string;
  description?: string;
  units: Array<{ unit: number; profile: string }>;
}

const profileDir = join(__dirname, 'profiles');

/** Names of the shipped board profiles (file names without `.json`). */
export function shippedProfiles(): string[] {
  return readdirSync(profileDir).filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -5)).sort();
}

/** Loads a shipped profile by name; products (several units) and boards share one folder. */
export function loadShippedProfile(name: string): DeviceProfile | ProductProfile {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`invalid profile name ${name}`);
  let text: string;
  try {
    text = readFileSync(join(profileDir, `${name}.json`), 'utf8');
  } catch {
    throw new Error(`unknown device profile ${name}`);
  }
  return JSON.parse(text) as DeviceProfile | ProductProfile;
}

export function isProduct(profile: DeviceProfile | ProductProfile): profile is ProductProfile {
  return Array.isArray((profile as ProductProfile).units);
}

const kinds: readonly CircuitKind[] = ['di', 'do', 'ro', 'led', 'ai', 'ao', 'wd', 'register'];

/** Checks a generic profile from the editor; throws naming the first bad row. */
export function validateGenericCircuits(rows: unknown): GenericCircuit[] {
  if (!Array.isArray(rows)) throw new Error('the generic profile must be a list of circuits');
  return rows.map((row: unknown, index) => {
    const r = (row ?? {}) as Record<string, unknown>;
    const where = `generic circuit ${index + 1}`;
    if (typeof r.name !== 'string' || !/^[A-Za-z0-9._-]+$/.test(r.name)) throw new Error(`${where}: name must be letters, digits, . _ -`);
    if (!kinds.includes(r.kind as CircuitKind)) throw new Error(`${where}: unknown type ${String(r.kind)}`);
    const fc = Number(r.fc);
    if (![1, 2, 3, 4].includes(fc)) throw new Error(`${where}: function code must be 1, 2, 3 or 4`);
    const address = Number(r.address);
    if (!Number.isInteger(address) || address < 0 || address > 65535) throw new Error(`${where}: address must be 0..65535`);
    const dataType = (r.dataType ?? (fc <= 2 ? 'bool' : 'uint16')) as DataType;
    if (!['bool', 'uint16', 'int16', 'uint32', 'int32', 'float32'].includes(dataType)) throw new Error(`${where}: unknown data type ${dataType}`);
    const wordOrder = (r.wordOrder ?? 'highFirst') as WordOrder;
    if (wordOrder !== 'highFirst' && wordOrder !== 'lowFirst') throw new Error(`${where}: word order must be highFirst or lowFirst`);
    const scale = r.scale === undefined || r.scale === '' ? 1 : Number(r.scale);
    if (!Number.isFinite(scale) || scale === 0) throw new Error(`${where}: scale must be a non-zero number`);
    const circuit: GenericCircuit = { name: r.name, kind: r.kind as CircuitKind, fc: fc as GenericCircuit['fc'], address, dataType, wordOrder, scale };
    if (r.bit !== undefined && r.bit !== '') {
      const bit = Number(r.bit);
      if (!Number.isInteger(bit) || bit < 0 || bit > 15) throw new Error(`${where}: bit must be 0..15`);
      circuit.bit = bit;
    }
    if (typeof r.unit === 'string' && r.unit !== '') circuit.unit = r.unit;
    return circuit;
  });
}
