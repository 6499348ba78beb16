/**
 * The yaml package's document → the shared tree, holding the value the package's own `toJS` gives:
 * an alias is a copy of what its anchor names, every node of it placed at the alias (a finding about the
 * value there points at `*name`; an edit elsewhere moves it with its surroundings); a merge key
 * (`<<: *base`) adds the named mappings' fields the mapping does not set itself. What the tree cannot hold as the package reads it — tags that make a Map, Set, date or bytes, keys that
 * are lists or mappings, aliases that expand without end — is a syntax problem, never a different value.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, Scalar, type Node as YamlNode } from 'yaml';
import { blockLines } from './fastYaml';
import { MAX_DEPTH, tooDeep } from './nesting';
import type { SyntaxProblem } from './parseJson';
import type { Node, PropertyNode, ScalarNode } from '../tree';

/** Tags whose values are plain JSON-like values (`!` is YAML's "no specific tag": a string or the collection). */
const PLAIN_TAGS = new Set(['!', ...['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`)]);

/**
 * Nodes aliases may add to a file beyond its own: enough for any real reuse (a merge key in each of
 * 50,000 items), growing only with the text, so an alias bomb (each level ten aliases of the last) stops early.
 */
function aliasBudget(text: string): number {
  return Math.max(100_000, text.length >> 2);
}

/**
 * `knownTags`: the tags the package's schema resolves (into a Map, a Set, a date…); it reads a tag it does
 * not know as if untagged, with a warning the caller reports.
 */
export function yamlToTree(contents: YamlNode | null | undefined, text: string, problems: SyntaxProblem[], knownTags: ReadonlySet<string>): Node | undefined {
  return new YamlTree(text, problems, knownTags).node(contents, 0);
}

/** Where an anchor's node is being converted (an alias inside it would name its own container). */
const OPEN = Symbol('open');

class YamlTree {
  private readonly anchors = new Map<string, Node | typeof OPEN>();
  private budget: number;

  constructor(private readonly text: string, private readonly problems: SyntaxProblem[], private readonly knownTags: ReadonlySet<string>) {
    this.budget = aliasBudget(text);
  }

  private problem(n: YamlNode | null, message: string): void {
    const [start, end] = n?.range ?? [0, 1];
    this.problems.push({ offset: start, length: Math.max(1, end - start), message });
  }

  /** `depth`: how many collections hold this node. */
  node(n: YamlNode | null | undefined, depth: number): Node | undefined {
    if (!n) return undefined;
    if (isAlias(n)) return this.alias(n, depth);
    const anchor = n.anchor;
    if (anchor) this.anchors.set(anchor, OPEN);
    const node = this.build(n, depth);
    if (anchor) this.anchors.set(anchor, node ?? this.nullAt(n));
    return node;
  }

  private nullAt(n: YamlNode): ScalarNode {
    const [start, end] = n.range ?? [0, 0];
    return { type: 'null', offset: start, length: end - start, value: null };
  }

  private build(n: YamlNode, depth: number): Node | undefined {
    const [start, end] = n.range ?? [0, 0];
    if (n.tag && !PLAIN_TAGS.has(n.tag) && this.knownTags.has(n.tag)) {
      this.problem(n, `The YAML tag ${shortTag(n.tag)} is not supported in ecmkit files: remove it and write the value as a plain mapping, list or scalar.`);
      return this.nullAt(n);
    }
    if (isMap(n)) {
      if (depth >= MAX_DEPTH) { this.problems.push(tooDeep(start)); return undefined; }
      return { type: 'object', offset: start, length: end - start, properties: this.properties(n.items, start, depth + 1) };
    }
    if (isSeq(n)) {
      if (depth >= MAX_DEPTH) { this.problems.push(tooDeep(start)); return undefined; }
      const items: Node[] = [];
      for (const item of n.items) {
        // A pair in a list (`!!omap`, `!!pairs`) only comes with a tag, reported above.
        const x = isPair(item) ? undefined : this.node(item as YamlNode, depth + 1);
        if (x) items.push(x);
      }
      return { type: 'array', offset: start, length: end - start, items };
    }
    if (isScalar(n)) return this.scalar(n, start, end);
    return undefined;
  }

  private scalar(n: Scalar, start: number, end: number): ScalarNode {
    const v = n.value;
    let type: ScalarNode['type'];
    let value: ScalarNode['value'];
    if (v === null || v === undefined) { type = 'null'; value = null; }
    else if (typeof v === 'number' || typeof v === 'bigint') { type = 'number'; value = Number(v); }
    else if (typeof v === 'boolean' || typeof v === 'string') { type = typeof v as 'boolean' | 'string'; value = v; }
    else {
      this.problem(n, 'This value is not a plain string, number, true/false or null: write it as one.');
      type = 'null'; value = null;
    }
    const node: ScalarNode = { type, offset: start, length: end - start, value };
    if (n.type === Scalar.BLOCK_LITERAL || n.type === Scalar.BLOCK_FOLDED) node.lines = blockLines(this.text, start, end);
    return node;
  }

  /** A mapping's fields: merge keys replaced by the fields they bring that the mapping does not set itself. */
  private properties(pairs: unknown[], mapStart: number, depth: number): PropertyNode[] {
    const out: (PropertyNode | PropertyNode[])[] = [];
    let merged = false;
    for (const pair of pairs) {
      if (!isPair(pair)) continue;
      const k = pair.key as YamlNode | null;
      const keyRange = (k && k.range) || [mapStart, mapStart];
      if (isMergeKey(k)) {
        const value = this.node(pair.value as YamlNode | null, depth);
        const sources = value?.type === 'object' ? [value] : value?.type === 'array' && value.items.every((x) => x.type === 'object') ? value.items : undefined;
        if (!sources) {
          this.problem(k, 'A merge key (<<) takes a mapping, an alias of one (*name) or a list of those.');
          continue;
        }
        out.push(sources.flatMap((s) => (s.type === 'object' ? s.properties : [])));
        merged = true;
        continue;
      }
      const key = this.key(k, keyRange, depth); // before the value: in document order, for anchors
      const value = this.node(pair.value as YamlNode | null, depth);
      out.push({ key, keyOffset: keyRange[0], keyLength: keyRange[1] - keyRange[0], value });
    }
    if (!merged) return out as PropertyNode[];
    // The mapping's own fields win over merged ones, an earlier merged mapping over a later one (the `yaml` package's order).
    const own = new Set<string>();
    for (const p of out) if (!Array.isArray(p)) own.add(p.key);
    const result: PropertyNode[] = [];
    for (const p of out) {
      if (!Array.isArray(p)) { result.push(p); continue; }
      for (const m of p) if (!own.has(m.key)) { own.add(m.key); result.push(m); }
    }
    return result;
  }

  /** A key as the package's toJS writes it: a scalar's value as a string (null as ''); a collection is a problem. */
  private key(k: YamlNode | null, keyRange: number[], depth: number): string {
    const node = this.node(k, depth);
    if (!node) return '';
    if (node.type !== 'object' && node.type !== 'array') return node.value === null ? '' : String(node.value);
    this.problem(k, 'A key must be a plain name, not a list, a mapping or an alias of one.');
    return this.text.slice(keyRange[0], keyRange[1]);
  }

  private alias(n: YamlNode & { source: string }, depth: number): Node | undefined {
    const [start, end] = n.range ?? [0, 0];
    const target = this.anchors.get(n.source);
    if (target === undefined) {
      this.problem(n, `The alias *${n.source} names no anchor: define &${n.source} before it.`);
      return this.nullAt(n);
    }
    if (target === OPEN) {
      this.problem(n, `The alias *${n.source} is inside the value its anchor names: it would never end.`);
      return this.nullAt(n);
    }
    return this.copy(target, depth, start, end - start, n) ?? this.nullAt(n);
  }

  /** A deep copy at [offset, offset + length): each place in the tree has its own nodes (an edit shifts each once). */
  private copy(t: Node, depth: number, offset: number, length: number, alias: YamlNode): Node | undefined {
    if (--this.budget < 0) {
      if (this.budget === -1) this.problem(alias, `Aliases expand to more than ${aliasBudget(this.text)} values in this file; ecmkit stops reading them here.`);
      return undefined;
    }
    if (t.type === 'object' || t.type === 'array') {
      if (depth >= MAX_DEPTH) { this.problems.push(tooDeep(offset)); return undefined; }
      if (t.type === 'array') {
        const items: Node[] = [];
        for (const i of t.items) { const c = this.copy(i, depth + 1, offset, length, alias); if (!c) return undefined; items.push(c); }
        return { type: 'array', offset, length, items };
      }
      const properties: PropertyNode[] = [];
      for (const p of t.properties) {
        const value = p.value && this.copy(p.value, depth + 1, offset, length, alias);
        if (p.value && !value) return undefined;
        properties.push({ key: p.key, keyOffset: offset, keyLength: length, value });
      }
      return { type: 'object', offset, length, properties };
    }
    // A block scalar's own lines stay with the anchor: here the value is one range, the alias.
    return { type: t.type, offset, length, value: t.value };
  }
}

/** A plain `<<` key (the merge tag resolves it to a symbol; a quoted '<<' is an ordinary key). */
function isMergeKey(k: YamlNode | null): boolean {
  if (!isScalar(k)) return false;
  if (typeof k.value === 'symbol') return true;
  return k.value === '<<' && (!k.type || k.type === Scalar.PLAIN) && !k.tag;
}

export function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}
