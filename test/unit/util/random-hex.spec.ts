import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomHex } from '../../../lib/util/random-hex';
import { zatoId, zatoTimestamp } from '../../../lib/zato/wire';

describe('pooled random ids (lib/util/random-hex)', () => {
  it('gives the asked number of bytes as hex, and no id twice, across many refills of the pool', () => {
    const seen = new Set<string>();
    // 12 bytes do not divide 4096: ids are taken at every offset and across the refills.
    for (let index = 0; index < 5000; index++) {
      const id = randomHex(12);
      assert.match(id, /^[0-9a-f]{24}$/);
      assert.ok(!seen.has(id), `id ${id} came twice`);
      seen.add(id);
    }
    assert.match(randomHex(8), /^[0-9a-f]{16}$/);
  });

  it('Zato ids keep their prefix and 24 hex digits', () => {
    assert.match(zatoId('zwsxc.inv'), /^zwsxc\.inv\.[0-9a-f]{24}$/);
  });
});

describe('Zato timestamps (lib/zato/wire)', () => {
  it('are the given time, also after another time in the same millisecond was formatted', () => {
    const first = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    assert.equal(zatoTimestamp(first), '2024-01-02T03:04:05.678000');
    assert.equal(zatoTimestamp(new Date(first.getTime() + 1)), '2024-01-02T03:04:05.679000');
    assert.equal(zatoTimestamp(first), '2024-01-02T03:04:05.678000');
    assert.match(zatoTimestamp(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}000$/);
  });
});
