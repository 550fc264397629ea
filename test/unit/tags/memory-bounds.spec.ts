import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlowTagSource, HistoryRing, measureValue, TagError, TagSpace, valueProblem, type TagInfo, type TagSink, type TagSource, type TagValue } from '../../../lib/tags';
import { jsonDepthExceeds } from '../../../lib/util/json-depth';

/** A source whose tag list can shrink, standing in for an OPC UA variable list or a Modbus unit. */
class ShrinkingSource implements TagSource {
  sink: TagSink | undefined;
  constructor(readonly id: string, public names: string[]) {}
  attach(sink: TagSink): void { this.sink = sink; }
  detach(): void { this.sink = undefined; }
  list(): TagInfo[] { return this.names.map((name) => this.info(name)!); }
  info(name: string): TagInfo | undefined { return this.names.includes(name) ? { name, source: this.id, writable: true } : undefined; }
  async read(names: readonly string[]): Promise<TagValue[]> { return names.map(() => ({ value: 0, timestamp: 0, quality: 'good' as const })); }
  async write(): Promise<void> {}
  watch(): void {}
  unwatch(): void {}
  emit(name: string, value: unknown, timestamp = Date.now()): void { this.sink?.update(name, { value, timestamp, quality: 'good' }); }
}

const kb = (count: number): string => 'x'.repeat(count * 1024);

function flowSpace(options: ConstructorParameters<typeof TagSpace>[0]): { space: TagSpace; flow: FlowTagSource } {
  const space = new TagSpace(options);
  const flow = new FlowTagSource({ maxValueBytes: space.maxValueBytes });
  space.addSource(flow);
  return { space, flow };
}

describe('history bounds in bytes', () => {
  it('regression: 600 big values to one tag keep its history at the per-tag byte bound, dropping the oldest', async () => {
    // Before, every one of the samples (up to 1000 per tag) was kept whatever its size: 600 x 878 KB grew the heap by 500 MB.
    const { space, flow } = flowSpace({ historyBytesPerTag: 1024 * 1024, maxValueBytes: 256 * 1024 });
    for (let index = 0; index < 600; index++) flow.publish('big', `${index}:${kb(200)}`, { timestamp: index });
    const ring = space.historyOf('big');
    assert.ok(ring);
    assert.ok(ring.bytes <= 1024 * 1024, `ring holds ${ring.bytes} bytes`);
    assert.equal(ring.samples, 5, 'five 200 KB samples fit in 1 MB');
    assert.equal(ring.dropped, 595);
    const kept = await space.history('big', 0, 1000, 0);
    assert.deepEqual(kept.map((sample) => sample.timestamp), [595, 596, 597, 598, 599], 'the newest are kept');
    assert.equal(space.historyStats().bytes, ring.bytes);
  });

  it('keeps all rings together within the total bound, dropping the globally oldest samples first', async () => {
    const { space, flow } = flowSpace({ historyBytesPerTag: 1024 * 1024, historyBytesTotal: 100 * 1024 });
    // Round robin over 10 tags, 10 KB each: 300 samples, room for about 10.
    for (let round = 0; round < 30; round++) for (let tag = 0; tag < 10; tag++) flow.publish(`t${tag}`, `${round}:${kb(10)}`, { timestamp: round * 10 + tag });
    const stats = space.historyStats();
    assert.ok(stats.bytes <= 100 * 1024, `all rings hold ${stats.bytes} bytes`);
    assert.ok(stats.samples >= 9 && stats.samples <= 10, `${stats.samples} samples kept`);
    assert.equal(stats.droppedForTotal, 300 - stats.samples);
    // What is left is the newest round, whatever tag it belongs to.
    for (let tag = 0; tag < 10; tag++) {
      const kept = await space.history(`t${tag}`, 0, 10_000, 0);
      assert.ok(kept.every((sample) => sample.timestamp >= 280), `t${tag} kept only its newest: ${kept.map((sample) => sample.timestamp).join(',')}`);
    }
  });

  it('stays correct when a busy tag drops samples by count and a quiet tag holds the oldest one', async () => {
    const { space, flow } = flowSpace({ historySize: 3, historyBytesTotal: 40 * 1024 });
    flow.publish('quiet', kb(10), { timestamp: 0 });
    for (let index = 1; index <= 5000; index++) flow.publish('busy', `${index}`, { timestamp: index });
    assert.equal(space.historyOf('busy')?.samples, 3);
    assert.equal(space.historyOf('quiet')?.samples, 1, 'small samples never pushed the quiet one out');
    for (let index = 0; index < 4; index++) flow.publish('other', `${index}:${kb(10)}`, { timestamp: 10_000 + index });
    assert.equal(space.historyOf('quiet')?.samples, 0, 'the globally oldest sample went first');
    assert.ok(space.historyStats().bytes <= 40 * 1024);
  });

  it('does not keep a single sample larger than the per-tag bound', () => {
    const ring = new HistoryRing(10, 100);
    assert.equal(ring.push({ value: 'x', timestamp: 1, quality: 'good' }, 150), 0);
    assert.equal(ring.size, 0);
    assert.equal(ring.dropped, 1);
  });

  it('regression: releases the rings of a source that is removed and of tags that vanish from a source', async () => {
    // Before, rings of tags that were gone stayed for the life of the process.
    const space = new TagSpace({});
    const source = new ShrinkingSource('plc', ['a', 'b', 'c']);
    space.addSource(source);
    for (const name of ['a', 'b', 'c']) source.emit(name, kb(1));
    assert.equal(space.historyStats().rings, 3);
    source.names = ['a', 'b'];
    source.sink?.tagsChanged();
    assert.equal(space.historyOf('c'), undefined, 'c vanished from the source');
    assert.equal(space.historyStats().rings, 2);
    source.names = ['a'];
    source.sink?.tagsChanged(['b']);
    assert.equal(space.historyOf('b'), undefined, 'b named as gone');
    assert.equal(space.peek('b'), undefined);
    space.removeSource('plc');
    assert.deepEqual(space.historyStats(), { rings: 0, samples: 0, bytes: 0, droppedForTotal: 0 });
  });
});

describe('value size per write', () => {
  it('regression: refuses a flow tag write over maxValueBytes before storing it, and keeps the old value', async () => {
    const { space, flow } = flowSpace({ maxValueBytes: 256 * 1024 });
    flow.publish('t', 'small', { timestamp: 1 });
    await assert.rejects(space.write('t', kb(300)), (error: unknown) => error instanceof TagError && error.code === 'bad-value' && /larger than the limit of 262144 bytes/.test(error.message));
    assert.throws(() => flow.publish('t', [kb(300)]), (error: unknown) => error instanceof TagError && error.code === 'bad-value');
    assert.equal(space.peek('t')?.value, 'small');
    assert.equal(space.historyOf('t')?.samples, 1);
  });

  it('regression: refuses numbers JSON cannot carry (1e400 parses to Infinity), nested too', async () => {
    const { space, flow } = flowSpace({});
    flow.publish('t', 1);
    for (const value of [JSON.parse('1e400') as number, -Infinity, NaN, [1, JSON.parse('-1e400') as number], { a: { b: NaN } }]) {
      await assert.rejects(space.write('t', value), (error: unknown) => error instanceof TagError && error.code === 'bad-value' && /out of range/.test(error.message));
    }
    assert.equal(space.peek('t')?.value, 1);
  });

  it('measures values deterministically, cheaply and without recursion', () => {
    assert.equal(measureValue('abc', 100).bytes, 5);
    assert.equal(measureValue({ a: [1, true, null] }, 100).bytes, JSON.stringify({ a: [1, true, null] }).length);
    assert.equal(measureValue('é', 100).bytes, 4, 'UTF-8 bytes');
    const deep: unknown[] = [];
    let cursor = deep;
    for (let level = 0; level < 100_000; level++) { const next: unknown[] = []; cursor.push(next); cursor = next; }
    assert.equal(measureValue(deep, 1e9).depth, 100_001);
    assert.equal(valueProblem(deep, 1e9)?.kind, 'too-deep');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    assert.ok(measureValue(cyclic, 1000).bytes > 1000, 'a cycle stops at the cap');
    const huge = Array.from({ length: 1_000_000 }, () => 1);
    assert.equal(measureValue(huge, 1000).bytes, 1_000_001, 'the separators alone pass the cap: no element is visited');
  });
});

describe('JSON nesting pre-scan', () => {
  it('counts brackets outside strings only', () => {
    const nest = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
    assert.equal(jsonDepthExceeds(nest(64), 64), false);
    assert.equal(jsonDepthExceeds(nest(65), 64), true);
    assert.equal(jsonDepthExceeds(nest(100_000), 64), true);
    assert.equal(jsonDepthExceeds(JSON.stringify({ text: '['.repeat(1000) }), 64), false, 'brackets in strings');
    assert.equal(jsonDepthExceeds(JSON.stringify({ text: '\\"[[[' + '['.repeat(100) }), 64), false, 'escaped quotes');
    assert.equal(jsonDepthExceeds(`{"a":${'{"b":'.repeat(70)}1${'}'.repeat(70)}}`, 64), true);
  });
});
