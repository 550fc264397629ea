// `npm run bench:invoke`: invocations per second and p50 / p99 latency of Zato invocations through
// ws-gateway-client -> zato dialect -> echo flow (examples/zato-echo.json in a real Node-RED runtime),
// with 1 and 100 concurrent invocations, beside a bare `ws` request/response pair measured in the same
// run. Also the library path alone (GatewayClient -> GatewayEndpoint with a hook that replies), which
// shows what the Node-RED message passing adds. Ratios are against the bare pair; nothing is asserted.
import { GatewayClient, clientDefaults } from '../../lib/client';
import { GatewayEndpoint } from '../../lib/server';
import { TagSpace } from '../../lib/tags';
import { BareWsPair } from './bare-ws';
import { measure, type Measurement } from './measure';
import { writeBenchResult, type BenchRow } from '../support/result';
import { createZatoDialect } from '../../lib/dialects/zato';
import { startNodeRedPath, type FlowPath } from './node-red-path';

const request = { elem1: 'value1', elem2: 'value2' };
const runs = [
  { concurrency: 1, total: Number(process.env.BENCH_SERIAL ?? 2000) },
  { concurrency: 100, total: Number(process.env.BENCH_CONCURRENT ?? 20000) },
];

async function libraryPath(): Promise<{ invoke(): Promise<void>; stop(): Promise<void> }> {
  const endpoint = new GatewayEndpoint({ id: 'bench', listen: { kind: 'port', host: '127.0.0.1', port: 0 }, dialect: createZatoDialect, limits: { maxInFlight: 1000 } }, new TagSpace({ historySize: 1 }));
  endpoint.hooks.register({
    events: ['MESSAGE'],
    mode: 'handle',
    filter: { type: 'zato.helpers.echo' },
    deliver: (delivery) => endpoint.reply(delivery.session.id, delivery.payload, { handle: delivery.message?.handle }),
  });
  await endpoint.start();
  const client = new GatewayClient({
    ...clientDefaults,
    url: `ws://127.0.0.1:${endpoint.port}/`,
    mode: 'zato',
    clientId: 'wsx.out.bench000',
    clientName: 'WSX outconn - bench',
    pingIntervalMs: 0,
    responseTimeoutMs: 30_000,
  });
  client.start();
  while (!client.isReady) await new Promise((resolve) => setTimeout(resolve, 10));
  return {
    invoke: async () => { await client.invoke({ service: 'zato.helpers.echo', request }); },
    stop: async () => {
      await client.close();
      await endpoint.close();
    },
  };
}

function row(result: Measurement, baseline: Measurement): string {
  const ratio = (result.perSecond / baseline.perSecond).toFixed(2);
  const latency = (result.p50Ms / baseline.p50Ms).toFixed(1);
  return `${result.name.padEnd(44)} ${String(result.concurrency).padStart(4)} ${String(result.invocations).padStart(7)} ${String(result.perSecond).padStart(9)} ${result.p50Ms.toFixed(3).padStart(9)} ${result.p99Ms.toFixed(3).padStart(9)}   x${ratio} throughput, x${latency} p50`;
}

async function main(): Promise<void> {
  console.log(`node ${process.version}; request ${JSON.stringify(request)}`);
  console.log(`${'path'.padEnd(44)} ${'conc'.padStart(4)} ${'calls'.padStart(7)} ${'calls/s'.padStart(9)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)}   vs bare ws`);
  const rows: BenchRow[] = [];
  const rowOf = (path: string, result: Measurement, baseline: Measurement): BenchRow => ({
    path: `${path}, ${result.concurrency} in flight`, unit: 'calls/s', figure: result.perSecond, baselineName: 'bare ws request/response', baseline: baseline.perSecond, higherIsBetter: true,
  });
  let nodeRed: FlowPath | undefined;
  // Each call has its own index, over both runs, for the reply node to say which call it answers.
  let offset = 0;
  for (const { concurrency, total } of runs) {
    const bare = await BareWsPair.start();
    const baseline = await measure('bare ws request/response (baseline)', concurrency, total, () => bare.invoke(request));
    await bare.stop();
    console.log(row(baseline, baseline));

    const library = await libraryPath();
    const libraryResult = await measure('GatewayClient -> zato dialect -> hook reply', concurrency, total, () => library.invoke());
    console.log(row(libraryResult, baseline));
    rows.push(rowOf('invoke, library path', libraryResult, baseline));
    await library.stop();

    // Node-RED's runtime starts once per process; it idles while the other paths are measured.
    nodeRed ??= await startNodeRedPath(request);
    const flow = nodeRed;
    const flowResult = await measure('gateway out -> client -> zato -> echo flow', concurrency, total, (index) => flow.invoke(offset + index));
    offset += total;
    console.log(row(flowResult, baseline));
    rows.push(rowOf('invoke through a flow', flowResult, baseline));
  }
  await nodeRed?.stop();
  writeBenchResult('invoke', rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
