import { pointWrite, type Circuit, type ModbusGateway, type WriteRequest } from '../../modbus';
import type { CircuitKind, Table } from '../../modbus/profile';
import { writeOutcomeOf, type WriteOutcome } from '../../tags/write-outcome';
import { messageOf } from '../../util/errors';
import type { EvokDevices } from './devices';

/**
 * The bus as the steps of one `set` see it: writes through it are counted, so a failing step knows
 * whether earlier writes of the same command already took effect.
 */
export interface SetBus {
  readonly gateway: ModbusGateway;
  send(unit: number, request: WriteRequest, readBack?: boolean): Promise<void>;
  readNow(unit: number, table: Table, address: number, count: number): Promise<number[]>;
}

/** One step of a `set`: a Modbus write, or something that needs the bus or memory at run time. */
export type SetStep = (gateway: SetBus) => Promise<void>;

/**
 * A `set` that did not go through. `failed`: none of its writes took effect, it may be sent again;
 * `unknown`: a write was sent and not answered, or some writes took effect before one failed.
 */
export class SetFailure extends Error {
  constructor(readonly outcome: WriteOutcome, message: string) {
    super(message);
    this.name = 'SetFailure';
  }
}

export type SetPlan = { ok: true; circuit: Circuit; steps: SetStep[] } | { ok: false; error: string };

/** Keywords each device's `set` takes; the positional `value` goes to the first. */
const keywords: Record<CircuitKind, readonly string[]> = {
  ro: ['value', 'alias'],
  do: ['value', 'timeout', 'mode', 'pwm_freq', 'pwm_duty', 'alias'],
  led: ['value', 'alias'],
  di: ['debounce', 'mode', 'counter', 'counter_mode', 'ds_mode', 'alias'],
  ai: ['mode', 'alias'],
  ao: ['value', 'mode', 'alias'],
  wd: ['value', 'timeout', 'reset', 'nv_save', 'alias'],
  register: ['value', 'alias'],
};

const envelope = new Set(['cmd', 'dev', 'circuit', 'value']);

class BadValue extends Error {}

/**
 * Turns the arguments of a `set` into the writes it causes, checking everything first: a command with
 * one bad argument writes nothing. Positional form (`"value": 1`) passes the value to the device's first
 * argument; `"value": {...}` or keys beside `dev`/`circuit` are keyword arguments.
 */
export function planSet(devices: EvokDevices, circuit: Circuit, request: Record<string, unknown>): SetPlan {
  const allowed = keywords[circuit.kind];
  let args: Record<string, unknown>;
  const value = request.value;
  if (value !== undefined && value !== null && typeof value !== 'object') {
    args = { [allowed[0]]: value };
  } else if (value !== undefined && value !== null) {
    if (Array.isArray(value)) return { ok: false, error: 'value must be a number, a string, a boolean or an object of keywords' };
    args = { ...(value as Record<string, unknown>) };
  } else {
    args = Object.fromEntries(Object.entries(request).filter(([key]) => !envelope.has(key)));
  }
  const unknown = Object.keys(args).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) return { ok: false, error: `${circuit.kind} ${circuit.id} takes no ${unknown.join(', ')} (takes ${allowed.join(', ')})` };
  try {
    const steps = stepsFor(devices, circuit, args);
    if (args.alias !== undefined) {
      if (typeof args.alias !== 'string') throw new BadValue('alias must be a string');
      const problem = devices.aliasProblem(circuit, args.alias);
      if (problem) throw new BadValue(problem);
      const alias = args.alias;
      steps.push(async () => { devices.setAlias(circuit, alias); });
    }
    return { ok: true, circuit, steps };
  } catch (error) {
    if (error instanceof BadValue || error instanceof RangeError) return { ok: false, error: `${circuit.kind} ${circuit.id}: ${error.message}` };
    throw error;
  }
}

function stepsFor(devices: EvokDevices, circuit: Circuit, args: Record<string, unknown>): SetStep[] {
  const steps: SetStep[] = [];
  const write = (request: WriteRequest): void => { steps.push((gateway) => gateway.send(circuit.unit, request, false)); };
  const writePoint = (property: string, value: number): void => {
    const point = circuit.points[property];
    if (!point?.write) throw new BadValue(`has no writable ${property}`);
    write(pointWrite(point, value));
  };
  const feature = circuit.feature;

  switch (circuit.kind) {
    case 'ro':
    case 'led':
      if (args.value !== undefined) writePoint('value', onOff(args.value));
      break;
    case 'do': {
      const on = args.value === undefined ? undefined : onOff(args.value);
      const duty = args.pwm_duty === undefined ? undefined : number(args.pwm_duty, 'pwm_duty', 0, 100);
      const freq = args.pwm_freq === undefined ? undefined : number(args.pwm_freq, 'pwm_freq', Number.MIN_VALUE, 48_000_000);
      const timeout = args.timeout === undefined ? undefined : number(args.timeout, 'timeout', Number.MIN_VALUE, 86_400 * 365);
      if (args.mode !== undefined && args.mode !== 'Simple' && args.mode !== 'PWM') throw new BadValue(`unknown mode ${JSON.stringify(args.mode)} (Simple, PWM)`);
      if (on !== undefined && duty !== undefined && !((on === 1 && duty === 100) || (on === 0 && duty === 0))) throw new BadValue('value and pwm_duty contradict each other');
      if (timeout !== undefined && on === undefined) throw new BadValue('timeout needs a value to switch to');
      if ((duty !== undefined || freq !== undefined) && !circuit.points.pwmDuty) throw new BadValue('has no PWM');
      if (freq !== undefined) steps.push(...pwmFrequencySteps(devices, circuit, freq));
      if (on !== undefined && duty === undefined) {
        writePoint('value', on);
        // Switching by hand ends PWM, as on the board's own panel.
        steps.push(async (gateway) => { if (devices.value(circuit, 'pwmDuty')) await gateway.send(circuit.unit, pointWrite(circuit.points.pwmDuty, 0), false); });
      }
      if (duty !== undefined) {
        steps.push(async (gateway) => {
          if (devices.value(circuit) === 1) await gateway.send(circuit.unit, pointWrite(circuit.points.value, 0), false);
          const cycle = devices.pwm(circuit)?.cycle;
          if (cycle === undefined) throw new Error('PWM registers not read yet');
          await gateway.send(circuit.unit, pointWrite(circuit.points.pwmDuty, Math.round((cycle * duty) / 100)), false);
        });
      }
      if (timeout !== undefined && on !== undefined) {
        steps.push(async (bus) => {
          devices.arm(circuit, timeout * 1000, async () => {
            // Later, on its own: not part of the command's outcome.
            await bus.gateway.send(circuit.unit, pointWrite(circuit.points.value, on ? 0 : 1)).catch((error: unknown) => {
              // Not retried: the output stays as it is and the next poll shows it.
              devices.report(`timeout of ${circuit.kind} ${circuit.id} could not switch it: ${messageOf(error)}`);
            });
          });
        });
      } else if (on !== undefined) {
        steps.push(async () => { devices.disarm(circuit); });
      }
      break;
    }
    case 'ao': {
      if (args.mode !== undefined) {
        const mode = modeName(circuit, args.mode);
        const spec = circuit.modes?.[mode];
        if (circuit.points.mode && spec?.value !== undefined) writePoint('mode', spec.value);
      }
      if (args.value !== undefined) {
        const mode = typeof args.mode === 'string' ? args.mode : devices.modeOf(circuit);
        const range = (mode !== null ? circuit.modes?.[mode]?.range : undefined) ?? [0, Number.MAX_VALUE];
        writePoint('value', number(args.value, 'value', range[0], range[1]));
      }
      break;
    }
    case 'ai':
      if (args.mode !== undefined) {
        const spec = circuit.modes?.[modeName(circuit, args.mode)];
        if (spec?.value === undefined || !circuit.points.mode) throw new BadValue(`mode ${String(args.mode)} cannot be set`);
        writePoint('mode', spec.value);
      }
      break;
    case 'di': {
      if (args.debounce !== undefined) writePoint('debounce', integer(args.debounce, 'debounce', 0, 0xffff));
      if (args.counter !== undefined) writePoint('counter', integer(args.counter, 'counter', 0, 0xffffffff));
      if (args.counter_mode !== undefined) {
        if (args.counter_mode !== 'Enabled' && args.counter_mode !== 'Disabled') throw new BadValue(`unknown counter_mode ${JSON.stringify(args.counter_mode)} (Enabled, Disabled)`);
        const enabled = args.counter_mode === 'Enabled';
        steps.push(async () => { devices.setCounterEnabled(circuit, enabled); });
      }
      if (args.mode !== undefined) {
        if (args.mode !== 'Simple' && args.mode !== 'DirectSwitch') throw new BadValue(`unknown mode ${JSON.stringify(args.mode)} (Simple, DirectSwitch)`);
        if (feature?.directSwitchRegister === undefined) throw new BadValue('has no DirectSwitch');
        steps.push(bitSteps(circuit, feature.directSwitchRegister, args.mode === 'DirectSwitch'));
      }
      if (args.ds_mode !== undefined) {
        if (!['Simple', 'Inverted', 'Toggle'].includes(String(args.ds_mode))) throw new BadValue(`unknown ds_mode ${JSON.stringify(args.ds_mode)} (Simple, Inverted, Toggle)`);
        if (feature?.polarityRegister === undefined || feature.toggleRegister === undefined) throw new BadValue('has no DirectSwitch');
        steps.push(bitSteps(circuit, feature.polarityRegister, args.ds_mode === 'Inverted'));
        steps.push(bitSteps(circuit, feature.toggleRegister, args.ds_mode === 'Toggle'));
      }
      break;
    }
    case 'wd':
      if (args.value !== undefined) writePoint('value', onOff(args.value));
      if (args.timeout !== undefined) writePoint('timeout', integer(args.timeout, 'timeout', 0, 0xffff));
      if (args.nv_save !== undefined) {
        // As EVOK: a value that differs from the flag last set pulses the board's save coil, and the
        // watchdog object reports the new flag from then on (the board has no register to read it from).
        const flag = onOff(args.nv_save);
        if (flag !== devices.nvSaveOf(circuit)) {
          if (feature?.nvSaveCoil === undefined) throw new BadValue('has no nv_save');
          write({ fc: 5, address: feature.nvSaveCoil, value: true });
          steps.push(async () => { devices.setNvSave(circuit, flag); });
        }
      }
      if (args.reset !== undefined && onOff(args.reset) === 1) {
        if (feature?.resetCoil === undefined) throw new BadValue('has no reset');
        write({ fc: 5, address: feature.resetCoil, value: true });
      }
      break;
    case 'register':
      if (args.value !== undefined) writePoint('value', integer(args.value, 'value', 0, 0xffff));
      break;
  }
  return steps;
}

/** Read-modify-write of one bit of a configuration register (read on the write queue, not behind polls). */
function bitSteps(circuit: Circuit, register: number, on: boolean): SetStep {
  return async (gateway) => {
    const [word] = await gateway.readNow(circuit.unit, 'holding', register, 1);
    const next = on ? word | (1 << circuit.index) : word & ~(1 << circuit.index);
    if (next !== word) await gateway.send(circuit.unit, { fc: 6, address: register, value: next }, false);
  };
}

/**
 * New PWM frequency of a digital output group: the 48 MHz clock divided by cycle × prescale, with a
 * round cycle when one divides the clock exactly (so duty steps stay fine), else both √(clock / f).
 * The duty of every output of the group is re-applied in the new cycle.
 */
function pwmFrequencySteps(devices: EvokDevices, circuit: Circuit, freq: number): SetStep[] {
  const cycleRegister = circuit.points.pwmCycle;
  const prescaleRegister = circuit.points.pwmPrescale;
  if (!cycleRegister?.write || !prescaleRegister?.write) throw new BadValue('has no PWM frequency registers');
  const divider = 48_000_000 / freq;
  let cycle = [50_000, 10_000, 5_000, 1_000].find((c) => Number.isInteger(divider / c) && divider / c <= 65_536);
  let prescale = cycle === undefined ? undefined : divider / cycle;
  if (cycle === undefined || prescale === undefined) {
    cycle = Math.max(1, Math.round(Math.sqrt(divider)));
    prescale = cycle;
  }
  if (cycle > 65_536 || prescale > 65_536) throw new BadValue(`pwm_freq ${freq} is too low`);
  const newCycle = cycle;
  const newPrescale = prescale;
  return [async (gateway) => {
    const group = devices.ordered.filter((c) => c.kind === 'do' && c.unit === circuit.unit && c.feature === circuit.feature);
    const duties = group.map((c) => ({ c, duty: devices.pwm(c)?.duty ?? 0 }));
    await gateway.send(circuit.unit, pointWrite(cycleRegister, newCycle - 1), false);
    await gateway.send(circuit.unit, pointWrite(prescaleRegister, newPrescale - 1), false);
    for (const { c, duty } of duties) if (duty > 0) await gateway.send(c.unit, pointWrite(c.points.pwmDuty, Math.round((newCycle * duty) / 100)), false);
  }];
}

function modeName(circuit: Circuit, mode: unknown): string {
  const names = Object.keys(circuit.modes ?? {});
  if (typeof mode !== 'string' || !names.includes(mode)) throw new BadValue(`unknown mode ${JSON.stringify(mode)} (${names.join(', ')})`);
  return mode;
}

/** 1, "1", true switch on; 0, "0", false switch off; anything else is refused. */
function onOff(value: unknown): 0 | 1 {
  if (value === 1 || value === '1' || value === true) return 1;
  if (value === 0 || value === '0' || value === false) return 0;
  throw new BadValue(`${JSON.stringify(value)} is neither 1/"1"/true nor 0/"0"/false`);
}

function number(value: unknown, name: string, min: number, max: number): number {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(parsed)) throw new BadValue(`${name} must be a number, got ${JSON.stringify(value)}`);
  if (parsed < min || parsed > max) throw new BadValue(`${name} ${parsed} is outside ${min === Number.MIN_VALUE ? '> 0' : `${min}..${max}`}`);
  return parsed;
}

function integer(value: unknown, name: string, min: number, max: number): number {
  const parsed = number(value, name, min, max);
  if (!Number.isInteger(parsed)) throw new BadValue(`${name} must be a whole number, got ${JSON.stringify(value)}`);
  return parsed;
}

/**
 * Runs a checked `set` step by step; the first failing write stops it and is reported, never retried,
 * as a SetFailure whose outcome says whether anything of the command may have taken effect.
 */
export async function runPlan(devices: EvokDevices, plan: { circuit: Circuit; steps: SetStep[] }): Promise<void> {
  const gateway = devices.gateway;
  if (!gateway) throw new SetFailure('failed', 'no Modbus connection');
  let confirmed = 0;
  const bus: SetBus = {
    gateway,
    async send(unit, request, readBack) {
      await gateway.send(unit, request, readBack);
      confirmed++;
    },
    readNow: (unit, table, address, count) => gateway.readNow(unit, table, address, count),
  };
  try {
    for (const step of plan.steps) await step(bus);
  } catch (error) {
    if (confirmed === 0) throw new SetFailure(writeOutcomeOf(error), messageOf(error));
    throw new SetFailure('unknown', `${messageOf(error)} (after ${confirmed} write${confirmed === 1 ? '' : 's'} of this command took effect)`);
  } finally {
    // One read-back after all writes, so the event shows the whole change; in-memory changes (alias,
    // counter mode, timers) are reported with that cycle too.
    gateway.kick(plan.circuit.unit);
  }
}
