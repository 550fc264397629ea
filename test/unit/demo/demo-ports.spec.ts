import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { ROOT, type DemoPorts } from '../../support/demo';

interface FlowNode { id: string; type: string; [key: string]: unknown }
interface PortsModule {
  DEMO_PORTS: DemoPorts;
  moveDemoPorts(flows: FlowNode[], ports: Partial<DemoPorts>): FlowNode[];
  demoPortsFromEnv(env: Record<string, string | undefined>): DemoPorts;
}
interface StartDemo { mergeExampleFlows(): { flows: FlowNode[] } }

const load = async (): Promise<{ ports: PortsModule; examples: FlowNode[] }> => {
  const ports = await import(pathToFileURL(join(ROOT, 'scripts', 'demo-ports.mjs')).href) as PortsModule;
  const demo = await import(pathToFileURL(join(ROOT, 'scripts', 'start-demo.mjs')).href) as StartDemo;
  return { ports, examples: demo.mergeExampleFlows().flows };
};

/** Every port number or URL port the example flows name, as text, so a forgotten one shows. */
function portsNamed(flows: FlowNode[]): Set<string> {
  const named = new Set<string>();
  for (const node of flows) {
    if (node.type === 'ws-gateway-server' && node.listen === 'port') named.add(`listen ${String(node.port)}`);
    if (node.type === 'ws-gateway-modbus') named.add(`modbus ${String(node.port)}`);
    for (const key of ['url', 'endpointUrl', 'gatewayEndpoints']) {
      if (typeof node[key] === 'string') for (const match of (node[key] as string).matchAll(/127\.0\.0\.1:(\d+)/g)) named.add(`${key} ${match[1]}`);
    }
  }
  return named;
}

describe('the demo ports of the example flows (scripts/demo-ports.mjs)', () => {
  it('moves every port the examples name, and only those', async () => {
    const { ports, examples } = await load();
    const to: DemoPorts = { http: 11880, evok3: 18080, opcuaServer: 18081, opcuaGateway: 18082, opcua: 14840, modbus: 15020 };
    const before = portsNamed(examples);
    const moved = portsNamed(ports.moveDemoPorts(examples, to));
    const defaults = Object.values(ports.DEMO_PORTS).map(String);
    assert.ok([...before].some((entry) => defaults.some((port) => entry.endsWith(` ${port}`))), 'the examples name the demo ports');
    for (const entry of moved) assert.ok(!defaults.some((port) => entry.endsWith(` ${port}`)), `${entry} still names a demo port`);
    assert.ok(moved.has('listen 18080') && moved.has('listen 18081') && moved.has('listen 18082'), [...moved].join(', '));
    assert.ok(moved.has('modbus 15020') && moved.has('endpointUrl 14840') && moved.has('gatewayEndpoints 14840'), [...moved].join(', '));
  });

  it('keeps the ports that are not given, and leaves servers on a path alone', async () => {
    const { ports, examples } = await load();
    const moved = ports.moveDemoPorts(examples, { opcuaServer: 18081 });
    const onPath = (flows: FlowNode[]): unknown[] => flows.filter((node) => node.type === 'ws-gateway-server' && node.listen === 'path').map((node) => node.port);
    assert.deepEqual(onPath(moved), onPath(examples));
    assert.deepEqual(portsNamed(moved), new Set([...portsNamed(examples)].map((entry) => (entry === 'listen 8081' ? 'listen 18081' : entry))));
  });

  it('reads the ports from the environment of npm start, and names the variable of a bad one', async () => {
    const { ports } = await load();
    assert.deepEqual(ports.demoPortsFromEnv({ DEMO_ASNEG_PORT: '9001', DEMO_MODBUS_PORT: ' ' }), { ...ports.DEMO_PORTS, opcuaServer: 9001 });
    assert.throws(() => ports.demoPortsFromEnv({ DEMO_GATEWAY_PORT: '80a' }), /DEMO_GATEWAY_PORT must be an integer from 1 to 65535, got "80a"/);
  });
});
