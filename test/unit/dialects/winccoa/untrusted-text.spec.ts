import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { maxConditionDepth } from '../../../../lib/dialects/winccoa/query';
import { defaultGlobLimits } from '../../../../lib/util/glob-matcher';
import { ask, startWinccoa, type WinccoaFixture } from './winccoa-fixture';

/** Names that are members of every plain object: as element names they are just unknown names. */
const prototypeKeys = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'];

interface Result {
  Error: number;
  ErrorText?: string;
  Id?: number;
  Values?: unknown;
}

describe('winccoa: client text is plain data', () => {
  let fx: WinccoaFixture;
  before(async () => { fx = await startWinccoa({ winccoaWriteAccess: 'demo = *\nconstructor = *' }); });
  after(async () => { await fx.close(); });

  it('regression: a FROM pattern of 9,000 nested "{a," (fatal RegExp compile) is refused with -4 and the socket goes on', async () => {
    const client = await fx.client();
    const nested = await ask<Result>(client, { DpQueryConnect: { Id: 1, Query: `SELECT '_online.._value' FROM '${'{a,'.repeat(9000)}'`, Answer: true } }, 'DpQueryConnectResult');
    assert.deepEqual(nested, { Error: -4, ErrorText: 'query not supported: FROM pattern: pattern of 27000 characters (at most 1024)', Id: 1 });
    const flat = await ask<Result>(client, { DpQueryConnect: { Id: 2, Query: `SELECT '_online.._value' FROM '{${Array.from({ length: 250_000 }, () => 'a').join(',')}}'`, Answer: true } }, 'DpQueryConnectResult');
    assert.deepEqual(flat, { Error: -4, ErrorText: 'query not supported: FROM pattern: pattern of 500001 characters (at most 1024)', Id: 2 });
    const deep = await ask<Result>(client, { DpQueryConnect: { Id: 3, Query: `SELECT '_online.._value' FROM '${'{'.repeat(9)}ExampleDP_Arg1${'}'.repeat(9)}.'`, Answer: true } }, 'DpQueryConnectResult');
    assert.deepEqual(deep, { Error: -4, ErrorText: 'query not supported: FROM pattern: {} nested deeper than 8', Id: 3 });
    const fits = await ask<Result>(client, { DpQueryConnect: { Id: 4, Query: `SELECT '_online.._value' FROM '${'{'.repeat(8)}ExampleDP_Arg1${'}'.repeat(8)}.'`, Answer: true } }, 'DpQueryConnectResult');
    assert.deepEqual(fits.Values, [['System1:ExampleDP_Arg1.', 1]]);
  });

  it('takes the FROM pattern limits from the endpoint (EndpointLimits.patterns reaches the dialect)', async () => {
    const strict = await startWinccoa({}, { limits: { patterns: { ...defaultGlobLimits, maxLength: 20, maxDepth: 1 } } });
    try {
      const client = await strict.client();
      const long = await ask<Result>(client, { DpQueryConnect: { Id: 1, Query: `SELECT '_online.._value' FROM 'ExampleDP_Arg1_longer.'`, Answer: true } }, 'DpQueryConnectResult');
      assert.deepEqual(long, { Error: -4, ErrorText: 'query not supported: FROM pattern: pattern of 22 characters (at most 20)', Id: 1 });
      const nested = await ask<Result>(client, { DpQueryConnect: { Id: 2, Query: `SELECT '_online.._value' FROM '{{Example}}*1.'`, Answer: true } }, 'DpQueryConnectResult');
      assert.deepEqual(nested, { Error: -4, ErrorText: 'query not supported: FROM pattern: {} nested deeper than 1', Id: 2 });
      const fits = await ask<Result>(client, { DpQueryConnect: { Id: 3, Query: `SELECT '_online.._value' FROM '{Example}DP_Arg1.'`, Answer: true } }, 'DpQueryConnectResult');
      assert.deepEqual(fits.Values, [['System1:ExampleDP_Arg1.', 1]]);
    } finally {
      await strict.close();
    }
  });

  it(`regression: WHERE parentheses deeper than ${maxConditionDepth} are -4, not a stack overflow answered as -6`, async () => {
    const client = await fx.client();
    const condition = (depth: number): string => `${'('.repeat(depth)}'_online.._value' > 0${')'.repeat(depth)}`;
    const deep = await ask<Result>(client, { DpQueryConnect: { Id: 5, Query: `SELECT '_online.._value' FROM 'ExampleDP_Arg1.' WHERE ${condition(100_000)}`, Answer: true } }, 'DpQueryConnectResult');
    assert.deepEqual(deep, { Error: -4, ErrorText: `query not supported: parentheses nested deeper than ${maxConditionDepth}`, Id: 5 });
    const fits = await ask<Result>(client, { DpQueryConnect: { Id: 6, Query: `SELECT '_online.._value' FROM 'ExampleDP_Arg1.' WHERE ${condition(maxConditionDepth)}`, Answer: true } }, 'DpQueryConnectResult');
    assert.deepEqual(fits.Values, [['System1:ExampleDP_Arg1.', 1]]);
  });

  it('prototype names as elements, configs and commands get the normal answers: -2, an empty query, ignored', async () => {
    const client = await fx.client();
    for (const key of prototypeKeys) {
      for (const dp of [key, `${key}.`, `${key}.${key}`, `ExampleDP_Arg1.:${key}.._value`, `ExampleDP_Arg1.:_online..${key}`, `${key}:ExampleDP_Arg1.`]) {
        const got = await ask<Result>(client, { DpGet: { Dps: [dp] } }, 'DpGetResult');
        assert.deepEqual(got, { Error: -2, ErrorText: `none of the named elements exists: ${JSON.stringify(dp)}` }, `DpGet ${dp}`);
        const set = await ask<Result>(client, { DpSet: { Wait: true, Values: [{ Dp: dp, Value: 1 }] } }, 'DpSetResult');
        assert.equal(set.Error, -2, `DpSet ${dp}`);
        const connect = await ask<Result>(client, { DpConnect: { Id: 9, Dps: [dp], Answer: true } }, 'DpConnectResult');
        assert.equal(connect.Error, -2, `DpConnect ${dp}`);
        const period = await ask<Result>(client, { DpGetPeriod: { Dps: [dp], T1: '2018-01-01T00:00:00.000', T2: '2030-01-01T00:00:00.000', Count: 0 } }, 'DpGetPeriodResult');
        assert.equal(period.Error, -2, `DpGetPeriod ${dp}`);
        const query = await ask<Result>(client, { DpQueryConnect: { Id: 9, Query: `SELECT '_online.._value' FROM '${dp}'`, Answer: true } }, 'DpQueryConnectResult');
        assert.deepEqual(query.Values, [], `DpQueryConnect ${dp}`);
      }
      client.send({ [key]: { Id: 1, Dps: ['ExampleDP_Arg1.'] } });
      const next = await ask<Result>(client, { DpGet: { Dps: ['ExampleDP_Arg1.'] } }, 'DpGetResult');
      assert.equal(next.Error, 0, `the command ${key} was ignored like any unknown command`);
    }
  });

  it('a tag named like a prototype member is an ordinary element once it exists', async () => {
    const client = await fx.client();
    fx.flowTags.publish('constructor', 42, { dpType: 'ExampleDP_Int' });
    const got = await ask<Result>(client, { DpGet: { Dps: ['constructor.'] } }, 'DpGetResult');
    assert.deepEqual(got, { Values: { 'System1:constructor.:_original.._value': 42 }, Error: 0 });
    const query = await ask<Result>(client, { DpQueryConnect: { Id: 10, Query: "SELECT '_online.._value' FROM 'constructor.' WHERE _DPT = \"ExampleDP_Int\"", Answer: true } }, 'DpQueryConnectResult');
    assert.deepEqual(query.Values, [['System1:constructor.', 42]]);
  });
});
