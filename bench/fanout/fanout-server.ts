/**
 * The server side of the fan-out benchmark, run in its own process so its CPU time can be read alone.
 * Variants: `gateway` (Node-RED + ws-gateway-out broadcast), `core` (Node-RED + core `websocket out`),
 * `bare` (a `ws` server calling send once per client per message).
 * Protocol with the parent (IPC): it sends {port} once listening; then {publish: count, payload} starts
 * a run and {cpu: true} asks for the CPU microseconds used since that run started.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import http = require('node:http');
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket = require('ws');

type Variant = 'gateway' | 'core' | 'bare';
type Publish = (payload: string) => void;

interface ParentMessage {
  publish?: number;
  payload?: string;
  cpu?: boolean;
}

interface NodeRedRuntime {
  init(server: http.Server, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  nodes: { getNode(id: string): { receive(msg: Record<string, unknown>): void } | null };
}

const PATH = '/fanout';

async function startNodeRed(variant: 'gateway' | 'core'): Promise<{ port: number; publish: Publish }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- Node-RED's runtime is loaded only when the bench starts it
  const RED = require('node-red') as NodeRedRuntime;
  const userDir = mkdtempSync(join(tmpdir(), 'ws-gateway-bench-'));
  const flows = variant === 'gateway'
    ? [
        { id: 'tab', type: 'tab', label: 'bench' },
        { id: 'srv', type: 'ws-gateway-server', listen: 'path', path: PATH, dialect: 'raw', auth: 'none', maxClients: 1000, outboundBudgetBytes: 64 * 1024 * 1024, pingIntervalSeconds: 0 },
        { id: 'out', type: 'ws-gateway-out', z: 'tab', server: 'srv', action: 'broadcast', x: 100, y: 100, wires: [] },
      ]
    : [
        { id: 'tab', type: 'tab', label: 'bench' },
        { id: 'srv', type: 'websocket-listener', path: PATH, wholemsg: 'false' },
        { id: 'out', type: 'websocket out', z: 'tab', server: 'srv', client: '', x: 100, y: 100, wires: [] },
      ];
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(flows));
  const server = http.createServer();
  RED.init(server, {
    userDir,
    flowFile: 'flows.json',
    // Loads this package the way the demo does: Node-RED scans the folder for a package with a node-red section.
    nodesDir: [resolve(__dirname, '..', '..', '..')],
    httpAdminRoot: false,
    httpNodeRoot: '/',
    logging: { console: { level: 'error' } },
    editorTheme: { projects: { enabled: false } },
    credentialSecret: false,
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  await RED.start();
  const out = await waitForNode(RED, 'out');
  return { port: (server.address() as AddressInfo).port, publish: (payload) => out.receive({ payload }) };
}

async function waitForNode(RED: NodeRedRuntime, id: string): Promise<{ receive(msg: Record<string, unknown>): void }> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const node = RED.nodes.getNode(id);
    if (node) return node;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error(`node ${id} did not start: is the package built (npm run build)?`);
}

async function startBare(): Promise<{ port: number; publish: Publish }> {
  const server = http.createServer();
  const wss = new WebSocket.Server({ server, path: PATH });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as AddressInfo).port,
    publish: (payload) => { for (const client of wss.clients) client.send(payload); },
  };
}

async function main(): Promise<void> {
  const variant = process.argv[2] as Variant;
  const { port, publish } = variant === 'bare' ? await startBare() : await startNodeRed(variant);
  let cpuAtStart = process.cpuUsage();
  process.on('message', (message: ParentMessage) => {
    if (message.publish !== undefined && message.payload !== undefined) {
      cpuAtStart = process.cpuUsage();
      publishInBatches(publish, message.payload, message.publish);
    } else if (message.cpu) {
      const used = process.cpuUsage(cpuAtStart);
      process.send?.({ cpuMicros: used.user + used.system });
    }
  });
  process.send?.({ port, path: PATH });
}

/** Publishes `count` messages, a batch per event-loop turn, as a busy flow would. */
function publishInBatches(publish: Publish, payload: string, count: number, batch = 50): void {
  let sent = 0;
  const step = (): void => {
    const end = Math.min(count, sent + batch);
    for (; sent < end; sent++) publish(payload.replace('"seq":0', `"seq":${sent}`));
    if (sent < count) setImmediate(step);
  };
  step();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
