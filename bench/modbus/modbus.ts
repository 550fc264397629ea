/**
 * Modbus bench (npm run bench:modbus): what block planning saves on the bus, how many poll cycles a
 * line reaches, and how long a change takes from the device to 50 EVOK clients. Everything runs
 * against the Neuron L533 simulator on loopback; each figure is printed with its baseline measured in
 * the same run, so the ratios mean something on any machine.
 */
import { performance } from 'node:perf_hooks';
import WebSocket = require('ws');
import { NeuronSimulator } from '../../demo/modbus/neuron-simulator';
import { expandProfile, ModbusGateway, ModbusLine, planBlocks, pointWidth, requestsPerCycle, type Circuit, type UnitConfig } from '../../lib/modbus';
import { isProduct, loadShippedProfile } from '../../lib/modbus/profile';
import { GatewayEndpoint } from '../../lib/server';
import { TagSpace } from '../../lib/tags';
import { percentile } from '../support/percentile';
import { writeBenchResult } from '../support/result';
import { createEvokDialect } from '../../lib/dialects/evok';

const RUN_MS = Number(process.env.BENCH_MS ?? 3000);
const CLIENTS = 50;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 150);

function l533(): UnitConfig[] {
  const product = loadShippedProfile('neuron-l533');
  if (!isProduct(product)) throw new Error('neuron-l533 is no product');
  return product.units.map(({ unit, profile }) => {
    const board = loadShippedProfile(profile);
    if (isProduct(board)) throw new Error(`${profile} is no board`);
    return { unit, profile: board };
  });
}

/** Planned reads per cycle vs one read per circuit property (what a poller without planning sends). */
function requestCounts(units: UnitConfig[]): { planned: number; naivePerCircuit: number; naivePerDevice: number; naivePerProperty: number } {
  let planned = 0;
  let naivePerCircuit = 0;
  let naivePerDevice = 0;
  let naivePerProperty = 0;
  for (const { unit, profile } of units) {
    const circuits = expandProfile(profile, unit);
    planned += requestsPerCycle(planBlocks(unit, circuits, profile));
    naivePerCircuit += circuits.length;
    naivePerDevice += circuits.filter((c) => c.kind !== 'register').length;
    naivePerProperty += circuits.reduce((sum, c) => sum + Object.values(c.points).reduce((s, p) => s + 1 / p.rate, 0), 0);
  }
  return { planned, naivePerCircuit, naivePerDevice, naivePerProperty };
}

/** Poll cycles per second of the real poller (interval 0: as fast as the line answers). */
async function plannedCycles(port: number, units: UnitConfig[]): Promise<{ cyclesPerSecond: number; requestsPerCycle: number }> {
  const gateway = new ModbusGateway({ line: { transport: { kind: 'tcp', host: '127.0.0.1', port }, timeoutMs: 1000 }, units, pollIntervalMs: 0 });
  gateway.start();
  await new Promise<void>((done) => gateway.line.once('status', () => done()));
  const startCycles = (): number => units.reduce((sum, u) => sum + gateway.cyclesOf(u.unit), 0);
  await new Promise((done) => setTimeout(done, 200));
  const c0 = startCycles();
  const r0 = gateway.line.requestCount;
  const t0 = performance.now();
  await new Promise((done) => setTimeout(done, RUN_MS));
  const cycles = (startCycles() - c0) / units.length;
  const requests = gateway.line.requestCount - r0;
  const seconds = (performance.now() - t0) / 1000;
  await gateway.close();
  return { cyclesPerSecond: cycles / seconds, requestsPerCycle: requests / cycles };
}

/** The baseline: every cycle reads every circuit's properties one request each, on the same line. */
async function naiveCycles(port: number, units: UnitConfig[]): Promise<{ cyclesPerSecond: number; requestsPerCycle: number }> {
  const line = new ModbusLine({ transport: { kind: 'tcp', host: '127.0.0.1', port }, timeoutMs: 1000 });
  line.start();
  await new Promise<void>((done) => line.once('status', () => done()));
  const circuits: Circuit[] = units.flatMap(({ unit, profile }) => expandProfile(profile, unit));
  let cycles = 0;
  const t0 = performance.now();
  const r0 = line.requestCount;
  while (performance.now() - t0 < RUN_MS) {
    await Promise.all(circuits.flatMap((c) => Object.values(c.points).filter((p) => cycles % p.rate === 0).map((p) => line.read(c.unit, p.table, p.address, pointWidth(p)))));
    cycles++;
  }
  const seconds = (performance.now() - t0) / 1000;
  const requests = line.requestCount - r0;
  await line.close();
  return { cyclesPerSecond: cycles / seconds, requestsPerCycle: requests / cycles };
}

/** Time from a DI change in the device to its event at every one of `clients` EVOK clients. */
async function changeLatency(sim: NeuronSimulator, port: number, units: UnitConfig[], clients: number, pollIntervalMs: number): Promise<number[]> {
  const gateway = new ModbusGateway({ line: { transport: { kind: 'tcp', host: '127.0.0.1', port }, timeoutMs: 1000 }, units, pollIntervalMs });
  gateway.start();
  await new Promise((done) => setTimeout(done, 300));
  const endpoint = new GatewayEndpoint({ id: 'bench', listen: { kind: 'port', host: '127.0.0.1', port: 0 }, dialect: createEvokDialect, sources: { modbus: gateway }, limits: { maxClients: clients + 10 } }, new TagSpace());
  await endpoint.start();
  const sockets: WebSocket[] = [];
  let waiting = 0;
  let expected = -1;
  let t0 = 0;
  const latencies: number[] = [];
  let release: (() => void) | undefined;
  for (let i = 0; i < clients; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${endpoint.port}/`);
    await new Promise((done) => ws.once('open', done));
    ws.send(JSON.stringify({ cmd: 'filter', devices: ['input'] }));
    ws.on('message', (data: Buffer) => {
      const devices = JSON.parse(data.toString()) as Array<{ circuit: string; value: number }>;
      if (devices.some((d) => d.circuit === '1_01' && d.value === expected)) {
        latencies.push(performance.now() - t0);
        if (--waiting === 0) release?.();
      }
    });
    sockets.push(ws);
  }
  await new Promise((done) => setTimeout(done, 200));
  for (let sample = 0; sample < SAMPLES; sample++) {
    expected = sample % 2 === 0 ? 1 : 0;
    waiting = clients;
    const all = new Promise<void>((done) => { release = done; });
    // A random phase against the poll cycle, as real changes have.
    await new Promise((done) => setTimeout(done, Math.random() * pollIntervalMs));
    t0 = performance.now();
    sim.setDigitalInput(1, 1, expected === 1);
    await all;
  }
  for (const ws of sockets) ws.close();
  await endpoint.close();
  await gateway.close();
  return latencies;
}

async function main(): Promise<void> {
  const sim = new NeuronSimulator({ port: 0 });
  const port = await sim.start();
  const units = l533();
  const counts = requestCounts(units);
  const naive = await naiveCycles(port, units);
  const planned = await plannedCycles(port, units);
  const lat1 = await changeLatency(sim, port, units, 1, 20);
  const lat50 = await changeLatency(sim, port, units, CLIENTS, 20);
  const lat50slow = await changeLatency(sim, port, units, CLIENTS, 100);
  await sim.stop();

  const f = (n: number, d = 1): string => n.toFixed(d);
  const lines = [
    'Modbus bench: Unipi Neuron L533 profile (3 units) against the simulator on loopback',
    '',
    'requests per poll cycle (all 3 units, averaged over the rates)',
    `  planned blocks            ${f(counts.planned, 2)}   measured ${f(planned.requestsPerCycle, 2)}`,
    `  naive, one per circuit    ${f(counts.naivePerCircuit, 0)}   (x${f(counts.naivePerCircuit / counts.planned)}; without the raw register circuits ${f(counts.naivePerDevice, 0)}, x${f(counts.naivePerDevice / counts.planned)})`,
    `  naive, one per property   ${f(counts.naivePerProperty, 1)}   measured ${f(naive.requestsPerCycle, 1)} (x${f(naive.requestsPerCycle / planned.requestsPerCycle)})`,
    '',
    `poll cycles per second per unit, poll interval 0, ${RUN_MS} ms each`,
    `  planned                   ${f(planned.cyclesPerSecond)}`,
    `  naive (baseline)          ${f(naive.cyclesPerSecond)}   planned/naive x${f(planned.cyclesPerSecond / naive.cyclesPerSecond)}`,
    '',
    `change-to-client latency, DI 1_01 toggled ${SAMPLES} times (ms)`,
    `  1 client,   poll 20 ms    p50 ${f(percentile(lat1, 50))}  p99 ${f(percentile(lat1, 99))}`,
    `  ${CLIENTS} clients, poll 20 ms    p50 ${f(percentile(lat50, 50))}  p99 ${f(percentile(lat50, 99))}   p50 vs 1 client x${f(percentile(lat50, 50) / percentile(lat1, 50), 2)}`,
    `  ${CLIENTS} clients, poll 100 ms   p50 ${f(percentile(lat50slow, 50))}  p99 ${f(percentile(lat50slow, 99))}`,
  ];
  console.log(lines.join('\n'));
  writeBenchResult('modbus', [
    { path: 'modbus poll cycles per unit, planned blocks', unit: 'cycles/s', figure: planned.cyclesPerSecond, baselineName: 'one read per property', baseline: naive.cyclesPerSecond, higherIsBetter: true },
    { path: `modbus change -> ${CLIENTS} EVOK clients p50`, unit: 'ms', figure: percentile(lat50, 50), baselineName: '1 client', baseline: percentile(lat1, 50), higherIsBetter: false },
  ], { counts, planned, naive, latency: {
    oneClient20ms: { p50: percentile(lat1, 50), p99: percentile(lat1, 99) },
    fiftyClients20ms: { p50: percentile(lat50, 50), p99: percentile(lat50, 99) },
    fiftyClients100ms: { p50: percentile(lat50slow, 50), p99: percentile(lat50slow, 99) },
  } });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
