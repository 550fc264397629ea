import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../../support/wait';
import { ask, startWinccoa, type WinccoaFixture } from './winccoa-fixture';

type Result = { Values?: Record<string, unknown>; Header?: string[]; Error: number; Id?: number; ErrorText?: string };
type Table = { Values: unknown[][] };

describe('winccoa DpConnect and DpDisconnect', () => {
  let fx: WinccoaFixture;
  before(async () => { fx = await startWinccoa(); });
  after(async () => { await fx.close(); });

  it('sends the answer only with Answer, then every change with the values of the whole group', async () => {
    const client = await fx.client();
    const answer = await ask<Result>(client, { DpConnect: { Id: 4, Dps: ['ExampleDP_Trend1.', 'ExampleDP_Trend2.:_online.._stime'], Answer: true } }, 'DpConnectResult');
    assert.deepEqual(answer, { Values: { 'System1:ExampleDP_Trend1.:_online.._value': 6, 'System1:ExampleDP_Trend2.:_online.._stime': 2000 }, Error: 0, Id: 4 });
    fx.flowTags.publish('ExampleDP_Trend2', 8, { timestamp: 3000 });
    assert.deepEqual(await client.nextJson(), { DpConnectResult: { Values: { 'System1:ExampleDP_Trend1.:_online.._value': 6, 'System1:ExampleDP_Trend2.:_online.._stime': 3000 }, Error: 0, Id: 4 } });
    client.send({ DpConnect: { Id: 5, Dps: ['ExampleDP_Trend1.'] } });
    assert.equal(await client.silentFor(100), true, 'no answer without Answer');
    fx.flowTags.publish('ExampleDP_Trend1', 9, { timestamp: 4000 });
    const first = await client.nextJson<{ DpConnectResult: Result }>();
    const second = await client.nextJson<{ DpConnectResult: Result }>();
    assert.deepEqual([first.DpConnectResult.Id, second.DpConnectResult.Id].sort(), [4, 5], 'two connects on one element each get their own result');
    client.send({ DpDisconnect: { Id: 4 } });
    client.send({ DpDisconnect: { Id: 5 } });
    client.send({ DpDisconnect: { Id: 12345 } });
    await waitFor(() => fx.tags.watchedCount === 0, 'the subscriptions to be released');
    fx.flowTags.publish('ExampleDP_Trend1', 10);
    assert.equal(await client.silentFor(100), true, 'nothing after DpDisconnect');
  });

  it('replaces a connect whose Id is reused', async () => {
    const client = await fx.client();
    await ask(client, { DpConnect: { Id: 1, Dps: ['ExampleDP_Arg1.'], Answer: true } }, 'DpConnectResult');
    await ask(client, { DpConnect: { Id: 1, Dps: ['ExampleDP_Arg2.'], Answer: true } }, 'DpConnectResult');
    assert.equal(fx.tags.watchedCount, 1);
    fx.flowTags.publish('ExampleDP_Arg1', 100);
    fx.flowTags.publish('ExampleDP_Arg2', 200);
    assert.deepEqual(await client.nextJson(), { DpConnectResult: { Values: { 'System1:ExampleDP_Arg2.:_online.._value': 200 }, Error: 0, Id: 1 } });
    assert.equal(await client.silentFor(100), true);
    const failed = await ask<Result>(client, { DpConnect: { Id: 1, Dps: ['Nope.'] } }, 'DpConnectResult');
    assert.equal(failed.Error, -2, 'no element exists');
    assert.equal(fx.tags.watchedCount, 0, 'and the old connect under that Id is gone');
  });

  it('keeps DpConnect and DpQueryConnect Ids in separate tables and connects without Id', async () => {
    const client = await fx.client();
    await ask(client, { DpConnect: { Id: 7, Dps: ['ExampleDP_Arg1.'], Answer: true } }, 'DpConnectResult');
    await ask(client, { DpQueryConnect: { Id: 7, Query: "SELECT '_online.._value' FROM 'ExampleDP_Arg2.'", Answer: true } }, 'DpQueryConnectResult');
    client.send({ DpQueryDisconnect: { Id: 7 } });
    fx.flowTags.publish('ExampleDP_Arg1', 101);
    assert.equal(Object.keys((await client.nextJson<Record<string, unknown>>())).join(), 'DpConnectResult', 'the DpConnect with the same Id still runs');
    client.send({ DpDisconnect: { Id: 7 } });
    client.send({ DpConnect: { Dps: ['ExampleDP_Arg2.'] } });
    await waitFor(() => fx.tags.watchedCount === 1, 'the connect without Id');
    fx.flowTags.publish('ExampleDP_Arg2', 201);
    assert.deepEqual(await client.nextJson(), { DpConnectResult: { Values: { 'System1:ExampleDP_Arg2.:_online.._value': 201 }, Error: 0 } });
    await client.close();
    await waitFor(() => fx.tags.watchedCount === 0, 'the close to release the connect without Id');
  });

  it('answers -2 and -3 as results, connecting the known names of a partly unknown list', async () => {
    const client = await fx.client();
    assert.equal((await ask<Result>(client, { DpConnect: { Id: 2, Dps: ['Nope.'] } }, 'DpConnectResult')).Error, -2);
    assert.equal((await ask<Result>(client, { DpConnect: { Id: 2 } }, 'DpConnectResult')).Error, -3);
    assert.equal((await ask<Result>(client, { DpConnect: { Id: 'x', Dps: ['ExampleDP_Arg1.'] } }, 'DpConnectResult')).Error, -3);
    assert.equal((await ask<Result>(client, { DpConnect: { Id: 2, Dps: ['ExampleDP_Arg1.'], Answer: 'maybe' } }, 'DpConnectResult')).Error, -3);
    const partial = await ask<Result>(client, { DpConnect: { Id: 3, Dps: ['Nope.', 'ExampleDP_Arg1.'], Answer: true } }, 'DpConnectResult');
    assert.equal(partial.Error, 0);
    assert.deepEqual(Object.keys(partial.Values ?? {}), ['System1:ExampleDP_Arg1.:_online.._value']);
    assert.equal(fx.tags.watchedCount, 1);
    await client.close();
    await waitFor(() => fx.tags.watchedCount === 0, 'release on close');
  });

  it('hotlinks changes of another source and releases its watches when the socket closes', async () => {
    const clients = [await fx.client(), await fx.client()];
    for (const client of clients) {
      await ask(client, { DpConnect: { Id: 1, Dps: ['pump_00001.value.speed', 'plant_temp.:_online.._invalid'], Answer: true } }, 'DpConnectResult');
      await ask(client, { DpQueryConnect: { Id: 1, Query: "SELECT '_online.._value' FROM 'plant_*.'", Answer: true } }, 'DpQueryConnectResult');
    }
    assert.equal(fx.plant.watching.get('Pump.Speed'), 1, 'one source watch however many clients');
    assert.equal(fx.plant.watchedTags, 4, 'Pump.Speed and the three plant_*. elements');
    fx.plant.change('Pump.Speed', 1550, 5000);
    for (const client of clients) {
      assert.deepEqual(await client.nextJson(), { DpConnectResult: { Values: { 'System1:pump_00001.value.speed:_online.._value': 1550, 'System1:plant_temp.:_online.._invalid': true }, Error: 0, Id: 1 } });
    }
    fx.plant.change('plant/temp', 22, 5000, 'good');
    for (const client of clients) {
      const frames = [await client.nextJson<Record<string, Result>>(), await client.nextJson<Record<string, Result>>()];
      const connect = frames.find((frame) => 'DpConnectResult' in frame)?.DpConnectResult;
      const query = frames.find((frame) => 'DpQueryConnectResult' in frame)?.DpQueryConnectResult;
      assert.equal(connect?.Values?.['System1:plant_temp.:_online.._invalid'], false);
      assert.deepEqual(query?.Values, [['System1:plant_temp.', 22]]);
    }
    await Promise.all(clients.map((client) => client.close()));
    await waitFor(() => fx.tags.watchedCount === 0 && fx.plant.watchedTags === 0, 'every source watch released');
  });
});

describe('winccoa DpQueryConnect', () => {
  let fx: WinccoaFixture;
  before(async () => { fx = await startWinccoa(); });
  after(async () => { await fx.close(); });

  it('answers the whole table with Answer, then only changed rows', async () => {
    const client = await fx.client();
    const answer = await ask<Result>(client, { DpQueryConnect: { Id: 5, Query: "SELECT '_online.._value', '_online.._stime' FROM 'ExampleDP_Trend*.'", Answer: true } }, 'DpQueryConnectResult');
    assert.deepEqual(answer, { Header: ['', ':_online.._value', ':_online.._stime'], Values: [['System1:ExampleDP_Trend1.', 6, 1000], ['System1:ExampleDP_Trend2.', 7, 2000]], Error: 0, Id: 5 });
    fx.flowTags.publish('ExampleDP_Trend2', 70, { timestamp: 7000 });
    assert.deepEqual(await client.nextJson(), { DpQueryConnectResult: { Header: ['', ':_online.._value', ':_online.._stime'], Values: [['System1:ExampleDP_Trend2.', 70, 7000]], Error: 0, Id: 5 } });
    fx.flowTags.publish('ExampleDP_Trend3', 3, { timestamp: 8000 });
    assert.deepEqual(await client.nextJson(), { DpQueryConnectResult: { Header: ['', ':_online.._value', ':_online.._stime'], Values: [['System1:ExampleDP_Trend3.', 3, 8000]], Error: 0, Id: 5 } }, 'a tag that appears later joins');
    fx.flowTags.publish('ExampleDP_Arg1', 55);
    assert.equal(await client.silentFor(100), true, 'tags outside the pattern are not sent');
    client.send({ DpQueryDisconnect: { Id: 5 } });
    await waitFor(() => fx.tags.watchedCount === 0, 'the query to be released');
  });

  it('sends nothing first without Answer, and accepts a pattern that matches nothing yet', async () => {
    const client = await fx.client();
    client.send({ DpQueryConnect: { Id: 6, Query: "SELECT '_online.._value' FROM 'Later_*.'" } });
    assert.equal(await client.silentFor(100), true);
    const empty = await ask<Result>(client, { DpQueryConnect: { Id: 7, Query: "SELECT '_online.._value' FROM 'Later_*.'", Answer: true } }, 'DpQueryConnectResult');
    assert.deepEqual(empty.Values, []);
    fx.flowTags.publish('Later_1', 1);
    const rows = [await client.nextJson<{ DpQueryConnectResult: Result }>(), await client.nextJson<{ DpQueryConnectResult: Result }>()];
    assert.deepEqual(rows.map((row) => row.DpQueryConnectResult.Id).sort(), [6, 7]);
    await client.close();
    await waitFor(() => fx.tags.watchedCount === 0, 'release on close');
  });

  it('filters by _DPT (mapping or tag info) and by value comparisons', async () => {
    const client = await fx.client();
    fx.flowTags.publish('ExampleDP_Arg1', 1);
    const byType = await ask<Table>(client, { DpQueryConnect: { Id: 1, Query: 'SELECT \'_online.._value\' FROM \'*\' WHERE _DPT = "ExampleDP_Int"', Answer: true } }, 'DpQueryConnectResult');
    assert.deepEqual(byType.Values.map((row) => row[0]).sort(), ['System1:ExampleDP_Arg1.', 'System1:ExampleDP_Arg2.']);
    const mapped = await ask<Table>(client, { DpQueryConnect: { Id: 2, Query: 'SELECT \'_online.._value\' FROM \'*\' WHERE _DPT = "PumpType" OR _DPT == \'SetpointType\'', Answer: true } }, 'DpQueryConnectResult');
    assert.deepEqual(mapped.Values.map((row) => row[0]).sort(), ['System1:plant_setpoint.', 'System1:pump_00001.value.speed']);
    client.send({ DpQueryDisconnect: { Id: 1 } });
    client.send({ DpQueryDisconnect: { Id: 2 } });
    const byValue = await ask<Result>(client, { DpQueryConnect: { Id: 3, Query: "SELECT '_online.._value' FROM 'ExampleDP_Arg*.' WHERE '_online.._value' >= 2", Answer: true } }, 'DpQueryConnectResult');
    assert.deepEqual(byValue.Values, [['System1:ExampleDP_Arg2.', 2]]);
    fx.flowTags.publish('ExampleDP_Arg1', 0);
    fx.flowTags.publish('ExampleDP_Arg1', 5);
    assert.deepEqual((await client.nextJson<{ DpQueryConnectResult: Result }>()).DpQueryConnectResult.Values, [['System1:ExampleDP_Arg1.', 5]], 'rows that do not match are not sent');
  });

  it('answers -4 for queries it does not serve and -3 for a missing Query', async () => {
    const client = await fx.client();
    const watched = fx.tags.watchedCount;
    for (const query of ["SELECT '_online.._value' FROM '*' WHERE _ELC == DPEL_FLOAT", 'SELECT * FROM x', "SELECT '_offline.._value' FROM '*'", 'nonsense']) {
      const result = await ask<Result>(client, { DpQueryConnect: { Id: 9, Query: query } }, 'DpQueryConnectResult');
      assert.equal(result.Error, -4, query);
      assert.equal(result.Id, 9);
    }
    assert.equal((await ask<Result>(client, { DpQueryConnect: { Id: 9 } }, 'DpQueryConnectResult')).Error, -3);
    assert.equal(fx.tags.watchedCount, watched, 'a refused query subscribes nothing');
  });
});

describe('winccoa hotlinks to a slow client', () => {
  it('conflates DpConnect per Id and DpQueryConnect per element, keeping every latest value', async () => {
    const fx = await startWinccoa({}, { limits: { outboundBudgetBytes: 64 * 1024, overBudgetCloseMs: 30_000 } });
    try {
      const client = await fx.client();
      await ask(client, { DpConnect: { Id: 1, Dps: ['ExampleDP_Trend1.', 'ExampleDP_Trend2.'], Answer: true } }, 'DpConnectResult');
      await ask(client, { DpQueryConnect: { Id: 2, Query: "SELECT '_online.._value' FROM 'ExampleDP_Trend*.'", Answer: true } }, 'DpQueryConnectResult');
      const session = fx.endpoint.session(fx.deliveries.find((delivery) => delivery.hook === 'CONNECT')?.session.id ?? '');
      assert.ok(session);
      client.ws.pause();
      const chunk = 'x'.repeat(50_000);
      let published = 0;
      for (let i = 0; i < 400 && session.conflatedFrames < 20; i++) {
        fx.flowTags.publish('ExampleDP_Trend1', `${i}:${chunk}`);
        fx.flowTags.publish('ExampleDP_Trend2', i);
        published += 2;
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.ok(session.conflatedFrames > 0, 'frames were conflated once over budget');
      fx.flowTags.publish('ExampleDP_Trend1', 'final');
      fx.flowTags.publish('ExampleDP_Trend2', -1);
      published += 2;
      client.ws.resume();
      let group: Record<string, unknown> = {};
      const rows = new Map<string, unknown>();
      let received = 0;
      while (group['System1:ExampleDP_Trend1.:_online.._value'] !== 'final' || group['System1:ExampleDP_Trend2.:_online.._value'] !== -1 ||
        rows.get('System1:ExampleDP_Trend1.') !== 'final' || rows.get('System1:ExampleDP_Trend2.') !== -1) {
        const frame = await client.nextJson<Record<string, Result & { Values: unknown }>>(5000);
        received++;
        if (frame.DpConnectResult) group = frame.DpConnectResult.Values as Record<string, unknown>;
        for (const row of (frame.DpQueryConnectResult?.Values ?? []) as unknown[][]) rows.set(String(row[0]), row[1]);
      }
      // Unconflated, each change would send two hotlinks: the group and its row.
      assert.ok(received < published * 2, `received ${received} hotlinks for ${published} changes`);
      assert.equal(await client.silentFor(100), true, 'nothing after the latest values');
    } finally {
      await fx.close();
    }
  });
});

describe('winccoa DpConnect hotlinks shared between clients', () => {
  let fx: WinccoaFixture;
  before(async () => { fx = await startWinccoa(); });
  after(async () => { await fx.close(); });

  // The Values of a change are encoded once and each client's Id spliced in: the text every client
  // receives must stay exactly what encoding its own result writes.
  it('gives every client the exact text of its own result, with its own Id, the same Id, or none', async () => {
    const clients = await Promise.all([fx.client(), fx.client(), fx.client(), fx.client()]);
    const ids = [3, 3, 1234567, undefined];
    await Promise.all(clients.map((client, index) => ask(client, { DpConnect: { ...(ids[index] === undefined ? {} : { Id: ids[index] }), Dps: ['ExampleDP_Arg1.'], Answer: true } }, 'DpConnectResult')));
    for (const value of [42, 'Grüße € "quoted"', 0.1]) {
      fx.flowTags.publish('ExampleDP_Arg1', value);
      const texts = await Promise.all(clients.map((client) => client.nextText()));
      texts.forEach((text, index) => {
        const tail = ids[index] === undefined ? '' : `,"Id":${ids[index]}`;
        assert.equal(text, `{"DpConnectResult":{"Values":{"System1:ExampleDP_Arg1.:_online.._value":${JSON.stringify(value)}},"Error":0${tail}}}`);
      });
    }
  });

  it('serves every client connecting the same element list from one tag listener, released with the last', async () => {
    const clients = await Promise.all([fx.client(), fx.client(), fx.client()]);
    await Promise.all(clients.map((client, index) => ask(client, { DpConnect: { Id: index + 10, Dps: ['ExampleDP_Arg2.'], Answer: true } }, 'DpConnectResult')));
    assert.equal(fx.tags.listenerCount('ExampleDP_Arg2'), 1, 'one listener for three connects of the same element list');
    // Another element list of the same tag is another result text, so another fan-out.
    await ask(clients[0], { DpConnect: { Id: 20, Dps: ['ExampleDP_Arg2.', 'ExampleDP_Arg2.:_online.._stime'], Answer: true } }, 'DpConnectResult');
    assert.equal(fx.tags.listenerCount('ExampleDP_Arg2'), 2);
    fx.flowTags.publish('ExampleDP_Arg2', 7, { timestamp: 5000 });
    const first = await Promise.all(clients.map((client) => client.nextJson<{ DpConnectResult: Result }>()));
    const second = await clients[0].nextJson<{ DpConnectResult: Result }>();
    assert.deepEqual(first.map((frame) => frame.DpConnectResult.Id).concat(second.DpConnectResult.Id).sort(), [10, 11, 12, 20]);
    for (const [index, client] of clients.entries()) client.send({ DpDisconnect: { Id: index + 10 } });
    await waitFor(() => fx.tags.listenerCount('ExampleDP_Arg2') === 1, 'the shared listener to go with the last of its connects');
    fx.flowTags.publish('ExampleDP_Arg2', 8, { timestamp: 6000 });
    assert.deepEqual(await clients[0].nextJson(), { DpConnectResult: { Values: { 'System1:ExampleDP_Arg2.:_online.._value': 8, 'System1:ExampleDP_Arg2.:_online.._stime': 6000 }, Error: 0, Id: 20 } });
    assert.equal(await clients[1].silentFor(100), true, 'nothing after DpDisconnect');
    clients[0].send({ DpDisconnect: { Id: 20 } });
    await waitFor(() => fx.tags.listenerCount('ExampleDP_Arg2') === 0, 'every listener of the tag to be released');
  });
});
