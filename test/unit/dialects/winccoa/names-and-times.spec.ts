import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMapping } from '../../../../lib/dialects/winccoa/datapoints';
import { canonicalElement, defaultConfigs, formatKey, parseConfig, parseElementName } from '../../../../lib/dialects/winccoa/element-name';
import { compileFromPattern, parseQuery, QueryError } from '../../../../lib/dialects/winccoa/query';
import { formatTime, parseTime } from '../../../../lib/dialects/winccoa/time-format';
import { WriteAccess } from '../../../../lib/dialects/winccoa/write-access';
import { defaultGlobLimits } from '../../../../lib/util/glob-matcher';

describe('winccoa element names', () => {
  it('reads names the way oa4j splits them, adding the default config', () => {
    const get = defaultConfigs.get;
    const key = (text: string) => {
      const ref = parseElementName(text, 'System1', get);
      return ref ? formatKey('System1', ref) : undefined;
    };
    assert.equal(key('ExampleDP_Trend1.'), 'System1:ExampleDP_Trend1.:_original.._value');
    assert.equal(key('System1:ExampleDP_Trend1.'), 'System1:ExampleDP_Trend1.:_original.._value');
    assert.equal(key('ExampleDP_Trend1.:_online.._stime'), 'System1:ExampleDP_Trend1.:_online.._stime');
    assert.equal(key('System1:ExampleDP_Trend1.:_online.._invalid'), 'System1:ExampleDP_Trend1.:_online.._invalid');
    assert.equal(key('pump_00001.value.speed:_original.._status'), 'System1:pump_00001.value.speed:_original.._status');
    assert.equal(key('ExampleDP_Trend1'), 'System1:ExampleDP_Trend1.:_original.._value', 'missing root dot accepted');
    assert.equal(key('ExampleDP_Trend1:_online'), 'System1:ExampleDP_Trend1.:_online.._value', 'config alone means its _value');
    assert.equal(key('System2:ExampleDP_Trend1.'), undefined, 'another system');
    assert.equal(key('ExampleDP_Trend1.:_alert_hdl.._act_state'), undefined, 'unsupported config');
    assert.equal(key('ExampleDP_Trend1.:_online.._foo'), undefined, 'unsupported attribute');
    assert.equal(key('a:b:c:d'), undefined);
    assert.equal(key('bad name.'), undefined);
    assert.equal(key(''), undefined);
  });

  it('knows root elements and structured elements', () => {
    assert.equal(canonicalElement('X'), 'X.');
    assert.equal(canonicalElement('X.'), 'X.');
    assert.equal(canonicalElement('pump.value.speed'), 'pump.value.speed');
    assert.equal(canonicalElement('line1/speed'), undefined);
    assert.equal(canonicalElement('a..b'), undefined);
    assert.deepEqual(parseConfig('_offline.._value'), { config: '_offline', detail: '', attribute: '_value' });
    assert.equal(parseConfig('_offline._value'), undefined);
  });

  it('parses the mapping table, splitting at the last =', () => {
    const { entries, problems } = parseMapping('Pump.Speed = pump_00001.value.speed : PumpType\nns=2;s=Temp = temp_1.\n# comment\n\nbroken line\nx = not valid!');
    assert.deepEqual(entries, [
      { tag: 'Pump.Speed', element: 'pump_00001.value.speed', dpType: 'PumpType' },
      { tag: 'ns=2;s=Temp', element: 'temp_1.', dpType: undefined },
    ]);
    assert.equal(problems.length, 2);
  });

  it('grants writes per user and tag pattern', () => {
    const open = new WriteAccess('');
    assert.equal(open.allows(undefined, ['anything']), true);
    const access = new WriteAccess('op = ExampleDP_Arg*, plant/*\n* = public/*');
    assert.equal(access.allows('op', ['ExampleDP_Arg1']), true);
    assert.equal(access.allows('op', ['ExampleDP_Trend1']), false);
    assert.equal(access.allows('viewer', ['public/x']), true);
    assert.equal(access.allows('viewer', ['ExampleDP_Arg1']), false);
  });
});

describe('winccoa times', () => {
  const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) => new Date(y, mo - 1, d, h, mi, s, ms).getTime();

  it('parses every documented form of T1/T2/Timestamp', () => {
    assert.equal(parseTime('2018-02-07T18:10:00.000', 'local'), local(2018, 2, 7, 18, 10));
    assert.equal(parseTime('2018-02-07T18:10:00.5', 'local'), local(2018, 2, 7, 18, 10, 0, 500), 'fraction of a second');
    assert.equal(parseTime('2018-02-07T18:10:00.123456', 'local'), local(2018, 2, 7, 18, 10, 0, 123), 'Python isoformat microseconds');
    assert.equal(parseTime('2018-02-07T18:10:00', 'local'), local(2018, 2, 7, 18, 10));
    assert.equal(parseTime('2018-02-07T18:10', 'local'), local(2018, 2, 7, 18, 10));
    assert.equal(parseTime('2018-02-07 18:10:00.000', 'local'), local(2018, 2, 7, 18, 10));
    assert.equal(parseTime('2018-02-07', 'local'), local(2018, 2, 7));
    assert.equal(parseTime('2018-02-07T18:10:00.000Z', 'local'), Date.UTC(2018, 1, 7, 18, 10));
    assert.equal(parseTime('2018-02-07T18:10:00.000+01:00', 'local'), Date.UTC(2018, 1, 7, 17, 10));
    assert.equal(parseTime('2018-02-07T18:10:00-0130', 'local'), Date.UTC(2018, 1, 7, 19, 40));
    assert.equal(parseTime('2018-02-07T18:10:00.000', 'utc'), Date.UTC(2018, 1, 7, 18, 10));
    assert.equal(parseTime(1518027000000, 'local'), 1518027000000, 'ms since the epoch');
    for (const bad of ['yesterday', '2018-02-31T00:00:00', '2018-13-01', '18:10', '', null, true, Number.NaN, {}]) {
      assert.equal(parseTime(bad, 'local'), undefined, `refuses ${JSON.stringify(bad)}`);
    }
  });

  it('formats with three fraction digits, in the server zone', () => {
    assert.equal(formatTime(Date.UTC(2018, 1, 7, 18, 10, 0, 5), 'utc'), '2018-02-07T18:10:00.005');
    assert.equal(formatTime(local(2018, 2, 7, 18, 10, 0, 50), 'local'), '2018-02-07T18:10:00.050');
  });
});

describe('winccoa queries', () => {
  it('matches FROM patterns with *, ?, [..], {a,b}, ** and a system prefix', () => {
    const m = (pattern: string, element: string) => compileFromPattern(pattern, 'System1', defaultGlobLimits)(element);
    assert.equal(m('ExampleDP_*.', 'ExampleDP_Trend1.'), true);
    assert.equal(m('ExampleDP_*.', 'ExampleDP_Trend1.x'), false);
    assert.equal(m('ExampleDP_Arg?.', 'ExampleDP_Arg1.'), true);
    assert.equal(m('ExampleDP_Arg?.', 'ExampleDP_Arg12.'), false);
    assert.equal(m('ExampleDP_Arg[2-3].', 'ExampleDP_Arg2.'), true);
    assert.equal(m('ExampleDP_Arg[2-3].', 'ExampleDP_Arg1.'), false);
    assert.equal(m('ExampleDP_Arg[!1].', 'ExampleDP_Arg1.'), false);
    assert.equal(m('ExampleDP_{Arg1,Trend2}.', 'ExampleDP_Trend2.'), true);
    assert.equal(m('ExampleDP_{Arg1,Trend2}.', 'ExampleDP_Arg2.'), false);
    assert.equal(m('pump_000*.value.speed', 'pump_00001.value.speed'), true);
    assert.equal(m('pump_*.*', 'pump_00001.value.speed'), false, '* stays within one level');
    assert.equal(m('pump_*.**', 'pump_00001.value.speed'), true);
    assert.equal(m('*', 'pump_00001.value.speed'), true, 'a pattern without a dot names datapoints');
    assert.equal(m('*', 'ExampleDP_Trend1.'), true);
    assert.equal(m('System1:ExampleDP_*.', 'ExampleDP_Trend1.'), true);
    assert.equal(m('System2:ExampleDP_*.', 'ExampleDP_Trend1.'), false);
  });

  it('parses attribute lists and WHERE conditions, refusing anything else', () => {
    const query = parseQuery(`SELECT '_online.._value', '_online.._stime' FROM 'ExampleDP_*.' WHERE _DPT = "ExampleDP_Float" AND ('_online.._value' > 5 OR '_online.._value' == 0)`, 'System1', defaultGlobLimits);
    assert.equal(query.attributes.length, 2);
    const sample = (value: unknown) => ({ value, timestamp: 0, quality: 'good' as const });
    assert.equal(query.where?.({ dpType: 'ExampleDP_Float', sample: sample(6) }), true);
    assert.equal(query.where?.({ dpType: 'ExampleDP_Float', sample: sample(0) }), true);
    assert.equal(query.where?.({ dpType: 'ExampleDP_Float', sample: sample(3) }), false);
    assert.equal(query.where?.({ dpType: 'Other', sample: sample(6) }), false);
    const combined = parseQuery(`SELECT '_online.._value, _original.._invalid' FROM '*' WHERE '_online.._value' != "off" & _DPT <> 'X'`, 'System1', defaultGlobLimits);
    assert.equal(combined.attributes.length, 2);
    assert.equal(combined.where?.({ dpType: 'Y', sample: sample('on') }), true);
    for (const bad of [
      `SELECT '_online.._value'`,
      `SELECT _online.._value FROM '*'`,
      `SELECT '_offline.._value' FROM '*'`,
      `SELECT '_online.._value' FROM '*' WHERE _ELC == DPEL_FLOAT`,
      `SELECT '_online.._value' FROM '*' WHERE _LEAF`,
      `SELECT '_online.._value' FROM '*' WHERE '_online.._value' > `,
      `SELECT '_online.._value' FROM 'a{b' `,
      `SELECT '_online.._value' FROM '*' ORDER BY x`,
      `DELETE FROM '*'`,
    ]) {
      assert.throws(() => parseQuery(bad, 'System1', defaultGlobLimits), QueryError, bad);
    }
  });
});
