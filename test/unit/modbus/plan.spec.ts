import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandProfile, planBlocks, requestsPerCycle, shippedProfiles, validateGenericCircuits, decodePoint, encodePoint, type Point } from '../../../lib/modbus';
import { productUnits } from '../../support/modbus';

describe('modbus profiles and block planning', () => {
  it('ships the Neuron boards and products as data files', () => {
    for (const name of ['neuron-b1000', 'neuron-e-13', 'neuron-e-08', 'neuron-e-09', 'neuron-e-07', 'neuron-e-0a', 'neuron-l533', 'neuron-m203', 'neuron-l203', 'neuron-s103']) {
      assert.ok(shippedProfiles().includes(name), name);
    }
  });

  it('expands the L533 into the circuits of evok.md', () => {
    const circuits = productUnits().flatMap(({ unit, profile }) => expandProfile(profile, unit));
    const ids = (kind: string) => circuits.filter((c) => c.kind === kind).map((c) => c.id);
    assert.deepEqual(ids('do'), ['1_01', '1_02', '1_03', '1_04']);
    assert.deepEqual(ids('ro'), ['2_01', '2_02', '2_03', '2_04', '2_05', '3_01', '3_02', '3_03', '3_04', '3_05']);
    assert.deepEqual(ids('ai'), ['1_01', '2_01', '2_02', '2_03', '2_04', '3_01', '3_02', '3_03', '3_04']);
    const ai2 = circuits.find((c) => c.kind === 'ai' && c.id === '2_02');
    assert.equal(ai2?.points.value.address, 8);
    assert.equal(ai2?.points.mode.address, 1020);
    const do3 = circuits.find((c) => c.kind === 'do' && c.id === '1_03');
    assert.deepEqual(do3?.points.value.write, { table: 'coil', address: 2 });
    assert.equal(do3?.points.value.bit, 2);
    assert.equal(do3?.points.pwmDuty.address, 18);
    assert.ok(circuits.some((c) => c.kind === 'register' && c.id === '1_1000'));
  });

  it('plans the fewest reads: one per readable range and rate, never across ranges', () => {
    const [unit1, unit2] = productUnits();
    const circuits1 = expandProfile(unit1.profile, 1);
    const blocks = planBlocks(1, circuits1, unit1.profile);
    const shown = blocks.map((b) => `${b.table}:${b.start}+${b.count}/${b.rate}`).sort();
    assert.deepEqual(shown, ['holding:0+21/1', 'holding:1000+32/5', 'holding:3000+4/1']);
    const blocks2 = planBlocks(2, expandProfile(unit2.profile, 2), unit2.profile);
    assert.deepEqual(blocks2.map((b) => `${b.start}+${b.count}/${b.rate}`).sort(), ['0+24/1', '1000+23/5']);
    assert.ok(requestsPerCycle(blocks) < 3);
  });

  it('bridges gaps of a generic profile only up to maxGap and splits at 125 registers', () => {
    const rows = validateGenericCircuits([
      { name: 'a', kind: 'ai', fc: 3, address: 0, dataType: 'float32' },
      { name: 'b', kind: 'ai', fc: 3, address: 4 },
      { name: 'c', kind: 'ai', fc: 3, address: 40 },
      { name: 'd', kind: 'ai', fc: 3, address: 200 },
      { name: 'e', kind: 'do', fc: 1, address: 3 },
      { name: 'f', kind: 'di', fc: 2, address: 7 },
    ]);
    const circuits = expandProfile({ model: 'generic', circuits: rows, maxGap: 4 }, 7);
    const blocks = planBlocks(7, circuits, { maxGap: 4 });
    assert.deepEqual(blocks.map((b) => `${b.table}:${b.start}+${b.count}`).sort(), ['coil:3+1', 'discrete:7+1', 'holding:0+5', 'holding:200+1', 'holding:40+1']);
    const wide = planBlocks(7, circuits, { readable: { holding: [[0, 300]] } });
    assert.deepEqual(wide.filter((b) => b.table === 'holding').map((b) => `${b.start}+${b.count}`), ['0+41', '200+1']);
  });

  it('refuses bad rows of a generic profile with the row named', () => {
    assert.throws(() => validateGenericCircuits([{ name: 'x', kind: 'ai', fc: 7, address: 1 }]), /circuit 1: function code/);
    assert.throws(() => validateGenericCircuits([{ name: 'ok', kind: 'ai', fc: 3, address: 1 }, { name: 'x y', kind: 'ai', fc: 3, address: 1 }]), /circuit 2: name/);
    assert.throws(() => validateGenericCircuits([{ name: 'x', kind: 'lamp', fc: 3, address: 1 }]), /unknown type/);
    assert.throws(() => validateGenericCircuits([{ name: 'x', kind: 'ai', fc: 3, address: 70000 }]), /address/);
  });

  it('decodes and encodes floats low word first, 32-bit counters and scaled raw values', () => {
    const float: Point = { table: 'holding', address: 0, dataType: 'float32', wordOrder: 'lowFirst', scale: 1, rate: 1, write: { table: 'holding', address: 0 } };
    const words = encodePoint(float, 5.5);
    assert.deepEqual(words, [0x0000, 0x40b0]);
    assert.equal(decodePoint(float, (a) => words[a]), 5.5);
    const high: Point = { ...float, wordOrder: 'highFirst' };
    assert.deepEqual(encodePoint(high, 5.5), [0x40b0, 0x0000]);
    const counter: Point = { ...float, dataType: 'uint32' };
    assert.deepEqual(encodePoint(counter, 70000), [70000 & 0xffff, 1]);
    const raw: Point = { ...float, dataType: 'uint16', scale: 0.0025 };
    assert.deepEqual(encodePoint(raw, 5), [2000]);
    assert.equal(decodePoint(raw, () => 2000), 5);
    assert.throws(() => encodePoint(raw, 200), RangeError);
    const signed: Point = { ...float, dataType: 'int16' };
    assert.equal(decodePoint(signed, () => 0xffff), -1);
  });
});
