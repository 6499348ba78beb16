// model/parse/units.ts: nodes of one list item keep offsets relative to the item's base, so moving the
// item is one base update; readers see absolute offsets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeFactory, shiftNode, Unit, unitOf } from '../../server/src/model/parse/units';
import type { Node, ObjectNode } from '../../server/src/model/tree';

function build(f: NodeFactory): ObjectNode {
  const v = f.scalar('string', 12, 5, 'WEB01');
  (v as { lines?: { offset: number; length: number; text: string }[] }).lines = [{ offset: 12, length: 5, text: 'WEB01' }];
  return f.obj(10, 20, [f.prop('name', 10, 4, v), f.prop('ips', 20, 3, f.arr(25, 4, [f.scalar('string', 26, 2, 'ip')]))]);
}

function offsets(n: Node): number[] {
  const out = [n.offset];
  if (n.type === 'object') for (const p of n.properties) { out.push(p.keyOffset); if (p.value) out.push(...offsets(p.value)); }
  else if (n.type === 'array') for (const i of n.items) out.push(...offsets(i));
  else if (n.lines) out.push(...n.lines.map((l) => l.offset));
  return out;
}

describe('units', () => {
  it('a node built in a unit reads the same absolute offsets as a plain node', () => {
    const plain = build(new NodeFactory());
    const f = new NodeFactory();
    f.unit = new Unit();
    const inUnit = build(f);
    assert.deepEqual(offsets(inUnit), offsets(plain));
    assert.ok(unitOf(inUnit));
    assert.equal(unitOf(plain), undefined);
  });

  it('shifting moves every offset of the subtree by the same amount, in a unit and outside one', () => {
    const plain = build(new NodeFactory());
    const f = new NodeFactory();
    f.unit = new Unit();
    const inUnit = build(f);
    const before = offsets(plain);
    shiftNode(plain, 7);
    shiftNode(inUnit, 7);
    assert.deepEqual(offsets(plain), before.map((o) => o + 7));
    assert.deepEqual(offsets(inUnit), before.map((o) => o + 7));
    shiftNode(inUnit, -7);
    assert.deepEqual(offsets(inUnit), before);
  });

  it('a unit parsed from a region\'s own string reads offsets plus the region\'s start; a set offset stays absolute', () => {
    const f = new NodeFactory();
    f.unit = new Unit(100);
    const s = f.scalar('string', 50, 3, 'abc');
    assert.equal(s.offset, 150);
    s.offset = 160;
    shiftNode(s, 5);
    assert.equal(s.offset, 165);
  });
});
