import type { CircuitKind } from '../../modbus/profile';

/** The device shapes of the three EVOK generations clients were written against. */
export type EvokShape = 'seed' | 'v3' | 'v2';

/**
 * `dev` names a client may send, and the circuit kinds they mean (`relay` covers relays and digital
 * outputs). A Map, so `constructor` or `__proto__` from a client is an unknown name, not Object's own.
 */
const devNames: ReadonlyMap<string, readonly CircuitKind[]> = new Map<string, readonly CircuitKind[]>([
  ['relay', ['ro', 'do']],
  ['ro', ['ro']],
  ['do', ['do']],
  ['output', ['do']],
  ['digitaloutput', ['do']],
  ['di', ['di']],
  ['input', ['di']],
  ['digitalinput', ['di']],
  ['ai', ['ai']],
  ['analoginput', ['ai']],
  ['ao', ['ao']],
  ['analogoutput', ['ao']],
  ['wd', ['wd']],
  ['watchdog', ['wd']],
  ['led', ['led']],
  ['register', ['register']],
]);

/** Names EVOK accepts in a filter although no Modbus board of ours has such devices; they match nothing. */
const otherFilterNames = new Set(['sensor', 'temp', '1wdevice', 'owbus', 'ds2408', 'modbus_slave', 'board', 'data_point', 'tcp_bus',
  'serial_bus', 'device_info', 'owpower', 'run', 'nv_save', 'unit_register', 'ee', 'eprom', 'uart', 'neuron', 'extension', 'light_channel', 'wifi', 'rs485']);

/** Order of device types in `all` answers and event arrays. */
export const kindOrder: readonly CircuitKind[] = ['ro', 'do', 'di', 'ai', 'ao', 'led', 'wd', 'register'];

export function kindsOfDev(dev: unknown): readonly CircuitKind[] | undefined {
  return typeof dev === 'string' ? devNames.get(dev.toLowerCase()) : undefined;
}

/** The `dev` string a circuit kind is emitted under in a shape. */
export function emittedDev(kind: CircuitKind, shape: EvokShape): string {
  if (shape === 'v3') return kind;
  if (kind === 'ro' || kind === 'do') return 'relay';
  if (kind === 'di') return 'input';
  return kind;
}

/** A client's filter: `all` (default) or the kinds it receives. */
export type DeviceFilter = 'all' | ReadonlySet<CircuitKind>;

/** Names EVOK 3 accepts in a filter (type names and their alternatives), compared exactly as it does. */
const v3FilterNames = new Set(['ro', 'do', 'di', 'ai', 'ao', 'sensor', 'owbus', 'ds2408', 'modbus_slave', 'board', 'led', 'watchdog', 'register',
  'data_point', 'tcp_bus', 'serial_bus', 'device_info', 'owpower', 'run', 'nv_save', 'digitalinput', 'input', 'digitaloutput', 'output', 'relay',
  'analoginput', 'analogoutput', 'wd', 'temp']);

/** The kinds whose v3 objects carry exactly this `dev`: what a v3 filter entry lets through. */
const v3Emitted: ReadonlyMap<string, CircuitKind> = new Map(kindOrder.map((kind) => [emittedDev(kind, 'v3'), kind]));

/**
 * The filter a `filter` command leaves: `["default", ...]` = everything, `[]` = nothing, unknown names
 * dropped; undefined when a non-empty list holds no valid name (the old filter stays).
 *
 * In the v3 shape an entry matches the `dev` objects carry, by exact (case-sensitive) comparison, as EVOK 3
 * does: `relay` is accepted but lets nothing through, since v3 objects say `ro` or `do`. The seed and v2
 * shapes match by canonical type instead (`relay` gets relays and digital outputs, `input` gets `di`).
 */
export function parseFilter(devices: readonly unknown[], shape: EvokShape = 'seed'): DeviceFilter | undefined {
  if (devices.length > 0 && devices[0] === 'default') return 'all';
  const kinds = new Set<CircuitKind>();
  let valid = 0;
  for (const name of devices) {
    if (typeof name !== 'string') continue;
    if (shape === 'v3') {
      if (!v3FilterNames.has(name)) continue;
      valid++;
      const kind = v3Emitted.get(name);
      if (kind) kinds.add(kind);
      continue;
    }
    const matched = kindsOfDev(name);
    if (matched) {
      valid++;
      for (const kind of matched) kinds.add(kind);
    } else if (otherFilterNames.has(name.toLowerCase())) {
      valid++;
    }
  }
  if (devices.length > 0 && valid === 0) return undefined;
  return kinds;
}

export function filterKey(filter: DeviceFilter): string {
  return filter === 'all' ? '*' : [...filter].sort().join(',');
}

export function passes(filter: DeviceFilter, kind: CircuitKind): boolean {
  return filter === 'all' || filter.has(kind);
}
