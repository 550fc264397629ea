import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Node } from 'node-red';
import { runtimeTags } from '../../nodes/shared/runtime-tags';
import { echoFlow, inNode, outNode, serverNode, type FlowNode } from '../fixtures/flows/raw-flows';
import { helper, load, useNodeRed, wsUrl } from '../support/node-red';
import { messageOf } from '../../lib/util/errors';

const space = () => runtimeTags({}).space;
const nest = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const kb = (count: number): string => 'x'.repeat(count * 1024);

interface ErrorCall { args: unknown[] }

/** The message of the next error a node reports (node.error or done(err)), or 'none' when it reports none in time. */
function nextError(id: string, timeoutMs = 3000): Promise<string> {
  const node = helper.getNode(id) as Node & { once(event: 'call:error', listener: (call: ErrorCall) => void): void };
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('none'), timeoutMs);
    node.once('call:error', (call) => {
      clearTimeout(timer);
      const first = call.args[0];
      resolve(messageOf(first));
    });
  });
}

function winccoaFlow(): FlowNode[] {
  return [
    { id: 'flow', type: 'tab' },
    serverNode({
      path: '/wcc', dialect: 'winccoa', auth: 'none', winccoaSystem: 'System1', winccoaMapping: 'mem/big = MemDP_Big. : MemType',
      winccoaWriteAccess: '', winccoaTimeZone: 'utc', winccoaGreeting: false, winccoaLegacySetReply: false, winccoaSwapTs: false,
    }),
    outNode('publish', { action: 'publish' }),
  ];
}

type SetResult = { DpSetResult: { Error: number; Id?: number; ErrorText?: string } };

let zatoCounter = 0;
function zatoFrame(action: string, extra: Record<string, unknown>, data: unknown): string {
  const meta = { action, id: `mem.${++zatoCounter}`, timestamp: '2024-05-01T10:00:00.123456', token: null, client_id: 'wsx.out.1', client_name: 'memory test', ...extra };
  return `{"meta":${JSON.stringify(meta)},"data":${typeof data === 'string' ? data : JSON.stringify(data)}}`;
}

describe('memory bounds of values, history and JSON nesting (real Node-RED)', () => {
  const nodeRed = useNodeRed();

  it('regression: 40 DpSets of 200 KB strings to a flow tag keep its history at the 1 MB per-tag bound', async () => {
    // Before, each of the up to 1000 samples of the tag was kept whatever its size (600 x 878 KB: +500 MB of heap).
    await load(winccoaFlow());
    helper.getNode('publish').receive({ topic: 'mem/big', payload: 'start' } as never);
    const before = space().historyOf('mem/big');
    const client = await nodeRed.open(wsUrl('/wcc'));
    for (let id = 1; id <= 40; id++) {
      client.send({ DpSet: { Id: id, Wait: true, Values: [{ Dp: 'MemDP_Big.', Value: `${id}:${kb(200)}` }] } });
      assert.deepEqual(await client.nextJson(), { DpSetResult: { Error: 0, Id: id } });
    }
    const ring = space().historyOf('mem/big');
    assert.ok(before && ring);
    assert.ok(ring.bytes <= space().historyBytesPerTag, `the ring holds ${ring.bytes} bytes`);
    assert.equal(ring.samples, 5, 'five 200 KB values fit in 1 MB');
    assert.equal(ring.dropped - before.dropped, 36, '41 samples written, 5 kept');
    assert.match(String(space().peek('mem/big')?.value), /^40:/);
  });

  it('regression: a DpSet larger than maxValueBytes or of 1e400 is -3 and leaves the value as it was', async () => {
    // Before, 1e400 answered Error 0 and stored Infinity (read back as null); a value of any size was stored.
    await load(winccoaFlow());
    helper.getNode('publish').receive({ topic: 'mem/big', payload: 7 } as never);
    const client = await nodeRed.open(wsUrl('/wcc'));
    client.send({ DpSet: { Id: 1, Wait: true, Values: [{ Dp: 'MemDP_Big.', Value: kb(300) }] } });
    const tooLarge = await client.nextJson<SetResult>();
    assert.equal(tooLarge.DpSetResult.Error, -3);
    assert.match(String(tooLarge.DpSetResult.ErrorText), /larger than the limit of 262144 bytes/);
    client.send('{"DpSet":{"Id":2,"Wait":true,"Values":[{"Dp":"MemDP_Big.","Value":1e400}]}}');
    const infinite = await client.nextJson<SetResult>();
    assert.equal(infinite.DpSetResult.Error, -3);
    assert.match(String(infinite.DpSetResult.ErrorText), /out of range/);
    client.send('{"DpSet":{"Id":3,"Wait":true,"Values":[{"Dp":"MemDP_Big.","Value":8},{"Dp":"MemDP_Big.","Value":[-1e400]}]}}');
    assert.equal((await client.nextJson<SetResult>()).DpSetResult.Error, -3, 'one bad value refuses the whole request');
    assert.equal(space().peek('mem/big')?.value, 7);
  });

  it('regression: a WinCC OA frame nested 100 000 deep closes 1011 JsonSyntaxException, as any unreadable frame', async () => {
    await load(winccoaFlow());
    const client = await nodeRed.open(wsUrl('/wcc'));
    client.send(`{"DpGet":{"Id":1,"Dps":${nest(100_000)}}}`);
    // A frame instead of the close (or nothing within 3 s) fails the test rather than hanging it.
    const outcome = await Promise.race([client.closed, client.nextJson(3000).then((frame) => ({ frame }))]);
    assert.deepEqual(outcome, { code: 1011, reason: 'JsonSyntaxException' });
  });

  it('regression: refuses a ws-gateway-out publish over maxValueBytes or out of range with a node error', async () => {
    await load(winccoaFlow());
    const publish = helper.getNode('publish');
    publish.receive({ topic: 'mem/big', payload: 1 } as never);
    // The test helper's RED._ returns the message key; the text names the topic and the reason.
    let error = nextError('publish');
    publish.receive({ topic: 'mem/big', payload: { blob: kb(300) } } as never);
    assert.equal(await error, 'ws-gateway-out.errors.publish-failed');
    assert.equal(space().peek('mem/big')?.value, 1);
    error = nextError('publish');
    publish.receive({ topic: 'mem/big', payload: Number.POSITIVE_INFINITY } as never);
    assert.equal(await error, 'ws-gateway-out.errors.publish-failed');
    assert.equal(space().peek('mem/big')?.value, 1);
    await assert.rejects(space().write('mem/big', { blob: kb(300) }), /mem\/big: the value is larger than the limit of 262144 bytes/);
  });

  it('regression: the raw echo answers a frame nested 100 000 deep with an error frame and stays usable', async () => {
    // Before, the frame went to the flow, whose message clone threw RangeError into the log; the client heard nothing.
    await load(echoFlow());
    const client = await nodeRed.open(wsUrl('/gw'));
    client.send(nest(100_000));
    assert.deepEqual(await client.nextJson(), { error: 'bad-frame', message: 'the JSON nests deeper than 64 levels' });
    client.send({ still: 'here' });
    assert.deepEqual(await client.nextJson(), { still: 'here' });
    client.send(nest(64));
    assert.deepEqual(await client.nextJson(), JSON.parse(nest(64)), '64 levels are allowed');
  });

  it('takes the nesting limit from settings.js (wsGatewayServerMaxJsonDepth)', async () => {
    helper.settings({ wsGatewayServerMaxJsonDepth: 3 } as unknown as Parameters<typeof helper.settings>[0]);
    await load(echoFlow());
    const client = await nodeRed.open(wsUrl('/gw'));
    client.send(nest(3));
    assert.deepEqual(await client.nextJson(), [[[]]]);
    client.send(nest(4));
    assert.deepEqual(await client.nextJson(), { error: 'bad-frame', message: 'the JSON nests deeper than 3 levels' });
  });

  it('regression: the zato channel answers an invoke nested 100 000 deep with zwsx.rsperr 400 and stays usable', async () => {
    await load([
      { id: 'flow', type: 'tab' },
      serverNode({ path: '/zato', dialect: 'zato', auth: 'none' }),
      inNode('in', { hookConnect: false, hookClose: false, hookError: false, mode: 'handle', filterType: 'zato.helpers.echo' }, ['out']),
      outNode('out'),
    ]);
    const client = await nodeRed.open(wsUrl('/zato'));
    client.send(zatoFrame('create-session', { username: null, secret: null }, {}));
    const token = (await client.nextJson<{ data: { token: string } }>()).data.token;
    const deep = zatoFrame('invoke-service', { token }, `{"service":"zato.helpers.echo","request":${nest(100_000)}}`);
    client.send(deep);
    const refused = await client.nextJson<{ meta: Record<string, unknown> }>();
    assert.equal(refused.meta.msg_type, 'zwsx.rsperr');
    assert.equal(refused.meta.status, 400);
    assert.equal(refused.meta.in_reply_to, (JSON.parse(deep) as { meta: { id: string } }).meta.id);
    assert.equal(refused.meta.error_message, 'the JSON nests deeper than 64 levels');
    client.send(zatoFrame('invoke-service', { token }, { service: 'zato.helpers.echo', request: { ok: 1 } }));
    const echoed = await client.nextJson<{ meta: Record<string, unknown>; data: unknown }>();
    assert.equal(echoed.meta.msg_type, 'zwsx.rspok');
    assert.deepEqual(echoed.data, { ok: 1 });
  });
});
