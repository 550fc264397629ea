import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ModbusGateway, ModbusTagSource, type CycleChanges, type ReadRequest, type UnitStatus, type WriteRequest } from '../../../lib/modbus';
import { TagSpace, type TagValue } from '../../../lib/tags';
import { NeuronSimulator } from '../../../demo/modbus/neuron-simulator';
import { productUnits, startNeuron } from '../../support/modbus';
import { waitFor } from '../../support/wait';
import { startRtuBridge } from '../../support/rtu-over-tcp-bridge';

/** Resolves after `count` more completed poll cycles of `unit` (the gateway's 'cycle' event). */
function pollCycles(gateway: ModbusGateway, unit: number, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const listener = (polled: number): void => {
      if (polled !== unit || ++seen < count) return;
      gateway.off('cycle', listener);
      resolve();
    };
    gateway.on('cycle', listener);
  });
}

/** Resolves after `count` more requests to `unit` on the line, answered or not (the line's 'request' event). */
function requests(gateway: ModbusGateway, unit: number, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const listener = (to: number): void => {
      if (to !== unit || ++seen < count) return;
      gateway.line.off('request', listener);
      resolve();
    };
    gateway.line.on('request', listener);
  });
}

describe('modbus gateway against the Neuron simulator', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => { for (const stop of stops.splice(0).reverse()) await stop(); });

  async function neuron(options = {}) {
    const started = await startNeuron(options);
    stops.push(started.stop);
    return started;
  }

  it('regression: simulators asked for any free port (0) get distinct ephemeral ports, not 502', async () => {
    const first = new NeuronSimulator({ port: 0 });
    const second = new NeuronSimulator({ port: 0 });
    stops.push(async () => { await first.stop(); await second.stop(); });
    const ports = [await first.start(), await second.start()];
    assert.notEqual(ports[0], ports[1]);
    assert.ok(ports.every((port) => port !== 502 && port > 1024), `ports ${ports.join(', ')}`);
  });

  it('reports every circuit once on start, then only what changed', async () => {
    const sim = new NeuronSimulator({ port: 0 });
    const port = await sim.start();
    const gateway = new ModbusGateway({ line: { transport: { kind: 'tcp', host: '127.0.0.1', port }, timeoutMs: 300 }, units: productUnits(), pollIntervalMs: 20 });
    stops.push(async () => { await gateway.close(); await sim.stop(); });
    const cycles: CycleChanges[] = [];
    gateway.on('changes', (c) => cycles.push(c));
    gateway.start();
    await waitFor(() => cycles.filter((c) => c.first).length === 3, 'first cycles');
    const first = cycles.find((c) => c.unit === 2 && c.first);
    assert.equal(first?.changes.length, gateway.circuits(2).length);
    cycles.length = 0;
    await Promise.all(gateway.unitIds.map((unit) => pollCycles(gateway, unit, 3)));
    assert.equal(cycles.length, 0, 'no changes, no reports');
    sim.setDigitalInput(2, 3, true);
    await waitFor(() => cycles.length > 0, 'the DI change');
    const changed = cycles[0].changes.find((c) => c.circuit.kind === 'di');
    assert.equal(changed?.circuit.id, '2_03');
    assert.deepEqual(changed?.points.sort(), ['counter', 'value']);
    assert.equal(gateway.value(changed!.circuit), 1);
    assert.equal(gateway.value(changed!.circuit, 'counter'), 1);
  });

  it('writes a coil, reads the state back from the status register', async () => {
    const { sim, gateway } = await neuron();
    const relay = gateway.circuits(3).find((c) => c.kind === 'ro' && c.id === '3_04')!;
    const seen: CycleChanges[] = [];
    gateway.on('changes', (c) => seen.push(c));
    await gateway.writePoint(relay, 'value', 1);
    assert.deepEqual(sim.writes, [{ unit: 3, fc: 5, address: 3, value: 1 }]);
    assert.equal(sim.register(3, 1), 0b1000);
    await waitFor(() => gateway.value(relay) === 1, 'read back');
    assert.ok(seen.some((c) => c.changes.some((x) => x.circuit === relay)));
  });

  it('sends writes ahead of queued polls, one request in flight', async () => {
    const { gateway } = await neuron({ pollIntervalMs: 0 });
    const order: Array<ReadRequest | WriteRequest> = [];
    gateway.line.on('request', (_unit, request) => order.push(request));
    const polls = Array.from({ length: 5 }, () => gateway.line.read(1, 'holding', 0, 2));
    const write = gateway.line.write(1, { fc: 6, address: 1010, value: 30 });
    await Promise.all([...polls, write]);
    const writeAt = order.findIndex((r) => r.fc === 6);
    const queuedPollsBefore = order.slice(0, writeAt).filter((r) => r.fc === 3 && r.address === 0 && (r as ReadRequest).count === 2).length;
    assert.ok(queuedPollsBefore <= 1, `the write waited behind ${queuedPollsBefore} of our polls`);
  });

  it('a unit that goes away: no reports, unreachable with the reason, a failed write is not replayed, recovery', async () => {
    const { sim, gateway } = await neuron();
    const units: UnitStatus[] = [];
    const cycles: CycleChanges[] = [];
    gateway.on('unit', (s) => units.push(s));
    gateway.on('changes', (c) => cycles.push(c));
    sim.setOffline(2, 'exception');
    await waitFor(() => units.some((u) => u.unit === 2 && !u.reachable), 'unit 2 unreachable');
    assert.match(units.find((u) => u.unit === 2)?.reason ?? '', /exception 11/);
    assert.equal(gateway.unitStatus(1)?.reachable, true);
    sim.setAnalogInput(2, 1, 4.5);
    const relay = gateway.circuits(2).find((c) => c.kind === 'ro')!;
    await assert.rejects(gateway.writePoint(relay, 'value', 1), /exception 11/);
    await requests(gateway, 2, 3);
    assert.equal(cycles.filter((c) => c.unit === 2).length, 0, 'no reports while away, though polled');
    const writesBefore = sim.writes.length;
    sim.setOffline(2, undefined);
    await waitFor(() => gateway.unitStatus(2)?.reachable === true, 'unit 2 back');
    await waitFor(() => cycles.some((c) => c.unit === 2), 'the change made while away');
    const ai = cycles.find((c) => c.unit === 2)!.changes.filter((c) => c.circuit.kind !== 'register').map((c) => `${c.circuit.kind} ${c.circuit.id}`);
    assert.deepEqual(ai, ['ai 2_01']);
    await pollCycles(gateway, 2, 3);
    assert.equal(sim.writes.length, writesBefore, 'the failed write was not replayed');
    assert.equal(sim.output(2, 'ro', 1), false);
  });

  it('a silent unit times out and the others keep being polled', async () => {
    const { sim, gateway } = await neuron();
    sim.setOffline(3, 'silent');
    await waitFor(() => gateway.unitStatus(3)?.reachable === false, 'unit 3 unreachable', 3000);
    assert.match(gateway.unitStatus(3)?.reason ?? '', /timeout/);
    const before = gateway.cyclesOf(1);
    await waitFor(() => gateway.cyclesOf(1) > before + 2, 'unit 1 still polled');
  });

  it('a line that drops reconnects with back-off; writes meanwhile fail at once', async () => {
    const sim = new NeuronSimulator({ port: 0 });
    const port = await sim.start();
    const gateway = new ModbusGateway({ line: { transport: { kind: 'tcp', host: '127.0.0.1', port }, timeoutMs: 300, reconnectMinMs: 50, reconnectMaxMs: 100 }, units: productUnits(), pollIntervalMs: 20, backoffMaxMs: 100 });
    let sim2: NeuronSimulator | undefined;
    stops.push(async () => { await gateway.close(); await sim.stop(); await sim2?.stop(); });
    const states: string[] = [];
    gateway.on('status', (s) => states.push(s.state));
    gateway.start();
    await waitFor(() => gateway.cyclesOf(1) > 0, 'polling');
    await sim.stop();
    await waitFor(() => gateway.line.status.state === 'unreachable', 'line down');
    const relay = gateway.circuits(2).find((c) => c.kind === 'ro')!;
    await assert.rejects(gateway.writePoint(relay, 'value', 1), /not connected/);
    sim2 = new NeuronSimulator({ port });
    await sim2.start();
    await waitFor(() => gateway.line.status.state === 'connected', 'reconnected', 3000);
    const cycles = gateway.cyclesOf(2);
    await waitFor(() => gateway.cyclesOf(2) > cycles, 'polling again', 3000);
    assert.deepEqual(sim2.writes, [], 'nothing replayed');
    assert.ok(states.includes('unreachable') && states.at(-1) === 'connected');
  });

  it('speaks RTU over TCP (a serial device server) with CRC-checked frames', async () => {
    const sim = new NeuronSimulator({ port: 0 });
    const port = await sim.start();
    const bridge = await startRtuBridge(port);
    const gateway = new ModbusGateway({ line: { transport: { kind: 'rtu-tcp', host: '127.0.0.1', port: bridge.port }, timeoutMs: 500 }, units: productUnits(), pollIntervalMs: 20 });
    stops.push(async () => { await gateway.close(); await bridge.close(); await sim.stop(); });
    gateway.start();
    await waitFor(() => gateway.unitIds.every((unit) => gateway.cyclesOf(unit) > 0), 'polling over RTU');
    const ai = gateway.circuits(1).find((c) => c.kind === 'ai')!;
    assert.equal(Math.round((gateway.value(ai) ?? 0) * 1000), 8703);
    const relay = gateway.circuits(2).find((c) => c.kind === 'ro' && c.id === '2_05')!;
    await gateway.writePoint(relay, 'value', 1);
    assert.deepEqual(sim.writes, [{ unit: 2, fc: 5, address: 4, value: 1 }]);
    await gateway.writePoint(gateway.circuits(1).find((c) => c.kind === 'ao')!, 'value', 2.5);
    assert.deepEqual(sim.writes[1], { unit: 1, fc: 16, address: 3000, values: [0, 0x4020] });
    await waitFor(() => gateway.value(relay) === 1, 'read back over RTU');
    assert.ok(bridge.frames > 5);
  });

  it('puts circuits into the tag space: read, write, subscribe, history, quality', async () => {
    const { sim, gateway } = await neuron();
    const space = new TagSpace();
    const source = new ModbusTagSource('modbus:test', gateway, 'neuron');
    space.addSource(source);
    assert.ok(space.has('neuron/ro/2_01'));
    assert.ok(space.has('neuron/di/1_02/counter'));
    assert.equal(space.info('neuron/ai/1_01')?.writable, false);
    assert.equal((await space.read('neuron/ai/1_01')).value, gateway.value(gateway.circuits(1).find((c) => c.kind === 'ai')!));
    const seen: TagValue[] = [];
    const subscription = space.subscribe('neuron/ro/2_01', (_name, value) => seen.push(value));
    await space.write('neuron/ro/2_01', true);
    assert.equal(sim.output(2, 'ro', 1), true);
    await waitFor(() => seen.some((v) => v.value === true), 'subscribed change');
    await space.write('neuron/ao/2_02', 5);
    assert.equal(sim.register(2, 3), 2000);
    await assert.rejects(space.write('neuron/ai/1_01', 1), /read-only/);
    await assert.rejects(space.write('neuron/ao/2_02', 'abc'), /number/);
    const history = await space.history('neuron/ro/2_01', 0, Date.now() + 1, 10);
    assert.ok(history.some((v) => v.value === true));
    sim.setOffline(2, 'exception');
    await waitFor(() => seen.some((v) => v.quality === 'bad'), 'bad quality');
    subscription.close();
    space.removeSource('modbus:test');
  });
});
