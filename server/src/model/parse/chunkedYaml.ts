/**
 * A large YAML file the fast reader steps aside on — usually one syntax error in a 17 MB inventory —
 * read per top-level field and, inside a long list, per stretch of items: the fast reader takes every
 * piece it can, the `yaml` package only the item that is broken. The `yaml` package on the whole file
 * takes 15–20 s here, during which the server answers nothing. Only for files whose top level is plain
 * `key:` lines with nothing YAML ties across them (anchors, aliases, tags, several documents); anything
 * else returns undefined and the caller parses the whole file.
 */
import { parseYamlFast, parseYamlSeqItems } from './fastYaml';
import type { SyntaxProblem } from './parseJson';
import type { ArrayNode, Node, ObjectNode, PropertyNode } from '../tree';

type FullParser = (text: string) => { root: Node | undefined; problems: SyntaxProblem[] };
import { shiftNode } from './units';

/** Constructs whose meaning crosses the pieces (or that the pieces would misread). */
const CROSSING = /^(?:---|\.\.\.|%)|(?:^|[\s[{,])[&*!][^\s,\]}]/m;

/** Whether YAML text holds something whose meaning reaches beyond it (an anchor, an alias, a tag, a document marker). */
export function reachesAcross(text: string): boolean {
  return CROSSING.test(text);
}
const TOP_KEY = /^([A-Za-z_][\w.-]*)[ \t]*:(?=[ \t]|$)/;

/** `full` is the `yaml` package's parse (parseYaml.ts), for the pieces the fast reader rejects. */
export function parseYamlChunked(text: string, full: FullParser): { root: ObjectNode; problems: SyntaxProblem[] } | undefined {
  if (text.includes('\r') || text.charCodeAt(0) === 0xfeff || reachesAcross(text)) return undefined;
  const blocks = topLevelBlocks(text);
  if (!blocks?.length) return undefined;
  const properties: PropertyNode[] = [];
  const problems: SyntaxProblem[] = [];
  const seen = new Set<string>();
  let end = blocks[0].start;
  for (const b of blocks) {
    const { prop, end: blockEnd } = readBlock(text, b, problems, full);
    if (seen.has(prop.key)) problems.push({ offset: prop.keyOffset, length: prop.keyLength, message: 'Map keys must be unique' });
    seen.add(prop.key);
    properties.push(prop);
    end = blockEnd;
  }
  const offset = blocks[0].start;
  return { root: { type: 'object', offset, length: end - offset, properties }, problems };
}

interface Block { key: string; start: number; end: number }

/** Each top-level key line and the lines under it (indented, list dashes at column 0, blank, comments). */
function topLevelBlocks(text: string): Block[] | undefined {
  const blocks: Block[] = [];
  for (let i = 0; i < text.length;) {
    const nl = text.indexOf('\n', i);
    const lineEnd = nl === -1 ? text.length : nl;
    const c = text.charCodeAt(i);
    const nested = c === 32 || c === 9 || c === 35 /* # */ || i === lineEnd || (c === 45 && (text.charCodeAt(i + 1) === 32 || i + 1 === lineEnd));
    if (!nested) {
      const m = TOP_KEY.exec(text.slice(i, lineEnd));
      if (!m) return undefined;
      if (blocks.length) blocks[blocks.length - 1].end = i;
      blocks.push({ key: m[1], start: i, end: text.length });
    } else if (!blocks.length && c !== 35 && i !== lineEnd && text.slice(i, lineEnd).trim()) {
      return undefined; // content before the first key
    }
    i = lineEnd + 1;
  }
  return blocks;
}

/** One top-level field, and where the mapping would end if it were the last (as the parser that read it says). */
function readBlock(text: string, b: Block, problems: SyntaxProblem[], parseFull: FullParser): { prop: PropertyNode; end: number } {
  const piece = text.slice(b.start, b.end);
  const fast = parseYamlFast(piece);
  if (fast?.root?.type === 'object' && fast.root.properties.length === 1) {
    shiftNode(fast.root, b.start);
    return { prop: fast.root.properties[0], end: fast.root.offset + fast.root.length };
  }
  const list = blockList(text, b);
  if (list) {
    const items: Node[] = [];
    let last = list.start;
    readItems(text, list.starts, 0, list.starts.length, list.indent, b.end, items, problems, parseFull, (e) => { last = e; });
    const offset = items.length ? list.start + list.indent : list.start;
    const value: ArrayNode = { type: 'array', offset, length: Math.max(0, last - offset), items };
    return { prop: { key: b.key, keyOffset: b.start, keyLength: b.key.length, value }, end: offset + value.length };
  }
  // Not a list of records: the full parser on this field alone.
  const full = parseFull(piece);
  for (const p of full.problems) problems.push({ ...p, offset: p.offset + b.start });
  if (full.root) shiftNode(full.root, b.start);
  const prop = full.root?.type === 'object' ? full.root.properties[0] : undefined;
  const end = full.root ? full.root.offset + full.root.length : b.start + b.key.length;
  return { prop: prop ?? { key: b.key, keyOffset: b.start, keyLength: b.key.length, value: undefined }, end };
}

/** `key:` alone on its line, then list items whose dashes share one column: where each item's first line starts. */
function blockList(text: string, b: Block): { start: number; indent: number; starts: number[] } | undefined {
  const firstNl = text.indexOf('\n', b.start);
  if (firstNl === -1 || firstNl >= b.end) return undefined;
  if (!/^\s*(#.*)?$/.test(text.slice(b.start + b.key.length + 1, firstNl))) return undefined;
  let indent = -1;
  const starts: number[] = [];
  for (let i = firstNl + 1; i < b.end;) {
    const nl = text.indexOf('\n', i);
    const lineEnd = nl === -1 || nl > b.end ? b.end : nl;
    let k = i;
    while (k < lineEnd && text.charCodeAt(k) === 32) k++;
    const dash = text.charCodeAt(k) === 45 && (k + 1 === lineEnd || text.charCodeAt(k + 1) === 32);
    if (dash && (indent === -1 || k - i === indent)) { indent = k - i; starts.push(i); }
    else if (indent === -1 && k < lineEnd && text.charCodeAt(k) !== 35) return undefined; // not a block sequence
    i = lineEnd + 1;
  }
  return starts.length ? { start: starts[0], indent, starts } : undefined;
}

/**
 * Items [lo, hi): the fast reader on the whole stretch, else on each half; one item it rejects goes to
 * the `yaml` package alone. A single broken item costs a few halvings of the list, not a full parse.
 */
function readItems(text: string, starts: number[], lo: number, hi: number, indent: number, end: number, out: Node[], problems: SyntaxProblem[], parseFull: FullParser, setLast: (e: number) => void): void {
  const a = starts[lo];
  const b = hi < starts.length ? starts[hi] : end;
  const fast = parseYamlSeqItems(text.slice(a, b), indent, a);
  if (fast) { out.push(...fast.items); if (fast.items.length) setLast(fast.last); return; }
  if (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    readItems(text, starts, lo, mid, indent, end, out, problems, parseFull, setLast);
    readItems(text, starts, mid, hi, indent, end, out, problems, parseFull, setLast);
    return;
  }
  const full = parseFull(text.slice(a, b));
  for (const p of full.problems) problems.push({ ...p, offset: p.offset + a });
  if (full.root) {
    shiftNode(full.root, a);
    if (full.root.type === 'array') out.push(...full.root.items);
    setLast(full.root.offset + full.root.length);
  }
}
