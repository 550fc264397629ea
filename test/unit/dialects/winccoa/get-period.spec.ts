import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatTime } from '../../../../lib/dialects/winccoa/time-format';
import { PlantSource } from './plant-source';
import { ask, startWinccoa, type WinccoaFixture } from './winccoa-fixture';

type Result = { Values?: Record<string, unknown>; Error: number; Id?: number; ErrorText?: string };

describe('winccoa DpGetPeriod', () => {
  let fx: WinccoaFixture;
  const base = PlantSource.historyStart;
  const iso = (ms: number) => formatTime(ms, 'local');
  before(async () => {
    fx = await startWinccoa();
    for (let index = 1; index <= 5; index++) fx.flowTags.publish('Ring', index * 10, { timestamp: base + index * 1000 });
  });
  after(async () => { await fx.close(); });

  it('answers from the tag space ring for flow tags, in every Ts shape', async () => {
    const client = await fx.client();
    const request = (ts?: number) => ({ DpGetPeriod: { Id: 1, Dps: ['Ring.'], T1: iso(base + 2000), T2: iso(base + 4000), ...(ts === undefined ? {} : { Ts: ts }) } });
    const key = 'System1:Ring.:_offline.._value';
    assert.deepEqual(await ask(client, request(), 'DpGetPeriodResult'), { Values: { [key]: [20, 30, 40] }, Error: 0, Id: 1 });
    assert.deepEqual((await ask<Result>(client, request(0), 'DpGetPeriodResult')).Values?.[key], [20, 30, 40]);
    assert.deepEqual((await ask<Result>(client, request(1), 'DpGetPeriodResult')).Values?.[key], [[base + 2000, 20], [base + 3000, 30], [base + 4000, 40]]);
    assert.deepEqual((await ask<Result>(client, request(2), 'DpGetPeriodResult')).Values?.[key], [[iso(base + 2000), 20], [iso(base + 3000), 30], [iso(base + 4000), 40]]);
    assert.deepEqual((await ask<Result>(client, request(3), 'DpGetPeriodResult')).Values?.[key], [[base + 2000, base + 3000, base + 4000], [20, 30, 40]]);
    assert.deepEqual((await ask<Result>(client, request(4), 'DpGetPeriodResult')).Values?.[key], [[iso(base + 2000), iso(base + 3000), iso(base + 4000)], [20, 30, 40]]);
    assert.equal((await ask<Result>(client, request(5), 'DpGetPeriodResult')).Error, -3);
  });

  it('adds Count values before T1 and after T2', async () => {
    const client = await fx.client();
    const result = await ask<Result>(client, { DpGetPeriod: { Dps: ['Ring.'], T1: iso(base + 3000), T2: iso(base + 3000), Count: 1 } }, 'DpGetPeriodResult');
    assert.deepEqual(result.Values, { 'System1:Ring.:_offline.._value': [20, 30, 40] });
    const more = await ask<Result>(client, { DpGetPeriod: { Dps: ['Ring.'], T1: iso(base + 3000), T2: iso(base + 3000), Count: 5 } }, 'DpGetPeriodResult');
    assert.deepEqual(more.Values, { 'System1:Ring.:_offline.._value': [10, 20, 30, 40, 50] });
  });

  it('reads T1/T2 in every documented form', async () => {
    const client = await fx.client();
    const utc = new Date(base + 2000).toISOString();
    for (const [t1, t2] of [
      [iso(base + 2000), iso(base + 4000)],
      [utc, new Date(base + 4000).toISOString()],
      [base + 2000, base + 4000],
      [iso(base + 2000).slice(0, 19), iso(base + 4000).slice(0, 19)],
      [`${iso(base + 2000)}000`, `${iso(base + 4000)}999`],
      [iso(base + 2000).replace('T', ' '), iso(base + 4000).replace('T', ' ')],
    ] as Array<[string | number, string | number]>) {
      const result = await ask<Result>(client, { DpGetPeriod: { Dps: ['Ring.'], T1: t1, T2: t2 } }, 'DpGetPeriodResult');
      assert.deepEqual(result.Values, { 'System1:Ring.:_offline.._value': [20, 30, 40] }, `${t1} .. ${t2}`);
    }
    for (const body of [{ T1: 'soon', T2: iso(base) }, { T2: iso(base) }, { T1: iso(base) }, { T1: iso(base + 5000), T2: iso(base) }, { T1: iso(base), T2: iso(base + 1), Count: -1 }]) {
      const result = await ask<Result>(client, { DpGetPeriod: { Id: 8, Dps: ['Ring.'], ...body } }, 'DpGetPeriodResult');
      assert.equal(result.Error, -3, JSON.stringify(body));
      assert.equal(result.Id, 8);
    }
  });

  it('asks a source with its own history, with several configs and attributes', async () => {
    const client = await fx.client();
    const t1 = iso(base);
    const t2 = iso(base + 9000);
    const result = await ask<Result>(client, { DpGetPeriod: { Id: 3, Dps: ['pump_00001.value.speed', 'pump_00001.value.speed:_offline.._status', 'pump_00001.value.speed:_offline.._invalid'], T1: t1, T2: t2, Ts: 0 } }, 'DpGetPeriodResult');
    assert.equal(result.Error, 0);
    assert.deepEqual(result.Values?.['System1:pump_00001.value.speed:_offline.._value'], [1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009]);
    assert.equal((result.Values?.['System1:pump_00001.value.speed:_offline.._status'] as number[])[9], 0x10101);
    assert.equal((result.Values?.['System1:pump_00001.value.speed:_offline.._invalid'] as boolean[])[9], true);
    assert.equal(fx.plant.historyCalls.at(-1)?.name, 'Pump.Speed');
  });

  it('leaves out elements without data, answers -2 when no element exists', async () => {
    const client = await fx.client();
    const result = await ask<Result>(client, { DpGetPeriod: { Dps: ['Ring.', 'plant_temp.', 'Nope.'], T1: '2001-01-01T00:00:00.000', T2: '2001-01-02T00:00:00.000' } }, 'DpGetPeriodResult');
    assert.deepEqual(result, { Values: {}, Error: 0 });
    const none = await ask<Result>(client, { DpGetPeriod: { Id: 2, Dps: ['Nope.'], T1: iso(base), T2: iso(base) } }, 'DpGetPeriodResult');
    assert.equal(none.Error, -2);
    assert.equal(none.Id, 2);
  });
});
