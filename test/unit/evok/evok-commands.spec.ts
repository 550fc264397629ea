import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { SimulatedWrite } from '../../../demo/modbus/neuron-simulator';
import { waitFor } from '../../support/wait';
import type { TestClient } from '../../support/ws-client';
import { nextDevice, startEvok, type DeviceObject, type EvokFixture } from './evok-fixture';

interface SetCase {
  name: string;
  command: Record<string, unknown>;
  traffic: Array<Omit<SimulatedWrite, 'unit'> & { unit: number }>;
  /** The device event the set causes, matched on dev + circuit, with these properties. */
  event?: { dev: string; circuit: string; expect: Record<string, unknown> };
  /** Checked with `full` when the set causes no event. */
  full?: { dev: string; circuit: string; expect: Record<string, unknown> };
}

const cases: SetCase[] = [
  { name: 'digital output, positional (the seed example)', command: { cmd: 'set', dev: 'output', circuit: '1_01', value: 1 },
    traffic: [{ unit: 1, fc: 5, address: 0, value: 1 }], event: { dev: 'relay', circuit: '1_01', expect: { relay_type: 'digital', value: 1, pending: false } } },
  { name: 'relay by "relay", value "1"', command: { cmd: 'set', dev: 'relay', circuit: '2_02', value: '1' },
    traffic: [{ unit: 2, fc: 5, address: 1, value: 1 }], event: { dev: 'relay', circuit: '2_02', expect: { relay_type: 'physical', value: 1 } } },
  { name: 'relay by "ro", circuit with a dot, value true', command: { cmd: 'set', dev: 'ro', circuit: '2.03', value: true },
    traffic: [{ unit: 2, fc: 5, address: 2, value: 1 }], event: { dev: 'relay', circuit: '2_03', expect: { value: 1 } } },
  { name: 'relay off, value false', command: { cmd: 'set', dev: 'ro', circuit: '2_03', value: false },
    traffic: [{ unit: 2, fc: 5, address: 2, value: 0 }], event: { dev: 'relay', circuit: '2_03', expect: { value: 0 } } },
  { name: 'led', command: { cmd: 'set', dev: 'led', circuit: '1_02', value: 1 },
    traffic: [{ unit: 1, fc: 5, address: 9, value: 1 }], event: { dev: 'led', circuit: '1_02', expect: { value: 1, glob_dev_id: 1 } } },
  { name: 'digital output PWM duty (keyword object)', command: { cmd: 'set', dev: 'do', circuit: '1_03', value: { pwm_duty: 50 } },
    traffic: [{ unit: 1, fc: 6, address: 18, value: 500 }], event: { dev: 'relay', circuit: '1_03', expect: { mode: 'PWM', pwm_duty: 50, pwm_freq: 4800 } } },
  { name: 'digital output PWM frequency (keywords beside dev)', command: { cmd: 'set', dev: 'digitaloutput', circuit: '1_03', pwm_freq: 1000 },
    traffic: [{ unit: 1, fc: 6, address: 1018, value: 999 }, { unit: 1, fc: 6, address: 1017, value: 47 }, { unit: 1, fc: 6, address: 18, value: 500 }],
    event: { dev: 'relay', circuit: '1_03', expect: { pwm_freq: 1000, pwm_duty: 50 } } },
  { name: 'digital output switched by value ends PWM', command: { cmd: 'set', dev: 'do', circuit: '1_03', value: 0 },
    traffic: [{ unit: 1, fc: 5, address: 2, value: 0 }, { unit: 1, fc: 6, address: 18, value: 0 }], event: { dev: 'relay', circuit: '1_03', expect: { mode: 'Simple', pwm_duty: 0 } } },
  { name: 'analog output group 1: float, low word first', command: { cmd: 'set', dev: 'ao', circuit: '1_01', value: 5.5 },
    traffic: [{ unit: 1, fc: 16, address: 3000, values: [0x0000, 0x40b0] }], event: { dev: 'ao', circuit: '1_01', expect: { value: 5.5, unit: 'V' } } },
  { name: 'analog output extension: raw 12 bit', command: { cmd: 'set', dev: 'analogoutput', circuit: '2_03', value: 5.9 },
    traffic: [{ unit: 2, fc: 6, address: 4, value: 2360 }], event: { dev: 'ao', circuit: '2_03', expect: { value: 5.9, mode: 'Voltage', range: [0, 10] } } },
  { name: 'analog output mode', command: { cmd: 'set', dev: 'ao', circuit: '1_01', value: { mode: 'Current' } },
    traffic: [{ unit: 1, fc: 6, address: 1019, value: 1 }], full: { dev: 'ao', circuit: '1_01', expect: { mode: 'Current', unit: 'mA' } } },
  { name: 'analog input mode, positional', command: { cmd: 'set', dev: 'ai', circuit: '2_01', value: 'Current20m' },
    traffic: [{ unit: 2, fc: 6, address: 1019, value: 3 }], event: { dev: 'ai', circuit: '2_01', expect: { mode: 'Current20m', unit: 'mA', range: [0, 20] } } },
  { name: 'analog input mode, keyword', command: { cmd: 'set', dev: 'analoginput', circuit: '1_01', mode: 'Current' },
    traffic: [{ unit: 1, fc: 6, address: 1024, value: 1 }], event: { dev: 'ai', circuit: '1_01', expect: { mode: 'Current', unit: 'mA' } } },
  { name: 'digital input debounce, positional', command: { cmd: 'set', dev: 'di', circuit: '1_01', value: 20 },
    traffic: [{ unit: 1, fc: 6, address: 1010, value: 20 }], full: { dev: 'input', circuit: '1_01', expect: { debounce: 20 } } },
  { name: 'digital input counter, 32 bit low word first', command: { cmd: 'set', dev: 'input', circuit: '2_01', counter: 70000 },
    traffic: [{ unit: 2, fc: 16, address: 16, values: [70000 & 0xffff, 1] }], event: { dev: 'input', circuit: '2_01', expect: { counter: 70000 } } },
  { name: 'digital input direct switch', command: { cmd: 'set', dev: 'digitalinput', circuit: '1_02', value: { mode: 'DirectSwitch' } },
    traffic: [{ unit: 1, fc: 6, address: 1014, value: 2 }], full: { dev: 'di', circuit: '1_02', expect: { mode: 'DirectSwitch', ds_mode: 'Simple' } } },
  { name: 'digital input direct switch inverted', command: { cmd: 'set', dev: 'di', circuit: '1_02', ds_mode: 'Inverted' },
    traffic: [{ unit: 1, fc: 6, address: 1015, value: 2 }], full: { dev: 'di', circuit: '1_02', expect: { ds_mode: 'Inverted' } } },
  { name: 'digital input counter mode (memory only)', command: { cmd: 'set', dev: 'di', circuit: '2_01', counter_mode: 'Disabled' },
    traffic: [], event: { dev: 'input', circuit: '2_01', expect: { counter_mode: 'Disabled', counter: 0 } } },
  { name: 'watchdog enable with timeout', command: { cmd: 'set', dev: 'wd', circuit: '1_01', value: { value: 1, timeout: 3000 } },
    traffic: [{ unit: 1, fc: 6, address: 6, value: 1 }, { unit: 1, fc: 6, address: 1008, value: 3000 }], event: { dev: 'wd', circuit: '1_01', expect: { value: 1, timeout: 3000 } } },
  // regression: a timeout change alone made no event, so a poll between the two writes above left the client
  // with the old timeout (that case failed about once in 30 runs).
  { name: 'watchdog timeout alone is pushed as an event', command: { cmd: 'set', dev: 'wd', circuit: '1_01', timeout: 4000 },
    traffic: [{ unit: 1, fc: 6, address: 1008, value: 4000 }], event: { dev: 'wd', circuit: '1_01', expect: { value: 1, timeout: 4000 } } },
  { name: 'watchdog reset "0" resets nothing, nv_save 1 saves', command: { cmd: 'set', dev: 'watchdog', circuit: '1_01', reset: '0', nv_save: 1 },
    traffic: [{ unit: 1, fc: 5, address: 1003, value: 1 }] },
  { name: 'register', command: { cmd: 'set', dev: 'register', circuit: '1_1000', value: 1234 },
    traffic: [{ unit: 1, fc: 6, address: 1000, value: 1234 }], full: { dev: 'register', circuit: '1_1000', expect: { value: 1234 } } },
  { name: 'alias set, then used as circuit', command: { cmd: 'set', dev: 'do', circuit: '1_04', value: { alias: 'pump' } },
    traffic: [], event: { dev: 'relay', circuit: '1_04', expect: { alias: 'pump' } } },
  { name: 'by alias', command: { cmd: 'set', dev: 'do', circuit: 'pump', value: 1 },
    traffic: [{ unit: 1, fc: 5, address: 3, value: 1 }], event: { dev: 'relay', circuit: '1_04', expect: { value: 1, alias: 'pump' } } },
];

describe('evok set: every command form and device type, with its Modbus traffic', () => {
  let fixture: EvokFixture;
  let client: TestClient;
  before(async () => {
    fixture = await startEvok();
    client = await fixture.open();
    // The AIs of a real board drift; here they stay still so the events are the ones a set causes.
  });
  after(async () => { await fixture.stop(); });
  beforeEach(() => { fixture.sim.writes.length = 0; });

  for (const c of cases) {
    it(c.name, async () => {
      client.send(c.command);
      if (c.event) {
        const { dev, circuit, expect } = c.event;
        const object = await nextDevice(client, (o) => o.dev === dev && o.circuit === circuit && Object.entries(expect).every(([k, v]) => JSON.stringify(o[k]) === JSON.stringify(v)));
        for (const [key, value] of Object.entries(expect)) assert.deepEqual(object[key], value, key);
      } else {
        await waitFor(() => fixture.sim.writes.length >= c.traffic.length, 'the writes');
      }
      assert.deepEqual(fixture.sim.writes, c.traffic);
      if (c.full) {
        const { dev, circuit, expect } = c.full;
        let object: DeviceObject | undefined;
        for (let attempt = 0; attempt < 20; attempt++) {
          client.send({ cmd: 'full', dev, circuit });
          const answer = await client.nextJson<DeviceObject | DeviceObject[]>();
          if (Array.isArray(answer)) continue;
          object = answer;
          if (Object.entries(expect).every(([k, v]) => JSON.stringify(object?.[k]) === JSON.stringify(v))) break;
          await new Promise((resolve) => setTimeout(resolve, 30));
        }
        for (const [key, value] of Object.entries(expect)) assert.deepEqual(object?.[key], value, key);
      }
    });
  }

  it('a timeout switches the output back and shows pending meanwhile', async () => {
    client.send({ cmd: 'set', dev: 'do', circuit: '1_02', value: { value: 1, timeout: 0.3 } });
    const on = await nextDevice(client, (o) => o.circuit === '1_02' && o.dev === 'relay' && o.value === 1);
    assert.equal(on.pending, true);
    const off = await nextDevice(client, (o) => o.circuit === '1_02' && o.dev === 'relay' && o.value === 0);
    assert.equal(off.pending, false);
    assert.deepEqual(fixture.sim.writes, [{ unit: 1, fc: 5, address: 1, value: 1 }, { unit: 1, fc: 5, address: 1, value: 0 }]);
  });
});
