/**
 * bench:opcua — data changes per second from an OPC UA server to 50 WebSocket clients through the
 * opcua-server dialect (ASNeG 8081 API) and then through the opcua-gateway dialect (8082: each client its
 * own login, subscription and monitored items), each beside a plain node-opcua client subscribed to the same
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
import { percentile } from '../support/percentile';
import { writeBenchResult } from '../support/result';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const VARIABLES = Number(process.env.BENCH_VARIABLES ?? 200);
// Slower than the publishing interval, so both subscribers see every value and latencies can be matched.
const WRITE_MS = Number(process.env.BENCH_WRITE_MS ?? 250);
const PUBLISHING_MS = 100;
const WARMUP_MS = 2000;

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
  latencyMs: { plain: Percentiles & { samples: number }; gateway: Percentiles & { samples: number }; added: Percentiles };
  processCpuPercent: number;
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

  /** One measuring window: the plain client and the gateway's clients count the same writes. */
  async function measure(label: string, sockets: WebSocket[], valueOf: (frame: string) => number | undefined, monitoredItemsOnServer: () => number): Promise<DialectResult> {
    const latencies: number[] = [];
    let wsChanges = 0;
    for (const socket of sockets) {
      socket.on('message', (data) => {
        if (!measuring) return;
        const value = valueOf(String(data));
        if (value === undefined) return;
        wsChanges++;
        const written = writeTimes.get(value);
        if (written !== undefined) latencies.push(performance.now() - written);
      });
    }
    await delay(WARMUP_MS);
    plainChanges = 0;
    plainLatencies.length = 0;
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
        added: { p50: round(gatewayP50 - plainP50), p99: round(gatewayP99 - plainP99) },
      },
      processCpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / (elapsed * 1000)) * 100),
      monitoredItemsOnServer: monitoredItemsOnServer(),
    };
  }

  const results: DialectResult[] = [];

  // opcua-server (8081): 50 clients, each monitoring every variable (ClientHandle = variable name, as ASNeG's JS client does).
  const serverSockets = await openClients(gateway.port!, 'json');
  for (const socket of serverSockets) {
    for (const variable of variables) {
      socket.send(JSON.stringify({ Header: { MessageType: 'MONITORSTART_REQUEST', ClientHandle: variable.name }, Body: { Variable: variable.name } }));
    }
  }
  results.push(await measure('opcua-server', serverSockets, (frame) => {
    const message = JSON.parse(frame) as { Header: { MessageType: string }; Body?: { Value?: { Body?: string } } };
    return message.Header.MessageType === 'MONITORUPDATE_MESSAGE' ? Number(message.Body?.Value?.Body) : undefined;
  }, () => demo.monitoredItemCount()));
  await closeClients(serverSockets);

  // opcua-gateway (8082): 50 clients, each logging in (its own OPC UA session, as the gateway is meant to
  // work), creating a subscription and one monitored item per variable.
  const gatewayDialect = new GatewayEndpoint({
    id: 'bench-gw', listen: { kind: 'port', host: '127.0.0.1', port: 0 }, dialect: 'opcua-gateway',
    dialectOptions: { gatewayEndpoints: demo.endpointUrl, gatewayPkiFolder: pki, gatewayMaxSessions: 2 },
    limits: { maxClients: CLIENTS + 10, maxInFlight: 16, outboundBudgetBytes: 16 * 1024 * 1024 },
  }, new TagSpace());
  await gatewayDialect.start();
  const gatewaySockets = await openClients(gatewayDialect.port!);
  await Promise.all(gatewaySockets.map((socket) => subscribeThroughGateway(socket, demo.endpointUrl, namespaceIndex)));
  results.push(await measure('opcua-gateway', gatewaySockets, (frame) => {
    const message = JSON.parse(frame) as { Header: { MessageType: string }; Body?: { Value?: { Value?: { Body?: string } } } };
    return message.Header.MessageType === 'GW_DataChangeNotify' ? Number(message.Body?.Value?.Value?.Body) : undefined;
  }, () => demo.monitoredItemCount()));
  await closeClients(gatewaySockets);
  await gatewayDialect.close();

  console.log(JSON.stringify(results, null, 2));
  writeBenchResult('opcua', results.flatMap((result) => [
    { path: `${result.dialect}: changes per client`, unit: 'changes/s', figure: result.gatewayChangesPerSecondPerClient, baselineName: 'plain node-opcua client', baseline: result.plainClientChangesPerSecond, higherIsBetter: true },
    { path: `${result.dialect}: write -> arrival p99`, unit: 'ms', figure: result.latencyMs.gateway.p99, baselineName: 'plain node-opcua client', baseline: result.latencyMs.plain.p99, higherIsBetter: false },
  ]), results);

  clearInterval(writer);
  await gateway.close();
  await opcua.close();
  await subscription.terminate();
  await plainSession.close();
  await plain.disconnect();
  await demo.stop();
  fs.rmSync(pki, { recursive: true, force: true });
}

function openClients(port: number, protocol?: string): Promise<WebSocket[]> {
  return Promise.all(Array.from({ length: CLIENTS }, () => new Promise<WebSocket>((resolve, reject) => {
    const socket = protocol ? new WebSocket(`ws://127.0.0.1:${port}`, protocol) : new WebSocket(`ws://127.0.0.1:${port}`);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  })));
}

function closeClients(sockets: WebSocket[]): Promise<void[]> {
  return Promise.all(sockets.map((socket) => new Promise<void>((resolve) => { socket.once('close', () => resolve()); socket.close(); })));
}

/** GW_LoginRequest, GW_CreateSubscriptionRequest and GW_CreateMonitoredItemsRequest for every bench variable. */
async function subscribeThroughGateway(socket: WebSocket, endpointUrl: string, namespaceIndex: number): Promise<void> {
  const next = (type: string): Promise<{ Header: { StatusCode?: string }; Body: Record<string, string> }> => new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const message = JSON.parse(String(data)) as { Header: { MessageType: string; StatusCode?: string }; Body: Record<string, string> };
      if (message.Header.MessageType !== type) return;
      socket.off('message', onMessage);
      resolve(message);
    };
    socket.on('message', onMessage);
  });
  const send = (type: string, body: unknown, sessionId?: string): void => {
    socket.send(JSON.stringify({ Header: { MessageType: type, ClientHandle: 'bench', ...(sessionId ? { SessionId: sessionId } : {}) }, Body: body }));
  };
  const login = next('GW_LoginResponse');
  const connected = next('GW_SessionStatusNotify');
  send('GW_LoginRequest', { DiscoveryUrl: endpointUrl });
  const sessionId = (await login).Body.SessionId;
  await connected;
  const subscription = next('GW_CreateSubscriptionResponse');
  send('GW_CreateSubscriptionRequest', { RequestedPublishingInterval: String(PUBLISHING_MS), RequestedLifetimeCount: '600', RequestedMaxKeepAliveCount: '20' }, sessionId);
  const subscriptionId = (await subscription).Body.SubscriptionId;
  const created = next('GW_CreateMonitoredItemsResponse');
  send('GW_CreateMonitoredItemsRequest', {
    SubscriptionId: subscriptionId,
    ItemsToCreate: Array.from({ length: VARIABLES }, (_unused, index) => ({
      ItemToMonitor: { NodeId: { IdType: '1', Id: `Bench${index}`, Namespace: String(namespaceIndex) }, AttributeId: '13' },
      RequestedParameters: { ClientHandle: String(index), SamplingInterval: '0', QueueSize: '1', DiscardOldest: 'true' },
    })),
  }, sessionId);
  const answer = await created;
  if (answer.Header.StatusCode !== '0') throw new Error(`GW_CreateMonitoredItemsRequest failed: ${JSON.stringify(answer.Header)}`);
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
