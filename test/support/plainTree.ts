import type { Node } from '../../server/src/model/tree';

/** A tree as plain data (unit nodes expose offsets through getters, which JSON and deepEqual skip). */
export function plainTree(n: Node | undefined): unknown {
  if (!n) return n;
  if (n.type === 'object') return { type: 'object', offset: n.offset, length: n.length, properties: n.properties.map((p) => ({ key: p.key, keyOffset: p.keyOffset, keyLength: p.keyLength, value: plainTree(p.value) })) };
  if (n.type === 'array') return { type: 'array', offset: n.offset, length: n.length, items: n.items.map(plainTree) };
  const out: Record<string, unknown> = { type: n.type, offset: n.offset, length: n.length, value: n.value };
  if (n.lines) out.lines = n.lines.map((l) => ({ offset: l.offset, length: l.length, text: l.text }));
  return out;
}
