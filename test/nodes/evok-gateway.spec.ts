import assert from 'node:assert/strict';
import net = require('node:net');
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import type { NodeStatus } from 'node-red';
import express = require('express');
import gatewayModbus = require('../../nodes/ws-gateway-modbus/ws-gateway-modbus');
import { runtimeTags } from '../../nodes/shared/runtime-tags';
import { NeuronSimulator } from '../../demo/modbus/neuron-simulator';
import { evokFlow } from '../fixtures/flows/evok-flows';
import { collect, gatewayNodes, helper, wsUrl } from '../support/node-red';
import { freePort } from '../support/ports';
import { waitFor } from '../support/wait';
import { TestClient } from '../support/ws-client';

type DeviceObject = Record<string, unknown> & { dev: string; circuit: string };

type Middleware = (request: unknown, response: unknown, next: () => void) => void;
interface CapturedRed { httpNode: Middleware & { _router?: { stack: unknown[] } } }

/** The RED API the nodes of the current load got: its httpNode is where the REST routes go. */
let red: CapturedRed | undefined;
const captureRed = (api: CapturedRed): void => { red = api; };

function httpLayers(): number {
  return red?.httpNode._router?.stack.length ?? 0;
}

describe('ws-gateway-modbus + ws-gateway-server (evok) in Node-RED', () => {
  let sim: NeuronSimulator;
  const clients: TestClient[] = [];
  before(async () => {
    sim = new NeuronSimulator({ port: 0 });
    await sim.start();
    await helper.startServer();
    // The helper's HTTP server does not serve RED.httpNode itself; route to the one of the current load.
    const app = (helper as unknown as { _app: { use(handler: Middleware): void } })._app;
    // Node-RED's admin app, mounted on / before httpNode, parses forms and JSON first: do the same.
    app.use(express.urlencoded({ extended: true }) as unknown as Middleware);
    app.use(express.json() as unknown as Middleware);
    app.use((request, response, next) => (red ? red.httpNode(request, response, next) : next()));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await helper.unload();
    sim.setOffline(2, undefined);
  });
  after(async () => {
    await helper.stopServer();
    await sim.stop();
  });

  async function load(flow = evokFlow(sim.port)): Promise<void> {
    await helper.load([...gatewayNodes, gatewayModbus, captureRed as unknown as typeof gatewayModbus], flow);
  }

  async function open(): Promise<TestClient> {
    const client = await TestClient.open(wsUrl('/ws'));
    clients.push(client);
    return client;
  }

  it('serves the L533 over EVOK: all, set with its Modbus write, the pushed event, REST, tags', async () => {
    await load();
    const client = await open();
    await waitFor(() => runtimeTags({}).space.has('neuron/do/1_01'), 'the circuits in the tag space');
    client.send({ cmd: 'all' });
    const all = await client.nextJson<DeviceObject[]>();
    assert.ok(all.some((o) => o.dev === 'ai' && o.circuit === '3_04'));
    sim.writes.length = 0;
    client.send({ cmd: 'set', dev: 'output', circuit: '1_01', value: 1 });
    for (;;) {
      const frame = await client.nextJson<DeviceObject[]>();
      if (frame.some((o) => o.circuit === '1_01' && o.dev === 'relay' && o.value === 1)) break;
    }
    assert.deepEqual(sim.writes, [{ unit: 1, fc: 5, address: 0, value: 1 }]);
    const rest = await fetch(`${helper.url()}/rest/relay/1_01`);
    assert.equal(((await rest.json()) as DeviceObject).value, 1);
    const posted = await fetch(`${helper.url()}/rest/relay/2_04`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'value=1' });
    assert.equal(((await posted.json()) as { result: DeviceObject }).result.value, 1, 'a form Node-RED already parsed');
    assert.equal(sim.output(2, 'ro', 4), true);
    assert.equal((await runtimeTags({}).space.read('neuron/do/1_01')).value, true);
    await runtimeTags({}).space.write('neuron/do/1_01', false);
    assert.equal(sim.output(1, 'do', 1), false);
  });

  it('shows a unit that stops answering on the flow nodes and as an ERROR event, and recovers', async () => {
    await load();
    const inNode = helper.getNode('in');
    const statusOfIn = (): NodeStatus | undefined => {
      const spy = inNode.status as unknown as { getCalls(): Array<{ thisValue: unknown; args: [NodeStatus] }> };
      return spy.getCalls().filter((call) => call.thisValue === inNode).at(-1)?.args[0];
    };
    const events = collect('sink');
    await waitFor(() => runtimeTags({}).space.has('neuron/ro/2_01') && statusOfIn()?.fill === 'grey', 'started, no clients');
    sim.setOffline(2, 'exception');
    // The test helper's RED._ returns the message key, so the texts are keys here.
    await waitFor(() => statusOfIn()?.fill === 'red' && /unit-u/.test(String(statusOfIn()?.text)), 'red status: unit unreachable');
    await waitFor(() => events.some((m) => m.hook === 'ERROR' && /unit-lost/.test(String((m.payload as { message: string }).message))), 'ERROR event');
    const error = events.find((m) => m.hook === 'ERROR');
    assert.equal((error?.gateway as { type: string }).type, 'error', 'evok.md: msg.gateway.type is "error"');
    sim.setOffline(2, undefined);
    await waitFor(() => statusOfIn()?.fill === 'grey', 'status back to the client count', 4000);
  });

  it('shows an unreachable line with its reason and serves no events meanwhile', async () => {
    const probe = net.createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise((done) => probe.close(done));
    await load(evokFlow(closedPort));
    const inNode = helper.getNode('in');
    const statusOfIn = (): NodeStatus | undefined => {
      const spy = inNode.status as unknown as { getCalls(): Array<{ thisValue: unknown; args: [NodeStatus] }> };
      return spy.getCalls().filter((call) => call.thisValue === inNode).at(-1)?.args[0];
    };
    await waitFor(() => statusOfIn()?.fill === 'red' && /status\.unrea/.test(String(statusOfIn()?.text)), 'red: line unreachable');
    const modbus = helper.getNode('mb') as unknown as { statusSource: { status: NodeStatus }; gateway: { line: { status: { state: string; reason?: string } } } };
    assert.equal(modbus.gateway.line.status.state, 'unreachable');
    assert.match(modbus.gateway.line.status.reason ?? '', /ECONNREFUSED|connect/i);
    const client = await open();
    assert.equal(await client.silentFor(200), true);
    client.send({ cmd: 'all' });
    const all = await client.nextJson<DeviceObject[]>();
    assert.ok(all.every((o) => o.value === null), 'nothing read yet: values are null, as in EVOK before the first scan');
    // The line keeps retrying with back-off; the log says so once, not once per attempt.
    const modbusNode = helper.getNode('mb') as unknown as { warn: { getCalls(): Array<{ thisValue: unknown; args: unknown[] }> } };
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const lineWarnings = modbusNode.warn.getCalls().filter((call) => call.thisValue === modbusNode && /line-lost/.test(String(call.args[0])));
    assert.equal(lineWarnings.length, 1, 'one warning for a line that stays unreachable');
  });

  it('removes its REST routes and tags on redeploy and adds them again', async () => {
    await load();
    const layersBefore = httpLayers() - 1;
    assert.equal(httpLayers(), layersBefore + 1);
    assert.ok(runtimeTags({}).space.has('neuron/ai/1_01'));
    const flow = evokFlow(sim.port);
    await helper.setFlows(flow.map((node) => ({ ...node })), 'full');
    assert.equal(httpLayers(), layersBefore + 1, 'one set of routes after a redeploy');
    assert.ok(runtimeTags({}).space.has('neuron/ai/1_01'));
    await helper.setFlows([{ id: 'flow', type: 'tab' }], 'full');
    assert.equal(httpLayers(), layersBefore);
    assert.equal(runtimeTags({}).space.has('neuron/ai/1_01'), false);
    assert.equal((await fetch(`${helper.url()}/rest/all`)).status, 404);
  });

  it('takes a generic profile with its circuits, and refuses a bad one with the reason', async () => {
    await load(evokFlow(sim.port, {}, {
      profile: 'generic', units: '1', circuits: [{ name: 'tank', kind: 'ai', fc: 3, address: 3002, dataType: 'float32', wordOrder: 'lowFirst', scale: 1 }],
    }));
    const client = await open();
    await waitFor(() => ((helper.getNode('mb') as unknown as { gateway?: { cyclesOf(unit: number): number } }).gateway?.cyclesOf(1) ?? 0) > 0, 'first poll');
    client.send({ cmd: 'full', dev: 'ai', circuit: 'tank' });
    let tank = await client.nextJson<DeviceObject | DeviceObject[]>();
    while (Array.isArray(tank)) tank = await client.nextJson<DeviceObject | DeviceObject[]>();
    assert.equal(tank.circuit, '1_01');
    assert.equal(tank.alias, 'tank');
    assert.equal(tank.value, 8.703);
    await helper.unload();
    await load(evokFlow(sim.port, {}, { profile: 'generic', circuits: [{ name: 'x', kind: 'ai', fc: 9, address: 1 }] }));
    const modbus = helper.getNode('mb') as unknown as { gateway: unknown };
    assert.equal(modbus.gateway, undefined);
  });
  it('regression: refuses a set too large, out of range (1e400) or nested too deeply with EVOK\'s error frame, before any Modbus write', async () => {
    await load(evokFlow(sim.port, { evokErrors: true }));
    const client = await open();
    await waitFor(() => runtimeTags({}).space.has('neuron/ro/2_04'), 'the circuits in the tag space');
    const nextError = async (): Promise<{ error: string; request: unknown }> => {
      for (;;) {
        const frame = await client.nextJson<unknown>();
        if (frame !== null && typeof frame === 'object' && !Array.isArray(frame) && 'error' in frame) return frame as { error: string; request: unknown };
      }
    };
    sim.writes.length = 0;
    client.send({ cmd: 'set', dev: 'relay', circuit: '2_04', value: 'x'.repeat(300 * 1024) });
    const tooLarge = await nextError();
    assert.match(tooLarge.error, /^set ro 2_04: the value is larger than the limit of 262144 bytes$/);
    assert.deepEqual(tooLarge.request, { cmd: 'set', dev: 'relay', circuit: '2_04' }, 'the request named, not echoed in full');
    client.send('{"cmd": "set", "dev": "relay", "circuit": "2_04", "value": 1e400}');
    assert.match((await nextError()).error, /out of range/);
    client.send(`{"cmd": "set", "dev": "relay", "circuit": "2_04", "value": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    assert.equal((await nextError()).error, 'the JSON nests deeper than 64 levels');
    assert.deepEqual(sim.writes, [], 'nothing reached the device');
    client.send({ cmd: 'full', dev: 'relay', circuit: '2_04' });
    let relay = await client.nextJson<DeviceObject | DeviceObject[]>();
    while (Array.isArray(relay)) relay = await client.nextJson<DeviceObject | DeviceObject[]>();
    assert.equal(relay.circuit, '2_04', 'the connection is still usable');
  });

  it('regression: answers a REST POST body over maxValueBytes with 413 and one nested too deeply with 400', async () => {
    // Before, a raw body over 64 KB was a 404 and nothing looked at the nesting of a body Node-RED had parsed.
    await load();
    await waitFor(() => runtimeTags({}).space.has('neuron/ro/2_04'), 'the circuits in the tag space');
    sim.writes.length = 0;
    const big = await fetch(`${helper.url()}/json/relay/2_04`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: `{"value": "${'x'.repeat(300 * 1024)}"}` });
    assert.equal(big.status, 413);
    assert.match(JSON.stringify(await big.json()), /larger than the limit of 262144 bytes/);
    const deepText = await fetch(`${helper.url()}/json/relay/2_04`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: `{"value": ${'['.repeat(1000)}${']'.repeat(1000)}}` });
    assert.equal(deepText.status, 400);
    const deepParsed = await fetch(`${helper.url()}/rest/relay/2_04`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: `{"value": ${'['.repeat(1000)}${']'.repeat(1000)}}` });
    assert.equal(deepParsed.status, 400, 'a body Node-RED parsed is checked too');
    assert.deepEqual(sim.writes, []);
    const small = await fetch(`${helper.url()}/rest/relay/2_04`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"value": 1}' });
    assert.equal(small.status, 200);
  });

  it('releases the history rings of the Modbus tags when the node is removed on redeploy', async () => {
    await load();
    const space = runtimeTags({}).space;
    await waitFor(() => space.historyOf('neuron/ai/1_01') !== undefined, 'a sample of the analog input in its ring');
    await helper.setFlows([{ id: 'flow', type: 'tab' }], 'full');
    assert.equal(space.historyOf('neuron/ai/1_01'), undefined);
    assert.equal(space.historyOf('neuron/ro/2_04'), undefined);
  });
  it('an own-port server in v3 shapes serves REST on its port and tells device_info from the Modbus node\'s product', async () => {
    const port = await freePort();
    await load(evokFlow(sim.port, { listen: 'port', host: '127.0.0.1', port, evokShapes: 'v3' }));
    const base = `http://127.0.0.1:${port}`;
    let info: DeviceObject | undefined;
    for (let attempt = 0; attempt < 100 && !info; attempt++) {
      const response = await fetch(`${base}/rest/device_info/all`).catch(() => undefined);
      if (response?.status === 200) info = ((await response.json()) as DeviceObject[])[0];
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.deepEqual(info, { dev: 'device_info', family: 'Neuron', model: 'L533', sn: 0, board_count: 3, circuit: 'L533' });
    const client = await TestClient.open(`ws://127.0.0.1:${port}/ws`);
    clients.push(client);
    client.send({ cmd: 'full', dev: 'run', circuit: 'alias' });
    let run = await client.nextJson<DeviceObject | DeviceObject[]>();
    // First-cycle events may come before the answer.
    while (Array.isArray(run)) run = await client.nextJson<DeviceObject | DeviceObject[]>();
    assert.deepEqual(run, { dev: 'run', circuit: 'alias', save: false, aliases: {} });
  });
});
