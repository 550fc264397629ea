/**
 * Read benchmark of the opcua-gateway dialect: GW_ReadRequest round trips through the gateway (a `ws`
 * client -> GatewayEndpoint -> node-opcua session -> OPC UA server) beside a plain node-opcua client
 * doing the same reads against the same server in the same run. Prints reads per second for both, the
 * ratio, and the latency each adds (p50, p99) at one request at a time, then the throughput with
 * several requests in flight.
 *
 *   npm run bench:opcua-gateway -- [reads=2000] [inFlight=8] [rounds=5]
 *
 * Everything runs in this one process (OPC UA server, gateway, both clients), so both paths share the
 * same CPU; the ratios, not the absolute numbers, are the result.
 */
import os = require('node:os');
import path = require('node:path');
import { AttributeIds, OPCUAClient, type ClientSession } from 'node-opcua';
import { TagSpace } from '../../lib/tags';
import { GatewayEndpoint } from '../../lib/server';
import { GatewayClient } from '../../test/support/gateway-client';
import { startOpcuaTestServer } from '../../test/support/opcua-test-server';
import { median, percentile } from '../support/percentile';
import { writeBenchResult } from '../support/result';
import { createOpcuaGatewayDialect } from '../../lib/dialects/opcua-gateway';

const [reads, inFlight, rounds] = [2000, 8, 5].map((fallback, index) => {
  const value = Number(process.argv[2 + index]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
});

const nodeToRead = { IdType: '1', Id: 'Setpoint', Namespace: '1' };

interface Measurement {
  readsPerSecond: number;
  latenciesMs: number[];
}

async function measure(count: number, concurrency: number, read: () => Promise<void>): Promise<Measurement> {
  const latenciesMs: number[] = [];
  let issued = 0;
  const started = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (issued < count) {
      issued++;
      const begin = process.hrtime.bigint();
      await read();
      latenciesMs.push(Number(process.hrtime.bigint() - begin) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { readsPerSecond: count / seconds, latenciesMs };
}

/**
 * Measures both paths in alternating slices of the same size, so that load from other processes on a
 * shared machine falls on both alike; rates are total reads over total time of each path.
 */
async function compare(count: number, concurrency: number, plain: () => Promise<void>, gateway: () => Promise<void>): Promise<[Measurement, Measurement]> {
  const slices = 10;
  const perSlice = Math.max(1, Math.floor(count / slices));
  const totals = [{ seconds: 0, latenciesMs: [] as number[] }, { seconds: 0, latenciesMs: [] as number[] }];
  for (let slice = 0; slice < slices; slice++) {
    for (const [index, read] of [plain, gateway].entries()) {
      const result = await measure(perSlice, concurrency, read);
      totals[index].seconds += perSlice / result.readsPerSecond;
      totals[index].latenciesMs.push(...result.latenciesMs);
    }
  }
  const done = (index: number): Measurement => ({ readsPerSecond: (perSlice * slices) / totals[index].seconds, latenciesMs: totals[index].latenciesMs });
  return [done(0), done(1)];
}

async function main(): Promise<void> {
  const opcua = await startOpcuaTestServer({ port: 0 });
  const endpoint = new GatewayEndpoint({
    id: 'bench',
    listen: { kind: 'port', host: '127.0.0.1', port: 0 },
    dialect: createOpcuaGatewayDialect,
    dialectOptions: { gatewayEndpoints: opcua.endpointUrl, gatewayPkiFolder: path.join(os.tmpdir(), 'ws-gateway-opcua-gateway-tests', 'gateway-pki') },
    limits: { maxInFlight: 64, pingIntervalMs: 0 },
  }, new TagSpace({ historySize: 1 }));
  await endpoint.start();

  const plain = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
  await plain.connect(opcua.endpointUrl);
  const session: ClientSession = await plain.createSession();
  const plainRead = async (): Promise<void> => {
    const value = await session.read({ nodeId: 'ns=1;s=Setpoint', attributeId: AttributeIds.Value });
    if (value.statusCode.value !== 0) throw new Error(`plain read failed: ${value.statusCode.name}`);
  };

  const client = await GatewayClient.open(`ws://127.0.0.1:${endpoint.port}`);
  const { sessionId, status } = await client.login({ DiscoveryUrl: opcua.endpointUrl });
  if (status !== 'Connect') throw new Error(`gateway login: ${status}`);
  const gatewayRead = async (): Promise<void> => {
    const answer = await client.request('GW_ReadRequest', { NodesToRead: [{ NodeId: nodeToRead, AttributeId: '13' }] }, sessionId);
    if (answer.Header.StatusCode !== '0') throw new Error(`gateway read failed: ${answer.Header.StatusCode}`);
  };

  // Warm up both paths (JIT, node-opcua caches) before measuring.
  await measure(1000, inFlight, plainRead);
  await measure(1000, inFlight, gatewayRead);

  const rows: Array<Record<string, number>> = [];
  for (let round = 1; round <= rounds; round++) {
    const [plainSerial, gatewaySerial] = await compare(reads, 1, plainRead, gatewayRead);
    const [plainParallel, gatewayParallel] = await compare(reads, inFlight, plainRead, gatewayRead);
    const row = {
      round,
      plainSerialPerSecond: plainSerial.readsPerSecond,
      gatewaySerialPerSecond: gatewaySerial.readsPerSecond,
      serialRatio: gatewaySerial.readsPerSecond / plainSerial.readsPerSecond,
      plainP50Ms: percentile(plainSerial.latenciesMs, 50),
      gatewayP50Ms: percentile(gatewaySerial.latenciesMs, 50),
      addedP50Ms: percentile(gatewaySerial.latenciesMs, 50) - percentile(plainSerial.latenciesMs, 50),
      plainP99Ms: percentile(plainSerial.latenciesMs, 99),
      gatewayP99Ms: percentile(gatewaySerial.latenciesMs, 99),
      addedP99Ms: percentile(gatewaySerial.latenciesMs, 99) - percentile(plainSerial.latenciesMs, 99),
      plainParallelPerSecond: plainParallel.readsPerSecond,
      gatewayParallelPerSecond: gatewayParallel.readsPerSecond,
      parallelRatio: gatewayParallel.readsPerSecond / plainParallel.readsPerSecond,
    };
    rows.push(row);
    console.log(`round ${round}: serial ${row.gatewaySerialPerSecond.toFixed(0)} vs ${row.plainSerialPerSecond.toFixed(0)} reads/s (ratio ${row.serialRatio.toFixed(2)}), `
      + `p50 +${row.addedP50Ms.toFixed(3)} ms, p99 +${row.addedP99Ms.toFixed(3)} ms; ${inFlight} in flight ${row.gatewayParallelPerSecond.toFixed(0)} vs ${row.plainParallelPerSecond.toFixed(0)} reads/s (ratio ${row.parallelRatio.toFixed(2)})`);
  }

  const summary = (key: string): number => median(rows.map((row) => row[key]));
  console.log('\nopcua-gateway Read benchmark (median of rounds; gateway = ws client -> dialect -> node-opcua -> server; plain = node-opcua client)');
  console.log(`  reads per round ${reads}, rounds ${rounds}, Node ${process.version}, ${os.cpus().length} CPUs`);
  console.log(`  one at a time:  gateway ${summary('gatewaySerialPerSecond').toFixed(0)} reads/s, plain ${summary('plainSerialPerSecond').toFixed(0)} reads/s, ratio ${summary('serialRatio').toFixed(2)}`);
  console.log(`  latency p50:    gateway ${summary('gatewayP50Ms').toFixed(3)} ms, plain ${summary('plainP50Ms').toFixed(3)} ms, added ${(summary('gatewayP50Ms') - summary('plainP50Ms')).toFixed(3)} ms`);
  console.log(`  latency p99:    gateway ${summary('gatewayP99Ms').toFixed(3)} ms, plain ${summary('plainP99Ms').toFixed(3)} ms, added ${(summary('gatewayP99Ms') - summary('plainP99Ms')).toFixed(3)} ms`);
  console.log(`  ${inFlight} in flight:   gateway ${summary('gatewayParallelPerSecond').toFixed(0)} reads/s, plain ${summary('plainParallelPerSecond').toFixed(0)} reads/s, ratio ${summary('parallelRatio').toFixed(2)}`);

  writeBenchResult('opcua-gateway', [
    { path: 'opcua-gateway GW_ReadRequest, 1 at a time', unit: 'reads/s', figure: summary('gatewaySerialPerSecond'), baselineName: 'plain node-opcua read', baseline: summary('plainSerialPerSecond'), higherIsBetter: true },
    { path: `opcua-gateway GW_ReadRequest, ${inFlight} in flight`, unit: 'reads/s', figure: summary('gatewayParallelPerSecond'), baselineName: 'plain node-opcua read', baseline: summary('plainParallelPerSecond'), higherIsBetter: true },
  ], rows);

  await client.close();
  await session.close();
  await plain.disconnect();
  await endpoint.close();
  await opcua.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
