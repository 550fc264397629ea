// `npm run bench:mqtt`: what the MQTT bridge costs, beside MQTT.js itself, both through the same Mosquitto
// in the same run on this machine (the ratios, not the absolute numbers, are the result).
//
//  bridge: instance A (its own process: a tag space, a flow tag, an MqttBridge publishing) -> Mosquitto ->
//          instance B (this process: an MqttBridge importing into a tag space, the winccoa dialect) ->
//          BENCH_CLIENTS WebSocket clients with a DpConnect on the tag;
//  direct: an MQTT.js publisher (its own process) -> Mosquitto -> one MQTT.js subscriber here.
//
// Figures: changes per second (a burst of BENCH_CHANGES as fast as the publisher goes, until the last
// change reached the receivers) and latency (BENCH_PACED changes, one every 5 ms, send time carried in
// the value; median and p99), each the median of BENCH_ROUNDS interleaved rounds.
// Environment: BENCH_CLIENTS (10), BENCH_CHANGES (5000), BENCH_PACED (400), BENCH_ROUNDS (3).
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { connect } from 'mqtt';
import WebSocket = require('ws');
import { MqttBridge } from '../../lib/mqtt';
import { GatewayEndpoint } from '../../lib/server';
import { TagSpace } from '../../lib/tags';
import { startBroker } from '../../test/support/mosquitto';
import { createWinccoaDialect } from '../../lib/dialects/winccoa';
import { writeBenchResult } from '../support/result';

const clientCount = Number(process.env.BENCH_CLIENTS ?? 10);
const changes = Number(process.env.BENCH_CHANGES ?? 5000);
const paced = Number(process.env.BENCH_PACED ?? 400);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const PREFIX = 'bench/uns';
const now = (): number => performance.timeOrigin + performance.now();

interface Figures {
  changesPerSecond: number;
  latencyMedianMs: number;
  latencyP99Ms: number;
}

/** A receiver: calls `onValue` with each value (a send time) it gets. */
type Receiver = (onValue: (value: number) => void) => void;

function startPublisher(mode: 'bridge' | 'direct', url: string): Promise<ChildProcess> {
  const child = fork(join(__dirname, 'publisher.js'), [mode, url, PREFIX], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`publisher ${mode} exited with ${code}`)));
  });
}

/** Sends `count` values and waits until every receiver got the last of them (or all of them, counted). */
async function run(publisher: ChildProcess, receive: Receiver, receivers: number, count: number, pauseMs: number): Promise<{ seconds: number; latencies: number[]; received: number }> {
  const latencies: number[] = [];
  let received = 0;
  let lastAt = 0;
  let sentAll = false;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => { finish = resolve; });
  const started = now();
  receive((value) => {
    received++;
    lastAt = now();
    latencies.push(lastAt - value);
    if (received === receivers * count) finish();
  });
  publisher.once('message', () => { sentAll = true; });
  publisher.send({ send: count, pauseMs });
  // QoS 0 may drop under overload: stop waiting once nothing came for a second after the last send.
  const idle = setInterval(() => { if (sentAll && now() - lastAt > 1000) finish(); }, 100);
  await finished;
  clearInterval(idle);
  return { seconds: (lastAt - started) / 1000, latencies, received };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

async function measure(mode: 'bridge' | 'direct', url: string, receive: Receiver, receivers: number): Promise<Figures> {
  const publisher = await startPublisher(mode, url);
  // Warm-up, then a burst for throughput and a paced run for latency.
  await run(publisher, receive, receivers, 200, 0);
  const burst = await run(publisher, receive, receivers, changes, 0);
  const slow = await run(publisher, receive, receivers, paced, 5);
  publisher.kill();
  const delivered = burst.received / receivers;
  if (delivered < changes) console.log(`  (${mode}: ${changes - Math.round(delivered)} of ${changes} changes not delivered in the burst: QoS 0 under overload)`);
  return { changesPerSecond: delivered / burst.seconds, latencyMedianMs: percentile(slow.latencies, 0.5), latencyP99Ms: percentile(slow.latencies, 0.99) };
}

function medianFigures(all: Figures[]): Figures {
  const median = (pick: (figures: Figures) => number): number => percentile(all.map(pick), 0.5);
  return { changesPerSecond: median((f) => f.changesPerSecond), latencyMedianMs: median((f) => f.latencyMedianMs), latencyP99Ms: median((f) => f.latencyP99Ms) };
}

async function main(): Promise<void> {
  const broker = await startBroker();
  // Instance B: imports through the bridge, serves WinCC OA clients.
  const space = new TagSpace({ historySize: 10 });
  const bridge = new MqttBridge(space, { url: broker.url, clientId: 'bench-b', prefix: PREFIX, direction: 'import', import: 'Bench_*' });
  bridge.start();
  const endpoint = new GatewayEndpoint({ id: 'bench', listen: { kind: 'port', host: '127.0.0.1', port: 0 }, dialect: createWinccoaDialect, limits: { maxClients: clientCount + 10 } }, space);
  await endpoint.start();
  const sockets = await Promise.all(Array.from({ length: clientCount }, () => new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${endpoint.port ?? 0}/winccoa`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  })));
  let onBridgeValue: (value: number) => void = () => {};
  for (const ws of sockets) {
    ws.on('message', (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as { DpConnectResult?: { Values?: Record<string, unknown> } };
      const value = message.DpConnectResult?.Values?.['System1:Bench_Trend1.:_online.._value'];
      if (typeof value === 'number' && value > 0) onBridgeValue(value);
    });
  }
  const bridged: Receiver = (onValue) => { onBridgeValue = onValue; };
  // The tag must exist on B before clients can connect to it: one change first.
  const first = await startPublisher('bridge', broker.url);
  first.send({ send: 1, pauseMs: 0 });
  while (!space.has('Bench_Trend1')) await new Promise((resolve) => setTimeout(resolve, 20));
  first.kill();
  for (const ws of sockets) ws.send(JSON.stringify({ DpConnect: { Id: 1, Dps: ['Bench_Trend1.'], Answer: false } }));
  await new Promise((resolve) => setTimeout(resolve, 300));

  const subscriber = connect(broker.url, { protocolVersion: 5, clientId: 'bench-direct-sub' });
  let onDirectValue: (value: number) => void = () => {};
  subscriber.on('message', (_topic, payload) => onDirectValue((JSON.parse(payload.toString()) as { value: number }).value));
  await subscriber.subscribeAsync(`${PREFIX}/direct`, { qos: 0 });
  const direct: Receiver = (onValue) => { onDirectValue = onValue; };

  const directRounds: Figures[] = [];
  const bridgeRounds: Figures[] = [];
  for (let round = 0; round < rounds; round++) {
    // Interleaved, so a noisy neighbour on the machine affects both alike.
    directRounds.push(await measure('direct', broker.url, direct, 1));
    bridgeRounds.push(await measure('bridge', broker.url, bridged, clientCount));
  }
  const viaDirect = medianFigures(directRounds);
  const viaBridge = medianFigures(bridgeRounds);

  console.log(`mqtt bench: median of ${rounds} rounds, ${changes} changes burst, ${paced} paced (5 ms), ${clientCount} WinCC OA clients on B, Mosquitto, node ${process.version}`);
  console.log(`${'measure'.padEnd(36)} ${'MQTT.js'.padStart(10)} ${'bridge'.padStart(10)} ${'ratio'.padStart(8)}`);
  const rows: Array<[string, number, number, number]> = [
    ['changes/s from A to receivers on B', viaDirect.changesPerSecond, viaBridge.changesPerSecond, 0],
    ['latency median (ms)', viaDirect.latencyMedianMs, viaBridge.latencyMedianMs, 2],
    ['latency p99 (ms)', viaDirect.latencyP99Ms, viaBridge.latencyP99Ms, 2],
  ];
  for (const [label, plain, ours, digits] of rows) {
    console.log(`${label.padEnd(36)} ${plain.toFixed(digits).padStart(10)} ${ours.toFixed(digits).padStart(10)} ${(ours / plain).toFixed(3).padStart(8)}`);
  }
  console.log(`latency the bridge adds (median): ${(viaBridge.latencyMedianMs - viaDirect.latencyMedianMs).toFixed(2)} ms`);
  writeBenchResult('mqtt', [
    { path: `mqtt bridge A -> B -> ${clientCount} clients, burst`, unit: 'changes/s', figure: viaBridge.changesPerSecond, baselineName: 'MQTT.js publisher -> subscriber', baseline: viaDirect.changesPerSecond, higherIsBetter: true },
    { path: 'mqtt bridge A -> B, paced, latency median', unit: 'ms', figure: viaBridge.latencyMedianMs, baselineName: 'MQTT.js publisher -> subscriber', baseline: viaDirect.latencyMedianMs, higherIsBetter: false },
  ], { rounds, changes, paced, clients: clientCount, direct: viaDirect, bridge: viaBridge });
  for (const ws of sockets) ws.terminate();
  await subscriber.endAsync(true);
  await bridge.close();
  await endpoint.close();
  await broker.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
