// domain/chunkedMap.ts: a map whose copies share buckets until written; a copy never sees the other's changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ChunkedMap } from '../../server/src/domain/chunkedMap';

type Op = { op: 'set'; key: string; value: number } | { op: 'delete'; key: string } | { op: 'copy' };

describe('ChunkedMap', () => {
  it('behaves as a Map under any sequence of sets, deletes and copies (checked against Map)', () => {
    const key = fc.string({ maxLength: 4 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('set' as const), key, value: fc.integer() }),
      fc.record({ op: fc.constant('delete' as const), key }),
      fc.constant({ op: 'copy' as const }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
      let map = ChunkedMap.empty<number>();
      let model = new Map<string, number>();
      const history: [ChunkedMap<number>, Map<string, number>][] = [];
      for (const o of ops) {
        if (o.op === 'set') { map.set(o.key, o.value); model.set(o.key, o.value); }
        else if (o.op === 'delete') assert.equal(map.delete(o.key), model.delete(o.key));
        else { history.push([map, new Map(model)]); map = map.copy(); model = new Map(model); }
      }
      const same = (m: ChunkedMap<number>, r: Map<string, number>) => {
        assert.equal(m.size, r.size);
        assert.deepEqual(new Map(m), r);
        for (const k of r.keys()) { assert.ok(m.has(k)); assert.equal(m.get(k), r.get(k)); }
      };
      same(map, model);
      for (const [m, r] of history) same(m, r); // earlier maps are untouched by the copies' writes
    }), { numRuns: 300 });
  });

  it('a copy shares untouched buckets and keeps its writes to itself', () => {
    const a = ChunkedMap.empty<string>();
    for (let i = 0; i < 1000; i++) a.set(`k${i}`, `v${i}`);
    const b = a.copy();
    b.set('k1', 'changed');
    b.delete('k2');
    b.set('new', 'x');
    assert.equal(a.get('k1'), 'v1');
    assert.equal(a.get('k2'), 'v2');
    assert.equal(a.has('new'), false);
    assert.equal(a.size, 1000);
    assert.equal(b.size, 1000);
    assert.equal(b.get('k1'), 'changed');
  });
});
