import assert = require('node:assert/strict');
import { after, afterEach, before, describe, it } from 'node:test';
import { connect, type MqttClient } from 'mqtt';
import { MqttBridge, STATUS_BROKER_UNREACHABLE, STATUS_OWNER_OFFLINE, type MqttBridgeOptions } from '../../lib/mqtt';
import { FlowTagSource, TagError, TagSpace, type TagInfo, type TagSink, type TagSource, type TagValue } from '../../lib/tags';
import { startBroker, type Broker } from '../support/mosquitto';
import { waitFor } from '../support/wait';

const PREFIX = 'test/uns';

interface Instance {
  space: TagSpace;
  flow: FlowTagSource;
  bridge: MqttBridge;
}

describe('MQTT bridge against a real Mosquitto', () => {
  let broker: Broker;
  const open: MqttBridge[] = [];
  const watchers: MqttClient[] = [];

  before(async () => { broker = await startBroker(); });
  after(async () => { await broker.stop(); });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((bridge) => bridge.close()));
    // Forced: a client that lost its link with a packet unacknowledged would wait for it forever (MQTT.js
    // waits for 'outgoingEmpty' with no timer), and a teardown has nothing to flush.
    await Promise.all(watchers.splice(0).map((client) => client.endAsync(true)));
    // Each test starts from an empty namespace: retained messages of the last one must not leak in.
    await broker.stop();
    await broker.start();
  });

  function instance(clientId: string, options: Partial<MqttBridgeOptions> = {}, space = new TagSpace()): Instance {
    const flow = new FlowTagSource();
    space.addSource(flow);
    const bridge = new MqttBridge(space, { url: broker.url, clientId, prefix: PREFIX, reconnectPeriodMs: 100, reconcileIntervalMs: 100, ...options });
    open.push(bridge);
    bridge.start();
    return { space, flow, bridge };
  }

  async function connected(...instances: Instance[]): Promise<void> {
    await waitFor(() => instances.every((one) => one.bridge.connected), 'bridges connected', 10_000);
  }

  /** A plain MQTT 5 client recording every message under the prefix. */
  async function watch(): Promise<Array<{ topic: string; payload: string; retain: boolean }>> {
    const client = connect(broker.url, { protocolVersion: 5, clientId: `watcher-${Math.random().toString(16).slice(2)}` });
    watchers.push(client);
    const seen: Array<{ topic: string; payload: string; retain: boolean }> = [];
    client.on('message', (topic, payload, packet) => seen.push({ topic, payload: payload.toString('utf8'), retain: packet.retain }));
    await client.subscribeAsync(`${PREFIX}/#`, { qos: 1 });
    return seen;
  }

  it('publishes owned tags retained under readable topics, and imports them with timestamp and quality', async () => {
    const a = instance('plant-a');
    const b = instance('plant-b');
    await connected(a, b);
    a.flow.publish('line1/speed', 42, { timestamp: 1_700_000_000_000 });
    a.flow.publish('line1/state', 'run', { timestamp: 1_700_000_000_500, quality: 'uncertain' });
    await waitFor(() => b.space.has('line1/speed') && b.space.has('line1/state'), 'imported tags on B');
    assert.deepEqual(await b.space.read('line1/speed'), { value: 42, timestamp: 1_700_000_000_000, quality: 'good' });
    assert.deepEqual(await b.space.read('line1/state'), { value: 'run', timestamp: 1_700_000_000_500, quality: 'uncertain' });
    assert.equal(b.space.info('line1/speed')?.source, b.bridge.source.id);
    // A late subscriber gets the retained value on a topic named like the tag, with the documented payload.
    const seen = await watch();
    await waitFor(() => seen.some((message) => message.topic === `${PREFIX}/line1/speed`), 'retained tag topic');
    const retained = seen.find((message) => message.topic === `${PREFIX}/line1/speed`);
    assert.equal(retained?.retain, true);
    assert.deepEqual(JSON.parse(retained?.payload ?? ''), { value: 42, timestamp: 1_700_000_000_000, quality: 'good', owner: 'plant-a', writable: true, dataType: 'number' });
    // Changes keep flowing, and B's subscribers hear them.
    const heard: TagValue[] = [];
    b.space.subscribe('line1/speed', (_name, value) => heard.push(value));
    a.flow.publish('line1/speed', 43);
    await waitFor(() => heard.some((value) => value.value === 43), 'change on B');
  });

  it('imports only what the import pattern names, and publishes only what the publish pattern names', async () => {
    const a = instance('plant-a', { publish: 'line1/*,shared' });
    const b = instance('plant-b', { import: 'line1/*' });
    await connected(a, b);
    a.flow.publish('line1/speed', 1);
    a.flow.publish('line2/speed', 2);
    a.flow.publish('shared', 3);
    await waitFor(() => b.space.has('line1/speed'), 'line1/speed on B');
    const seen = await watch();
    await waitFor(() => seen.some((message) => message.topic === `${PREFIX}/shared`), 'shared published');
    assert.equal(seen.some((message) => message.topic === `${PREFIX}/line2/speed`), false, 'line2/speed is not published');
    assert.equal(b.space.has('shared'), false, 'shared is outside B import pattern');
  });

  it('carries a write to the owner, applies it there and confirms it; the owner refuses tags it does not open to remote writes', async () => {
    const a = instance('plant-a', { remoteWrites: 'line1/setpoint' });
    const b = instance('plant-b');
    await connected(a, b);
    a.flow.publish('line1/setpoint', 10);
    a.flow.publish('line1/speed', 5);
    await waitFor(() => b.space.has('line1/setpoint') && b.space.has('line1/speed'), 'tags on B');
    await b.space.write('line1/setpoint', 12);
    assert.equal((await a.space.read('line1/setpoint')).value, 12, 'applied at the owner when the write resolves');
    await waitFor(() => b.space.peek('line1/setpoint')?.value === 12, 'the new value back on B');
    await assert.rejects(b.space.write('line1/speed', 6), (error: unknown) => error instanceof TagError && error.code === 'read-only' && /plant-a/.test(error.message));
    assert.equal((await a.space.read('line1/speed')).value, 5, 'the refused write changed nothing');
  });

  it('reports "outcome unknown" when the owner does not answer in time, and never sends the write again', async () => {
    const a = instance('plant-a');
    const device = new SilentDevice('line1/valve');
    a.space.addSource(device);
    const b = instance('plant-b', { writeTimeoutMs: 300 });
    await connected(a, b);
    device.emit(false);
    await waitFor(() => b.space.has('line1/valve'), 'valve on B');
    await assert.rejects(b.space.write('line1/valve', true), (error: unknown) => error instanceof TagError && error.code === 'write-unknown' && /outcome unknown/.test(error.message));
    assert.equal(device.writes, 1, 'the owner got the write once');
    // A later write is a new request, applied once more: nothing replays the first one.
    device.answer = true;
    await b.space.write('line1/valve', false);
    assert.equal(device.writes, 2);
  });

  it('applies a request the broker delivers twice only once, and answers both (dedupe by correlation id)', async () => {
    const a = instance('plant-a');
    const device = new SilentDevice('line1/valve');
    device.answer = true;
    a.space.addSource(device);
    await connected(a);
    device.emit(false);
    const requester = connect(broker.url, { protocolVersion: 5, clientId: 'requester' });
    watchers.push(requester);
    const replies: string[] = [];
    requester.on('message', (_topic, payload) => replies.push(payload.toString('utf8')));
    await requester.subscribeAsync(`${PREFIX}/$reply/requester`, { qos: 1 });
    const properties = { responseTopic: `${PREFIX}/$reply/requester`, correlationData: Buffer.from('same-request-id') };
    for (let copy = 0; copy < 2; copy += 1) {
      await requester.publishAsync(`${PREFIX}/$write/plant-a`, JSON.stringify({ tag: 'line1/valve', value: true }), { qos: 1, properties });
    }
    await waitFor(() => replies.length === 2, 'two answers');
    assert.deepEqual(replies.map((reply) => JSON.parse(reply)), [{ ok: true }, { ok: true }]);
    assert.equal(device.writes, 1, 'applied once');
  });

  it('turns remote tags bad when their owner goes away and good again when it returns, with history from the owner or the local ring', async () => {
    const a = instance('plant-a');
    await connected(a);
    a.flow.publish('line1/speed', 1, { timestamp: 1000 });
    a.flow.publish('line1/speed', 2, { timestamp: 2000 });
    const b = instance('plant-b');
    await connected(b);
    await waitFor(() => b.space.peek('line1/speed')?.value === 2, 'value on B');
    // History from the owner's ring: B itself only ever saw the retained last value.
    assert.deepEqual((await b.space.history('line1/speed', 0, 5000, 10)).map((sample) => sample.value), [1, 2]);
    const heard: TagValue[] = [];
    b.space.subscribe('line1/speed', (_name, value) => heard.push(value));
    await a.bridge.close();
    await waitFor(() => b.space.peek('line1/speed')?.quality === 'bad', 'bad on B');
    assert.equal(b.space.peek('line1/speed')?.status, STATUS_OWNER_OFFLINE);
    assert.equal(b.space.peek('line1/speed')?.value, 2, 'the last value stays, marked bad');
    await assert.rejects(b.space.write('line1/speed', 3), (error: unknown) => error instanceof TagError && error.code === 'source-unavailable');
    // The owner is gone: history comes from B's own ring.
    const local = await b.space.history('line1/speed', 0, Date.now() + 1000, 10);
    assert.deepEqual(local.map((sample) => [sample.value, sample.quality]), [[2, 'good'], [2, 'bad']]);
    // The owner returns (same client id): retained values and its online state make the tag good again.
    const again = new MqttBridge(a.space, { url: broker.url, clientId: 'plant-a', prefix: PREFIX, reconnectPeriodMs: 100 });
    open.push(again);
    again.start();
    await waitFor(() => b.space.peek('line1/speed')?.quality === 'good', 'good again on B');
    assert.deepEqual(b.space.peek('line1/speed'), { value: 2, timestamp: 2000, quality: 'good' });
    assert.deepEqual(heard.map((value) => value.quality), ['bad', 'good']);
  });

  it('marks an owner that dies without a goodbye offline through its Last Will', async () => {
    const a = instance('plant-a');
    const b = instance('plant-b');
    await connected(a, b);
    a.flow.publish('line1/speed', 7);
    await waitFor(() => b.space.peek('line1/speed')?.quality === 'good', 'good on B');
    // Fault a real process cannot be asked for politely: its TCP connection just vanishes.
    (a.bridge as unknown as { client: { stream: { destroy(): void } } }).client.stream.destroy();
    await waitFor(() => b.space.peek('line1/speed')?.status === STATUS_OWNER_OFFLINE, 'owner offline via the Will', 10_000);
    // A reconnects on its own and says online again.
    await waitFor(() => b.space.peek('line1/speed')?.quality === 'good', 'good again', 10_000);
  });

  it('survives a broker restart: tags turn bad, then the owner restores the retained state and subscriptions resume', async () => {
    const a = instance('plant-a');
    const b = instance('plant-b');
    await connected(a, b);
    a.flow.publish('line1/speed', 1);
    await waitFor(() => b.space.peek('line1/speed')?.value === 1, 'value on B');
    await broker.stop();
    await waitFor(() => b.space.peek('line1/speed')?.status === STATUS_BROKER_UNREACHABLE, 'broker unreachable on B');
    a.flow.publish('line1/speed', 2);
    await broker.start();
    // The broker kept nothing (no persistence): A's republished latest sample is what B gets back.
    await waitFor(() => b.space.peek('line1/speed')?.quality === 'good' && b.space.peek('line1/speed')?.value === 2, 'restored on B', 10_000);
    a.flow.publish('line1/speed', 3);
    await waitFor(() => b.space.peek('line1/speed')?.value === 3, 'live again on B');
    const seen = await watch();
    await waitFor(() => seen.some((message) => message.topic === `${PREFIX}/$instances/plant-a` && JSON.parse(message.payload).state === 'online'), 'retained online state');
  });

  it('makes no loop with three instances: each tag is published by its owner only', async () => {
    const seen = await watch();
    const a = instance('plant-a');
    const b = instance('plant-b');
    const c = instance('plant-c');
    await connected(a, b, c);
    a.flow.publish('a/x', 1);
    await waitFor(() => b.space.has('a/x') && c.space.has('a/x'), 'a/x on B and C');
    // Anything B or C published in answer to a/x would reach the broker before their own next publish.
    b.flow.publish('b/done', true);
    c.flow.publish('c/done', true);
    await waitFor(() => seen.some((m) => m.topic === `${PREFIX}/b/done`) && seen.some((m) => m.topic === `${PREFIX}/c/done`), 'markers');
    await waitFor(() => a.space.has('b/done') && a.space.has('c/done') && b.space.has('c/done') && c.space.has('b/done'), 'everyone imports everyone');
    const owners = (topic: string): string[] => seen.filter((m) => m.topic === `${PREFIX}/${topic}`).map((m) => JSON.parse(m.payload).owner as string);
    assert.deepEqual(owners('a/x'), ['plant-a']);
    assert.deepEqual(owners('b/done'), ['plant-b']);
    assert.deepEqual(owners('c/done'), ['plant-c']);
  });

  it('clears, on its next run, the retained topics an owner left from an earlier run for tags it no longer has', async () => {
    const first = instance('plant-a');
    await connected(first);
    first.flow.publish('old/x', 1);
    first.flow.publish('keep/y', 2);
    const seen = await watch();
    await waitFor(() => seen.some((m) => m.topic === `${PREFIX}/old/x`) && seen.some((m) => m.topic === `${PREFIX}/keep/y`), 'both retained');
    await first.bridge.close();
    const space = new TagSpace();
    const flow = new FlowTagSource();
    space.addSource(flow);
    flow.publish('keep/y', 2);
    const second = new MqttBridge(space, { url: broker.url, clientId: 'plant-a', prefix: PREFIX, reconnectPeriodMs: 100 });
    open.push(second);
    second.start();
    await waitFor(() => seen.some((m) => m.topic === `${PREFIX}/old/x` && m.payload === ''), 'old/x cleared');
    assert.equal(seen.some((m) => m.topic === `${PREFIX}/keep/y` && m.payload === ''), false, 'keep/y stays');
  });

  it('clears the retained topic of a tag its owner no longer has', async () => {
    const a = instance('plant-a');
    const b = instance('plant-b');
    await connected(a, b);
    const device = new SilentDevice('line1/valve');
    a.space.addSource(device);
    device.emit(true);
    await waitFor(() => b.space.has('line1/valve'), 'valve on B');
    a.space.removeSource(device.id);
    await waitFor(() => !b.space.has('line1/valve'), 'valve gone on B');
  });
});

/** A device tag whose writes are answered only when told to: the fault "sent, never answered". */
class SilentDevice implements TagSource {
  readonly id = 'device';
  writes = 0;
  answer = false;
  private sink: TagSink | undefined;

  constructor(private readonly name: string) {}

  attach(sink: TagSink): void { this.sink = sink; }
  detach(): void { this.sink = undefined; }
  list(): TagInfo[] { return [{ name: this.name, source: this.id, writable: true, dataType: 'boolean' }]; }
  info(name: string): TagInfo | undefined { return name === this.name ? this.list()[0] : undefined; }
  async read(): Promise<TagValue[]> { return [{ value: false, timestamp: 0, quality: 'good' }]; }
  watch(): void {}
  unwatch(): void {}

  emit(value: boolean): void {
    this.sink?.tagsChanged();
    this.sink?.update(this.name, { value, timestamp: Date.now(), quality: 'good' });
  }

  write(): Promise<void> {
    this.writes += 1;
    return this.answer ? Promise.resolve() : new Promise(() => {});
  }
}

describe('MQTT bridge login', { timeout: 30_000 }, () => {
  let broker: Broker;
  const open: MqttBridge[] = [];
  before(async () => { broker = await startBroker({ users: { gateway: 's3cret' } }); });
  afterEach(async () => { await Promise.all(open.splice(0).map((bridge) => bridge.close())); });
  after(async () => { await broker.stop(); });

  function bridge(password: string, warnings: string[]): MqttBridge {
    const made = new MqttBridge(new TagSpace(), { url: broker.url, clientId: `login-${password}`, prefix: PREFIX, username: 'gateway', password, reconnectPeriodMs: 100 }, { info: () => {}, warn: (text) => warnings.push(text) });
    open.push(made);
    made.start();
    return made;
  }

  it('logs in with the user and password given, and says once why when the broker refuses them', async () => {
    const refused: string[] = [];
    const wrong = bridge('wrong', refused);
    const right = bridge('s3cret', []);
    await waitFor(() => right.connected, 'connected with the right password', 10_000);
    await waitFor(() => refused.length > 0, 'a warning for the refused login', 10_000);
    assert.match(refused[0], /Not authorized|Bad user name or password/i);
    assert.equal(wrong.connected, false);
    // Further attempts fail the same way and are not logged again.
    const attempts = refused.length;
    await new Promise<void>((resolve) => { wrong.once('state', () => resolve()); });
    assert.equal(refused.length, attempts);
  });
});
