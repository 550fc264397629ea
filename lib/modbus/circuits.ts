import type { BoardFeature, CircuitKind, DataType, DeviceProfile, GenericCircuit, ModeSpec, Table, WordOrder } from './profile';

/** Where one property of a circuit lives on the device and how its registers become a number. */
export interface Point {
  table: Table;
  address: number;
  /** For boolean properties kept in one bit of a register. */
  bit?: number;
  dataType: DataType;
  wordOrder: WordOrder;
  /** Engineering value = raw × scale. */
  scale: number;
  /** Poll divisor: read every `rate` poll cycles. */
  rate: number;
  /** Where a write of this property goes (coils by FC5, registers by FC6 / FC16); absent = read-only. */
  write?: { table: 'coil' | 'holding'; address: number };
}

/** One named input or output of a device (a relay, an analog input ...), with its properties. */
export interface Circuit {
  /** `<group>_<NN>` (`1_01`), registers `<group>_<address>` (`1_1000`). */
  id: string;
  unit: number;
  kind: CircuitKind;
  /** 0-based position inside its feature: bit / coil / register offset. */
  index: number;
  feature?: BoardFeature;
  modes?: Record<string, ModeSpec>;
  /** Engineering unit of generic circuits. */
  unitName?: string;
  /** Name from a generic profile, offered as the circuit's alias. */
  alias?: string;
  points: Record<string, Point>;
}

function registerPoint(address: number, rate: number, writable: boolean, dataType: DataType = 'uint16', wordOrder: WordOrder = 'lowFirst', scale = 1): Point {
  return { table: 'holding', address, dataType, wordOrder, scale, rate, write: writable ? { table: 'holding', address } : undefined };
}

function bitPoint(register: number, bit: number, rate: number, coil?: number): Point {
  return { table: 'holding', address: register, bit, dataType: 'bool', wordOrder: 'lowFirst', scale: 1, rate, write: coil === undefined ? undefined : { table: 'coil', address: coil } };
}

/** The circuits of one board profile on one unit, numbered per kind the Unipi way. */
export function expandProfile(profile: DeviceProfile, unit: number, group = String(unit)): Circuit[] {
  const fast = profile.rates?.value ?? 1;
  const slow = profile.rates?.config ?? 5;
  const circuits: Circuit[] = [];
  const numbers = new Map<CircuitKind, number>();
  for (const feature of profile.features ?? []) {
    const first = feature.startIndex ?? (numbers.get(feature.kind) ?? 0) + 1;
    for (let i = 0; i < feature.count; i++) {
      const number = first + i;
      const id = feature.kind === 'register'
        ? `${group}_${(feature.valueRegister ?? 0) + i}`
        : `${group}_${String(number).padStart(2, '0')}`;
      circuits.push({ id, unit, kind: feature.kind, index: i, feature, modes: feature.modes, points: featurePoints(feature, i, fast, slow) });
      numbers.set(feature.kind, number);
    }
  }
  const perKind = new Map<CircuitKind, number>();
  for (const row of profile.circuits ?? []) {
    const number = (perKind.get(row.kind) ?? 0) + 1;
    perKind.set(row.kind, number);
    circuits.push(genericCircuit(row, unit, `${group}_${String(number).padStart(2, '0')}`, fast));
  }
  return circuits;
}

function featurePoints(f: BoardFeature, i: number, fast: number, slow: number): Record<string, Point> {
  const points: Record<string, Point> = {};
  const stride = f.valueStride ?? (f.format === 'float32' ? 2 : 1);
  switch (f.kind) {
    case 'di':
      if (f.stateRegister !== undefined) points.value = bitPoint(f.stateRegister, i, fast);
      if (f.counterRegister !== undefined) points.counter = registerPoint(f.counterRegister + 2 * i, fast, true, 'uint32', 'lowFirst');
      if (f.debounceRegister !== undefined) points.debounce = registerPoint(f.debounceRegister + i, slow, true);
      if (f.directSwitchRegister !== undefined) points.directSwitch = bitPoint(f.directSwitchRegister, i, slow);
      if (f.polarityRegister !== undefined) points.polarity = bitPoint(f.polarityRegister, i, slow);
      if (f.toggleRegister !== undefined) points.toggle = bitPoint(f.toggleRegister, i, slow);
      break;
    case 'do':
    case 'ro':
    case 'led':
      if (f.stateRegister !== undefined) points.value = bitPoint(f.stateRegister, i, fast, f.coil === undefined ? undefined : f.coil + i);
      if (f.pwmDutyRegister !== undefined) points.pwmDuty = registerPoint(f.pwmDutyRegister + i, fast, true);
      if (f.pwmPrescaleRegister !== undefined) points.pwmPrescale = registerPoint(f.pwmPrescaleRegister, slow, true);
      if (f.pwmCycleRegister !== undefined) points.pwmCycle = registerPoint(f.pwmCycleRegister, slow, true);
      break;
    case 'ai':
    case 'ao': {
      const address = (f.valueRegister ?? 0) + stride * i;
      const writable = f.kind === 'ao';
      points.value = f.format === 'float32'
        ? registerPoint(address, fast, writable, 'float32', 'lowFirst')
        : registerPoint(address, fast, writable, 'uint16', 'lowFirst', f.format === 'raw12' ? 0.0025 : 1);
      if (f.modeRegister !== undefined) points.mode = registerPoint(f.modeRegister + i, slow, true);
      break;
    }
    case 'wd':
      if (f.valueRegister !== undefined) points.value = registerPoint(f.valueRegister + i, fast, true);
      if (f.timeoutRegister !== undefined) points.timeout = registerPoint(f.timeoutRegister + i, slow, true);
      break;
    case 'register':
      points.value = registerPoint((f.valueRegister ?? 0) + i, (f.valueRegister ?? 0) >= 1000 ? slow : fast, true);
      break;
  }
  return points;
}

function genericCircuit(row: GenericCircuit, unit: number, id: string, rate: number): Circuit {
  const table: Table = row.fc === 1 ? 'coil' : row.fc === 2 ? 'discrete' : row.fc === 3 ? 'holding' : 'input';
  const dataType = row.bit !== undefined || table === 'coil' || table === 'discrete' ? 'bool' : row.dataType ?? 'uint16';
  const writable = table === 'coil' || table === 'holding';
  const point: Point = {
    table,
    address: row.address,
    dataType,
    wordOrder: row.wordOrder ?? 'highFirst',
    scale: row.scale ?? 1,
    rate,
    write: writable && row.bit === undefined ? { table: table === 'coil' ? 'coil' : 'holding', address: row.address } : undefined,
  };
  if (row.bit !== undefined) point.bit = row.bit;
  const circuit: Circuit = { id, unit, kind: row.kind, index: 0, alias: row.name, points: { value: point } };
  if (row.unit) circuit.unitName = row.unit;
  return circuit;
}

/** Number of registers (or bits) a point spans. */
export function pointWidth(point: Point): number {
  return point.dataType === 'uint32' || point.dataType === 'int32' || point.dataType === 'float32' ? 2 : 1;
}

const scratch = Buffer.alloc(4);

/** Decodes a point from the words (or bits) read at its address; undefined until they have been read. */
export function decodePoint(point: Point, word: (address: number) => number | undefined): number | undefined {
  const first = word(point.address);
  if (first === undefined) return undefined;
  if (point.bit !== undefined) return (first >> point.bit) & 1;
  if (point.dataType === 'bool') return first ? 1 : 0;
  let raw: number;
  if (pointWidth(point) === 2) {
    const second = word(point.address + 1);
    if (second === undefined) return undefined;
    const [high, low] = point.wordOrder === 'lowFirst' ? [second, first] : [first, second];
    scratch.writeUInt16BE(high, 0);
    scratch.writeUInt16BE(low, 2);
    raw = point.dataType === 'float32' ? scratch.readFloatBE(0) : point.dataType === 'int32' ? scratch.readInt32BE(0) : scratch.readUInt32BE(0);
  } else {
    raw = point.dataType === 'int16' ? (first << 16) >> 16 : first;
  }
  return point.scale === 1 ? raw : raw * point.scale;
}

/** The words a write of `value` to a point puts on the wire; throws a RangeError when it does not fit. */
export function encodePoint(point: Point, value: number): number[] {
  if (point.dataType === 'bool') return [value ? 1 : 0];
  const raw = point.dataType === 'float32' ? value / point.scale : Math.round(value / point.scale);
  if (!Number.isFinite(raw)) throw new RangeError(`${value} is not a finite number`);
  switch (point.dataType) {
    case 'uint16':
      if (raw < 0 || raw > 0xffff) throw new RangeError(`${value} is out of range for a 16-bit register`);
      return [raw];
    case 'int16':
      if (raw < -0x8000 || raw > 0x7fff) throw new RangeError(`${value} is out of range for a signed 16-bit register`);
      return [raw & 0xffff];
    case 'uint32':
      if (raw < 0 || raw > 0xffffffff) throw new RangeError(`${value} is out of range for a 32-bit value`);
      scratch.writeUInt32BE(raw, 0);
      break;
    case 'int32':
      if (raw < -0x80000000 || raw > 0x7fffffff) throw new RangeError(`${value} is out of range for a signed 32-bit value`);
      scratch.writeInt32BE(raw, 0);
      break;
    case 'float32':
      scratch.writeFloatBE(raw, 0);
      break;
  }
  const high = scratch.readUInt16BE(0);
  const low = scratch.readUInt16BE(2);
  return point.wordOrder === 'lowFirst' ? [low, high] : [high, low];
}
