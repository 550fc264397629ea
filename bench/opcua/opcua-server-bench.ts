/**
 * bench:opcua — data changes from an OPC UA server to 50 WebSocket clients through the opcua-server
 * dialect (ASNeG 8081 API) and then through the opcua-gateway dialect (8082: each client its own login,
 * subscription and monitored items), each beside plain node-opcua clients subscribed to the same
 * variables with the same parameters in the same run. Reports the ratio of changes each WebSocket client
 * receives to what a plain client receives, and write -> arrival latency of both paths (p50 / p90 / p99)
 * with their difference: what the gateway adds. How it is measured: bench/README.md.
 *
 * Processes: the OPC UA server (server-process.ts, it writes the values: each value is its write time),
 * the gateway (this one), the plain clients (plain-clients.ts), the WebSocket clients (ws-clients.ts, in
 * BENCH_CLIENT_PROCESSES processes).
 *
 * Environment: BENCH_SECONDS (10), BENCH_CLIENTS (50), BENCH_VARIABLES (200), BENCH_WRITE_MS (250, jittered
 * 0.5..1.5x per variable), BENCH_WRITE_PATTERN (spread | burst), BENCH_CLIENT_PROCESSES (2), BENCH_DIALECTS
 * (opcua-server,opcua-gateway: the ones to run).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { performance } from 'node:perf_hooks';
import { OpcuaEndpoint, type OpcuaVariable } from '../../lib/opcua';
import { GatewayEndpoint } from '../../lib/server';
import { TagSpace } from '../../lib/tags';
import { createOpcuaGatewayDialect } from '../../lib/dialects/opcua-gateway';
import { createOpcuaServerDialect } from '../../lib/dialects/opcua-server';
import { percentile } from '../support/percentile';
import { writeBenchResult } from '../support/result';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const VARIABLES = Number(process.env.BENCH_VARIABLES ?? 200);
// Slower than the publishing interval (even at half, jittered), so every subscriber sees every value.
const WRITE_MS = Number(process.env.BENCH_WRITE_MS ?? 250);
const WRITE_PATTERN = process.env.BENCH_WRITE_PATTERN === 'burst' ? 'burst' : 'spread';
const PUBLISHING_MS = 100;
const WARMUP_MS = 2000;
const GRACE_MS = 1000;
const CLIENT_PROCESSES = Math.max(1, Number(process.env.BENCH_CLIENT_PROCESSES ?? 2));
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'opcua-server,opcua-gateway').split(',');
const now = (): number => performance.timeOrigin + performance.now();

interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

interface DialectResult {
  dialect: string;
  seconds: number;
  clients: number;
  variables: number;
  writeEveryMs: number;
  writePattern: string;
  publishingIntervalMs: number;
  plainSessions: number;
  plainClientChangesPerSecond: number;
  gatewayChangesPerSecondPerClient: number;
  gatewayChangesPerSecondAllClients: number;
  ratioPerClientToPlain: number;
  latencyMs: {
    plain: Percentiles & { samples: number };
    gateway: Percentiles & { samples: number };
    added: Percentiles;
    gatewaySubscription?: Percentiles & { samples: number };
    addedAfterSubscription?: Percentiles;
  };
  gatewayProcessCpuPercent: number;
  serverProcessCpuPercent: number;
  plainProcessCpuPercent: number;
  clientsProcessCpuPercent: number;
  monitoredItemsOnServer: number;
}

/** The next IPC message of a child (rejects if it exits first). */
function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`${child.spawnargs.join(' ')} exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}

function forkChild(file: string, args: string[]): ChildProcess {
  return fork(path.join(__dirname, file), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

function percentiles(values: readonly number[]): Percentiles {
  return { p50: round(percentile(values, 50)), p90: round(percentile(values, 90)), p99: round(percentile(values, 99)) };
}

function difference(a: Percentiles, b: Percentiles): Percentiles {
  return { p50: round(a.p50 - b.p50), p90: round(a.p90 - b.p90), p99: round(a.p99 - b.p99) };
}

async function main(): Promise<void> {
  const pki = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-gateway-bench-opcua-'));
  const server = forkChild('server-process.js', [String(VARIABLES), String(WRITE_MS), WRITE_PATTERN]);
  const { endpointUrl, namespaceIndex } = await nextMessage<{ endpointUrl: string; namespaceIndex: number }>(server);
  const nodeIdOf = (index: number): string => `ns=${namespaceIndex};s=Bench${index}`;

  /**
   * One measuring window: the plain clients (`plainSessions` sessions) and the gateway's WebSocket clients
   * count the same writes; `subscription` (8081) records where the gateway's own OPC UA subscription heard them.
   */
  async function measure(label: string, port: number, plainSessions: number, subscription?: { latencies: number[]; measuring: boolean }): Promise<DialectResult> {
    const plain = forkChild('plain-clients.js', [endpointUrl, String(namespaceIndex), String(plainSessions), String(VARIABLES), String(PUBLISHING_MS)]);
    const plainReady = nextMessage(plain);
    // The clients are spread over CLIENT_PROCESSES processes: real clients each parse only their own frames.
    const perProcess = Math.ceil(CLIENTS / CLIENT_PROCESSES);
    const children = Array.from({ length: CLIENT_PROCESSES }, (_unused, index) => forkChild('ws-clients.js',
      [label, String(port), String(Math.min(perProcess, CLIENTS - index * perProcess)), String(VARIABLES), endpointUrl, String(namespaceIndex), String(PUBLISHING_MS)]));
    await Promise.all([plainReady, ...children.map((child) => nextMessage(child))]);
    await delay(WARMUP_MS);
    const cpuStart = process.cpuUsage();
    server.send({ cpu: 'start' });
    plain.send({ measure: true });
    for (const child of children) child.send({ measure: true });
    if (subscription) {
      subscription.latencies.length = 0;
      subscription.measuring = true;
    }
    // Only values written inside the window count, on every path alike; recording goes on for a grace
    // period so that late arrivals of those values are not cut off at the window's edge.
    const from = now();
    await delay(SECONDS * 1000);
    const to = now();
    const cpu = process.cpuUsage(cpuStart);
    const serverReport = nextMessage<{ monitoredItems: number; cpuMicros: number }>(server);
    server.send({ report: true });
    const { monitoredItems, cpuMicros: serverCpuMicros } = await serverReport;
    await delay(GRACE_MS);
    if (subscription) subscription.measuring = false;
    const elapsed = (to - from) / 1000;
    const stop = (child: ChildProcess): Promise<{ latencies: number[]; cpuMicros: number }> => {
      const report = nextMessage<{ latencies: number[]; cpuMicros: number }>(child);
      child.send({ stop: { from, to } });
      return report;
    };
    const [plainReport, ...reports] = await Promise.all([stop(plain), ...children.map(stop)]);
    await Promise.all([plain, ...children].map(exitOf));
    const latencies = reports.flatMap((report) => report.latencies);
    const plainLatencies = plainReport.latencies;
    const plainRate = plainLatencies.length / plainSessions / elapsed;
    const wsRatePerClient = latencies.length / elapsed / CLIENTS;
    const gateway = percentiles(latencies);
    const baseline = percentiles(plainLatencies);
    // [write time, latency] pairs: only values written inside the window, as on the other paths.
    const subscriptionLatencies: number[] = [];
    const pairs = subscription?.latencies ?? [];
    for (let index = 0; index < pairs.length; index += 2) if (pairs[index] >= from && pairs[index] < to) subscriptionLatencies.push(pairs[index + 1]);
    const own = subscription ? percentiles(subscriptionLatencies) : undefined;
    const cpuPercent = (micros: number): number => Math.round((micros / 1000 / (elapsed * 1000)) * 100);
    return {
      dialect: label, seconds: Math.round(elapsed * 10) / 10, clients: CLIENTS, variables: VARIABLES, writeEveryMs: WRITE_MS, writePattern: WRITE_PATTERN,
      publishingIntervalMs: PUBLISHING_MS, plainSessions,
      plainClientChangesPerSecond: Math.round(plainRate),
      gatewayChangesPerSecondPerClient: Math.round(wsRatePerClient),
      gatewayChangesPerSecondAllClients: Math.round(latencies.length / elapsed),
      ratioPerClientToPlain: Math.round((wsRatePerClient / plainRate) * 1000) / 1000,
      // From the write on the server to arrival; "added" is the gateway path minus the plain clients'.
      latencyMs: {
        plain: { ...baseline, samples: plainLatencies.length },
        gateway: { ...gateway, samples: latencies.length },
        added: difference(gateway, baseline),
        // 8081 only: arrival in the gateway's shared OPC UA subscription, before the WebSocket clients, and
        // what the gateway adds after it (the same subscription on both sides: no publishing phase enters).
        ...(own ? { gatewaySubscription: { ...own, samples: subscriptionLatencies.length }, addedAfterSubscription: difference(gateway, own) } : {}),
      },
      gatewayProcessCpuPercent: cpuPercent(cpu.user + cpu.system),
      serverProcessCpuPercent: cpuPercent(serverCpuMicros),
      plainProcessCpuPercent: cpuPercent(plainReport.cpuMicros),
      // The WebSocket clients' processes: receiving and parsing every client's frames takes this.
      clientsProcessCpuPercent: cpuPercent(reports.reduce((sum, report) => sum + report.cpuMicros, 0)),
      monitoredItemsOnServer: monitoredItems,
    };
  }

  const results: DialectResult[] = [];

  if (DIALECTS.includes('opcua-server')) {
    // opcua-server (8081): the lib/opcua endpoint (one session, one subscription shared by every client) and
    // 50 WebSocket clients each monitoring every variable; the baseline is one plain session.
    const variables: OpcuaVariable[] = Array.from({ length: VARIABLES }, (_unused, index) => ({ name: `Bench${index}`, nodeId: nodeIdOf(index), samplingInterval: 0 }));
    const opcua = new OpcuaEndpoint({
      id: 'bench', endpointUrl, securityMode: 'None', securityPolicy: 'None', identity: { kind: 'anonymous' }, pkiFolder: pki,
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
    // Where the gateway's own subscription hears each change (before any WebSocket work): one more listener
    // on the items the clients share, registered first, so it runs before the fan-out of its own item.
    /** [write time, latency] pairs while measuring. */
    const own = { latencies: [] as number[], measuring: false };
    const ownHandles = variables.map((variable) => opcua.connection.monitor(variable.nodeId, 0, (value) => {
      if (own.measuring) own.latencies.push(Number(value.value.value), now() - Number(value.value.value));
    }));
    results.push(await measure('opcua-server', gateway.port!, 1, own));
    for (const handle of ownHandles) handle.close();
    await gateway.close();
    await opcua.close();
  }

  if (DIALECTS.includes('opcua-gateway')) {
    // opcua-gateway (8082): 50 clients, each logging in (its own OPC UA session, as the gateway is meant to
    // work), creating a subscription and one monitored item per variable; the baseline opens as many plain
    // sessions, each with the same subscription.
    const gatewayDialect = new GatewayEndpoint({
      id: 'bench-gw', listen: { kind: 'port', host: '127.0.0.1', port: 0 }, dialect: createOpcuaGatewayDialect,
      dialectOptions: { gatewayEndpoints: endpointUrl, gatewayPkiFolder: pki, gatewayMaxSessions: 2 },
      limits: { maxClients: CLIENTS + 10, maxInFlight: 16, outboundBudgetBytes: 16 * 1024 * 1024 },
    }, new TagSpace());
    await gatewayDialect.start();
    results.push(await measure('opcua-gateway', gatewayDialect.port!, CLIENTS));
    await gatewayDialect.close();
  }

  console.log(JSON.stringify(results, null, 2));
  writeBenchResult('opcua', results.flatMap((result) => [
    { path: `${result.dialect}: changes per client`, unit: 'changes/s', figure: result.gatewayChangesPerSecondPerClient, baselineName: 'plain node-opcua client', baseline: result.plainClientChangesPerSecond, higherIsBetter: true },
    { path: `${result.dialect}: write -> arrival p99`, unit: 'ms', figure: result.latencyMs.gateway.p99, baselineName: `plain node-opcua, ${result.plainSessions} session${result.plainSessions === 1 ? '' : 's'}`, baseline: result.latencyMs.plain.p99, higherIsBetter: false },
  ]), results);

  server.send({ stop: true });
  await exitOf(server);
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
