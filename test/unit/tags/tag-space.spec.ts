import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePattern, FlowTagSource, HistoryRing, TagError, TagSpace, type TagInfo, type TagSink, type TagSource, type TagValue } from '../../../lib/tags';

/** A second source with fixed tags, counting watch calls: stands in for OPC UA / Modbus in these tests. */
class CountingSource implements TagSource {
  readonly watchCalls: string[] = [];
  readonly unwatchCalls: string[] = [];
  readonly writes: Array<{ name: string; value: unknown }> = [];
  sink: TagSink | undefined;
  constructor(readonly id: string, private readonly names: string[], private readonly writable = true) {}
  attach(sink: TagSink): void { this.sink = sink; }
  detach(): void { this.sink = undefined; }
  list(): TagInfo[] { return this.names.map((name) => this.info(name)!); }
  info(name: string): TagInfo | undefined {
    return this.names.includes(name) ? { name, source: this.id, writable: this.writable, dataType: 'number' } : undefined;
  }
  async read(names: readonly string[]): Promise<TagValue[]> {
    return names.map((name) => ({ value: name.length, timestamp: 1, quality: 'good' as const }));
  }
  async write(name: string, value: unknown): Promise<void> { this.writes.push({ name, value }); }
  watch(name: string): void { this.watchCalls.push(name); }
  unwatch(name: string): void { this.unwatchCalls.push(name); }
}

function spaceWithFlowTags(historySize = 5): { space: TagSpace; flow: FlowTagSource } {
  const space = new TagSpace({ historySize });
  const flow = new FlowTagSource();
  space.addSource(flow);
  return { space, flow };
}

describe('tag space', () => {
  it('tells each subscriber once per change of a published flow tag', () => {
    const { space, flow } = spaceWithFlowTags();
    flow.publish('line1/speed', 10);
    const heard: unknown[] = [];
    const other: unknown[] = [];
    space.subscribe('line1/speed', (_name, value) => heard.push(value.value));
    space.subscribe('line1/speed', (_name, value) => other.push(value.value));
    flow.publish('line1/speed', 11);
    flow.publish('line1/speed', 11); // unchanged: nobody is told again
    flow.publish('line1/speed', 12);
    assert.deepEqual(heard, [11, 12]);
    assert.deepEqual(other, [11, 12]);
  });

  it('compares objects by content so a republished equal object is not a change', () => {
    const { space, flow } = spaceWithFlowTags();
    flow.publish('recipe', { a: 1 });
    const heard: unknown[] = [];
    space.subscribe('recipe', (_name, value) => heard.push(value.value));
    flow.publish('recipe', { a: 1 });
    flow.publish('recipe', { a: 2 });
    assert.deepEqual(heard, [{ a: 2 }]);
  });

  it('reads, writes and reports unknown tags with a typed error', async () => {
    const { space, flow } = spaceWithFlowTags();
    flow.publish('t', 1, { timestamp: 1000 });
    assert.deepEqual(await space.read('t'), { value: 1, timestamp: 1000, quality: 'good' });
    await space.write('t', 2);
    assert.equal((await space.read('t')).value, 2);
    await assert.rejects(space.read('nope'), (error: unknown) => error instanceof TagError && error.code === 'unknown-tag');
    await assert.rejects(space.write('nope', 1), (error: unknown) => error instanceof TagError && error.code === 'unknown-tag');
    assert.throws(() => space.subscribe('nope', () => {}), (error: unknown) => error instanceof TagError && error.code === 'unknown-tag');
  });

  it('refuses undefined values and empty names', () => {
    const { flow } = spaceWithFlowTags();
    assert.throws(() => flow.publish('t', undefined), (error: unknown) => error instanceof TagError && error.code === 'bad-value');
    assert.throws(() => flow.publish('', 1), (error: unknown) => error instanceof TagError && error.code === 'unknown-tag');
  });

  it('refuses writes to read-only tags before the source sees them', async () => {
    const space = new TagSpace();
    const source = new CountingSource('plc', ['ro'], false);
    space.addSource(source);
    await assert.rejects(space.write('ro', 1), (error: unknown) => error instanceof TagError && error.code === 'read-only');
    assert.equal(source.writes.length, 0);
  });

  it('asks a source to watch a tag once however many listen, and to stop after the last leaves', () => {
    const space = new TagSpace();
    const source = new CountingSource('plc', ['a', 'b']);
    space.addSource(source);
    const first = space.subscribe('a', () => {});
    const second = space.subscribe('a', () => {});
    assert.deepEqual(source.watchCalls, ['a']);
    first.close();
    first.close(); // idempotent
    assert.deepEqual(source.unwatchCalls, []);
    second.close();
    assert.deepEqual(source.unwatchCalls, ['a']);
    assert.equal(space.watchedCount, 0);
  });

  it('groups a multi-tag read into one call per source', async () => {
    const { space, flow } = spaceWithFlowTags();
    const source = new CountingSource('plc', ['abc', 'de']);
    let calls = 0;
    const read = source.read.bind(source);
    source.read = async (names) => { calls++; return read(names); };
    space.addSource(source);
    flow.publish('f', 'x');
    const values = await space.readMany(['abc', 'f', 'de']);
    assert.deepEqual(values.map((value) => value.value), [3, 'x', 2]);
    assert.equal(calls, 1);
  });

  it('refuses a second source with the same id', () => {
    const space = new TagSpace();
    space.addSource(new CountingSource('plc', []));
    assert.throws(() => space.addSource(new CountingSource('plc', [])), (error: unknown) => error instanceof TagError && error.code === 'source-conflict');
  });

  it('subscribes by pattern, including tags that appear later', () => {
    const { space, flow } = spaceWithFlowTags();
    flow.publish('line1/a', 1);
    const heard: string[] = [];
    const subscription = space.subscribePattern('line1/*', (name, value) => heard.push(`${name}=${String(value.value)}`));
    flow.publish('line1/a', 2);
    flow.publish('line2/x', 1);
    flow.publish('line1/b', 5); // new tag: the pattern picks it up with its first value
    flow.publish('line1/b', 6);
    subscription.close();
    flow.publish('line1/a', 3);
    assert.deepEqual(heard, ['line1/a=2', 'line1/b=5', 'line1/b=6']);
    assert.equal(space.watchedCount, 0);
  });

  it('subscribes by a matcher function, for dialects with their own name syntax', () => {
    const { space, flow } = spaceWithFlowTags();
    const heard: string[] = [];
    const subscription = space.subscribePattern((name) => name.endsWith('_Trend'), (name, value) => heard.push(`${name}=${String(value.value)}`));
    flow.publish('a_Trend', 1);
    flow.publish('b_Other', 1);
    flow.publish('a_Trend', 2);
    assert.equal(space.watchedCount, 1);
    subscription.close();
    assert.deepEqual(heard, ['a_Trend=1', 'a_Trend=2']);
    assert.equal(space.watchedCount, 0);
  });

  it('keeps listeners of a removed source and re-attaches them when it returns (redeploy)', () => {
    const space = new TagSpace();
    const before = new CountingSource('plc', ['a']);
    space.addSource(before);
    const heard: unknown[] = [];
    space.subscribe('a', (_name, value) => heard.push(value.value));
    space.removeSource('plc');
    assert.deepEqual(before.unwatchCalls, ['a']);
    const after = new CountingSource('plc', ['a']);
    space.addSource(after);
    assert.deepEqual(after.watchCalls, ['a']);
    after.sink?.update('a', { value: 7, timestamp: 1, quality: 'good' });
    before.sink?.update('a', { value: 99, timestamp: 1, quality: 'good' }); // detached: ignored
    assert.deepEqual(heard, [7]);
  });

  it('keeps a bounded history per tag and answers range queries oldest first', async () => {
    const { space, flow } = spaceWithFlowTags(3);
    for (let i = 1; i <= 5; i++) flow.publish('h', i, { timestamp: i * 100 });
    assert.deepEqual((await space.history('h', 0, 10_000, 0)).map((value) => value.value), [3, 4, 5]);
    assert.deepEqual((await space.history('h', 350, 450, 0)).map((value) => value.value), [4]);
    assert.deepEqual((await space.history('h', 0, 10_000, 2)).map((value) => value.value), [3, 4]);
    await assert.rejects(space.history('nope', 0, 1, 0), (error: unknown) => error instanceof TagError && error.code === 'unknown-tag');
  });

  it('asks a source with its own history instead of the ring', async () => {
    const space = new TagSpace();
    const source = new CountingSource('plc', ['a']);
    Object.assign(source, { history: async () => [{ value: 'from-source', timestamp: 5, quality: 'good' }] });
    space.addSource(source);
    assert.deepEqual((await space.history('a', 0, 10, 0)).map((value) => value.value), ['from-source']);
  });

  it('isolates a throwing listener from the others', () => {
    const { space, flow } = spaceWithFlowTags();
    flow.publish('t', 1);
    const heard: unknown[] = [];
    space.subscribe('t', () => { throw new Error('bad listener'); });
    space.subscribe('t', (_name, value) => heard.push(value.value));
    flow.publish('t', 2);
    assert.deepEqual(heard, [2]);
  });
});

describe('history ring', () => {
  it('refuses a size that is not a positive integer', () => {
    assert.throws(() => new HistoryRing(0), RangeError);
    assert.throws(() => new HistoryRing(1.5), RangeError);
  });

  it('sorts late samples into place', () => {
    const ring = new HistoryRing(10);
    ring.push({ value: 'b', timestamp: 20, quality: 'good' });
    ring.push({ value: 'a', timestamp: 10, quality: 'good' });
    assert.deepEqual(ring.query(0, 100, 0).map((value) => value.value), ['a', 'b']);
    assert.equal(ring.size, 2);
  });
});

describe('name patterns', () => {
  it('matches globs with alternatives; empty matches everything', () => {
    const match = compilePattern('line1/*, pump?.speed');
    assert.equal(match('line1/a/b'), true);
    assert.equal(match('pump1.speed'), true);
    assert.equal(match('pump10.speed'), false);
    assert.equal(match('line2/a'), false);
    assert.equal(compilePattern('')('anything'), true);
    assert.equal(compilePattern('a.b')('aXb'), false, 'dots are literal');
  });
});
