/**
 * The cold path for large JSON files. The value comes from the native `JSON.parse`; the syntax tree — 1.4
 * million nodes for a 50,000-credential inventory, most of a cold check's time and garbage — is built only
 * when something asks for the whole of it (an edit, a symbol list). Until then one scan of the text,
 * which allocates next to nothing, has found the duplicate keys `JSON.parse` silently merges and where
 * each top-level field and each item of a top-level list lies, so a rule can still get the exact range of
 * what it reports: `at(path)` parses only the item on the path.
 */
import { parseJsonValuesAt } from './fastJson';
import { MAX_DEPTH } from './nesting';
import { nodeAt, type ArrayNode, type JsonPath, type Node, type ObjectNode, type PropertyNode } from '../tree';

/** Below this size the whole tree costs little: small files keep the one eager path. */
export const LAZY_MIN_CHARS = 512 * 1024;

interface TopField { key: string; keyOffset: number; keyLength: number; valueOffset: number; valueEnd: number; items?: number[] }

export class LazyJson {
  /** The root: top-level lists parse an item when it is looked up, other fields their value when read. */
  private readonly root: ObjectNode;
  private readonly fields: TopField[];

  private constructor(text: string, rootStart: number, rootEnd: number, fields: TopField[]) {
    this.fields = fields;
    const properties: PropertyNode[] = fields.map((f) => new LazyProperty(text, f));
    this.root = { type: 'object', offset: rootStart, length: rootEnd - rootStart, properties };
  }

  /** The value and the lazy tree of a large JSON file; undefined when it needs the full parser (errors, duplicate keys, not a mapping). */
  static read(text: string): { value: Record<string, unknown>; lazy: LazyJson; lineStarts?: Int32Array } | undefined {
    let value: unknown;
    try { value = JSON.parse(text); } catch { return undefined; }
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    try {
      const s = new Scanner(text);
      s.ws();
      const rootStart = s.i;
      if (text.charCodeAt(rootStart) !== 123) return undefined;
      s.object(true);
      const rootEnd = s.i;
      s.ws(); // trailing white space and its line breaks
      return { value: value as Record<string, unknown>, lazy: new LazyJson(text, rootStart, rootEnd, s.fields), lineStarts: s.lineStarts() };
    } catch (e) {
      if (e === DUPLICATE || e === TOO_DEEP) return undefined; // the eager path reports these
      throw e;
    }
  }

  /** `nodeAt(root, path)`, parsing only what lies on the path (one item of a long list, not the list). */
  at(path: JsonPath): ReturnType<typeof nodeAt> {
    const i = path.length ? this.fields.findIndex((f) => f.key === path[0]) : -1;
    const prop = this.root.properties[i];
    const list = prop?.value;
    if (!(list instanceof LazyList)) return nodeAt(this.root, path);
    const k = path[1];
    const item = typeof k === 'number' ? list.item(k) : undefined;
    if (!item) return { node: list, prop, depth: 1 };
    const rest = nodeAt(item, path.slice(2));
    return { node: rest.node, prop: rest.depth ? rest.prop : undefined, depth: 2 + rest.depth };
  }
}

/** The value in [start, end), held by `depth` collections in the file. */
function parseAt(text: string, start: number, end: number, depth: number): Node {
  const nodes = parseJsonValuesAt(text.slice(start, end), start, depth);
  if (nodes?.length !== 1) throw new Error(`ecmkit: lazy JSON: no value at ${start}–${end}`);
  return nodes[0];
}

/** A top-level field whose value is parsed when first read. */
class LazyProperty implements PropertyNode {
  readonly key: string;
  readonly keyOffset: number;
  readonly keyLength: number;
  private parsed: Node | undefined;

  constructor(private readonly text: string, private readonly field: TopField) {
    this.key = field.key;
    this.keyOffset = field.keyOffset;
    this.keyLength = field.keyLength;
  }

  get value(): Node {
    const f = this.field;
    this.parsed ??= f.items ? new LazyList(this.text, f.valueOffset, f.valueEnd - f.valueOffset, f.items) : parseAt(this.text, f.valueOffset, f.valueEnd, 1);
    return this.parsed;
  }
}

/** A top-level list: one item is parsed when looked up; reading `items` parses them all. */
class LazyList implements ArrayNode {
  readonly type = 'array' as const;
  private readonly parsed: Node[];

  constructor(private readonly text: string, readonly offset: number, readonly length: number, private readonly spans: number[]) {
    this.parsed = new Array<Node>(spans.length / 2);
  }

  item(k: number): Node | undefined {
    if (!Number.isInteger(k) || k < 0 || k >= this.parsed.length) return undefined;
    return (this.parsed[k] ??= parseAt(this.text, this.spans[2 * k], this.spans[2 * k + 1], 2));
  }

  get items(): Node[] {
    for (let k = 0; k < this.parsed.length; k++) this.item(k);
    return this.parsed;
  }
}

const DUPLICATE = new Error('duplicate key');
const TOO_DEEP = new Error('nested too deep');

/**
 * Walks text `JSON.parse` accepted (so it need not validate), checking keys for duplicates and noting the
 * top-level fields and list items. Strings are skipped with a native search, keys compared in place.
 */
class Scanner {
  i = 0;
  readonly fields: TopField[] = [];
  private backslash = -1;
  private starts: Int32Array;
  private lineCount = 1; // line 0 starts at 0
  private cr = false;

  constructor(private readonly t: string) {
    // Room for a line per 8 characters up front: a large zeroed buffer is only address space until
    // written, where doubling from small copied and touched ~8 MB more for a 900,000-line inventory.
    this.starts = new Int32Array((t.length >> 3) + 1024);
  }

  ws(): void {
    const t = this.t;
    let i = this.i;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 9) i++;
      else if (c === 10) { this.lineStart(i + 1); i++; }
      else if (c === 13) { this.cr = true; i++; }
      else break;
    }
    this.i = i;
  }

  /** JSON strings hold no raw line breaks: every one is in the white space this scan walks anyway. */
  private lineStart(offset: number): void {
    if (this.lineCount === this.starts.length) {
      const grown = new Int32Array(this.starts.length * 2);
      grown.set(this.starts);
      this.starts = grown;
    }
    this.starts[this.lineCount++] = offset;
  }

  /** Where the lines start (for LineIndex), unless a \r makes line ends more than \n. */
  lineStarts(): Int32Array | undefined {
    return this.cr ? undefined : this.starts.subarray(0, this.lineCount);
  }

  /** Skips the string at `i`; true when it holds an escape. */
  string(): boolean {
    const t = this.t;
    const start = this.i + 1;
    // The next backslash in the text, searched once per backslash (not once per string).
    if (this.backslash < start) { const b = t.indexOf('\\', start); this.backslash = b === -1 ? Infinity : b; }
    const quote = t.indexOf('"', start);
    if (quote < this.backslash) { this.i = quote + 1; return false; }
    let k = start;
    for (;;) {
      const c = t.charCodeAt(k);
      if (c === 92) k += 2;
      else if (c === 34) break;
      else k++;
    }
    this.i = k + 1;
    return true;
  }

  value(list?: number[]): void {
    const c = this.t.charCodeAt(this.i);
    if (c === 123) this.object(false);
    else if (c === 91) this.array(list);
    else if (c === 34) this.string();
    else {
      const t = this.t;
      let i = this.i + 1;
      for (;;) {
        const d = t.charCodeAt(i);
        if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9 || Number.isNaN(d)) break;
        i++;
      }
      this.i = i;
    }
  }

  /** How many collections hold the one being scanned. */
  private depth = 0;

  object(top: boolean): void {
    if (++this.depth > MAX_DEPTH) throw TOO_DEEP;
    this.objectBody(top);
    this.depth--;
  }

  private objectBody(top: boolean): void {
    const t = this.t;
    this.i++;
    this.ws();
    if (t.charCodeAt(this.i) === 125) { this.i++; return; }
    // Keys of this object as [start, end) inside their quotes; by decoded string once escapes or many keys appear.
    const spans: number[] = [];
    let seen: Set<string> | undefined;
    for (;;) {
      const keyOffset = this.i;
      const escaped = this.string();
      const a = keyOffset + 1, b = this.i - 1;
      if (escaped && !seen) seen = new Set(pairs(spans).map(([x, y]) => this.key(x, y, true)));
      if (seen) {
        const k = this.key(a, b, escaped);
        if (seen.has(k)) throw DUPLICATE;
        seen.add(k);
      } else {
        for (let p = 0; p < spans.length; p += 2) if (this.same(spans[p], spans[p + 1], a, b)) throw DUPLICATE;
        spans.push(a, b);
        if (spans.length > 32) seen = new Set(pairs(spans).map(([x, y]) => this.key(x, y, false)));
      }
      this.ws();
      this.i++; // the colon
      this.ws();
      const valueOffset = this.i;
      const items = top && t.charCodeAt(valueOffset) === 91 ? [] as number[] : undefined;
      this.value(items);
      if (top) this.fields.push({ key: this.key(a, b, escaped), keyOffset, keyLength: b + 1 - keyOffset, valueOffset, valueEnd: this.i, items });
      this.ws();
      const c = t.charCodeAt(this.i++);
      if (c === 125) return;
      this.ws();
    }
  }

  /** A list; with `items`, the [start, end) of each item is noted there. */
  array(items?: number[]): void {
    if (++this.depth > MAX_DEPTH) throw TOO_DEEP;
    this.arrayBody(items);
    this.depth--;
  }

  private arrayBody(items?: number[]): void {
    const t = this.t;
    this.i++;
    this.ws();
    if (t.charCodeAt(this.i) === 93) { this.i++; return; }
    for (;;) {
      const start = this.i;
      this.value();
      items?.push(start, this.i);
      this.ws();
      const c = t.charCodeAt(this.i++);
      if (c === 93) return;
      this.ws();
    }
  }

  private key(a: number, b: number, escaped: boolean): string {
    return escaped ? (JSON.parse(this.t.slice(a - 1, b + 1)) as string) : this.t.slice(a, b);
  }

  private same(a: number, b: number, x: number, y: number): boolean {
    if (b - a !== y - x) return false;
    const t = this.t;
    for (let k = 0; k < b - a; k++) if (t.charCodeAt(a + k) !== t.charCodeAt(x + k)) return false;
    return true;
  }
}

function pairs(spans: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 0; p < spans.length; p += 2) out.push([spans[p], spans[p + 1]]);
  return out;
}
