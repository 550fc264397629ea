import assert from 'node:assert/strict';
import http = require('node:http');
import { afterEach, describe, it } from 'node:test';
import { defaultDialectLimits } from '../../../lib/dialects/contract';
import { startEvok, type DeviceObject, type EvokFixture } from './evok-fixture';

const { maxAliasLength } = defaultDialectLimits;

/** Names that are members of every plain object: a client sending them must get the normal "unknown". */
const prototypeKeys = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'];

/** A GET with the path sent as written (fetch would normalise a bad percent-encoding away). */
function rawGet(base: string, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(`${base}${path}`, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }));
    }).on('error', reject);
  });
}

describe('evok: client text is plain data', () => {
  let fixture: EvokFixture | undefined;
  afterEach(async () => { await fixture?.stop(); fixture = undefined; });

  it('regression: prototype names as dev, circuit, keyword or filter get the normal unknown answers over the WebSocket', async () => {
    fixture = await startEvok({ evokErrors: true });
    const client = await fixture.open();
    for (const key of prototypeKeys) {
      // `constructor` as dev made `kinds.includes` throw: an internal error instead of "unknown dev".
      client.send({ cmd: 'set', dev: key, circuit: '2_01', value: 1 });
      assert.deepEqual(await client.nextJson(), { error: `unknown dev ${JSON.stringify(key)}`, request: { cmd: 'set', dev: key, circuit: '2_01', value: 1 } });
      client.send({ cmd: 'full', dev: key, circuit: '2_01' });
      assert.match((await client.nextJson<{ error: string }>()).error, /^unknown dev /);
      client.send({ cmd: 'full', dev: 'relay', circuit: key });
      assert.equal((await client.nextJson<{ error: string }>()).error, `no relay with circuit or alias ${JSON.stringify(key)}`);
      client.send(`{"cmd":"set","dev":"relay","circuit":"2_01","value":{${JSON.stringify(key)}:1}}`);
      assert.match((await client.nextJson<{ error: string }>()).error, new RegExp(`^ro 2_01 takes no ${key}`));
      client.send({ cmd: 'filter', devices: [key] });
      assert.match((await client.nextJson<{ error: string }>()).error, /^no known device type in/);
    }
    const errors = fixture.deliveries.filter((d) => d.hook === 'ERROR').map((d) => (d.payload as { code: string }).code);
    assert.equal(errors.length, prototypeKeys.length * 5);
    assert.deepEqual([...new Set(errors)], ['bad-request'], 'every one is a bad request, none an internal error');
    assert.deepEqual(fixture.sim.writes, [], 'nothing was written');
  });

  it('regression: prototype names in REST paths are unknown (404), not a 200 with {"constructor": null}', async () => {
    fixture = await startEvok();
    const { base, sim } = fixture;
    for (const key of prototypeKeys) {
      const property = await fetch(`${base}/rest/relay/2_01/${key}`);
      assert.equal(property.status, 404, `/rest/relay/2_01/${key}`);
      assert.deepEqual(await property.json(), { success: false, errors: { AttributeError: `ro 2_01 has no property ${key}` } });
      const all = await fetch(`${base}/rest/relay/all/${key}`);
      assert.equal(all.status, 404);
      const dev = await fetch(`${base}/rest/${key}/2_01`);
      assert.equal(dev.status, 404);
      assert.deepEqual(await dev.json(), { success: false, errors: { KeyError: `unknown device type or path ${key}/2_01` } });
      const circuit = await fetch(`${base}/rest/relay/${key}`);
      assert.deepEqual(await circuit.json(), { success: false, errors: { Exception: `no relay with circuit or alias ${JSON.stringify(key)}` } });
      const posted = await fetch(`${base}/json/relay/2_01`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: `{${JSON.stringify(key)}: 1}` });
      assert.equal(posted.status, 404);
      assert.match(JSON.stringify(await posted.json()), /ValidationError.*takes no/);
    }
    const value = await (await fetch(`${base}/rest/relay/2_01/value`)).json();
    assert.deepEqual(value, { value: 0 }, 'own properties still answer');
    assert.deepEqual(sim.writes, []);
  });

  it('regression: a bad percent-encoding answers 400 with a short plain text, no 500 and no stack', async () => {
    fixture = await startEvok();
    const answer = await rawGet(fixture.base, '/rest/%E0%A4%A');
    assert.equal(answer.status, 400);
    assert.match(answer.type, /^text\/plain/);
    assert.equal(answer.body, 'bad percent-encoding in the path');
    const fine = await rawGet(fixture.base, '/rest/relay/2%5F01');
    assert.equal(fine.status, 200, 'a good encoding is still decoded');
    assert.equal((JSON.parse(fine.body) as DeviceObject).circuit, '2_01');
  });

  it(`regression: an alias longer than ${maxAliasLength} characters is refused as EVOK refuses a bad alias`, async () => {
    fixture = await startEvok({ evokErrors: true });
    const client = await fixture.open();
    const long = 'a'.repeat(maxAliasLength + 1);
    client.send({ cmd: 'set', dev: 'relay', circuit: '2_01', alias: long });
    assert.equal((await client.nextJson<{ error: string }>()).error, `ro 2_01: alias of ${long.length} characters is longer than ${maxAliasLength}`);
    const rest = await fetch(`${fixture.base}/json/relay/2_01`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ alias: long }) });
    assert.equal(rest.status, 404);
    assert.deepEqual(await rest.json(), { success: false, errors: { ValidationError: `ro 2_01: alias of ${long.length} characters is longer than ${maxAliasLength}` } });
    const fits = 'b'.repeat(maxAliasLength);
    const set = await fetch(`${fixture.base}/json/relay/2_01`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ alias: fits }) });
    assert.equal(((await set.json()) as { result: DeviceObject }).result.alias, fits);
    assert.equal((await (await fetch(`${fixture.base}/rest/relay/${fits}`)).json() as DeviceObject).circuit, '2_01');
  });

  it('takes the alias limit from the endpoint (EndpointLimits.maxAliasLength reaches the dialect)', async () => {
    fixture = await startEvok({ evokErrors: true }, undefined, { maxAliasLength: 8 });
    const client = await fixture.open();
    client.send({ cmd: 'set', dev: 'relay', circuit: '2_01', alias: 'a'.repeat(9) });
    assert.equal((await client.nextJson<{ error: string }>()).error, 'ro 2_01: alias of 9 characters is longer than 8');
    const set = await fetch(`${fixture.base}/json/relay/2_01`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ alias: 'b'.repeat(8) }) });
    assert.equal(((await set.json()) as { result: DeviceObject }).result.alias, 'b'.repeat(8));
  });
});
