import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDemo, type RunningDemo } from '../support/demo';
import { freePort } from '../support/ports';
import { TestClient } from '../support/ws-client';

type DeviceObject = Record<string, unknown>;

/**
 * `npm start` serves both EVOK generations: the seed's shapes on Node-RED's /ws, EVOK 3's on an own port
 * (8080, moved here by DEMO_EVOK3_PORT) with REST on the same port. The client below talks as Unipi's
 * EVOK 3 web UI does: REST for the device list, run/alias and the save button, the WebSocket for events.
 */
describe('npm start: an EVOK 3 client against the demo\'s own-port EVOK 3 server', () => {
  let demo: RunningDemo;
  let evok3: string;
  let evok3Port: number;
  const clients: TestClient[] = [];

  before(async () => {
    const modbusPort = await freePort();
    evok3Port = await freePort();
    evok3 = `http://127.0.0.1:${evok3Port}`;
    demo = await startDemo({
      env: { DEMO_MODBUS_PORT: String(modbusPort), DEMO_EVOK3_PORT: String(evok3Port), DEMO_OPCUA: '0' },
      ready: async () => {
        const response = await fetch(`${evok3}/rest/ro/2_01`);
        return response.status === 200 && ((await response.json()) as DeviceObject).value !== null;
      },
    });
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await demo?.stop();
  });

  async function open(url: string): Promise<TestClient> {
    const client = await TestClient.open(url);
    clients.push(client);
    return client;
  }

  async function nextObject(client: TestClient, match: (object: DeviceObject) => boolean): Promise<DeviceObject> {
    for (;;) {
      const frame = await client.nextJson<DeviceObject | DeviceObject[]>(5000);
      for (const object of Array.isArray(frame) ? frame : [frame]) if (match(object)) return object;
    }
  }

  it('REST on the WebSocket\'s port lists ro, do, di, modbus_slave and device_info, with CORS', async () => {
    const response = await fetch(`${evok3}/rest/all`, { headers: { Origin: 'http://192.168.1.10' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    const all = await response.json() as DeviceObject[];
    const devs = new Set(all.map((object) => object.dev));
    for (const dev of ['ro', 'do', 'di', 'ai', 'ao', 'led', 'wd', 'modbus_slave', 'device_info']) assert.ok(devs.has(dev), `${dev} in /rest/all`);
    for (const dev of ['relay', 'input', 'run']) assert.equal(devs.has(dev), false, `no ${dev} in /rest/all`);
    assert.deepEqual(all.find((object) => object.dev === 'device_info'), { dev: 'device_info', family: 'Neuron', model: 'L533', sn: 0, board_count: 3, circuit: 'L533' });
    assert.deepEqual(all.filter((object) => object.dev === 'modbus_slave').map((object) => object.slave_id), [1, 2, 3]);
  });

  it('the WebSocket speaks v3: all, a filter on ro/do/di, and a set that comes back as a ro event', async () => {
    const client = await open(`ws://127.0.0.1:${evok3Port}/ws`);
    client.send({ cmd: 'all' });
    // Events of drifting analog inputs may come first; the answer to all is the array that holds run.
    let all = await client.nextJson<DeviceObject[]>(5000);
    while (!all.some((object) => object.dev === 'run')) all = await client.nextJson<DeviceObject[]>(5000);
    assert.deepEqual(all.find((object) => object.dev === 'ro' && object.circuit === '3_02'), { dev: 'ro', circuit: '3_02', value: 0 });
    assert.ok(all.some((object) => object.dev === 'run' && object.circuit === 'alias'));
    client.send({ cmd: 'filter', devices: ['ro', 'do', 'di'] });
    client.send({ cmd: 'set', dev: 'ro', circuit: '3_02', value: 1 });
    const event = await nextObject(client, (object) => object.dev === 'ro' && object.circuit === '3_02');
    assert.equal(event.value, 1);
  });

  it('run/alias: an alias set over REST is listed, save=1 succeeds, and the alias names the device', async () => {
    const form = (body: string): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    const aliased = await fetch(`${evok3}/rest/di/1_03`, form('alias=door'));
    assert.equal(aliased.status, 200);
    const run = await (await fetch(`${evok3}/rest/run/alias`)).json() as DeviceObject;
    assert.deepEqual(run.aliases, { door: { circuit: 'di_1_03', devtype: 'di' } });
    const saved = await fetch(`${evok3}/rest/run/alias`, form('save=1'));
    assert.equal(saved.status, 200);
    assert.equal(((await saved.json()) as DeviceObject).success, true);
    assert.equal(((await (await fetch(`${evok3}/rest/di/door`)).json()) as DeviceObject).circuit, '1_03');
  });

  it('Node-RED\'s /ws keeps the EVOK 2 / seed shapes for the clients written against them', async () => {
    const client = await open(`ws://127.0.0.1:${demo.httpPort}/ws`);
    client.send({ cmd: 'all' });
    let all = await client.nextJson<DeviceObject[]>(5000);
    while (!all.some((object) => object.dev === 'input')) all = await client.nextJson<DeviceObject[]>(5000);
    assert.ok(all.some((object) => object.dev === 'relay' && object.relay_type === 'physical'));
    assert.equal(all.some((object) => object.dev === 'ro' || object.dev === 'modbus_slave'), false);
  });
});
