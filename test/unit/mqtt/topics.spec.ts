import assert = require('node:assert/strict');
import { describe, it } from 'node:test';
import { decodeTag, encodeTag, Topics, TopicError } from '../../../lib/mqtt';
import { checkInstanceId, normalisePrefix } from '../../../lib/mqtt/topics';
import { WriteDedupe } from '../../../lib/mqtt/write-dedupe';

describe('MQTT topics of the shared namespace', () => {
  const topics = new Topics('plant/uns', 'instance-a');

  it('keeps tag paths readable and escapes only what MQTT gives a meaning', () => {
    assert.equal(topics.tag('line1/oven/temperature'), 'plant/uns/line1/oven/temperature');
    assert.equal(encodeTag('a+b#c%d'), 'a%2Bb%23c%25d');
    // A tag starting with $ must not land on a reserved topic.
    assert.equal(topics.tag('$write/instance-a'), 'plant/uns/%24write/instance-a');
    for (const name of ['a+b#c%d', '$write/x', 'Pump.Speed', 'neuron/ro/2_01', '%41']) assert.equal(decodeTag(encodeTag(name)), name);
  });

  it('tells tags from instance states and request topics', () => {
    assert.deepEqual(topics.classify('plant/uns/line1/speed'), { kind: 'tag', name: 'line1/speed' });
    assert.deepEqual(topics.classify('plant/uns/%24write/x'), { kind: 'tag', name: '$write/x' });
    assert.deepEqual(topics.classify('plant/uns/$instances/instance-b'), { kind: 'instance', instance: 'instance-b' });
    assert.deepEqual(topics.classify('plant/uns/$write/instance-a'), { kind: 'other' });
    assert.deepEqual(topics.classify('other/line1'), { kind: 'other' });
  });

  it('narrows the subscription to the literal levels of an import pattern', () => {
    assert.deepEqual(topics.importFilters(''), ['plant/uns/#']);
    assert.deepEqual(topics.importFilters('line1/*, line2/oven/t?mp'), ['plant/uns/line1/#', 'plant/uns/line2/oven/#']);
    assert.deepEqual(topics.importFilters('Setpoint'), ['plant/uns/Setpoint']);
    assert.deepEqual(topics.importFilters('line1/*,*speed'), ['plant/uns/#'], 'a leading wildcard needs everything');
  });

  it('refuses prefixes and client ids that cannot be topic levels', () => {
    assert.equal(normalisePrefix(' plant/uns/ '), 'plant/uns');
    for (const bad of ['', 'a/+/b', 'a/#', '$SYS/x']) assert.throws(() => normalisePrefix(bad), TopicError);
    for (const bad of ['', 'a/b', 'a+b', 'x'.repeat(65)]) assert.throws(() => checkInstanceId(bad), TopicError);
  });
});

describe('write dedupe at the owner', () => {
  it('applies a correlation id once, answers repeats with the first answer, and forgets after its time', async () => {
    let clock = 0;
    const dedupe = new WriteDedupe(1000, 10, () => clock);
    let applied = 0;
    const apply = async () => { applied += 1; return { ok: true as const }; };
    assert.equal(dedupe.take('r1', apply).repeat, false);
    const again = dedupe.take('r1', apply);
    assert.equal(again.repeat, true);
    assert.deepEqual(await again.answer, { ok: true });
    assert.equal(applied, 1);
    clock = 1001;
    assert.equal(dedupe.take('r1', apply).repeat, false, 'expired');
    assert.equal(applied, 2);
  });

  it('keeps at most maxEntries ids, the oldest leaving first', () => {
    const dedupe = new WriteDedupe(60_000, 3, () => 0);
    const apply = async () => ({ ok: true as const });
    for (const key of ['a', 'b', 'c', 'd']) dedupe.take(key, apply);
    assert.equal(dedupe.size, 3);
    assert.equal(dedupe.take('a', apply).repeat, false);
    assert.equal(dedupe.take('d', apply).repeat, true);
  });
});
