import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { GatewayEndpoint } from '../../../lib/server';
import { TagSpace } from '../../../lib/tags';
import { waitFor } from '../../support/wait';
import { TestClient } from '../../support/ws-client';
import { nextDevice, startEvok, type DeviceObject, type EvokFixture } from './evok-fixture';
import { createEvokDialect } from '../../../lib/dialects/evok';

describe('evok dialect', () => {
  let fixture: EvokFixture | undefined;
  afterEach(async () => { await fixture?.stop(); fixture = undefined; });

  it('answers all with every device, ordered by type, in the seed shape and Python JSON text', async () => {
    fixture = await startEvok();
    const client = await fixture.open();
    client.send({ cmd: 'all' });
    const text = await client.nextText();
    const all = JSON.parse(text) as DeviceObject[];
    const kinds = all.map((o) => `${o.dev}${o.relay_type ? `/${String(o.relay_type)}` : ''}`);
    const firstOf = (kind: string) => kinds.indexOf(kind);
    assert.ok(firstOf('relay/physical') < firstOf('relay/digital') && firstOf('relay/digital') < firstOf('input') && firstOf('input') < firstOf('ai') &&
      firstOf('ai') < firstOf('ao') && firstOf('ao') < firstOf('led') && firstOf('led') < firstOf('wd') && firstOf('wd') < firstOf('register'));
    assert.equal(all.filter((o) => o.dev === 'ai').length, 9);
    assert.ok(text.includes('{"dev": "relay", "relay_type": "digital", "circuit": "1_01", "value": 0, "pending": false, "mode": "Simple", "modes": ["Simple", "PWM"], "glob_dev_id": 1, "pwm_freq": 4800.0, "pwm_duty": 0}'));
    assert.ok(text.includes('{"dev": "relay", "relay_type": "physical", "circuit": "2_01", "value": 0, "pending": false, "mode": "Simple", "modes": ["Simple"], "glob_dev_id": 2}'));
    assert.ok(text.includes('{"dev": "ai", "circuit": "1_01", "value": 8.703, "unit": "V", "glob_dev_id": 1, "mode": "Voltage", "modes": {"Voltage": {"value": 0, "unit": "V", "range": [0, 10]}, "Current": {"value": 1, "unit": "mA", "range": [0, 20]}}, "range": [0, 10]}'));
    assert.ok(text.includes('{"dev": "ao", "circuit": "2_03", "mode": "Voltage", "modes": {"Voltage": {"unit": "V", "range": [0, 10]}}, "glob_dev_id": 2, "value": 0.0, "unit": "V", "range": [0, 10]}'));
    assert.ok(text.includes('{"dev": "input", "circuit": "1_01", "value": 0, "debounce": 50, "counter_modes": ["Enabled", "Disabled"], "counter_mode": "Enabled", "counter": 0, "mode": "Simple", "modes": ["Simple", "DirectSwitch"], "glob_dev_id": 1}'));
    assert.ok(text.includes('{"dev": "wd", "circuit": "1_01", "value": 0, "timeout": 5000, "was_wd_reset": 0, "nv_save": 0, "glob_dev_id": 1}'));
    assert.ok(text.includes('{"dev": "led", "circuit": "1_01", "value": 0, "glob_dev_id": 1}'));
    assert.ok(text.includes('{"dev": "register", "circuit": "1_1000", "value": 0, "glob_dev_id": 1}'));
  });

  it('sends nothing on open, pushes one array per poll cycle, and full answers the bare object', async () => {
    fixture = await startEvok();
    const client = await fixture.open();
    assert.equal(await client.silentFor(150), true);
    fixture.sim.setDigitalInput(3, 2, true);
    const frame = await client.nextJson<DeviceObject[]>();
    assert.deepEqual(frame.map((o) => `${o.dev} ${o.circuit}`), ['input 3_02']);
    assert.equal(frame[0].value, 1);
    assert.equal(frame[0].counter, 1);
    client.send({ cmd: 'full', dev: 'di', circuit: '3_02' });
    const full = await client.nextJson<DeviceObject>();
    assert.equal(Array.isArray(full), false);
    assert.equal(full.dev, 'input');
    assert.equal(full.value, 1);
  });

  it('cuts each pushed array per client filter, by canonical type, across several clients', async () => {
    fixture = await startEvok();
    const everything = await fixture.open();
    const relayAo = await fixture.open();
    const inputs = await fixture.open();
    const nothing = await fixture.open();
    const keeps = await fixture.open();
    relayAo.send({ cmd: 'filter', devices: ['relay', 'ao'] });
    inputs.send({ cmd: 'filter', devices: ['input', 'bogus'] });
    nothing.send({ cmd: 'filter', devices: [] });
    keeps.send({ cmd: 'filter', devices: ['di'] });
    keeps.send({ cmd: 'filter', devices: ['bogus'] });
    // Four filters taken; the all-unknown one is refused (an ERROR to flows, no answer to the client).
    await fixture.handled('filter', 4);
    await waitFor(() => fixture!.deliveries.some((d) => d.hook === 'ERROR'), 'the refused filter');
    // One poll cycle sees a relay, a DI and an AO change on unit 2.
    fixture.sim.setRegister(2, 1, 0b1);
    fixture.sim.setRegister(2, 0, 0b1);
    fixture.sim.setRegister(2, 2, 400);
    const all = await everything.nextJson<DeviceObject[]>();
    assert.deepEqual(all.map((o) => `${o.dev} ${o.circuit}`), ['relay 2_01', 'input 2_01', 'ao 2_01']);
    assert.deepEqual((await relayAo.nextJson<DeviceObject[]>()).map((o) => `${o.dev} ${o.circuit}`), ['relay 2_01', 'ao 2_01']);
    assert.deepEqual((await inputs.nextJson<DeviceObject[]>()).map((o) => `${o.dev} ${o.circuit}`), ['input 2_01']);
    assert.deepEqual((await keeps.nextJson<DeviceObject[]>()).map((o) => `${o.dev} ${o.circuit}`), ['input 2_01'], 'an all-unknown filter keeps the old one');
    assert.equal(await nothing.silentFor(150), true);
    // Digital outputs are relays by canonical type; "output" means digital outputs only.
    relayAo.send({ cmd: 'filter', devices: ['output'] });
    inputs.send({ cmd: 'filter', devices: ['default', 'ro'] });
    await fixture.handled('filter', 6);
    everything.send({ cmd: 'set', dev: 'output', circuit: '1_02', value: 1 });
    fixture.sim.setRegister(3, 1, 0b10);
    assert.equal((await nextDevice(relayAo, (o) => o.circuit === '1_02')).relay_type, 'digital');
    const seen = new Set<string>();
    for (let i = 0; i < 2; i++) for (const o of await inputs.nextJson<DeviceObject[]>()) seen.add(`${o.dev} ${o.circuit}`);
    assert.ok(seen.has('relay 1_02') && seen.has('relay 3_02'), 'default in first place means everything');
    assert.equal(await relayAo.silentFor(150), true, 'the physical relay 3_02 is no "output"');
  });

  // A push encodes each device object once and joins the bytes per filter: the text every client receives
  // must stay exactly what encoding its own array writes, here checked against `full` of each device.
  it('gives every client of a push exactly the text of its own cut, shared by clients of the same filter', async () => {
    fixture = await startEvok();
    const everything = await fixture.open();
    const relayAo = await fixture.open();
    const inputs = await fixture.open();
    const sameAsInputs = await fixture.open();
    const asker = await fixture.open();
    relayAo.send({ cmd: 'filter', devices: ['relay', 'ao'] });
    inputs.send({ cmd: 'filter', devices: ['input'] });
    sameAsInputs.send({ cmd: 'filter', devices: ['di'] });
    asker.send({ cmd: 'filter', devices: [] });
    await fixture.handled('filter', 4);
    fixture.sim.setRegister(2, 1, 0b1);
    fixture.sim.setRegister(2, 0, 0b1);
    fixture.sim.setRegister(2, 2, 400);
    const texts = await Promise.all([everything, relayAo, inputs, sameAsInputs].map((client) => client.nextText()));
    const cuts = texts.map((text) => (JSON.parse(text) as DeviceObject[]).map((o) => `${o.dev} ${o.circuit}`));
    assert.deepEqual(cuts, [['relay 2_01', 'input 2_01', 'ao 2_01'], ['relay 2_01', 'ao 2_01'], ['input 2_01'], ['input 2_01']]);
    for (const text of texts) {
      const fulls: string[] = [];
      for (const o of JSON.parse(text) as DeviceObject[]) {
        asker.send({ cmd: 'full', dev: o.dev, circuit: o.circuit });
        fulls.push(await asker.nextText());
      }
      assert.equal(text, `[${fulls.join(', ')}]`);
    }
  });

  it('drops every bad input of evok.md: nothing written, connection open, error frame only when asked, ERROR hooks', async () => {
    for (const evokErrors of [false, true]) {
      fixture = await startEvok({ evokErrors });
      const client = await fixture.open();
      client.send({ cmd: 'set', dev: 'do', circuit: '1_04', value: { alias: 'pump' } });
      await nextDevice(client, (o) => o.alias === 'pump');
      const bad: Array<string | object | Buffer> = [
        '{not json', '42', '"x"', '[]', 'null',
        { dev: 'do', circuit: '1_01', value: 1 },
        { cmd: 'toggle', dev: 'do', circuit: '1_01' },
        { cmd: 'set', circuit: '1_01', value: 1 },
        { cmd: 'set', dev: 'do', value: 1 },
        { cmd: 'set', dev: 'lamp', circuit: '1_01', value: 1 },
        { cmd: 'set', dev: 'do', circuit: '9_99', value: 1 },
        { cmd: 'set', dev: 'ro', circuit: 'pump', value: 1 },
        { cmd: 'set', dev: 'do', circuit: '1_01', value: 'on' },
        { cmd: 'set', dev: 'do', circuit: '1_01', value: '1.0' },
        { cmd: 'set', dev: 'do', circuit: '1_01', value: 2 },
        { cmd: 'set', dev: 'do', circuit: '1_01', value: [1] },
        { cmd: 'set', dev: 'ao', circuit: '2_01', value: 'abc' },
        { cmd: 'set', dev: 'ao', circuit: '2_01', value: 12 },
        { cmd: 'set', dev: 'ao', circuit: '1_01', value: -1 },
        { cmd: 'set', dev: 'ai', circuit: '2_01', value: 'Bogus' },
        { cmd: 'set', dev: 'di', circuit: '1_01', mode: 'Fast' },
        { cmd: 'set', dev: 'di', circuit: '1_01', counter: -5 },
        { cmd: 'set', dev: 'do', circuit: '1_01', value: { value: 1, pwm_duty: 50 } },
        { cmd: 'set', dev: 'do', circuit: '1_01', value: { pwm_duty: 150 } },
        { cmd: 'set', dev: 'do', circuit: '1_01', timeout: 5 },
        { cmd: 'set', dev: 'ro', circuit: '2_01', value: { value: 1, pwm_duty: 50 } },
        { cmd: 'set', dev: 'ro', circuit: '2_01', pwm_duty: 50 },
        { cmd: 'set', dev: 'register', circuit: '1_1000', value: 70000 },
        { cmd: 'set', dev: 'wd', circuit: '1_01', value: { timeout: 70000 } },
        { cmd: 'set', dev: 'do', circuit: '1_02', value: { alias: 'pump' } },
        { cmd: 'set', dev: 'do', circuit: '1_02', value: { alias: 'bad alias!' } },
        { cmd: 'full', dev: 'do', circuit: '7_01' },
        { cmd: 'filter', devices: ['bogus'] },
        { cmd: 'filter', devices: 'ro' },
        { cmd: 'filter' },
        Buffer.from([1, 2, 3]),
      ];
      fixture.sim.writes.length = 0;
      const errorsBefore = fixture.deliveries.filter((d) => d.hook === 'ERROR').length;
      for (const frame of bad) client.ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
      if (evokErrors) {
        const answers: Array<{ error: string; request: unknown }> = [];
        for (let i = 0; i < bad.length; i++) answers.push(await client.nextJson());
        assert.ok(answers.every((a) => typeof a.error === 'string' && a.error.length > 0));
        assert.deepEqual(answers[12].request, { cmd: 'set', dev: 'do', circuit: '1_01', value: 'on' });
        assert.match(answers[12].error, /neither/);
        assert.match(answers[11].error, /no ro with circuit or alias "pump"/);
        assert.match(answers[6].error, /unknown cmd "toggle"/);
      } else {
        assert.equal(await client.silentFor(200), true, 'EVOK answers nothing');
      }
      await waitFor(() => fixture!.deliveries.filter((d) => d.hook === 'ERROR').length - errorsBefore === bad.length, 'one ERROR event per bad frame');
      const errors = fixture.deliveries.filter((d) => d.hook === 'ERROR').slice(errorsBefore);
      assert.ok(errors.every((d) => typeof (d.payload as { message: string }).message === 'string'));
      assert.deepEqual(fixture.sim.writes, [], 'nothing written');
      client.send({ cmd: 'full', dev: 'do', circuit: 'pump' });
      assert.equal((await client.nextJson<DeviceObject>()).circuit, '1_04', 'the connection is open and the alias unchanged');
      await fixture.stop();
      fixture = undefined;
    }
  });

  it('a unit that goes away: no events for it, a write meanwhile fails and is not replayed, recovery', async () => {
    fixture = await startEvok({ evokErrors: true });
    const client = await fixture.open();
    fixture.sim.setOffline(2, 'exception');
    await waitFor(() => fixture!.gateway.unitStatus(2)?.reachable === false, 'unit 2 away');
    fixture.sim.setRegister(2, 0, 0b1111);
    client.send({ cmd: 'set', dev: 'relay', circuit: '2_01', value: 1 });
    const failure = await client.nextJson<{ error: string; request: unknown }>();
    // Exception 11: the gateway's target did not answer, so it may have got the write: outcome unknown.
    assert.match(failure.error, /set ro 2_01 outcome unknown: .*exception 11/);
    const error = fixture.deliveries.find((d) => d.hook === 'ERROR');
    assert.match((error?.payload as { message: string }).message, /failed/);
    assert.equal(error?.message?.type, 'set');
    assert.equal(await client.silentFor(200), true, 'no events while away');
    fixture.sim.setOffline(2, undefined);
    const back = await client.nextJson<DeviceObject[]>(3000);
    const polledBack = fixture.gateway.cyclesOf(2);
    assert.deepEqual(back.map((o) => `${o.dev} ${o.circuit} ${String(o.value)}`), ['input 2_01 1', 'input 2_02 1', 'input 2_03 1', 'input 2_04 1']);
    // Three more poll cycles of the unit: a replay would have gone out with the first.
    await waitFor(() => fixture!.gateway.cyclesOf(2) >= polledBack + 3, 'three more cycles of unit 2');
    assert.deepEqual(fixture.sim.writes, [], 'the failed write was not replayed');
    client.send({ cmd: 'set', dev: 'relay', circuit: '2_01', value: 1 });
    assert.equal((await nextDevice(client, (o) => o.circuit === '2_01' && o.dev === 'relay')).value, 1);
  });

  it('speaks the v3 and v2 shapes when asked', async () => {
    fixture = await startEvok({ evokShapes: 'v3' });
    let client = await fixture.open();
    client.send({ cmd: 'all' });
    let all = await client.nextJson<DeviceObject[]>();
    assert.deepEqual(all.find((o) => o.circuit === '1_01' && o.dev === 'do'), { dev: 'do', circuit: '1_01', value: 0, pending: false, mode: 'Simple', modes: ['Simple', 'PWM'], pwm_freq: 4800, pwm_duty: 0 });
    assert.deepEqual(all.find((o) => o.circuit === '2_01' && o.dev === 'ro'), { dev: 'ro', circuit: '2_01', value: 0 });
    assert.ok(all.some((o) => o.dev === 'di') && !all.some((o) => 'glob_dev_id' in o));
    // EVOK 3 matches a filter against the emitted names exactly (canonical matching was wrong for v3).
    client.send({ cmd: 'filter', devices: ['input', 'di'] });
    await fixture.handled('filter', 1);
    fixture.sim.setDigitalInput(1, 1, true);
    assert.equal((await nextDevice(client, () => true)).dev, 'di', '"di" gets di');
    await fixture.stop();
    fixture = await startEvok({ evokShapes: 'v2' });
    client = await fixture.open();
    client.send({ cmd: 'all' });
    all = await client.nextJson<DeviceObject[]>();
    assert.deepEqual(all.find((o) => o.dev === 'ai' && o.circuit === '2_01')?.modes, ['Disabled', 'Voltage10', 'Voltage2V5', 'Current20m', 'Resistance3W', 'Resistance2W']);
    assert.equal(all.find((o) => o.circuit === '1_01' && o.dev === 'input')?.glob_dev_id, 1);
  });

  it('pushes register changes only with registerEvents', async () => {
    fixture = await startEvok({ registerEvents: true });
    const client = await fixture.open();
    client.send({ cmd: 'filter', devices: ['register'] });
    await fixture.handled('filter', 1);
    client.send({ cmd: 'set', dev: 'register', circuit: '2_1000', value: 7 });
    const object = await nextDevice(client, (o) => o.circuit === '2_1000');
    assert.equal(object.value, 7);
    await fixture.stop();
    fixture = await startEvok();
    const quiet = await fixture.open();
    quiet.send({ cmd: 'filter', devices: ['register'] });
    await fixture.handled('filter', 1);
    quiet.send({ cmd: 'set', dev: 'register', circuit: '2_1000', value: 7 });
    assert.equal(await quiet.silentFor(200), true);
  });

  it('serves REST beside the WebSocket and removes the routes on close', async () => {
    fixture = await startEvok();
    const base = fixture.base;
    const all = await (await fetch(`${base}/rest/all`)).json() as DeviceObject[];
    assert.ok(all.length > 50);
    const one = await fetch(`${base}/rest/relay/2_01`);
    assert.equal(one.status, 200);
    assert.equal(((await one.json()) as DeviceObject).relay_type, 'physical');
    assert.deepEqual(await (await fetch(`${base}/rest/ai/1_01/unit`)).json(), { unit: 'V' });
    const posted = await fetch(`${base}/rest/relay/2_05`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'value=1' });
    assert.deepEqual(await posted.json(), { success: true, result: { dev: 'relay', relay_type: 'physical', circuit: '2_05', value: 1, pending: false, mode: 'Simple', modes: ['Simple'], glob_dev_id: 2 } });
    assert.deepEqual(fixture.sim.writes, [{ unit: 2, fc: 5, address: 4, value: 1 }]);
    const json = await fetch(`${base}/json/ao/2_02`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"value": 2.5}' });
    assert.equal(((await json.json()) as { result: DeviceObject }).result.value, 2.5);
    const missing = await fetch(`${base}/rest/relay/9_99`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { success: false, errors: { Exception: 'no relay with circuit or alias "9_99"' } });
    const invalid = await fetch(`${base}/rest/relay/2_05`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'value=on' });
    assert.equal(invalid.status, 404);
    assert.match(JSON.stringify(await invalid.json()), /ValidationError/);
    assert.equal((await fetch(`${base}/rest/relay/2_01/_secret`)).status, 404);
    assert.equal(fixture.handlers.length, 1);
    await fixture.endpoint.close();
    assert.equal(fixture.handlers.length, 0, 'the REST routes are gone with the endpoint');
  });

  it('without a Modbus connection: warns once, answers all with [] and refuses every set', async () => {
    const warnings: string[] = [];
    const endpoint = new GatewayEndpoint({
      id: 'bare', listen: { kind: 'port', host: '127.0.0.1', port: 0 }, dialect: createEvokDialect, dialectOptions: { evokErrors: true },
      log: { info() {}, warn: (text) => warnings.push(text), error: (text) => warnings.push(text) },
    }, new TagSpace());
    await endpoint.start();
    try {
      assert.ok(warnings.some((w) => /no ws-gateway-modbus/.test(w)));
      const client = await TestClient.open(`ws://127.0.0.1:${endpoint.port}/`);
      client.send({ cmd: 'all' });
      assert.deepEqual(await client.nextJson(), []);
      client.send({ cmd: 'set', dev: 'do', circuit: '1_01', value: 1 });
      assert.match((await client.nextJson<{ error: string }>()).error, /no do with circuit/);
      await client.close();
    } finally {
      await endpoint.close();
    }
  });

  it('protects REST like the WebSocket when the server requires a token', async () => {
    fixture = await startEvok({}, { kind: 'token', token: 'secret-token' });
    const refused = await fetch(`${fixture.base}/rest/all`);
    assert.equal(refused.status, 401);
    assert.deepEqual(await refused.json(), { success: false, errors: { AuthenticationError: 'authentication required' } });
    const posted = await fetch(`${fixture.base}/rest/relay/2_01`, { method: 'POST', body: 'value=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(posted.status, 401);
    assert.deepEqual(fixture.sim.writes, []);
    const allowed = await fetch(`${fixture.base}/rest/relay/2_01`, { headers: { Authorization: 'Bearer secret-token' } });
    assert.equal(allowed.status, 200);
  });
});
