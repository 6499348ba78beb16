/**
 * One syntax tree for YAML and JSON: every key and value keeps its exact offsets in the text,
 * so a diagnostic can point at the key or value it concerns, never at the whole file.
 */
export type JsonPath = (string | number)[];

interface BaseNode {
  offset: number;
  length: number;
}

export interface ObjectNode extends BaseNode {
  type: 'object';
  properties: PropertyNode[];
}

export interface PropertyNode {
  key: string;
  keyOffset: number;
  keyLength: number;
  /** Undefined for `key:` with nothing after it in YAML. */
  value: Node | undefined;
}

export interface ArrayNode extends BaseNode {
  type: 'array';
  items: Node[];
}

export interface ScalarNode extends BaseNode {
  type: 'string' | 'number' | 'boolean' | 'null';
  value: string | number | boolean | null;
  /** For YAML block scalars (`key: |`): where each content line starts in the text and its length. */
  lines?: { offset: number; length: number; text: string }[];
}

export type Node = ObjectNode | ArrayNode | ScalarNode;

export function property(node: Node | undefined, key: string): PropertyNode | undefined {
  return node?.type === 'object' ? node.properties.find((p) => p.key === key) : undefined;
}

/** The node at a JSON path, or the deepest node that exists along it. */
export function nodeAt(root: Node | undefined, path: JsonPath): { node: Node | undefined; prop?: PropertyNode; depth: number } {
  let node = root;
  let prop: PropertyNode | undefined;
  let depth = 0;
  for (const seg of path) {
    if (!node) break;
    if (node.type === 'object' && typeof seg === 'string') {
      const p = property(node, seg);
      if (!p) break;
      prop = p;
      if (!p.value) { depth++; node = undefined; break; }
      node = p.value;
    } else if (node.type === 'array' && typeof seg === 'number' && node.items[seg]) {
      prop = undefined;
      node = node.items[seg];
    } else break;
    depth++;
  }
  return { node, prop, depth };
}

/** Turns an ajv instancePath (`/vault/port`, `/users/0`) into a path. */
/** The plain value at `path` under `value` (undefined where the path leaves it). */
export function valueAt(value: unknown, path: JsonPath): unknown {
  let v = value;
  // Own fields only: a path naming `constructor` or `__proto__` must not reach Object.prototype.
  for (const seg of path) v = v && typeof v === 'object' && Object.hasOwn(v, seg) ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}

export function parsePointer(pointer: string): JsonPath {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => {
    const seg = s.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(seg) ? Number(seg) : seg;
  });
}

export function toValue(node: Node | undefined): unknown {
  if (!node) return null;
  switch (node.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const p of node.properties) setField(o, p.key, toValue(p.value));
      return o;
    }
    case 'array': return node.items.map(toValue);
    default: return node.value;
  }
}

/** Visits every node, with its path. */
export function walk(node: Node | undefined, visit: (node: Node, path: JsonPath, prop?: PropertyNode) => void, path: JsonPath = [], prop?: PropertyNode): void {
  if (!node) return;
  visit(node, path, prop);
  if (node.type === 'object') for (const p of node.properties) walk(p.value, visit, [...path, p.key], p);
  else if (node.type === 'array') node.items.forEach((n, i) => walk(n, visit, [...path, i]));
}

/**
 * `o[key] = v` for a key read from a file: `__proto__` becomes an ordinary own field, as `JSON.parse` and
 * the `yaml` package make it (an assignment would replace the object's prototype instead).
 */
export function setField(o: Record<string, unknown>, key: string, v: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value: v, writable: true, enumerable: true, configurable: true });
  else o[key] = v;
}
