// `npm run bench:winccoa`: throughput of the winccoa dialect beside the raw tag space it is built on,
// both measured in this run on this machine (so the ratios, not the absolute numbers, are the result).
//
//  1. DpConnect hotlinks per second delivered to 50 clients, each with one DpConnect on the same
//     element (each its own Id), against what ws-gateway-out's broadcast (GatewayEndpoint.broadcast on
//     a raw endpoint) delivers to 50 clients with frames of the same size, and against 50 plain
//     tag-space listeners on the same tag.
//  2. DpGet round trips per second (one client, one request at a time; and 16 in flight), against
//     awaited TagSpace.read calls.
//
// Environment: BENCH_CLIENTS (50), BENCH_CHANGES (2000), BENCH_SECONDS (3 per round-trip figure),
// BENCH_ROUNDS (3 alternating rounds of hotlinks and broadcast; the median of each is reported).
import WebSocket = require('ws');
import { GatewayEndpoint } from '../../lib/server';
import { FlowTagSource, TagSpace } from '../../lib/tags';
import { median } from '../support/percentile';
import { writeBenchResult } from '../support/result';
import { createRawDialect } from '../../lib/dialects/raw';
import { createWinccoaDialect } from '../../lib/dialects/winccoa';

const clientCount = Number(process.env.BENCH_CLIENTS ?? 50);
const changes = Number(process.env.BENCH_CHANGES ?? 2000);
const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const tag = 'Bench_Trend1';
const element = 'Bench_Trend1.';

async function main(): Promise<void> {
  const tags = new TagSpace({ historySize: 100 });
  const flow = new FlowTagSource();
  tags.addSource(flow);
  flow.publish(tag, 0);
  const endpoint = new GatewayEndpoint({ id: 'bench', listen: { kind: 'port', host: '127.0.0.1', port: 0 }, dialect: createWinccoaDialect, limits: { maxClients: clientCount + 10 } }, tags);
  await endpoint.start();
  const url = `ws://127.0.0.1:${endpoint.port ?? 0}/winccoa`;

  const rawFanout = await tagSpaceFanout(tags, flow);
  // Alternating rounds, median of each, so a noisy neighbour and JIT warm-up fall on both paths alike.
  const broadcastRounds: number[] = [];
  const hotlinkRounds: number[] = [];
  for (let round = 0; round < rounds; round++) {
    broadcastRounds.push(await broadcastFanout(tags));
    hotlinkRounds.push(await hotlinkFanout(url, flow, round));
  }
  const broadcast = median(broadcastRounds);
  const hotlinks = median(hotlinkRounds);
  const rawRead = await tagSpaceReads(tags);
  const dpGetSerial = await dpGetRoundTrips(url, 1);
  const dpGetPipelined = await dpGetRoundTrips(url, 16);

  const rows: Array<[string, number, number]> = [
    [`changes delivered to ${clientCount} listeners/s`, rawFanout, hotlinks],
    ['read round trips/s (1 in flight)', rawRead, dpGetSerial],
    ['read round trips/s (16 in flight)', rawRead, dpGetPipelined],
  ];
  console.log(`winccoa bench: ${clientCount} clients, ${changes} changes, ${seconds} s per round-trip figure, node ${process.version}`);
  console.log(`${'measure'.padEnd(42)} ${'tag space'.padStart(12)} ${'winccoa'.padStart(12)} ${'ratio'.padStart(8)}`);
  for (const [label, raw, dialect] of rows) {
    console.log(`${label.padEnd(42)} ${Math.round(raw).toString().padStart(12)} ${Math.round(dialect).toString().padStart(12)} ${(dialect / raw).toFixed(4).padStart(8)}`);
  }
  console.log(`hotlinks / broadcast of frames of the same size to ${clientCount} clients: ${Math.round(hotlinks)} / ${Math.round(broadcast)} = ${(hotlinks / broadcast).toFixed(2)}`);
  writeBenchResult('winccoa', [
    { path: `winccoa DpConnect hotlinks to ${clientCount} clients`, unit: 'deliveries/s', figure: hotlinks, baselineName: 'ws-gateway-out broadcast, same frame size', baseline: broadcast, higherIsBetter: true },
    { path: 'winccoa DpGet, 16 in flight', unit: 'round trips/s', figure: dpGetPipelined, baselineName: 'TagSpace.readMany awaited', baseline: rawRead, higherIsBetter: true },
  ], { clientCount, changes, rawFanout, broadcast, broadcastRounds, hotlinkRounds, hotlinks, rawRead, dpGetSerial, dpGetPipelined });
  await endpoint.close();
}

/** Baseline: the same changes to plain tag-space listeners. */
async function tagSpaceFanout(tags: TagSpace, flow: FlowTagSource): Promise<number> {
  let heard = 0;
  const subscriptions = Array.from({ length: clientCount }, () => tags.subscribe(tag, () => { heard++; }));
  const start = process.hrtime.bigint();
  for (let index = 1; index <= changes; index++) {
    flow.publish(tag, index);
    if (index % 100 === 0) await turn();
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  for (const subscription of subscriptions) subscription.close();
  if (heard !== clientCount * changes) throw new Error(`tag space delivered ${heard} of ${clientCount * changes}`);
  return heard / elapsed;
}

/**
 * The baseline the issue names: the broadcast path of ws-gateway-out (one frame shared by every client)
 * carrying frames the size of a hotlink, received and parsed by the clients the same way.
 */
async function broadcastFanout(tags: TagSpace): Promise<number> {
  const endpoint = new GatewayEndpoint({ id: 'bench-broadcast', listen: { kind: 'port', host: '127.0.0.1', port: 0 }, dialect: createRawDialect, limits: { maxClients: clientCount + 10 } }, tags);
  await endpoint.start();
  const sockets = await Promise.all(Array.from({ length: clientCount }, () => openSocket(`ws://127.0.0.1:${endpoint.port ?? 0}/`)));
  let received = 0;
  const expected = clientCount * changes;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => { done = resolve; });
  for (const socket of sockets) {
    socket.on('message', (data: Buffer) => {
      if (isConnectResult(data) && ++received === expected) done();
    });
  }
  const start = process.hrtime.bigint();
  for (let index = 1; index <= changes; index++) {
    // The hotlink frame of the same change to a client with a two-digit Id, byte for byte as long.
    endpoint.broadcast(`{"DpConnectResult":{"Values":{"${element}":${changes + index}},"Error":0,"Id":25}}`);
    if (index % 100 === 0) await turn();
  }
  await finished;
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  await Promise.all(sockets.map(closeSocket));
  await endpoint.close();
  return received / elapsed;
}

/** Every client connects the element; the changes are published and counted as they arrive, parsed. */
async function hotlinkFanout(url: string, flow: FlowTagSource, round: number): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: clientCount }, () => openSocket(url)));
  let received = 0;
  const expected = clientCount * changes;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => { done = resolve; });
  await Promise.all(sockets.map((socket, index) => new Promise<void>((resolve) => {
    socket.once('message', () => resolve());
    socket.send(JSON.stringify({ DpConnect: { Id: index + 1, Dps: [element], Answer: true } }));
  })));
  for (const socket of sockets) {
    socket.on('message', (data: Buffer) => {
      if (isConnectResult(data) && ++received === expected) done();
    });
  }
  const start = process.hrtime.bigint();
  for (let index = 1; index <= changes; index++) {
    flow.publish(tag, (round + 1) * changes + index);
    if (index % 100 === 0) await turn();
  }
  await finished;
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  await Promise.all(sockets.map(closeSocket));
  return received / elapsed;
}

async function tagSpaceReads(tags: TagSpace): Promise<number> {
  let count = 0;
  const deadline = Date.now() + seconds * 1000;
  const start = process.hrtime.bigint();
  while (Date.now() < deadline) {
    await tags.readMany([tag]);
    count++;
  }
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function dpGetRoundTrips(url: string, inFlight: number): Promise<number> {
  const socket = await openSocket(url);
  let count = 0;
  const deadline = Date.now() + seconds * 1000;
  const start = process.hrtime.bigint();
  const request = JSON.stringify({ DpGet: { Id: 1, Dps: [element] } });
  await new Promise<void>((resolve) => {
    let outstanding = 0;
    const next = (): void => {
      if (Date.now() >= deadline) {
        if (outstanding === 0) resolve();
        return;
      }
      outstanding++;
      socket.send(request);
    };
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { DpGetResult?: { Error: number } };
      if (frame.DpGetResult?.Error !== 0) throw new Error(`DpGet failed: ${data.toString()}`);
      outstanding--;
      count++;
      next();
    });
    for (let index = 0; index < inFlight; index++) next();
  });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  await closeSocket(socket);
  return count / elapsed;
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function closeSocket(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.close();
  });
}

const connectResultPrefix = Buffer.from('{"DpConnectResult":');

/**
 * Clients run in this same process, so they recognise a frame by its first bytes rather than parse it:
 * a parse per frame would cost more than the server path being measured and hide its differences.
 */
function isConnectResult(data: Buffer): boolean {
  return data.subarray(0, connectResultPrefix.length).equals(connectResultPrefix);
}

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
