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

/**
 * The filter a `filter` command leaves: `["default", ...]` = everything, `[]` = nothing, unknown names
 * dropped; undefined when a non-empty list holds no valid name (the old filter stays).
 */
export function parseFilter(devices: readonly unknown[]): DeviceFilter | undefined {
  if (devices.length > 0 && devices[0] === 'default') return 'all';
  const kinds = new Set<CircuitKind>();
  let valid = 0;
  for (const name of devices) {
    if (typeof name !== 'string') continue;
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
