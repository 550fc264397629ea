import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http = require('node:http');
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { GatewayClientNode } from '../../nodes/ws-gateway-client/client-node';
import { readExample } from '../../test/support/examples';

interface RuntimeNode {
  on(event: 'input', listener: (msg: { bench?: number }) => void): void;
  receive(msg: object): void;
}

interface NodeRedRuntime {
  init(server: http.Server, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  nodes: { getNode(id: string): unknown };
}

export interface FlowPath {
  invoke(index: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * examples/zato-echo.json in Node-RED's own runtime, as a user runs it (not node-red-node-test-helper,
 * whose sinon spies record every send, status and log call and would be most of what is measured).
 * The example's debug nodes are switched off (no sidebar, no status): they would measure the debug
 * node's formatting of each reply, not the gateway. The runtime can be started once per process.
 */
export async function startNodeRedPath(request: unknown): Promise<FlowPath> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- Node-RED's runtime is loaded only when the bench starts it
  const RED = require('node-red') as NodeRedRuntime;
  const userDir = mkdtempSync(join(tmpdir(), 'ws-gateway-bench-'));
  const server = http.createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  const { flow, credentials } = readExample('zato-echo.json', { clientBase: `ws://127.0.0.1:${port}` });
  for (const node of flow) {
    if (node.type === 'debug') Object.assign(node, { active: false, tostatus: false, complete: 'true' });
  }
  const invoker = flow.find((node) => node.type === 'ws-gateway-out' && node.action === 'invoke');
  const reply = flow.find((node) => node.type === 'debug' && node.name === 'reply');
  const clientConfig = flow.find((node) => node.type === 'ws-gateway-client');
  if (!invoker || !reply || !clientConfig) throw new Error('examples/zato-echo.json has changed: no invoke, reply or client node');
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(flow));
  writeFileSync(join(userDir, 'flows_cred.json'), JSON.stringify(credentials));
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
  await RED.start();
  const invokeNode = await nodeOf<RuntimeNode>(RED, invoker.id);
  const replyNode = await nodeOf<RuntimeNode>(RED, reply.id);
  const client = (await nodeOf<GatewayClientNode>(RED, clientConfig.id)).client;
  while (!client?.isReady) await new Promise((done) => setTimeout(done, 10));

  const waiting = new Map<number, () => void>();
  replyNode.on('input', (msg) => {
    const done = waiting.get(msg.bench ?? -1);
    waiting.delete(msg.bench ?? -1);
    done?.();
  });
  return {
    invoke: (index) => new Promise<void>((done) => {
      waiting.set(index, done);
      // With a _msgid, as any node upstream of the invoke node would have given it: Node-RED's making
      // of one (sixteen Math.random calls) belongs to that node, not to the path measured here.
      invokeNode.receive({ _msgid: `bench${index}`, payload: { service: 'zato.helpers.echo', request }, bench: index });
    }),
    stop: async () => {
      await RED.stop();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      rmSync(userDir, { recursive: true, force: true });
    },
  };
}

async function nodeOf<T>(RED: NodeRedRuntime, id: string): Promise<T> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const node = RED.nodes.getNode(id);
    if (node) return node as T;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error(`node ${id} did not start: is the package built (npm run build)?`);
}
