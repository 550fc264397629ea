/**
 * bench:opcua — data changes per second from an OPC UA server to 50 WebSocket clients through the
 * opcua-server dialect (ASNeG 8081 API), beside a plain node-opcua client subscribed to the same
 * variables with the same parameters in the same run. Prints the ratio of changes each WebSocket client
 * receives to what the plain client receives, and the latency the gateway adds (WebSocket arrival minus
 * plain-client arrival of the same value, p50 / p99).
 *
 * Environment: BENCH_SECONDS (10), BENCH_CLIENTS (50), BENCH_VARIABLES (200), BENCH_WRITE_MS (250).
 */
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { performance } from 'node:perf_hooks';
import WebSocket = require('ws');
import { ClientMonitoredItem, ClientSubscription, DataType, OPCUAClient, TimestampsToReturn, Variant, type DataValue, type UAVariable } from 'node-opcua';
import { startOpcuaDemoServer, DEMO_NAMESPACE_URI } from '../../demo/opcua/demo-server';
import { OpcuaEndpoint, type OpcuaVariable } from '../../lib/opcua';
import { GatewayEndpoint } from '../../lib/server';
import { TagSpace } from '../../lib/tags';
import '../../lib/dialects/registry';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const VARIABLES = Number(process.env.BENCH_VARIABLES ?? 200);
// Slower than the publishing interval, so both subscribers see every value and latencies can be matched.
const WRITE_MS = Number(process.env.BENCH_WRITE_MS ?? 250);
const PUBLISHING_MS = 100;
const WARMUP_MS = 2000;

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
  const writer = setInterval(() => {
    const now = new Date();
    for (const node of benchNodes) {
      writeTimes.set(++sequence, performance.now());
      node.setValueFromSource(new Variant({ dataType: DataType.Double, value: sequence }), undefined, now);
    }
  }, WRITE_MS);

  // The gateway: lib/opcua endpoint + GatewayEndpoint with the opcua-server dialect on an own port.
  const variables: OpcuaVariable[] = benchNodes.map((_node, index) => ({ name: `Bench${index}`, nodeId: `nsu=${DEMO_NAMESPACE_URI};s=Bench${index}`, samplingInterval: 0 }));
  const opcua = new OpcuaEndpoint({
    id: 'bench', endpointUrl: demo.endpointUrl, securityMode: 'None', securityPolicy: 'None', identity: { kind: 'anonymous' }, pkiFolder: pki,
    acceptUnknownServerCertificate: true, publishingIntervalMs: PUBLISHING_MS, variables,
  });
  opcua.start();
  const gateway = new GatewayEndpoint({
    id: 'bench', listen: { kind: 'port', host: '127.0.0.1', port: 0 }, dialect: 'opcua-server', sources: { opcua },
    // Each client starts every variable at once: allow that many requests in flight.
    limits: { maxClients: CLIENTS + 10, maxInFlight: VARIABLES + 10, outboundBudgetBytes: 16 * 1024 * 1024 },
  }, new TagSpace());
  await gateway.start();
  while (!opcua.connection.connected) await delay(50);

  // The baseline: a plain node-opcua client, same subscription and item parameters.
  const plainLatencies: number[] = [];
  let plainChanges = 0;
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
      if (!measuring) return;
      plainChanges++;
      const written = writeTimes.get(Number(value.value.value));
      if (written !== undefined) plainLatencies.push(performance.now() - written);
    });
  }

  // 50 WebSocket clients, each monitoring every variable (ClientHandle = variable name, as ASNeG's JS client does).
  const latencies: number[] = [];
  let wsChanges = 0;
  const port = gateway.port!;
  const sockets = await Promise.all(Array.from({ length: CLIENTS }, () => new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}`, 'json');
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  })));
  for (const socket of sockets) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { Header: { MessageType: string; ClientHandle: string }; Body?: { Value?: { Body?: string } } };
      if (message.Header.MessageType !== 'MONITORUPDATE_MESSAGE' || !measuring) return;
      wsChanges++;
      const written = writeTimes.get(Number(message.Body?.Value?.Body));
      if (written !== undefined) latencies.push(performance.now() - written);
    });
    for (const variable of variables) {
      socket.send(JSON.stringify({ Header: { MessageType: 'MONITORSTART_REQUEST', ClientHandle: variable.name }, Body: { Variable: variable.name } }));
    }
  }

  await delay(WARMUP_MS);
  const cpuStart = process.cpuUsage();
  measuring = true;
  const started = performance.now();
  await delay(SECONDS * 1000);
  measuring = false;
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);

  const plainRate = plainChanges / elapsed;
  const wsRatePerClient = wsChanges / elapsed / CLIENTS;
  const gatewayP50 = percentile(latencies, 50);
  const gatewayP99 = percentile(latencies, 99);
  const plainP50 = percentile(plainLatencies, 50);
  const plainP99 = percentile(plainLatencies, 99);
  const result = {
    seconds: Math.round(elapsed * 10) / 10, clients: CLIENTS, variables: VARIABLES, writeEveryMs: WRITE_MS, publishingIntervalMs: PUBLISHING_MS,
    plainClientChangesPerSecond: Math.round(plainRate),
    gatewayChangesPerSecondPerClient: Math.round(wsRatePerClient),
    gatewayChangesPerSecondAllClients: Math.round(wsChanges / elapsed),
    ratioPerClientToPlain: Math.round((wsRatePerClient / plainRate) * 1000) / 1000,
    // From the write on the server to arrival; "added" is the gateway path minus the plain client's.
    latencyMs: {
      plain: { p50: round(plainP50), p99: round(plainP99), samples: plainLatencies.length },
      gateway: { p50: round(gatewayP50), p99: round(gatewayP99), samples: latencies.length },
      added: { p50: round(gatewayP50 - plainP50), p99: round(gatewayP99 - plainP99) },
    },
    processCpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / (elapsed * 1000)) * 100),
    monitoredItemsOnServer: demo.monitoredItemCount(),
  };
  console.log(JSON.stringify(result, null, 2));
  fs.mkdirSync('.bench-results', { recursive: true });
  fs.writeFileSync(path.join('.bench-results', 'opcua-server.json'), `${JSON.stringify(result, null, 2)}\n`);

  clearInterval(writer);
  await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => { socket.once('close', () => resolve()); socket.close(); })));
  await gateway.close();
  await opcua.close();
  await subscription.terminate();
  await plainSession.close();
  await plain.disconnect();
  await demo.stop();
  fs.rmSync(pki, { recursive: true, force: true });
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
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
