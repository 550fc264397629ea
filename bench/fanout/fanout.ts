/**
 * Fan-out benchmark: N WebSocket clients receive M broadcast messages (~150 bytes of JSON) published
 * by a flow, through ws-gateway-out, through Node-RED's core `websocket out` node, and through a bare
 * `ws` server calling send per client, all in the same run. Prints deliveries per second and server CPU
 * microseconds per delivery (read from the server process), and the ratios against the gateway.
 *
 *   npm run bench:fanout -- [clients=50] [messages=2000] [rounds=3]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import WebSocket = require('ws');
import { median } from '../support/percentile';
import { writeBenchResult } from '../support/result';

type Variant = 'gateway' | 'core' | 'bare';

interface Result {
  variant: Variant;
  deliveriesPerSecond: number;
  cpuMicrosPerDelivery: number;
}

const clients = Number(process.argv[2] ?? 50);
const messages = Number(process.argv[3] ?? 2000);
const rounds = Number(process.argv[4] ?? 3);
const payload = JSON.stringify({ topic: 'line1/oven/temperature', seq: 0, value: 231.4567, unit: 'degC', quality: 'good', ts: '2026-11-23T12:00:00.000Z', source: 'bench' });

function startServer(variant: Variant): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(join(__dirname, 'fanout-server.js'), [variant], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port: number; path: string }) => resolve({ child, url: `ws://127.0.0.1:${message.port}${message.path}` }));
    child.once('exit', (code) => reject(new Error(`${variant} server exited with ${code}`)));
  });
}

function ask<T>(child: ChildProcess, message: object): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (answer: T) => resolve(answer));
    child.send(message);
  });
}

async function connectAll(url: string): Promise<WebSocket[]> {
  return Promise.all(Array.from({ length: clients }, () => new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  })));
}

async function runOnce(variant: Variant): Promise<Result> {
  const { child, url } = await startServer(variant);
  const sockets = await connectAll(url);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const expected = clients * messages;
  let delivered = 0;
  const done = new Promise<void>((resolve) => {
    for (const ws of sockets) ws.on('message', () => { if (++delivered === expected) resolve(); });
  });
  const started = process.hrtime.bigint();
  child.send({ publish: messages, payload });
  await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { cpuMicros } = await ask<{ cpuMicros: number }>(child, { cpu: true });
  for (const ws of sockets) ws.terminate();
  child.kill();
  return { variant, deliveriesPerSecond: expected / seconds, cpuMicrosPerDelivery: cpuMicros / expected };
}

async function main(): Promise<void> {
  console.log(`fan-out: ${clients} clients x ${messages} messages of ${payload.length} bytes, median of ${rounds} rounds\n`);
  const variants: Variant[] = ['gateway', 'core', 'bare'];
  const samples = new Map<Variant, Result[]>(variants.map((variant) => [variant, []]));
  for (let round = 0; round < rounds; round++) {
    // Interleave the variants so a noisy neighbour affects them alike.
    for (const variant of variants) samples.get(variant)?.push(await runOnce(variant));
  }
  const results = variants.map((variant) => {
    const runs = samples.get(variant) ?? [];
    return { variant, deliveriesPerSecond: median(runs.map((run) => run.deliveriesPerSecond)), cpuMicrosPerDelivery: median(runs.map((run) => run.cpuMicrosPerDelivery)) };
  });
  const gateway = results[0];
  const labels: Record<Variant, string> = { gateway: 'ws-gateway-out (broadcast)', core: 'Node-RED core websocket out', bare: 'bare ws, send per client' };
  console.log('variant                          deliveries/s   server CPU us/delivery   CPU vs gateway');
  for (const result of results) {
    console.log(`${labels[result.variant].padEnd(32)} ${result.deliveriesPerSecond.toFixed(0).padStart(12)}   ${result.cpuMicrosPerDelivery.toFixed(3).padStart(22)}   ${(result.cpuMicrosPerDelivery / gateway.cpuMicrosPerDelivery).toFixed(2).padStart(13)}x`);
  }
  const core = results[1];
  const bare = results[2];
  writeBenchResult('fanout', [
    { path: `ws-gateway-out broadcast to ${clients} clients`, unit: 'deliveries/s', figure: gateway.deliveriesPerSecond, baselineName: 'bare ws, send per client', baseline: bare.deliveriesPerSecond, higherIsBetter: true },
    { path: 'ws-gateway-out broadcast, server CPU', unit: 'us/delivery', figure: gateway.cpuMicrosPerDelivery, baselineName: 'Node-RED core websocket out', baseline: core.cpuMicrosPerDelivery, higherIsBetter: false },
  ], results);
  console.log(`\nserver CPU per delivery: core websocket out / ws-gateway-out = ${(core.cpuMicrosPerDelivery / gateway.cpuMicrosPerDelivery).toFixed(1)}x (aim: >= 5x)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
