/**
 * bench:opcua — data changes per second from an OPC UA server to 50 WebSocket clients through the
 * opcua-server dialect (ASNeG 8081 API) and then through the opcua-gateway dialect (8082: each client its
 * own login, subscription and monitored items), each beside a plain node-opcua client subscribed to the same
 * variables with the same parameters in the same run. Prints the ratio of changes each WebSocket client
 * receives to what the plain client receives, and the latency the gateway adds (WebSocket arrival minus
 * plain-client arrival of the same value, p50 / p99).
 *
 * Environment: BENCH_SECONDS (10), BENCH_CLIENTS (50), BENCH_VARIABLES (200), BENCH_WRITE_MS (250, jittered
 * 0.5..1.5x), BENCH_CLIENT_PROCESSES (2: the WebSocket clients run in that many processes of their own).
 */
import { fork } from 'node:child_process';
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { performance } from 'node:perf_hooks';
import { ClientMonitoredItem, ClientSubscription, DataType, OPCUAClient, TimestampsToReturn, Variant, type DataValue, type UAVariable } from 'node-opcua';
import { startOpcuaDemoServer, DEMO_NAMESPACE_URI } from '../../demo/opcua/demo-server';
import { OpcuaEndpoint, type OpcuaVariable } from '../../lib/opcua';
import { GatewayEndpoint } from '../../lib/server';
import { TagSpace } from '../../lib/tags';
import { percentile } from '../support/percentile';
import { writeBenchResult } from '../support/result';
import { createOpcuaGatewayDialect } from '../../lib/dialects/opcua-gateway';
import { createOpcuaServerDialect } from '../../lib/dialects/opcua-server';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const VARIABLES = Number(process.env.BENCH_VARIABLES ?? 200);
// Slower than the publishing interval (even at half, jittered), so both subscribers see every value and latencies can be matched.
const WRITE_MS = Number(process.env.BENCH_WRITE_MS ?? 250);
const PUBLISHING_MS = 100;
const WARMUP_MS = 2000;
const GRACE_MS = 1000;
const CLIENT_PROCESSES = Math.max(1, Number(process.env.BENCH_CLIENT_PROCESSES ?? 2));

interface Percentiles {
  p50: number;
  p99: number;
}

interface DialectResult {
  dialect: string;
  seconds: number;
  clients: number;
  variables: number;
  writeEveryMs: number;
  publishingIntervalMs: number;
  plainClientChangesPerSecond: number;
  gatewayChangesPerSecondPerClient: number;
  gatewayChangesPerSecondAllClients: number;
  ratioPerClientToPlain: number;
  latencyMs: { plain: Percentiles & { samples: number }; gateway: Percentiles & { samples: number }; gatewaySubscription: Percentiles & { samples: number }; added: Percentiles; addedAfterSubscription: Percentiles };
  processCpuPercent: number;
  clientsProcessCpuPercent: number;
  monitoredItemsOnServer: number;
}

async function main(): Promise<void> {
  const pki = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-gateway-bench-opcua-'));
  const demo = await startOpcuaDemoServer({ port: 0 });
  const addressSpace = demo.server.engine.addressSpace!;
  const namespace = addressSpace.getNamespace(DEMO_NAMESPACE_URI)!;
  const benchNodes: UAVariable[] = [];
  for (let index = 0; index < VARIABLES; index++) {
    benchNodes.push(namespace.addVariable({
      organizedBy: addressSpace.rootFolder.objects, browseName: `Bench${index}`, nodeId: `s=Bench${index}`, dataType: 'Double',
      minimumSamplingInterval: 0, value: new Variant({ dataType: DataType.Double, value: 0 }),
    }));
  }
  let sequence = 0;
  /** When each value (unique across variables) was written, to measure both paths from the same origin. */
  const writeTimes = new Map<number, number>();
  // Writes at jittered intervals (0.5..1.5 x WRITE_MS): at a fixed interval the write would fall at the
  // same few points of each subscription's publishing cycle, and two subscriptions out of phase would
  // differ by that phase rather than by what the gateway adds. Jittered, write -> arrival spreads over
  // the whole cycle for both, and their percentiles compare.
  let writer: NodeJS.Timeout | undefined;
  const writeAll = (): void => {
    const now = new Date();
    for (const node of benchNodes) {
      writeTimes.set(++sequence, performance.timeOrigin + performance.now());
      node.setValueFromSource(new Variant({ dataType: DataType.Double, value: sequence }), undefined, now);
    }
    writer = setTimeout(writeAll, WRITE_MS * (0.5 + Math.random()));
  };
  writer = setTimeout(writeAll, WRITE_MS);

  // The gateway: lib/opcua endpoint + GatewayEndpoint with the opcua-server dialect on an own port.
  const variables: OpcuaVariable[] = benchNodes.map((_node, index) => ({ name: `Bench${index}`, nodeId: `nsu=${DEMO_NAMESPACE_URI};s=Bench${index}`, samplingInterval: 0 }));
  const opcua = new OpcuaEndpoint({
    id: 'bench', endpointUrl: demo.endpointUrl, securityMode: 'None', securityPolicy: 'None', identity: { kind: 'anonymous' }, pkiFolder: pki,
    acceptUnknownServerCertificate: true, publishingIntervalMs: PUBLISHING_MS, variables,
  });
  opcua.start();
  const gateway = new GatewayEndpoint({
    id: 'bench', listen: { kind: 'port', host: '127.0.0.1', port: 0 }, dialect: createOpcuaServerDialect, sources: { opcua },
    // Each client starts every variable at once: allow that many requests in flight.
    limits: { maxClients: CLIENTS + 10, maxInFlight: VARIABLES + 10, outboundBudgetBytes: 16 * 1024 * 1024 },
  }, new TagSpace());
  await gateway.start();
  while (!opcua.connection.connected) await delay(50);

  // The baseline: a plain node-opcua client, same subscription and item parameters.
  /** [value, arrival] pairs of the plain client and of the gateway's own subscription, while measuring. */
  const plainArrivals: number[] = [];
  let measuring = false;
  const plain = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
  await plain.connect(demo.endpointUrl);
  const plainSession = await plain.createSession();
  const subscription = ClientSubscription.create(plainSession, {
    requestedPublishingInterval: PUBLISHING_MS, requestedLifetimeCount: 600, requestedMaxKeepAliveCount: 20, maxNotificationsPerPublish: 0, publishingEnabled: true, priority: 1,
  });
  const namespaceIndex = addressSpace.getNamespaceIndex(DEMO_NAMESPACE_URI);
  for (let index = 0; index < VARIABLES; index++) {
    const item = ClientMonitoredItem.create(subscription, { nodeId: `ns=${namespaceIndex};s=Bench${index}`, attributeId: 13 },
      { samplingInterval: 0, queueSize: 1, discardOldest: true }, TimestampsToReturn.Both);
    item.on('changed', (value: DataValue) => {
      if (measuring) plainArrivals.push(Number(value.value.value), performance.timeOrigin + performance.now());
    });
  }

  // Where the gateway's own subscription hears each change (before any WebSocket work): splits the added
  // latency into what comes before the gateway and what the gateway's delivery adds.
  const subscriptionArrivals: number[] = [];
  for (const variable of variables) {
    opcua.connection.monitor(variable.nodeId, variable.samplingInterval ?? 0, (value) => {
      if (measuring) subscriptionArrivals.push(Number(value.value.value), performance.timeOrigin + performance.now());
    });
  }

  /** One measuring window: the plain client and the gateway's clients (in their own process) count the same writes. */
  async function measure(label: string, port: number, monitoredItemsOnServer: () => number): Promise<DialectResult> {
    // The clients are spread over CLIENT_PROCESSES processes: real clients each parse only their own frames.
    const perProcess = Math.ceil(CLIENTS / CLIENT_PROCESSES);
    const children = Array.from({ length: CLIENT_PROCESSES }, (_unused, index) => fork(path.join(__dirname, 'ws-clients.js'),
      [label, String(port), String(Math.min(perProcess, CLIENTS - index * perProcess)), String(VARIABLES), demo.endpointUrl, String(namespaceIndex), String(PUBLISHING_MS)],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    const exited = Promise.all(children.map((child) => new Promise<void>((resolve) => child.once('exit', () => resolve()))));
    await Promise.all(children.map((child) => new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`${label} clients exited with ${code}`)));
    })));
    await delay(WARMUP_MS);
    plainArrivals.length = 0;
    subscriptionArrivals.length = 0;
    const cpuStart = process.cpuUsage();
    measuring = true;
    for (const child of children) child.send({ measure: true });
    // Only values written inside the window count, on every path alike; recording goes on for a grace
    // period so that late arrivals of those values are not cut off at the window's edge.
    const windowStart = performance.timeOrigin + performance.now();
    await delay(SECONDS * 1000);
    const windowEnd = performance.timeOrigin + performance.now();
    const cpu = process.cpuUsage(cpuStart);
    await delay(GRACE_MS);
    measuring = false;
    const elapsed = (windowEnd - windowStart) / 1000;
    const reports = await Promise.all(children.map((child) => new Promise<{ arrivals: number[]; cpuMicros: number }>((resolve) => {
      child.once('message', resolve);
      child.send({ stop: true });
    })));
    const arrivals = reports.flatMap((report) => report.arrivals);
    const clientsCpuMicros = reports.reduce((sum, report) => sum + report.cpuMicros, 0);
    await exited;
    const inWindow = (pairs: readonly number[]): number[] => {
      const result: number[] = [];
      for (let index = 0; index < pairs.length; index += 2) {
        const written = writeTimes.get(pairs[index]);
        if (written !== undefined && written >= windowStart && written < windowEnd) result.push(pairs[index + 1] - written);
      }
      return result;
    };
    const latencies = inWindow(arrivals);
    const plainLatencies = inWindow(plainArrivals);
    const subscriptionLatencies = inWindow(subscriptionArrivals);
    const wsChanges = latencies.length;
    const plainChanges = plainLatencies.length;
    const plainRate = plainChanges / elapsed;
    const wsRatePerClient = wsChanges / elapsed / CLIENTS;
    const gatewayP50 = percentile(latencies, 50);
    const gatewayP99 = percentile(latencies, 99);
    const plainP50 = percentile(plainLatencies, 50);
    const plainP99 = percentile(plainLatencies, 99);
    return {
      dialect: label, seconds: Math.round(elapsed * 10) / 10, clients: CLIENTS, variables: VARIABLES, writeEveryMs: WRITE_MS, publishingIntervalMs: PUBLISHING_MS,
      plainClientChangesPerSecond: Math.round(plainRate),
      gatewayChangesPerSecondPerClient: Math.round(wsRatePerClient),
      gatewayChangesPerSecondAllClients: Math.round(wsChanges / elapsed),
      ratioPerClientToPlain: Math.round((wsRatePerClient / plainRate) * 1000) / 1000,
      // From the write on the server to arrival; "added" is the gateway path minus the plain client's.
      latencyMs: {
        plain: { p50: round(plainP50), p99: round(plainP99), samples: plainLatencies.length },
        gateway: { p50: round(gatewayP50), p99: round(gatewayP99), samples: latencies.length },
        // 8081 only: arrival in the gateway's shared OPC UA subscription, before the WebSocket clients.
        gatewaySubscription: { p50: round(percentile(subscriptionLatencies, 50)), p99: round(percentile(subscriptionLatencies, 99)), samples: subscriptionLatencies.length },
        added: { p50: round(gatewayP50 - plainP50), p99: round(gatewayP99 - plainP99) },
        // 8081 only: what the gateway adds after its own subscription heard the change (the same
        // subscription on both sides, so no difference of publishing phase can enter).
        addedAfterSubscription: { p50: round(gatewayP50 - percentile(subscriptionLatencies, 50)), p99: round(gatewayP99 - percentile(subscriptionLatencies, 99)) },
      },
      processCpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / (elapsed * 1000)) * 100),
      // The WebSocket clients' process: receiving and parsing a burst of every client's frames takes this.
      clientsProcessCpuPercent: Math.round((clientsCpuMicros / 1000 / (elapsed * 1000)) * 100),
      monitoredItemsOnServer: monitoredItemsOnServer(),
    };
  }

  const results: DialectResult[] = [];

  // opcua-server (8081): 50 clients, each monitoring every variable.
  results.push(await measure('opcua-server', gateway.port!, () => demo.monitoredItemCount()));

  // opcua-gateway (8082): 50 clients, each logging in (its own OPC UA session, as the gateway is meant to
  // work), creating a subscription and one monitored item per variable.
  const gatewayDialect = new GatewayEndpoint({
    id: 'bench-gw', listen: { kind: 'port', host: '127.0.0.1', port: 0 }, dialect: createOpcuaGatewayDialect,
    dialectOptions: { gatewayEndpoints: demo.endpointUrl, gatewayPkiFolder: pki, gatewayMaxSessions: 2 },
    limits: { maxClients: CLIENTS + 10, maxInFlight: 16, outboundBudgetBytes: 16 * 1024 * 1024 },
  }, new TagSpace());
  await gatewayDialect.start();
  results.push(await measure('opcua-gateway', gatewayDialect.port!, () => demo.monitoredItemCount()));
  await gatewayDialect.close();

  console.log(JSON.stringify(results, null, 2));
  writeBenchResult('opcua', results.flatMap((result) => [
    { path: `${result.dialect}: changes per client`, unit: 'changes/s', figure: result.gatewayChangesPerSecondPerClient, baselineName: 'plain node-opcua client', baseline: result.plainClientChangesPerSecond, higherIsBetter: true },
    { path: `${result.dialect}: write -> arrival p99`, unit: 'ms', figure: result.latencyMs.gateway.p99, baselineName: 'plain node-opcua client', baseline: result.latencyMs.plain.p99, higherIsBetter: false },
  ]), results);

  clearTimeout(writer);
  await gateway.close();
  await opcua.close();
  await subscription.terminate();
  await plainSession.close();
  await plain.disconnect();
  await demo.stop();
  fs.rmSync(pki, { recursive: true, force: true });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
