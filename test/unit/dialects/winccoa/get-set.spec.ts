import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient, basicAuth } from '../../../support/ws-client';
import { waitFor } from '../../../support/wait';
import { clientTextFrame, collectServerFrames, openRawWebSocket } from '../../../support/raw-socket';
import { ask, startWinccoa, type WinccoaFixture } from './winccoa-fixture';
import { sessionIdOf } from '../../server/endpoint-fixture';
import { elementShape, elementTypeProblem } from '../../../../lib/dialects/winccoa/element-types';
import { FLOW_TAG_SOURCE_ID, type TagInfo } from '../../../../lib/tags';

describe('winccoa DpGet and DpSet', () => {
  let fx: WinccoaFixture;
  before(async () => { fx = await startWinccoa({ winccoaWriteAccess: 'demo = *\nop = ExampleDP_Arg*' }); });
  after(async () => { await fx.close(); });

  it('answers DpGet with fully qualified keys, echoing the Id only when given', async () => {
    const client = await fx.client();
    const result = await ask(client, { DpGet: { Id: 2, Dps: ['ExampleDP_Trend1.', 'ExampleDP_Trend2.'] } }, 'DpGetResult');
    assert.deepEqual(result, { Values: { 'System1:ExampleDP_Trend1.:_original.._value': 6, 'System1:ExampleDP_Trend2.:_original.._value': 7 }, Error: 0, Id: 2 });
    client.send({ DpGet: { Dps: ['ExampleDP_Trend1.'] } });
    assert.equal(await client.nextText(), '{"DpGetResult":{"Values":{"System1:ExampleDP_Trend1.:_original.._value":6},"Error":0}}', 'key order Values, Error; no Id');
  });

  it('regression: answers 40 pipelined DpGets in request order, none refused as busy', async () => {
    const client = await fx.client();
    for (let id = 1; id <= 40; id++) client.send({ DpGet: { Id: id, Dps: [id % 2 === 0 ? 'ExampleDP_Trend1.' : 'ExampleDP_Trend2.'] } });
    const ids: unknown[] = [];
    for (let i = 0; i < 40; i++) ids.push((await client.nextJson<{ DpGetResult?: { Id?: unknown; Error?: unknown } }>()).DpGetResult?.Id);
    assert.deepEqual(ids, Array.from({ length: 40 }, (_, index) => index + 1));
  });

  it('serves configs and attributes: _online, _stime, _invalid, _status', async () => {
    const client = await fx.client();
    const result = await ask<{ Values: Record<string, unknown> }>(client, { DpGet: { Id: 1, Dps: [
      'System1:ExampleDP_Trend1.:_online.._value', 'ExampleDP_Trend1.:_online.._stime', 'plant_temp.:_original.._invalid',
      'plant_temp.:_online.._status', 'ExampleDP_Trend1.:_original.._status', 'pump_00001.value.speed',
    ] } }, 'DpGetResult');
    assert.deepEqual(result.Values, {
      'System1:ExampleDP_Trend1.:_online.._value': 6,
      'System1:ExampleDP_Trend1.:_online.._stime': 1000,
      'System1:plant_temp.:_original.._invalid': true,
      'System1:plant_temp.:_online.._status': 0x20101,
      'System1:ExampleDP_Trend1.:_original.._status': 0x101,
      'System1:pump_00001.value.speed:_original.._value': 1500,
    });
  });

  it('drops unknown names and answers -2 when none is left', async () => {
    const client = await fx.client();
    const some = await ask<{ Values: Record<string, unknown> }>(client, { DpGet: { Id: 3, Dps: ['Nope.', 'ExampleDP_Arg1.', 'System2:ExampleDP_Arg2.', 'ExampleDP_Arg2.:_bogus.._value'] } }, 'DpGetResult');
    assert.deepEqual(some.Values, { 'System1:ExampleDP_Arg1.:_original.._value': 1 });
    const none = await ask<Record<string, unknown>>(client, { DpGet: { Id: 4, Dps: ['Nope.', 'Pump.Speed'] } }, 'DpGetResult');
    assert.equal(none.Error, -2);
    assert.equal(none.Id, 4);
    assert.equal(none.Values, undefined);
    assert.match(String(none.ErrorText), /Nope/);
    const hidden = await ask<Record<string, unknown>>(client, { DpGet: { Dps: ['plant/temp'] } }, 'DpGetResult');
    assert.equal(hidden.Error, -2, 'a tag name that is no element name is not visible');
    const offline = await ask<Record<string, unknown>>(client, { DpGet: { Dps: ['ExampleDP_Arg1.:_offline.._value'] } }, 'DpGetResult');
    assert.equal(offline.Error, -2, '_offline belongs to DpGetPeriod');
  });

  it('answers -3 for bad arguments and keeps the socket open', async () => {
    const client = await fx.client();
    for (const [command, resultName] of [
      [{ DpGet: { Id: 5 } }, 'DpGetResult'],
      [{ DpGet: { Id: 5, Dps: 'ExampleDP_Arg1.' } }, 'DpGetResult'],
      [{ DpGet: 'ExampleDP_Arg1.' }, 'DpGetResult'],
      [{ DpSet: { Id: 5, Wait: true } }, 'DpSetResult'],
      [{ DpSet: { Id: 5, Wait: true, Values: [{ Dp: 'ExampleDP_Arg1.', Value: { a: 1 } }] } }, 'DpSetResult'],
      [{ DpSet: { Id: 5, Wait: true, Values: [{ Dp: 'ExampleDP_Arg1.' }] } }, 'DpSetResult'],
      [{ DpSet: { Id: 5, Wait: true, Values: ['ExampleDP_Arg1.'] } }, 'DpSetResult'],
      [{ DpSet: { Id: 5, Wait: true, Timestamp: 'tomorrow', Values: [{ Dp: 'ExampleDP_Arg1.', Value: 1 }] } }, 'DpSetResult'],
    ] as const) {
      const result = await ask<Record<string, unknown>>(client, command, resultName);
      assert.equal(result.Error, -3, JSON.stringify(command));
      assert.equal(result.Id, typeof (command as Record<string, unknown>).DpGet === 'string' ? undefined : 5);
      assert.equal(typeof result.ErrorText, 'string');
    }
    const badId = await ask<Record<string, unknown>>(client, { DpGet: { Id: 1.5, Dps: ['ExampleDP_Arg1.'] } }, 'DpGetResult');
    assert.equal(badId.Error, -3);
    assert.equal(badId.Id, undefined);
    const stringId = await ask<Record<string, unknown>>(client, { DpGet: { Id: '42', Dps: ['ExampleDP_Arg1.'] } }, 'DpGetResult');
    assert.equal(stringId.Id, 42, 'a numeric string Id is echoed as a number');
    const huge = await ask<Record<string, unknown>>(client, { DpGet: { Id: '9223372036854775807', Dps: ['ExampleDP_Arg1.'] } }, 'DpGetResult');
    assert.equal(huge.Error, -3, 'Ids beyond 2^53 are refused');
  });

  it('writes with Wait (DpSetResult after the source confirmed) and without (no reply)', async () => {
    const client = await fx.client();
    assert.deepEqual(await ask(client, { DpSet: { Id: 3, Wait: true, Values: [{ Dp: 'ExampleDP_Arg1.', Value: 5 }, { Dp: 'ExampleDP_Arg2.', Value: 'seven' }] } }, 'DpSetResult'), { Error: 0, Id: 3 });
    assert.equal(fx.tags.peek('ExampleDP_Arg1')?.value, 5);
    assert.equal(fx.tags.peek('ExampleDP_Arg2')?.value, 'seven');
    client.send({ DpSet: { Values: [{ Dp: 'ExampleDP_Arg1.', Value: 8 }] } });
    // The next reply is the DpGet's: the DpSet without Wait answered nothing, and it was applied first.
    const got = await ask<{ Values: Record<string, unknown> }>(client, { DpGet: { Dps: ['ExampleDP_Arg1.'] } }, 'DpGetResult');
    assert.deepEqual(got.Values, { 'System1:ExampleDP_Arg1.:_original.._value': 8 });
    client.send({ DpSet: { Wait: 'true', Values: [{ Dp: 'ExampleDP_Arg1.', Value: true }] } });
    assert.deepEqual(await client.nextJson(), { DpSetResult: { Error: 0 } });
  });

  it('gives written values the Timestamp as source time', async () => {
    const client = await fx.client();
    await ask(client, { DpSet: { Wait: true, Timestamp: '2018-02-07T18:10:00.000Z', Values: [{ Dp: 'ExampleDP_Arg2.', Value: 3 }] } }, 'DpSetResult');
    const got = await ask<{ Values: Record<string, unknown> }>(client, { DpGet: { Dps: ['ExampleDP_Arg2.:_original.._stime'] } }, 'DpGetResult');
    assert.equal(got.Values['System1:ExampleDP_Arg2.:_original.._stime'], Date.UTC(2018, 1, 7, 18, 10));
  });

  it('writes to another source through its write path and waits for its confirmation', async () => {
    const client = await fx.client();
    client.send({ DpSet: { Id: 9, Wait: true, Values: [{ Dp: 'plant_setpoint.', Value: 42 }] } });
    await waitFor(() => fx.plant.pendingWrites === 1, 'the setpoint write to reach the source');
    assert.equal(await client.silentFor(100), true, 'no DpSetResult before the source confirmed');
    fx.plant.confirm();
    assert.deepEqual(await client.nextJson(), { DpSetResult: { Error: 0, Id: 9 } });
    assert.deepEqual(fx.plant.writes.at(-1), { name: 'plant/setpoint', value: 42, timestamp: undefined });
    assert.deepEqual(await ask(client, { DpSet: { Id: 10, Wait: true, Values: [{ Dp: 'pump_00001.value.speed', Value: 1600 }] } }, 'DpSetResult'), { Error: 0, Id: 10 });
    assert.equal(fx.plant.writes.at(-1)?.name, 'Pump.Speed', 'the mapped element writes the OPC UA-like tag');
  });

  it('regression: a DpSet respects the element type: an array into ExampleDP_Float or a Double is -3 and writes nothing', async () => {
    const client = await fx.client();
    const before = fx.tags.peek('ExampleDP_Trend1')?.value;
    const intoFloat = await ask<Record<string, unknown>>(client, { DpSet: { Id: 11, Wait: true, Values: [{ Dp: 'ExampleDP_Arg1.', Value: 77 }, { Dp: 'ExampleDP_Trend1.', Value: [1, 2, 3] }] } }, 'DpSetResult');
    assert.equal(intoFloat.Error, -3);
    assert.match(String(intoFloat.ErrorText), /ExampleDP_Trend1\..*array/);
    assert.equal(fx.tags.peek('ExampleDP_Trend1')?.value, before, 'the float keeps its value');
    assert.notEqual(fx.tags.peek('ExampleDP_Arg1')?.value, 77, 'and the valid entry of the same DpSet was not written either');
    const writes = fx.plant.writes.length;
    const intoDouble = await ask<Record<string, unknown>>(client, { DpSet: { Id: 12, Wait: true, Values: [{ Dp: 'plant_setpoint.', Value: [42] }] } }, 'DpSetResult');
    assert.equal(intoDouble.Error, -3);
    assert.equal(fx.plant.writes.length, writes, 'nothing reached the source');
    // Scalars still convert as WinCC OA converts them (a number into an int element, text into a number).
    assert.deepEqual(await ask(client, { DpSet: { Id: 13, Wait: true, Values: [{ Dp: 'ExampleDP_Trend1.', Value: 9 }] } }, 'DpSetResult'), { Error: 0, Id: 13 });
  });

  it('knows a dyn element from its source type, and leaves untyped flow tags to their flow', () => {
    const typed = (dataType: string, source = 'opcua'): TagInfo => ({ name: 'x', source, writable: true, dataType });
    assert.equal(elementTypeProblem([1, 2], elementShape(typed('Double[]'), undefined)), undefined);
    assert.match(String(elementTypeProblem(5, elementShape(typed('Double[]'), undefined))), /dyn/);
    assert.match(String(elementTypeProblem([5], elementShape(typed('Boolean'), undefined))), /array/);
    assert.equal(elementTypeProblem([5], elementShape(typed('number', FLOW_TAG_SOURCE_ID), undefined)), undefined);
    assert.match(String(elementTypeProblem([5], elementShape(typed('json', FLOW_TAG_SOURCE_ID), 'ExampleDP_Float'))), /array/);
  });

  it('answers -5 for read-only tags and missing permission, -6 when the source fails, -2 when nothing exists', async () => {
    const demo = await fx.client();
    const readOnly = await ask<Record<string, unknown>>(demo, { DpSet: { Id: 1, Wait: true, Values: [{ Dp: 'plant_temp.', Value: 1 }] } }, 'DpSetResult');
    assert.equal(readOnly.Error, -5);
    assert.match(String(readOnly.ErrorText), /read-only/);
    const failing = await ask<Record<string, unknown>>(demo, { DpSet: { Id: 2, Wait: true, Values: [{ Dp: 'plant_valve.', Value: true }] } }, 'DpSetResult');
    assert.equal(failing.Error, -6);
    assert.match(String(failing.ErrorText), /slave device failure/);
    const nothing = await ask<Record<string, unknown>>(demo, { DpSet: { Id: 3, Wait: true, Values: [{ Dp: 'Nope.', Value: 1 }] } }, 'DpSetResult');
    assert.equal(nothing.Error, -2);
    const online = await ask<Record<string, unknown>>(demo, { DpSet: { Id: 3, Wait: true, Values: [{ Dp: 'ExampleDP_Arg1.:_online.._value', Value: 1 }] } }, 'DpSetResult');
    assert.equal(online.Error, -2, 'only _original.._value is writable');

    const op = await fx.client('op');
    assert.deepEqual(await ask(op, { DpSet: { Wait: true, Values: [{ Dp: 'ExampleDP_Arg1.', Value: 11 }] } }, 'DpSetResult'), { Error: 0 });
    const refused = await ask<Record<string, unknown>>(op, { DpSet: { Wait: true, Values: [{ Dp: 'ExampleDP_Arg1.', Value: 12 }, { Dp: 'ExampleDP_Trend1.', Value: 1 }] } }, 'DpSetResult');
    assert.equal(refused.Error, -5);
    assert.equal(fx.tags.peek('ExampleDP_Arg1')?.value, 11, 'a refused request writes nothing');
    const viewer = await fx.client('viewer');
    assert.equal((await ask<Record<string, unknown>>(viewer, { DpSet: { Wait: true, Values: [{ Dp: 'ExampleDP_Arg1.', Value: 1 }] } }, 'DpSetResult')).Error, -5);
    viewer.send({ DpSet: { Id: 77, Values: [{ Dp: 'ExampleDP_Arg1.', Value: 1 }] } });
    assert.equal((await viewer.nextJson<{ DpSetResult: { Error: number; Id: number } }>()).DpSetResult.Error, -5, 'a failed write without Wait is still told');
  });

  it('answers -7 (outcome unknown) when a DpSet was written in part: -6 promises that nothing was written', async () => {
    const demo = await fx.client();
    const partly = await ask<Record<string, unknown>>(demo, { DpSet: { Id: 4, Wait: true, Values: [{ Dp: 'ExampleDP_Arg1.', Value: 31 }, { Dp: 'plant_valve.', Value: true }] } }, 'DpSetResult');
    assert.equal(partly.Error, -7);
    assert.match(String(partly.ErrorText), /plant_valve.*the other values were written/);
    const read = await ask<{ Values: Record<string, unknown> }>(demo, { DpGet: { Id: 5, Dps: ['ExampleDP_Arg1.'] } }, 'DpGetResult');
    assert.equal(read.Values['System1:ExampleDP_Arg1.:_original.._value'], 31, 'the first value was written');
  });

  it('answers -6 when a source cannot be read', async () => {
    const client = await fx.client();
    fx.plant.failReads = true;
    try {
      const result = await ask<Record<string, unknown>>(client, { DpGet: { Id: 6, Dps: ['pump_00001.value.speed', 'ExampleDP_Arg1.'] } }, 'DpGetResult');
      assert.equal(result.Error, -6);
      assert.match(String(result.ErrorText), /offline/);
    } finally {
      fx.plant.failReads = false;
    }
  });

  it('replies in request order even when an earlier request waits for its source', async () => {
    const client = await fx.client();
    client.send({ DpSet: { Id: 1, Wait: true, Values: [{ Dp: 'plant_setpoint.', Value: 5 }] } });
    client.send({ DpGet: { Id: 2, Dps: ['ExampleDP_Arg1.'] } });
    await waitFor(() => fx.plant.pendingWrites === 1, 'the pending write');
    assert.equal(await client.silentFor(100), true);
    fx.plant.confirm();
    assert.equal((await client.nextJson<Record<string, { Id: number }>>()).DpSetResult?.Id, 1);
    assert.equal((await client.nextJson<Record<string, { Id: number }>>()).DpGetResult?.Id, 2);
  });

  it('closes 1011 with the exception name for frames the original could not read, ignores unknown commands', async () => {
    const cases: Array<[string, string]> = [['not json', 'JsonSyntaxException'], ['[1,2]', 'JsonSyntaxException'], ['{"DpGet":', 'JsonSyntaxException'],
      ['{}{}', 'JsonIOException'], ['null', 'NullPointerException'], ['', 'NullPointerException']];
    for (const [frame, reason] of cases) {
      const client = await fx.client();
      client.send(frame);
      assert.deepEqual(await client.closed, { code: 1011, reason }, JSON.stringify(frame));
    }
    const client = await fx.client();
    client.send({ Foo: {} });
    client.send({ dpGet: { Dps: ['ExampleDP_Arg1.'] } });
    client.send(Buffer.from([1, 2, 3]));
    assert.equal(await client.silentFor(100), true);
    const both = await ask<Record<string, unknown>>(client, { DpGet: { Id: 1, Dps: ['ExampleDP_Arg1.'] }, DpSet: { Id: 2, Wait: true, Values: [{ Dp: 'ExampleDP_Arg2.', Value: 1 }] } }, 'DpSetResult');
    assert.equal(both.Id, 2, 'DpSet wins, as in the original order');
    assert.equal(await client.silentFor(100), true);
  });
});

describe('winccoa refusals by the endpoint', () => {
  it('answers -1 when a request is refused because too many are in flight and queued', async () => {
    const fx = await startWinccoa({}, { limits: { maxInFlight: 1, maxQueued: 0 } });
    try {
      // Both commands in one write, so both are read before the server could stop reading.
      const socket = await openRawWebSocket(fx.port, '/winccoa?username=demo&password=demo');
      const received = collectServerFrames(socket);
      socket.write(Buffer.concat([
        clientTextFrame(JSON.stringify({ DpSet: { Id: 1, Wait: true, Values: [{ Dp: 'plant_setpoint.', Value: 1 }] } })),
        clientTextFrame(JSON.stringify({ DpGet: { Id: 2, Dps: ['ExampleDP_Arg1.'] } })),
      ]));
      await waitFor(() => received.frames().length === 1, 'the refusal');
      const refused = JSON.parse(received.frames()[0].payload.toString()) as { DpGetResult: { Error: number; Id: number; ErrorText: string } };
      assert.equal(refused.DpGetResult.Error, -1);
      assert.equal(refused.DpGetResult.Id, 2);
      assert.match(refused.DpGetResult.ErrorText, /too many requests \(1 in flight and 0 queued\)/);
      await waitFor(() => fx.plant.pendingWrites === 1, 'the pending write');
      fx.plant.confirm();
      await waitFor(() => received.frames().length === 2, 'the DpSet answer');
      assert.deepEqual(JSON.parse(received.frames()[1].payload.toString()), { DpSetResult: { Error: 0, Id: 1 } });
      socket.destroy();
    } finally {
      await fx.close();
    }
  });
});

describe('winccoa request queue', () => {
  it('keeps a request that finds every slot taken waiting, and answers it after the earlier one', async () => {
    const fx = await startWinccoa({}, { limits: { maxInFlight: 1, maxQueued: 1 } });
    try {
      const client = await fx.client();
      client.send({ DpSet: { Id: 1, Wait: true, Values: [{ Dp: 'plant_setpoint.', Value: 1 }] } });
      await waitFor(() => fx.plant.pendingWrites === 1, 'the pending write');
      const session = fx.endpoint.session(sessionIdOf(fx));
      assert.ok(session);
      client.send({ DpGet: { Id: 2, Dps: ['ExampleDP_Arg1.'] } });
      await waitFor(() => session.requests.queued === 1, 'the DpGet waits for its slot');
      assert.equal(session.readingPaused, true, 'no more is read while the queue is full');
      fx.plant.confirm();
      assert.deepEqual(await client.nextJson(), { DpSetResult: { Error: 0, Id: 1 } });
      assert.equal((await client.nextJson<{ DpGetResult: { Id: number; Error: number } }>()).DpGetResult.Error, 0);
    } finally {
      await fx.close();
    }
  });
});

describe('winccoa lenient JSON and topics', () => {
  it('reads Python repr frames with the lenient option, like Gson did, and refuses them without', async () => {
    const fx = await startWinccoa({ winccoaLenientJson: true });
    try {
      const client = await fx.client();
      client.send(`{'DpSet': {'Id': 1e0, 'Wait': True, 'Values': [{'Dp': 'ExampleDP_Arg1.', 'Value': -2.5}, {'Dp': 'ExampleDP_Arg2.', 'Value': 'it\\'s'}]}}`);
      assert.deepEqual(await client.nextJson(), { DpSetResult: { Error: 0, Id: 1 } });
      assert.equal(fx.tags.peek('ExampleDP_Arg1')?.value, -2.5);
      assert.equal(fx.tags.peek('ExampleDP_Arg2')?.value, "it's");
      client.send("{DpGet: {Dps: [ExampleDP_Arg1., 'ExampleDP_Arg2.'], Id: None}}");
      assert.deepEqual(await client.nextJson(), { DpGetResult: { Values: { 'System1:ExampleDP_Arg1.:_original.._value': -2.5, 'System1:ExampleDP_Arg2.:_original.._value': "it's" }, Error: 0 } });
      const topics = fx.deliveries.filter((delivery) => delivery.hook === 'MESSAGE').map((delivery) => delivery.message?.topic);
      assert.deepEqual(topics, ['ExampleDP_Arg1', 'ExampleDP_Arg1'], 'the tag of the first element is the topic for ws-gateway-in filters');
    } finally {
      await fx.close();
    }
    const strict = await startWinccoa();
    try {
      const client = await strict.client();
      client.send("{'DpGet': {'Dps': ['ExampleDP_Arg1.']}}");
      assert.deepEqual(await client.closed, { code: 1011, reason: 'JsonSyntaxException' });
    } finally {
      await strict.close();
    }
  });
});

describe('winccoa authentication', () => {
  let fx: WinccoaFixture;
  before(async () => { fx = await startWinccoa(); });
  after(async () => { await fx.close(); });

  it('closes 4000 with the original reasons after the upgrade', async () => {
    const expectClose = async (url: string, reason: string, options = {}) => {
      const client = await TestClient.open(url, options);
      assert.deepEqual(await client.closed, { code: 4000, reason }, url);
    };
    await expectClose(`${fx.url}winccoa`, 'no username and/or password!');
    await expectClose(`${fx.url}winccoa?username=demo`, 'no username and/or password!');
    await expectClose(`${fx.url}winccoa?username=demo&password=`, 'no username and/or password!');
    await expectClose(`${fx.url}winccoa?username=demo&password=wrong`, 'invalid username and/or password!');
    await expectClose(`${fx.url}winccoa?username=nobody&password=demo`, 'invalid username and/or password!');
    await expectClose(`${fx.url}winccoa`, 'invalid username and/or password!', { headers: basicAuth('demo', 'nope') });
  });

  it('accepts the query and Basic auth, and sends no greeting unless asked', async () => {
    const query = await fx.client();
    assert.equal(await query.silentFor(100), true);
    assert.equal((await ask<Record<string, unknown>>(query, { DpGet: { Dps: ['ExampleDP_Arg1.'] } }, 'DpGetResult')).Error, 0);
    const basic = await TestClient.open(`${fx.url}winccoa`, { headers: basicAuth('demo', 'demo') });
    assert.equal((await ask<Record<string, unknown>>(basic, { DpGet: { Dps: ['ExampleDP_Arg1.'] } }, 'DpGetResult')).Error, 0);
    await basic.close();
    assert.equal(fx.warnings.some((line) => line.includes('password')), false);
  });

  it('offers the Connection greeting and the legacy DpSet reply as options, and a system name', async () => {
    const other = await startWinccoa({ winccoaGreeting: true, winccoaLegacySetReply: true, winccoaSystem: 'Plant7' });
    try {
      const client = await other.client();
      assert.deepEqual(await client.nextJson(), { Connection: { Code: 0, Message: 'Connected', Id: 0 } });
      assert.deepEqual(await ask(client, { DpSet: { Id: 3, Wait: true, Values: [{ Dp: 'Plant7:ExampleDP_Arg1.', Value: 1 }] } }, 'Response'), { Code: 0, Id: 3, Message: '' });
      const got = await ask<{ Values: Record<string, unknown> }>(client, { DpGet: { Dps: ['ExampleDP_Arg1.', 'System1:ExampleDP_Arg2.'] } }, 'DpGetResult');
      assert.deepEqual(Object.keys(got.Values), ['Plant7:ExampleDP_Arg1.:_original.._value']);
      const failed = await ask<Record<string, unknown>>(client, { DpSet: { Id: 4, Wait: true, Values: [{ Dp: 'Nope.', Value: 1 }] } }, 'Response');
      assert.equal(failed.Code, -2);
    } finally {
      await other.close();
    }
  });

  it('lets anyone in without an auth policy', async () => {
    const open = await startWinccoa({}, { auth: { kind: 'none' } });
    try {
      const client = await TestClient.open(`${open.url}winccoa`);
      assert.equal((await ask<Record<string, unknown>>(client, { DpGet: { Dps: ['ExampleDP_Arg1.'] } }, 'DpGetResult')).Error, 0);
      await client.close();
    } finally {
      await open.close();
    }
  });
});
