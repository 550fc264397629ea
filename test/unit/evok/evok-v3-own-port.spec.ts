import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseFilter } from '../../../lib/dialects/evok/names';
import type { ReadRequest, WriteRequest } from '../../../lib/modbus';
import { GatewayEndpoint } from '../../../lib/server';
import { TagSpace } from '../../../lib/tags';
import { startNeuron } from '../../support/modbus';
import { TestClient } from '../../support/ws-client';
import type { DeviceObject } from './evok-fixture';
import { createEvokDialect } from '../../../lib/dialects/evok';

/**
 * An EVOK 3 server as EVOK 3 runs: its own port, WebSocket on /ws and REST on the same port, v3 shapes.
 * Real simulator, real gateway, real sockets and fetch.
 */
describe('evok v3 shapes on an own-port server (REST and WebSocket on one port)', () => {
  let neuron: Awaited<ReturnType<typeof startNeuron>>;
  let endpoint: GatewayEndpoint;
  let base: string;
  const clients: TestClient[] = [];
  const writes: Array<{ unit: number; request: WriteRequest }> = [];

  before(async () => {
    neuron = await startNeuron({ product: { family: 'Neuron', model: 'L533' } });
    neuron.gateway.line.on('request', (unit: number, request: ReadRequest | WriteRequest) => {
      if (request.fc === 5 || request.fc === 6 || request.fc === 16) writes.push({ unit, request });
    });
    endpoint = new GatewayEndpoint({
      id: 'evok3',
      listen: { kind: 'port', host: '127.0.0.1', port: 0 },
      dialect: createEvokDialect,
      dialectOptions: { path: '/ws', evokShapes: 'v3' },
      sources: { modbus: neuron.gateway },
    }, new TagSpace());
    await endpoint.start();
    base = `http://127.0.0.1:${endpoint.port}`;
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await endpoint.close();
    await neuron.stop();
  });

  async function open(): Promise<TestClient> {
    const client = await TestClient.open(`ws://127.0.0.1:${endpoint.port}/ws`);
    clients.push(client);
    return client;
  }

  /** The next answer that is a bare object; event arrays (drifting analog inputs) may come first. */
  async function nextObject(client: TestClient): Promise<DeviceObject> {
    for (;;) {
      const frame = await client.nextJson<DeviceObject | DeviceObject[]>();
      if (!Array.isArray(frame)) return frame;
    }
  }

  async function post(path: string, body: string, type = 'application/x-www-form-urlencoded'): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': type }, body });
    return { status: response.status, body: await response.json() as Record<string, unknown> };
  }

  it('regression: REST on the own port is served (was 426 Upgrade Required), with CORS; other paths stay 426', async () => {
    const response = await fetch(`${base}/rest/all`, { headers: { Origin: 'http://evok-web.example' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    const all = await response.json() as DeviceObject[];
    assert.ok(all.some((object) => object.dev === 'ro') && all.some((object) => object.dev === 'do') && all.some((object) => object.dev === 'di'));
    const preflight = await fetch(`${base}/rest/do/1_01`, { method: 'OPTIONS' });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.equal((await fetch(`${base}/index.html`)).status, 426);
  });

  it('all (WebSocket) holds ro, do, di, ai, ao, modbus_slave, led, wd, register, device_info, run in that order; REST all has no run', async () => {
    const client = await open();
    client.send({ cmd: 'all' });
    // The reply to all is the one array that starts with a relay (events of a cycle hold only what changed).
    let all = await client.nextJson<DeviceObject[]>();
    while (all[0]?.dev !== 'ro' || !all.some((object) => object.dev === 'run')) all = await client.nextJson<DeviceObject[]>();
    const types = all.map((object) => String(object.dev)).filter((dev, index, list) => list.indexOf(dev) === index);
    assert.deepEqual(types, ['ro', 'do', 'di', 'ai', 'ao', 'modbus_slave', 'led', 'wd', 'register', 'device_info', 'run']);
    assert.ok(all.every((object) => !('glob_dev_id' in object) && !('relay_type' in object)));
    assert.deepEqual(all.find((object) => object.dev === 'ro' && object.circuit === '2_01'), { dev: 'ro', circuit: '2_01', value: 0 });
    const slaves = all.filter((object) => object.dev === 'modbus_slave');
    assert.deepEqual(slaves.map((object) => [object.circuit, object.slave_id, object.modbus_type, object.modbus_spec]), [['1', 1, 'TCP', '127.0.0.1'], ['2', 2, 'TCP', '127.0.0.1'], ['3', 3, 'TCP', '127.0.0.1']]);
    assert.ok(slaves.every((object) => typeof object.last_comm === 'number' && object.scan_interval === 0.02));
    assert.deepEqual(all.find((object) => object.dev === 'device_info'), { dev: 'device_info', family: 'Neuron', model: 'L533', sn: 0, board_count: 3, circuit: 'L533' });
    const rest = await (await fetch(`${base}/rest/all`)).json() as DeviceObject[];
    assert.equal(rest.some((object) => object.dev === 'run'), false);
    assert.equal(rest.filter((object) => object.dev === 'modbus_slave').length, 3);
    assert.equal(rest.filter((object) => object.dev === 'device_info').length, 1);
    assert.deepEqual(await (await fetch(`${base}/rest/device_info/L533/model`)).json(), { model: 'L533' });
    assert.equal(((await (await fetch(`${base}/rest/modbus_slave/2`)).json()) as DeviceObject).slave_id, 2);
  });

  it('a v3 filter matches the emitted names exactly: relay lets nothing through, do does', async () => {
    assert.deepEqual(parseFilter(['relay', 'input', 'watchdog'], 'v3'), new Set());
    assert.deepEqual(parseFilter(['do', 'RO', 'bogus'], 'v3'), new Set(['do']));
    assert.equal(parseFilter(['RO'], 'v3'), undefined, 'not an accepted name in any case: the old filter stays');
    // The seed shape keeps matching by canonical type.
    assert.deepEqual(parseFilter(['relay'], 'seed'), new Set(['ro', 'do']));

    const relayOnly = await open();
    const doOnly = await open();
    relayOnly.send({ cmd: 'filter', devices: ['relay'] });
    doOnly.send({ cmd: 'filter', devices: ['do', 'ro'] });
    doOnly.send({ cmd: 'set', dev: 'do', circuit: '1_02', value: 1 });
    const event = await doOnly.nextJson<DeviceObject[]>();
    assert.deepEqual(event.map((object) => `${String(object.dev)} ${String(object.circuit)} ${String(object.value)}`), ['do 1_02 1']);
    // Same cycle as the event above: a relay-filtered client got nothing from it.
    assert.equal(await relayOnly.silentFor(200), true);
  });

  it('run/alias lists aliases, deletes one, and save=1 succeeds over REST and the WebSocket', async () => {
    const set = await post('/rest/do/1_01', 'alias=kitchen');
    assert.equal(set.status, 200);
    assert.equal((set.body.result as DeviceObject).alias, 'kitchen');
    const run = await (await fetch(`${base}/rest/run/alias`)).json() as DeviceObject;
    assert.deepEqual(run, { dev: 'run', circuit: 'alias', save: false, aliases: { kitchen: { circuit: 'do_1_01', devtype: 'do' } } });
    const saved = await post('/rest/run/alias', 'save=1');
    assert.equal(saved.status, 200);
    assert.equal(saved.body.success, true);
    assert.equal((saved.body.result as DeviceObject).dev, 'run');
    assert.equal((await post('/json/run/alias', '{"save": "yes"}', 'application/json')).status, 404);

    const client = await open();
    client.send({ cmd: 'full', dev: 'run', circuit: 'alias' });
    assert.deepEqual((await nextObject(client)).aliases, { kitchen: { circuit: 'do_1_01', devtype: 'do' } });
    client.send({ cmd: 'set', dev: 'run', circuit: 'alias', value: { delete: 'kitchen' } });
    client.send({ cmd: 'full', dev: 'run', circuit: 'alias' });
    assert.deepEqual((await nextObject(client)).aliases, {});
  });

  it('regression: the watchdog reports the nv_save it was set to (was always 0); the save coil is pulsed only on a change', async () => {
    writes.length = 0;
    const first = await post('/json/wd/1_01', '{"nv_save": 1}', 'application/json');
    assert.equal(first.status, 200);
    assert.equal((first.body.result as DeviceObject).nv_save, 1);
    assert.deepEqual(writes, [{ unit: 1, request: { fc: 5, address: 1003, value: true } }]);
    const again = await post('/json/wd/1_01', '{"nv_save": 1}', 'application/json');
    assert.equal((again.body.result as DeviceObject).nv_save, 1);
    assert.equal(writes.length, 1, 'an unchanged flag writes nothing');
    const client = await open();
    client.send({ cmd: 'full', dev: 'wd', circuit: '1_01' });
    assert.equal((await nextObject(client)).nv_save, 1);
  });
});
