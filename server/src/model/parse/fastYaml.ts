/**
 * A fast path for the YAML that ecmkit files are made of: block mappings and sequences, one-line or
 * multi-line flow collections, plain and quoted one-line scalars, comments, and `|` / `|-` block
 * scalars. It builds the same tree, with the same offsets, as parseYaml.ts builds from the `yaml`
 * package (whose whole-file parse of a 15 MB inventory takes seconds), and gives up — returning
 * undefined, so the caller uses the full parser — on anything else: anchors, aliases, tags, merge keys
 * (`<<`), multi-line plain or quoted scalars, folded scalars, complex or quoted keys, tabs (except before
 * a `:` and after a value, which YAML drops), CR line ends, several documents, nesting past MAX_DEPTH, and
 * every error (the full parser words the error message). Differential tests hold the two to equality.
 */
import type { ArrayNode, Node, ObjectNode, PropertyNode, ScalarNode } from '../tree';
import { MAX_DEPTH } from './nesting';
import { NodeFactory, Unit } from './units';

class Bail extends Error {}
const bail = (): never => { throw new Bail(); };

const SPACE = 32, NL = 10, HASH = 35, COLON = 58, DASH = 45, COMMA = 44;
const LBRACK = 91, RBRACK = 93, LBRACE = 123, RBRACE = 125, DQ = 34, SQ = 39, PIPE = 124, TAB = 9;

/** Parses a whole file; undefined when the text is outside the fast path's subset. */
export function parseYamlFast(text: string): { root: Node | undefined } | undefined {
  if (text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined;
  try {
    const p = new FastYaml(text, 0, text.length);
    return { root: p.document() };
  } catch (e) {
    if (e instanceof Bail) return undefined;
    throw e;
  }
}

/**
 * Parses `text` — whole lines cut from a file at offset `base` — as the items of a block sequence whose
 * dashes are at column `indent` (an edited stretch of a long list), each item a unit placed at `base`.
 * `last` is where the last item's last line ends, in the file. Undefined when the text is not exactly such items.
 */
export function parseYamlSeqItems(text: string, indent: number, base: number): { items: Node[]; last: number } | undefined {
  if (text.includes('\r')) return undefined;
  try {
    const p = new FastYaml(text, 0, text.length);
    const items = p.seqItemsRegion(indent, base);
    return { items, last: p.regionLast + base };
  } catch (e) {
    if (e instanceof Bail) return undefined;
    throw e;
  }
}

class FastYaml extends NodeFactory {
  constructor(private readonly t: string, private readonly start: number, private readonly end: number) { super(); }

  private c(i: number): number {
    return i < this.end ? this.t.charCodeAt(i) : -1;
  }

  private lineEnd(i: number): number {
    const e = this.t.indexOf('\n', i);
    return e === -1 || e >= this.end ? this.end : e;
  }

  /** Position after the line's newline (or the end). */
  private nextLine(i: number): number {
    const e = this.lineEnd(i);
    return e < this.end ? e + 1 : this.end;
  }

  /** Spaces at the start of the line at `ls`; a tab in the indentation is outside the subset. */
  private indent(ls: number): number {
    let i = ls;
    while (this.c(i) === SPACE) i++;
    if (this.c(i) === TAB) bail();
    return i - ls;
  }

  /** The start of the next line with content (not blank, not a comment), or -1. */
  private contentLine(ls: number): number {
    while (ls < this.end) {
      let i = ls;
      while (this.c(i) === SPACE) i++;
      const ch = this.c(i);
      if (ch === TAB) bail();
      if (ch !== NL && ch !== HASH && ch !== -1) {
        if (i === ls && (this.t.startsWith('---', ls) || this.t.startsWith('...', ls) || ch === 37 /* % */)) bail();
        return ls;
      }
      ls = this.nextLine(i);
    }
    return -1;
  }

  private plain(text: string, offset: number, length: number): ScalarNode {
    if (!mayNotBeString(text.charCodeAt(0))) return this.scalar('string', offset, length, text);
    const r = resolve(text);
    return this.scalar(r.type, offset, length, r.value);
  }

  private hasCommentLine(from: number, to: number): boolean {
    for (let ls = from; ls < to; ls = this.nextLine(ls)) {
      let i = ls;
      while (this.c(i) === SPACE) i++;
      if (this.c(i) === HASH) return true;
    }
    return false;
  }

  document(): Node | undefined {
    const ls = this.contentLine(this.start);
    if (ls === -1) return undefined;
    const n = this.indent(ls);
    const node = this.blockNode(ls, n, false, true);
    if (this.contentLine(this.nextLineStart) !== -1) bail(); // content after the root (a dedent below its indentation)
    return node;
  }

  /** The end of the last item's last line, after seqItemsRegion. */
  regionLast = -1;

  seqItemsRegion(indent: number, base: number): Node[] {
    const items: Node[] = [];
    this.depth = 2; // the items of a list in the top-level mapping
    let ls = this.contentLine(this.start);
    while (ls !== -1) {
      if (this.indent(ls) !== indent || !this.isDash(ls + indent)) bail();
      this.unit = new Unit(base);
      this.unit.dash = ls + indent;
      this.unit.col = indent;
      items.push(this.seqItem(ls, indent));
      this.unit = undefined;
      this.regionLast = this.lastLineEnd;
      ls = this.contentLine(this.nextLineStart);
    }
    return items;
  }

  private isDash(i: number): boolean {
    if (this.c(i) !== DASH) return false;
    const n = this.c(i + 1);
    return n === SPACE || n === NL || n === -1;
  }

  /** In a flow collection a `-` before a blank, `,` or a closer starts no plain scalar: `[a, -, b]` is an error. */
  private isFlowDash(i: number): boolean {
    if (this.c(i) !== DASH) return false;
    const n = this.c(i + 1);
    return n === SPACE || n === NL || n === -1 || n === TAB || n === COMMA || n === RBRACK || n === RBRACE;
  }

  // Results besides the node, to spare an object per value: where the next line starts (`nextLineStart`), where
  // the value's last line ends (`lastLineEnd`), where a flow value ends (`flowEnd`).
  private nextLineStart = 0;
  private lastLineEnd = 0;
  private flowEnd = 0;
  /** How many collections hold the one being read: past MAX_DEPTH the full parser's guard reports it. */
  private depth = 0;

  private enter(): void {
    if (++this.depth > MAX_DEPTH) bail();
  }

  /** A block mapping or sequence starting on line `ls` at column `n`. */
  private blockNode(ls: number, n: number, units = false, isRoot = false): Node {
    if (this.isDash(ls + n)) return this.blockSeq(ls, n, units);
    if (this.keyColon(ls + n) >= 0) return this.blockMap(ls, n, isRoot);
    return bail();
  }

  /**
   * If a plain key starts at `i` on this line, the position of its `:` (followed by a space or the line
   * end), else -1. Quoted, flow and indicator-led keys are outside the subset (-1).
   */
  private keyColon(i: number): number {
    const ch = this.c(i);
    if (ch === -1 || ch === NL || isIndicator(ch) || (ch === DASH && this.isDash(i))) return -1;
    const e = this.lineEnd(i);
    for (let k = i; k < e; k++) {
      const x = this.t.charCodeAt(k);
      if (x === COLON) {
        const nextChar = this.c(k + 1);
        if (nextChar === SPACE || nextChar === NL || nextChar === -1) return k;
      } else if (x === HASH && (this.t.charCodeAt(k - 1) === SPACE || this.t.charCodeAt(k - 1) === TAB)) return -1;
    }
    return -1;
  }

  private blockMap(ls: number, n: number, isRoot = false): ObjectNode {
    this.enter();
    const properties: PropertyNode[] = [];
    const offset = ls + n;
    let last = offset;
    let line = ls;
    for (;;) {
      const k = line + n;
      const colon = this.keyColon(k);
      if (colon < 0) bail();
      let ke = colon;
      while (ke > k && isBlank(this.t.charCodeAt(ke - 1))) ke--;
      const keyText = this.t.slice(k, ke);
      if (keyText.length > 1000 || keyText === '<<' || (mayNotBeString(keyText.charCodeAt(0)) && resolve(keyText).type !== 'string')) bail(); // `<<` merges
      for (let q = 0; q < properties.length; q++) if (properties[q].key === keyText) bail(); // the full parser reports duplicates
      const v = this.value(colon + 1, n, true, isRoot);
      properties.push(this.prop(keyText, k, ke - k, v));
      last = this.lastLineEnd;
      const nl = this.contentLine(this.nextLineStart);
      if (nl === -1) { this.nextLineStart = this.end; this.lastLineEnd = last; this.depth--; return this.obj(offset, last - offset, properties); }
      const ind = this.indent(nl);
      if (ind < n) { this.nextLineStart = nl; this.lastLineEnd = last; this.depth--; return this.obj(offset, last - offset, properties); }
      if (ind > n) bail();
      line = nl;
    }
  }

  private blockSeq(ls: number, n: number, units = false): ArrayNode {
    this.enter();
    const items: Node[] = [];
    const offset = ls + n;
    let last = offset;
    let line = ls;
    for (;;) {
      if (units) { this.unit = new Unit(); this.unit.dash = line + n; this.unit.col = n; }
      items.push(this.seqItem(line, n));
      if (units) this.unit = undefined;
      last = this.lastLineEnd;
      const nl = this.contentLine(this.nextLineStart);
      if (nl === -1) { this.nextLineStart = this.end; this.lastLineEnd = last; this.depth--; return this.arr(offset, last - offset, items); }
      const ind = this.indent(nl);
      if (ind < n || (ind === n && !this.isDash(nl + n))) { this.nextLineStart = nl; this.lastLineEnd = last; this.depth--; return this.arr(offset, last - offset, items); }
      if (ind > n) bail();
      line = nl;
    }
  }

  /** One `- …` item whose dash is at column n of line ls. */
  private seqItem(ls: number, n: number): Node {
    const d = ls + n;
    let p = d + 1;
    while (this.c(p) === SPACE) p++;
    const ch = this.c(p);
    if (ch === TAB) bail();
    if (ch !== NL && ch !== HASH && ch !== -1 && this.keyColon(p) >= 0) {
      // `- key: value` opens a mapping whose keys sit at this column.
      return this.blockMap(ls, p - ls);
    }
    if (ch === DASH && this.isDash(p)) bail(); // `- - x`
    return this.value(d + 1, n, false);
  }

  /**
   * The value after a `key:` (or a `- `) that ends at `from`: inline on this line, or a block node on
   * the lines below (more indented than `n`; for a mapping value, a sequence may sit at `n`).
   * `next` is where the following line starts, `last` the end of the value's last line.
   */
  private value(from: number, n: number, inMap: boolean, rootValue = false): Node {
    let p = from;
    while (this.c(p) === SPACE) p++;
    const ch = this.c(p);
    if (ch === TAB) bail();
    if (ch === NL || ch === -1 || ch === HASH) {
      const after = this.nextLine(p);
      const nl = this.contentLine(after);
      if (nl !== -1) {
        const ind = this.indent(nl);
        if (ind > n || (inMap && ind === n && this.isDash(nl + n))) return this.blockNode(nl, ind, rootValue);
      }
      // An empty value: its container ends at the value, or (after a comment) at the end of the line.
      // Comment lines below an empty value are counted in by the full parser in ways not worth copying.
      if (this.hasCommentLine(after, nl === -1 ? this.end : nl)) bail();
      const node: ScalarNode = this.scalar('null', p, 0, null);
      this.nextLineStart = after;
      if (ch !== HASH) { this.lastLineEnd = p; return node; }
      // After a comment, the full parser ends the container at the next line's first token.
      if (nl === -1) { this.lastLineEnd = after; return node; }
      if (nl !== after) bail();
      this.lastLineEnd = nl + this.indent(nl);
      return node;
    }
    let node: Node;
    let e: number;
    if (ch === LBRACE || ch === LBRACK) {
      node = this.flow(p, n);
      e = this.flowEnd;
    } else if (ch === DQ || ch === SQ) {
      node = this.quoted(p);
      e = this.flowEnd;
    } else if (ch === PIPE) {
      return this.blockScalar(p, n);
    } else {
      if (isIndicator(ch) || (ch === DASH && this.isDash(p))) bail();
      const le = this.lineEnd(p);
      let k = p;
      for (; k < le; k++) {
        const x = this.t.charCodeAt(k);
        if (x === HASH && (this.t.charCodeAt(k - 1) === SPACE || this.t.charCodeAt(k - 1) === TAB)) break;
        if (x === COLON) {
          const nextChar = this.c(k + 1);
          if (nextChar === SPACE || nextChar === NL || nextChar === -1 || nextChar === TAB) bail(); // a mapping inside a value
        }
      }
      let ve = k;
      while (ve > p && (this.t.charCodeAt(ve - 1) === SPACE || this.t.charCodeAt(ve - 1) === TAB)) ve--;
      node = this.plain(this.t.slice(p, ve), p, ve - p);
      e = ve;
      // A more indented line after a plain scalar would continue it (a multi-line scalar).
      const nl = this.contentLine(this.nextLine(e));
      if (nl !== -1 && this.indent(nl) > n) bail();
    }
    const after = this.restOfLine(e);
    this.nextLineStart = after;
    this.lastLineEnd = after;
    return node;
  }

  /** After a value: only spaces and a comment may follow on its line. Returns the next line's start. */
  private restOfLine(e: number): number {
    let i = e;
    while (this.c(i) === SPACE || this.c(i) === TAB) i++;
    const ch = this.c(i);
    if (ch === HASH) { if (i === e) bail(); return this.nextLine(i); }
    if (ch !== NL && ch !== -1) bail();
    return this.nextLine(i);
  }

  private quoted(p: number): ScalarNode {
    const q = this.t.charCodeAt(p);
    const le = this.lineEnd(p);
    let i = p + 1;
    let escaped = false;
    for (;;) {
      if (i >= le) bail(); // a quoted scalar that runs onto the next line folds: outside the subset
      const x = this.t.charCodeAt(i);
      if (q === DQ) {
        if (x === 92 /* \ */) { escaped = true; i += 2; continue; }
        if (x === DQ) break;
      } else if (x === SQ) {
        if (this.c(i + 1) === SQ) { escaped = true; i += 2; continue; }
        break;
      }
      i++;
    }
    const end = i + 1;
    let value: string;
    if (!escaped) value = this.t.slice(p + 1, i);
    else if (q === SQ) value = this.t.slice(p + 1, i).replace(/''/g, "'");
    else {
      try {
        value = JSON.parse(this.t.slice(p, end)) as string; // YAML's escapes beyond JSON's: the full parser
      } catch {
        return bail();
      }
    }
    this.flowEnd = end;
    return this.scalar('string', p, end - p, value);
  }

  /** `|` or `|-` and its more-indented lines. */
  private blockScalar(p: number, n: number): Node {
    let h = p + 1;
    const chomp = this.c(h) === DASH ? (h++, 'strip') : 'clip';
    while (this.c(h) === SPACE) h++;
    if (this.c(h) !== NL && this.c(h) !== -1) bail(); // indentation indicators, keep, comments: full parser
    let ls = this.nextLine(h);
    const first = ls;
    // The block's indentation is that of its first line; blank lines before it are outside the subset.
    let bi = -1;
    const parts: string[] = [];
    let blanks = 0;
    let last = first;
    while (ls < this.end) {
      let i = ls;
      while (this.c(i) === SPACE) i++;
      const ch = this.c(i);
      const ind = i - ls;
      if (ch === NL || ch === -1) {
        if (bi === -1 || ind > bi) bail();
        blanks++;
        ls = this.nextLine(i);
        continue;
      }
      if (bi === -1) {
        if (ind <= n) break;
        bi = ind;
      } else if (ind < bi) break;
      if (ch === TAB && ind < bi) bail();
      const le = this.lineEnd(ls);
      for (; blanks > 0; blanks--) parts.push('');
      parts.push(this.t.slice(ls + bi, le));
      last = le < this.end ? le + 1 : this.end;
      ls = last;
    }
    if (bi === -1) bail(); // an empty block scalar
    const value = parts.join('\n') + (chomp === 'clip' ? '\n' : '');
    const node: ScalarNode = this.scalar('string', p, last - p, value);
    node.lines = blockLines(this.t, p, last);
    this.nextLineStart = last;
    this.lastLineEnd = last;
    return node;
  }

  /** A flow collection starting at `p`, possibly over several lines (each indented beyond `n`). */
  private flow(p: number, n: number): Node {
    this.enter();
    const node = this.flowCollection(p, n);
    this.depth--;
    return node;
  }

  private flowCollection(p: number, n: number): Node {
    const open = this.t.charCodeAt(p);
    let i = this.flowSpace(p + 1, n);
    if (open === LBRACK) {
      const items: Node[] = [];
      if (this.c(i) === RBRACK) { this.flowEnd = i + 1; return this.arr(p, i + 1 - p, items); }
      for (;;) {
        items.push(this.flowValue(i, n));
        i = this.flowSpace(this.flowEnd, n);
        const ch = this.c(i);
        if (ch === RBRACK) { this.flowEnd = i + 1; return this.arr(p, i + 1 - p, items); }
        if (ch !== COMMA) bail();
        i = this.flowSpace(i + 1, n);
        if (this.c(i) === RBRACK) bail(); // a trailing comma
      }
    }
    const properties: PropertyNode[] = [];
    if (this.c(i) === RBRACE) { this.flowEnd = i + 1; return this.obj(p, i + 1 - p, properties); }
    for (;;) {
      const ks = i;
      const ch = this.c(ks);
      if (ch === -1 || isIndicator(ch) || (ch === DASH && this.isFlowDash(ks))) bail();
      let k = ks;
      for (;;) {
        const x = this.c(k);
        if (x === -1 || x === NL || x === COMMA || x === LBRACK || x === RBRACK || x === LBRACE || x === RBRACE || x === HASH) bail();
        if (x === COLON) {
          const nextChar = this.c(k + 1);
          if (nextChar === SPACE || nextChar === NL) break;
          if (nextChar === COMMA || nextChar === RBRACE || nextChar === RBRACK || nextChar === -1) bail();
        }
        k++;
      }
      let ke = k;
      while (ke > ks && isBlank(this.t.charCodeAt(ke - 1))) ke--;
      const key = this.t.slice(ks, ke);
      if (!key || key === '<<' || (mayNotBeString(key.charCodeAt(0)) && resolve(key).type !== 'string')) bail();
      for (let q = 0; q < properties.length; q++) if (properties[q].key === key) bail();
      i = this.flowSpace(k + 1, n);
      const vc = this.c(i);
      if (vc === COMMA || vc === RBRACE) bail(); // `{ a: }`: the full parser places that null
      const v = this.flowValue(i, n);
      properties.push(this.prop(key, ks, ke - ks, v));
      i = this.flowSpace(this.flowEnd, n);
      const ch2 = this.c(i);
      if (ch2 === RBRACE) { this.flowEnd = i + 1; return this.obj(p, i + 1 - p, properties); }
      if (ch2 !== COMMA) bail();
      i = this.flowSpace(i + 1, n);
      if (this.c(i) === RBRACE) bail();
    }
  }

  /** Skips spaces, line breaks (the next line must be indented beyond `n`) and comments inside a flow collection. */
  private flowSpace(i: number, n: number): number {
    for (;;) {
      const ch = this.c(i);
      if (ch === SPACE) { i++; continue; }
      if (ch === TAB) bail();
      if (ch === NL) {
        i++;
        let s = i;
        while (this.c(s) === SPACE) s++;
        const x = this.c(s);
        if (x !== NL && x !== HASH && x !== -1 && s - i <= n) bail();
        if (x === TAB) bail();
        continue;
      }
      if (ch === HASH) {
        if (this.t.charCodeAt(i - 1) !== SPACE && this.t.charCodeAt(i - 1) !== NL) bail();
        i = this.lineEnd(i);
        continue;
      }
      return i;
    }
  }

  private flowValue(i: number, n: number): Node {
    const ch = this.c(i);
    if (ch === LBRACE || ch === LBRACK) return this.flow(i, n);
    if (ch === DQ || ch === SQ) return this.quoted(i);
    if (ch === -1 || isIndicator(ch) || (ch === DASH && this.isFlowDash(i))) bail();
    let k = i;
    for (;;) {
      const x = this.c(k);
      if (x === -1 || x === COMMA || x === RBRACK || x === RBRACE) break;
      if (x === NL) {
        // A plain scalar may only end at a line break if the collection goes on with `,` or a closer.
        const s = this.flowSpace(k, n);
        const y = this.c(s);
        if (y !== COMMA && y !== RBRACK && y !== RBRACE) bail();
        break;
      }
      if (x === LBRACK || x === LBRACE) bail();
      if (x === HASH && this.t.charCodeAt(k - 1) === SPACE) break;
      if (x === COLON) {
        const nextChar = this.c(k + 1);
        if (nextChar === SPACE || nextChar === NL || nextChar === COMMA || nextChar === RBRACK || nextChar === RBRACE) bail(); // `[a: b]`
      }
      k++;
    }
    let e = k;
    while (e > i && isBlank(this.t.charCodeAt(e - 1))) e--;
    if (e === i) bail();
    this.flowEnd = e;
    return this.plain(this.t.slice(i, e), i, e - i);
  }
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/** Characters that cannot start a plain scalar or key in the subset. */
function isIndicator(ch: number): boolean {
  switch (ch) {
    case 63: /* ? */ case COLON: case COMMA: case LBRACK: case RBRACK: case LBRACE: case RBRACE: case HASH:
    case 38: /* & */ case 42: /* * */ case 33: /* ! */ case PIPE: case 62: /* > */ case DQ: case SQ:
    case 37: /* % */ case 64: /* @ */ case 96: /* ` */ case TAB: case SPACE:
      return true;
    default:
      return false;
  }
}


/** Whether a plain scalar starting with this character could be anything but a string (digit, sign, dot, ~, n/N, t/T, f/F). */
function mayNotBeString(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 126 || c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70;
}

/** Plain scalars as YAML 1.2's core schema reads them (the `yaml` package's default). */
export function resolve(s: string): { type: ScalarNode['type']; value: ScalarNode['value'] } {
  if (!mayNotBeString(s.charCodeAt(0))) return { type: 'string', value: s };
  if (/^(?:~|[Nn]ull|NULL)$/.test(s)) return { type: 'null', value: null };
  if (/^(?:[Tt]rue|TRUE)$/.test(s)) return { type: 'boolean', value: true };
  if (/^(?:[Ff]alse|FALSE)$/.test(s)) return { type: 'boolean', value: false };
  if (/^0o[0-7]+$/.test(s)) return { type: 'number', value: parseInt(s.slice(2), 8) };
  if (/^[-+]?[0-9]+$/.test(s)) return { type: 'number', value: parseInt(s, 10) };
  if (/^0x[0-9a-fA-F]+$/.test(s)) return { type: 'number', value: parseInt(s.slice(2), 16) };
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return { type: 'number', value: parseFloat(s) };
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) return { type: 'number', value: s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity };
  return { type: 'string', value: s };
}

/** The non-blank content lines of a block scalar, each with its own offset, for per-line diagnostics (both YAML readers). */
export function blockLines(text: string, start: number, end: number): { offset: number; length: number; text: string }[] {
  const lines: { offset: number; length: number; text: string }[] = [];
  let pos = text.indexOf('\n', start);
  while (pos !== -1 && pos < end) {
    const lineStart = pos + 1;
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1 || lineEnd > end) lineEnd = Math.min(end, lineEnd === -1 ? text.length : lineEnd);
    const raw = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const lead = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (body) lines.push({ offset: lineStart + lead, length: body.length, text: body });
    pos = lineEnd < end ? lineEnd : -1;
  }
  return lines;
}
