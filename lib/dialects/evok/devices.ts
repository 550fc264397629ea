import type { Circuit, ModbusGateway } from '../../modbus';
import type { CircuitKind, ModeSpec } from '../../modbus/profile';
import { emittedDev, kindOrder, kindsOfDev, type EvokShape } from './names';
import { pyFloat, type PyFloat } from './py-json';

export type DeviceObject = Record<string, unknown>;

const PWM_CLOCK_HZ = 48_000_000;
const aliasPattern = /^[A-Za-z0-9._-]+$/;
/**
 * The EVOK view of a Modbus gateway's circuits: finds devices by `dev` + circuit or alias, keeps the
 * state EVOK holds in memory (aliases, counter modes, pending output timeouts) and turns circuits into
 * the device objects of a shape. Shared by the WebSocket dialect and the REST routes of one server.
 */
export class EvokDevices {
  private readonly aliases = new Map<string, Circuit>();
  private readonly aliasOf = new Map<Circuit, string>();
  private readonly counterDisabled = new Set<Circuit>();
  /** Watchdogs whose last `nv_save` was 1: EVOK reports the flag it was last set to, not a register. */
  private readonly nvSaved = new Set<Circuit>();
  private readonly pending = new Map<Circuit, NodeJS.Timeout>();
  /** Circuits whose in-memory state changed since the last report of their unit. */
  readonly touched = new Set<Circuit>();
  readonly ordered: Circuit[];
  /** Where failures nobody waits for (an output's timeout write) are reported. */
  report: (text: string) => void = () => {};

  /**
   * `maxAliasLength` (DialectLimits) bounds the aliases clients set: EVOK itself has none, but aliases live
   * in memory, travel in every event of their device and are compared on each lookup.
   */
  constructor(readonly gateway: ModbusGateway | undefined, readonly shape: EvokShape, private readonly maxAliasLength: number) {
    const circuits = gateway?.circuits() ?? [];
    this.ordered = [...circuits].sort((a, b) => kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) || a.unit - b.unit || a.index - b.index || a.id.localeCompare(b.id));
    for (const circuit of circuits) if (circuit.alias && !this.aliases.has(circuit.alias)) this.setAlias(circuit, circuit.alias);
  }

  /** The circuit a `dev` name and circuit (or alias, `1.01` = `1_01`) name, or a reason why none. */
  find(dev: unknown, circuit: unknown): { circuit: Circuit } | { error: string } {
    const kinds = kindsOfDev(dev);
    if (!kinds) return { error: `unknown dev ${JSON.stringify(dev)}` };
    if (typeof circuit !== 'string' && typeof circuit !== 'number') return { error: 'circuit must be a string' };
    const name = String(circuit).replace(/\./g, '_');
    const found = this.ordered.find((c) => kinds.includes(c.kind) && c.id === name);
    if (found) return { circuit: found };
    const aliased = this.aliases.get(String(circuit));
    if (aliased && kinds.includes(aliased.kind)) return { circuit: aliased };
    return { error: `no ${String(dev)} with circuit or alias ${JSON.stringify(circuit)}` };
  }

  ofKinds(kinds: readonly CircuitKind[]): Circuit[] {
    return this.ordered.filter((c) => kinds.includes(c.kind));
  }

  /** Checks an alias without setting it: characters, uniqueness. */
  aliasProblem(circuit: Circuit, alias: string): string | undefined {
    if (alias === '') return undefined;
    if (alias.length > this.maxAliasLength) return `alias of ${alias.length} characters is longer than ${this.maxAliasLength}`;
    if (!aliasPattern.test(alias)) return `alias ${JSON.stringify(alias)} may hold only letters, digits, '.', '_' and '-'`;
    const owner = this.aliases.get(alias);
    if (owner && owner !== circuit) return `alias ${alias} is already used by ${owner.kind} ${owner.id}`;
    return undefined;
  }

  setAlias(circuit: Circuit, alias: string): void {
    const old = this.aliasOf.get(circuit);
    if (old !== undefined) this.aliases.delete(old);
    this.aliasOf.delete(circuit);
    if (alias !== '') {
      this.aliases.set(alias, circuit);
      this.aliasOf.set(circuit, alias);
    }
    this.touched.add(circuit);
  }

  /** Every alias and the circuit it names, in the order they were set. */
  aliasEntries(): Array<[string, Circuit]> {
    return [...this.aliases];
  }

  /** Takes an alias away from its circuit; false when no circuit has it. */
  removeAlias(alias: string): boolean {
    const circuit = this.aliases.get(alias);
    if (!circuit) return false;
    this.setAlias(circuit, '');
    return true;
  }

  nvSaveOf(circuit: Circuit): 0 | 1 {
    return this.nvSaved.has(circuit) ? 1 : 0;
  }

  setNvSave(circuit: Circuit, on: 0 | 1): void {
    if (on) this.nvSaved.add(circuit);
    else this.nvSaved.delete(circuit);
    this.touched.add(circuit);
  }

  setCounterEnabled(circuit: Circuit, enabled: boolean): void {
    if (enabled) this.counterDisabled.delete(circuit);
    else this.counterDisabled.add(circuit);
    this.touched.add(circuit);
  }

  /** Arms (or re-arms) the timer of a digital output; `pending` is true until it has run. */
  arm(circuit: Circuit, ms: number, action: () => Promise<void>): void {
    this.disarm(circuit);
    const timer = setTimeout(() => {
      this.pending.delete(circuit);
      this.touched.add(circuit);
      void action();
    }, ms);
    this.pending.set(circuit, timer);
    this.touched.add(circuit);
  }

  disarm(circuit: Circuit): void {
    const timer = this.pending.get(circuit);
    if (!timer) return;
    clearTimeout(timer);
    this.pending.delete(circuit);
    this.touched.add(circuit);
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  value(circuit: Circuit, property = 'value'): number | undefined {
    return this.gateway?.value(circuit, property);
  }

  /** PWM of a digital output as the board runs it: frequency from the shared registers, duty in percent. */
  pwm(circuit: Circuit): { freq: number; duty: number; cycle: number } | undefined {
    const cycle = this.value(circuit, 'pwmCycle');
    const prescale = this.value(circuit, 'pwmPrescale');
    const duty = this.value(circuit, 'pwmDuty');
    if (cycle === undefined || prescale === undefined || duty === undefined) return undefined;
    return { freq: PWM_CLOCK_HZ / ((cycle + 1) * (prescale + 1)), duty: Math.round((duty / (cycle + 1)) * 1000) / 10, cycle: cycle + 1 };
  }

  /** The current mode name of an analog circuit, from its mode register (or its only mode). */
  modeOf(circuit: Circuit): string | null {
    const modes = circuit.modes ?? {};
    const names = Object.keys(modes);
    if (!circuit.points.mode) return names[0] ?? null;
    const raw = this.value(circuit, 'mode');
    return names.find((name) => modes[name].value === raw) ?? null;
  }

  /** The device object of a circuit in this server's shape. */
  object(circuit: Circuit): DeviceObject {
    const shape = this.shape;
    const dev = emittedDev(circuit.kind, shape);
    const glob = shape === 'v3' ? undefined : circuit.unit;
    const value = this.value(circuit);
    const bit = value === undefined ? null : value;
    let object: DeviceObject;
    switch (circuit.kind) {
      case 'do': {
        const pwm = this.pwm(circuit);
        const duty = pwm && pwm.duty !== 0 ? pyFloat(pwm.duty) : 0;
        object = shape === 'v3'
          ? { dev, circuit: circuit.id, value: bit, pending: this.pending.has(circuit), mode: pwm && pwm.duty !== 0 ? 'PWM' : 'Simple', modes: ['Simple', 'PWM'] }
          : { dev, relay_type: 'digital', circuit: circuit.id, value: bit, pending: this.pending.has(circuit), mode: pwm && pwm.duty !== 0 ? 'PWM' : 'Simple', modes: ['Simple', 'PWM'], glob_dev_id: glob };
        if (pwm) Object.assign(object, { pwm_freq: pyFloat(Math.round(pwm.freq * 10) / 10), pwm_duty: duty });
        break;
      }
      case 'ro':
        object = shape === 'v3'
          ? { dev, circuit: circuit.id, value: bit }
          : { dev, relay_type: 'physical', circuit: circuit.id, value: bit, pending: this.pending.has(circuit), mode: 'Simple', modes: ['Simple'], glob_dev_id: glob };
        break;
      case 'di': {
        const direct = this.value(circuit, 'directSwitch') === 1;
        const counter = this.counterDisabled.has(circuit) ? 0 : this.value(circuit, 'counter') ?? null;
        object = { dev, circuit: circuit.id, value: bit, debounce: this.value(circuit, 'debounce') ?? null, counter_modes: ['Enabled', 'Disabled'],
          counter_mode: this.counterDisabled.has(circuit) ? 'Disabled' : 'Enabled', counter, mode: direct ? 'DirectSwitch' : 'Simple',
          modes: circuit.points.directSwitch ? ['Simple', 'DirectSwitch'] : ['Simple'] };
        if (direct) {
          object.ds_mode = this.value(circuit, 'polarity') === 1 ? 'Inverted' : this.value(circuit, 'toggle') === 1 ? 'Toggle' : 'Simple';
          object.ds_modes = ['Simple', 'Inverted', 'Toggle'];
        }
        object.glob_dev_id = glob;
        break;
      }
      case 'ai': {
        const mode = this.modeOf(circuit);
        const spec: ModeSpec | undefined = mode === null ? undefined : circuit.modes?.[mode];
        object = { dev, circuit: circuit.id, value: analog(value), unit: spec?.unit ?? circuit.unitName ?? null, glob_dev_id: glob, mode,
          modes: modesOf(circuit, shape), range: spec?.range ?? null };
        break;
      }
      case 'ao': {
        const mode = this.modeOf(circuit);
        const spec: ModeSpec | undefined = mode === null ? undefined : circuit.modes?.[mode];
        object = { dev, circuit: circuit.id, mode, modes: modesOf(circuit, shape), glob_dev_id: glob, value: analog(value), unit: spec?.unit ?? circuit.unitName ?? null, range: spec?.range };
        break;
      }
      case 'led':
        object = { dev, circuit: circuit.id, value: bit, glob_dev_id: glob };
        break;
      case 'wd':
        object = { dev, circuit: circuit.id, value: value === undefined ? null : value & 1, timeout: this.value(circuit, 'timeout') ?? null,
          was_wd_reset: value === undefined ? null : (value >> 1) & 1, nv_save: this.nvSaveOf(circuit), glob_dev_id: glob };
        break;
      case 'register':
        object = { dev, circuit: circuit.id, value: value ?? null, glob_dev_id: glob };
        break;
    }
    const alias = this.aliasOf.get(circuit);
    if (alias !== undefined) object.alias = alias;
    return object;
  }
}

/** Analog values are rounded to 3 decimals and always written as floats. */
function analog(value: number | undefined): PyFloat | null {
  return value === undefined ? null : pyFloat(Math.round(value * 1000) / 1000);
}

function modesOf(circuit: Circuit, shape: EvokShape): unknown {
  const modes = circuit.modes ?? {};
  return shape === 'v2' ? Object.keys(modes) : modes;
}
