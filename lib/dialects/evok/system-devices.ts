import type { CircuitKind } from '../../modbus/profile';
import type { DeviceObject, EvokDevices } from './devices';
import { emittedDev } from './names';
import { pyFloat } from './py-json';

/**
 * The devices of an EVOK 3 server that are no circuit of a board: one `modbus_slave` per Modbus unit,
 * `device_info` about the product, and `run` (circuit `alias`), through which clients list aliases and
 * ask for them to be saved. Only the v3 shape has them; EVOK 2 and the seed's shape had none of these.
 */
export type SystemDev = 'modbus_slave' | 'device_info' | 'run';

const systemDevs: ReadonlySet<string> = new Set<SystemDev>(['modbus_slave', 'device_info', 'run']);

export function isSystemDev(dev: unknown): dev is SystemDev {
  return typeof dev === 'string' && systemDevs.has(dev);
}

/** Kinds listed before the modbus_slave objects in `all`, and after them (EVOK 3's order of types). */
const leadingKinds: readonly CircuitKind[] = ['ro', 'do', 'di', 'ai', 'ao'];

/**
 * Every device object of an `all` answer. In the v3 shape: ro, do, di, ai, ao, modbus_slave, led, wd,
 * register, device_info, then run (the WebSocket's `all` has it, REST's `/rest/all` does not, as in EVOK 3).
 */
export function allObjects(devices: EvokDevices, withRun: boolean): DeviceObject[] {
  const circuits = devices.ordered;
  if (devices.shape !== 'v3') return circuits.map((circuit) => devices.object(circuit));
  const leading = circuits.filter((circuit) => leadingKinds.includes(circuit.kind)).map((circuit) => devices.object(circuit));
  const trailing = circuits.filter((circuit) => !leadingKinds.includes(circuit.kind)).map((circuit) => devices.object(circuit));
  return [...leading, ...modbusSlaves(devices), ...trailing, deviceInfo(devices), ...(withRun ? [runObject(devices)] : [])];
}

/** The objects of one system type, for `/rest/<dev>/all`. */
export function systemObjects(devices: EvokDevices, dev: SystemDev): DeviceObject[] {
  if (dev === 'modbus_slave') return modbusSlaves(devices);
  return [dev === 'run' ? runObject(devices) : deviceInfo(devices)];
}

/** The object of a system device by circuit, or undefined when it has no such circuit. */
export function systemObject(devices: EvokDevices, dev: SystemDev, circuit: string): DeviceObject | undefined {
  return systemObjects(devices, dev).find((object) => object.circuit === circuit);
}

/** One per Modbus unit, named by the unit (EVOK names them by the device, which is the unit on Unipi PLCs). */
function modbusSlaves(devices: EvokDevices): DeviceObject[] {
  const gateway = devices.gateway;
  if (!gateway) return [];
  const transport = gateway.transport;
  const type = transport.kind === 'tcp' ? 'TCP' : 'RTU';
  const spec = transport.kind === 'rtu' ? transport.path : transport.host;
  return gateway.unitIds.map((unit) => {
    const readAt = gateway.lastReadAt(unit);
    return {
      dev: 'modbus_slave',
      circuit: String(unit),
      // Seconds since the unit last answered a whole poll cycle; null before it ever did.
      last_comm: readAt === undefined ? null : pyFloat(Math.max(0, Date.now() - readAt) / 1000),
      slave_id: unit,
      modbus_type: type,
      modbus_spec: spec,
      scan_interval: pyFloat(gateway.pollIntervalMs / 1000),
    };
  });
}

function deviceInfo(devices: EvokDevices): DeviceObject {
  const gateway = devices.gateway;
  const units = gateway?.unitIds ?? [];
  const model = gateway?.product?.model ?? [...new Set(units.map((unit) => gateway?.unitModel(unit) ?? ''))].join('+');
  // sn: the serial number lives in a board register no profile maps yet; 0 as EVOK shows for unknown ones.
  return { dev: 'device_info', family: gateway?.product?.family ?? '', model, sn: 0, board_count: units.length, circuit: model };
}

export function runObject(devices: EvokDevices): DeviceObject {
  const aliases: Record<string, { circuit: string; devtype: string }> = {};
  for (const [alias, circuit] of devices.aliasEntries()) {
    const devtype = emittedDev(circuit.kind, devices.shape);
    aliases[alias] = { circuit: `${devtype}_${circuit.id}`, devtype };
  }
  return { dev: 'run', circuit: 'alias', save: false, aliases };
}

/**
 * A `set` of the run device: `save` (its positional argument) asks for the aliases to be written to
 * flash, `delete` takes one alias away. Aliases here live in memory for the server's lifetime, so there
 * is nothing to write and `save` only succeeds; an unknown alias to delete is refused.
 */
export function planRunSet(devices: EvokDevices, request: Record<string, unknown>): { ok: true; apply(): void } | { ok: false; error: string } {
  const value = request.value;
  let args: Record<string, unknown>;
  if (value !== undefined && value !== null && typeof value !== 'object') args = { save: value };
  else if (value !== undefined && value !== null) {
    if (Array.isArray(value)) return { ok: false, error: 'value must be a number, a string, a boolean or an object of keywords' };
    args = { ...(value as Record<string, unknown>) };
  } else args = Object.fromEntries(Object.entries(request).filter(([key]) => !['cmd', 'dev', 'circuit', 'value'].includes(key)));
  const unknown = Object.keys(args).filter((key) => key !== 'save' && key !== 'delete');
  if (unknown.length > 0) return { ok: false, error: `run alias takes no ${unknown.join(', ')} (takes save, delete)` };
  const save = args.save;
  if (save !== undefined && save !== null && !(typeof save === 'boolean' || (typeof save === 'number' && Number.isInteger(save)) || (typeof save === 'string' && /^-?\d+$/.test(save.trim())))) {
    return { ok: false, error: `save must be a whole number or a boolean, got ${JSON.stringify(save)}` };
  }
  const remove = args.delete;
  if (remove !== undefined && remove !== null) {
    if (typeof remove !== 'string') return { ok: false, error: 'delete must be an alias' };
    const owner = devices.aliasEntries().find(([alias]) => alias === remove)?.[1];
    if (!owner) return { ok: false, error: `no alias ${JSON.stringify(remove)}` };
    // The circuit's next event shows it without the alias.
    return { ok: true, apply: () => { devices.removeAlias(remove); devices.gateway?.kick(owner.unit); } };
  }
  return { ok: true, apply: () => {} };
}
