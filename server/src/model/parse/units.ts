/**
 * Nodes of one top-level list item (a "unit": one credential, one endpoint, one user…) keep their
 * offsets relative to the unit's base. An edit earlier in the file then moves 50,000 later credentials
 * by updating 50,000 bases instead of rewriting 1.4 million offsets; readers still see absolute
 * offsets through the getters, so the tree's shape and API are unchanged.
 */
import type { ArrayNode, Node, ObjectNode, PropertyNode, ScalarNode } from '../tree';

export class Unit {
  /** For a YAML block sequence item: its dash and the dash's column (stored like the nodes' offsets). */
  dash = -1;
  col = -1;
  /** Added to every offset stored in the unit: 0 when parsed in place, the region's start when parsed from a region's own string. */
  constructor(public base = 0) {}
}

class UnitObject implements ObjectNode {
  readonly type = 'object' as const;
  constructor(private o: number, public length: number, public properties: PropertyNode[], readonly unit: Unit) {}
  get offset(): number { return this.o + this.unit.base; }
  set offset(v: number) { this.o = v - this.unit.base; }
}

class UnitArray implements ArrayNode {
  readonly type = 'array' as const;
  constructor(private o: number, public length: number, public items: Node[], readonly unit: Unit) {}
  get offset(): number { return this.o + this.unit.base; }
  set offset(v: number) { this.o = v - this.unit.base; }
}

class UnitScalar implements ScalarNode {
  declare private rawLines?: { offset: number; length: number; text: string }[];
  constructor(public type: ScalarNode['type'], private o: number, public length: number, public value: ScalarNode['value'], readonly unit: Unit) {}
  get offset(): number { return this.o + this.unit.base; }
  set offset(v: number) { this.o = v - this.unit.base; }
  get lines(): { offset: number; length: number; text: string }[] | undefined {
    const b = this.unit.base;
    return this.rawLines && (b === 0 ? this.rawLines : this.rawLines.map((l) => ({ ...l, offset: l.offset + b })));
  }
  /** Set once, at creation, in the same positions as the node's own offset was given. */
  set lines(v: { offset: number; length: number; text: string }[] | undefined) {
    this.rawLines = v;
  }
}

class UnitProperty implements PropertyNode {
  constructor(public key: string, private ko: number, public keyLength: number, public value: Node | undefined, readonly unit: Unit) {}
  get keyOffset(): number { return this.ko + this.unit.base; }
  set keyOffset(v: number) { this.ko = v - this.unit.base; }
}

/** Builds nodes, inside a unit when one is open (offsets given absolute, as in the text now). */
export class NodeFactory {
  unit: Unit | undefined;

  obj(offset: number, length: number, properties: PropertyNode[]): ObjectNode {
    return this.unit ? new UnitObject(offset, length, properties, this.unit) : { type: 'object', offset, length, properties };
  }

  arr(offset: number, length: number, items: Node[]): ArrayNode {
    return this.unit ? new UnitArray(offset, length, items, this.unit) : { type: 'array', offset, length, items };
  }

  scalar(type: ScalarNode['type'], offset: number, length: number, value: ScalarNode['value']): ScalarNode {
    return this.unit ? new UnitScalar(type, offset, length, value, this.unit) : { type, offset, length, value };
  }

  prop(key: string, keyOffset: number, keyLength: number, value: Node | undefined): PropertyNode {
    return this.unit ? new UnitProperty(key, keyOffset, keyLength, value, this.unit) : { key, keyOffset, keyLength, value };
  }
}

/** The unit a node belongs to, if it was built inside one. */
export function unitOf(node: Node): Unit | undefined {
  return (node as { unit?: Unit }).unit;
}

/** Moves a subtree by `delta`: one base update for a unit, else every offset in it. */
export function shiftNode(node: Node, delta: number): void {
  const u = unitOf(node);
  if (u) { u.base += delta; return; }
  node.offset += delta;
  if (node.type === 'object') {
    for (const p of node.properties) { p.keyOffset += delta; if (p.value) shiftNode(p.value, delta); }
  } else if (node.type === 'array') {
    for (const i of node.items) shiftNode(i, delta);
  } else if (node.lines) {
    for (const l of node.lines) l.offset += delta;
  }
}
