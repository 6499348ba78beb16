/**
 * Re-parsing after an edit without re-parsing the file: when an edit falls inside items of a top-level
 * list (credentials, endpoints, users, jump clients…), only those items are parsed again and spliced
 * into the tree; the items after them move by a base update (units.ts). Anything else — an edit of a
 * top-level field, a file with errors, items that no longer parse on their own — returns undefined and
 * the caller parses the whole text. Tests hold the result equal to a whole-file parse.
 */
import { parseJsonValuesAt } from './fastJson';
import { parseYamlFast, parseYamlSeqItems } from './fastYaml';
import { parseJson, type SyntaxProblem } from './parseJson';
import { parseYamlFull } from './parseYaml';
import type { ArrayNode, JsonPath, Node, ObjectNode, PropertyNode } from '../tree';
import { toValue } from '../tree';
import { upperBound } from '../text/lines';
import { reader, type PieceText, type TextReader } from '../text/pieceText';
import { shiftNode, unitOf } from './units';

/** One text change in the previous version's coordinates: [start, end) replaced by `text`. */
export interface TextChange { start: number; end: number; text: string }

/** What an incremental parse re-parsed, for re-checking only that (engine/check.ts). */
export interface EditInfo {
  /** The re-parsed stretch: [regionStart, regionOldEnd) of the old text is [regionStart, regionNewEnd) of the new. */
  regionStart: number;
  regionOldEnd: number;
  regionNewEnd: number;
  delta: number;
  /**
   * Paths of the items to check again (e.g. `['credentials', 12]`): the ones parsed anew, and when the
   * edit added or removed items, every item after them too (their index, which messages name, moved).
   */
  items: JsonPath[];
  /** The end, in the old text, of what `items` cover (the whole rest of the list when indexes moved). */
  checkOldEnd: number;
  /** A top-level field (not a list item) was re-parsed: the single-file rules must look at the whole file. */
  wholeCheck?: boolean;
}

/**
 * For a list value made by an incremental parse: the list it replaces and how (`removed` items from
 * `first` replaced by `added` ones). Lets caches derived from the old list be patched instead of rebuilt.
 */
export interface ListEdit { prev?: unknown[]; first: number; removed: number; added: number }
const LIST_EDIT = Symbol('ecmkit.listEdit');

/** How an incremental parse made this list from the previous version's (carried by the list itself, not a shared table). */
export function listEditOf(list: unknown): ListEdit | undefined {
  return Array.isArray(list) ? (list as { [LIST_EDIT]?: ListEdit })[LIST_EDIT] : undefined;
}

function recordListEdit(list: unknown[], edit: ListEdit): void {
  Object.defineProperty(list, LIST_EDIT, { value: edit, enumerable: false });
}

export interface Reparsed { root: ObjectNode; value: Record<string, unknown>; problems: SyntaxProblem[]; info: EditInfo }

interface Prev { text: string; source?: PieceText; syntax: 'yaml' | 'json'; root: Node | undefined; value: unknown; problems: readonly SyntaxProblem[] }

/**
 * Past this size a whole-file parse of a broken file takes seconds (the full parsers), so the items an
 * edit broke are parsed on their own and their syntax errors kept with them. Below it, a broken file is
 * parsed whole, exactly as `ecmkit check` parses it.
 */
export const LARGE_FILE = 1_000_000;

export function reparse(prev: Prev, text: string, change: TextChange): Reparsed | undefined {
  const root = prev.root;
  if (!root || root.type !== 'object' || !prev.value || typeof prev.value !== 'object') return undefined;
  if (prev.problems.length && text.length <= LARGE_FILE) return undefined;
  const delta = change.text.length - (change.end - change.start);
  for (let p = 0; p < root.properties.length; p++) {
    const prop = root.properties[p];
    const arr = prop.value;
    if (arr?.type !== 'array' || !arr.items.length) continue;
    if (change.start < arr.offset || change.end > arr.offset + arr.length) continue;
    // The old text is read through its pieces when it has them (reading a spliced string copies it whole).
    const old = reader(prev.source ?? prev.text);
    const spliced = prev.syntax === 'yaml' ? spliceYaml(old, text.length, arr, change, delta) : spliceJson(old, text.length, arr, change, delta);
    if (!spliced) return undefined;
    // Syntax errors outside the re-parsed items stay (moved); those inside are replaced by the new ones.
    const problems: SyntaxProblem[] = [];
    for (const pr of prev.problems) {
      if (pr.offset + pr.length <= spliced.regionStart) problems.push(pr);
      else if (pr.offset >= spliced.regionOldEnd) problems.push({ ...pr, offset: pr.offset + delta });
    }
    problems.push(...spliced.problems);
    if (problems.length && text.length <= LARGE_FILE) return undefined;
    void text; // only its length is read: the new text may be a rope V8 would copy whole on any read
    return { ...assemble(prev, root, p, spliced, delta), problems };
  }
  return reparseField(prev, root, text.length, change, delta);
}

/** Past this size a top-level field's own text is not worth parsing apart from the file. */
const MAX_FIELD = 64 * 1024;

/**
 * An edit inside one top-level field that is not a list (a Vault's `hostname`, a PA `site`…): that
 * field's lines (YAML) or value (JSON) are parsed alone, so typing in line 1 of a 17 MB inventory does
 * not parse all of it again — nor, while the line is half-typed, run the full YAML parser on 17 MB.
 */
function reparseField(prev: Prev, root: ObjectNode, newLength: number, change: TextChange, delta: number): Reparsed | undefined {
  const props = root.properties;
  const old = reader(prev.source ?? prev.text);
  const rootEnd = root.offset + root.length;
  for (let p = 0; p < props.length; p++) {
    const prop = props[p];
    let a: number, b: number;
    if (prev.syntax === 'yaml') {
      a = lineStart(old, prop.keyOffset);
      b = p + 1 < props.length ? lineStart(old, props[p + 1].keyOffset) : rootEnd;
      if (a !== prop.keyOffset) return undefined; // a field that is not at column 0
    } else {
      if (!prop.value) return undefined;
      a = prop.value.offset;
      b = prop.value.offset + prop.value.length;
    }
    if (change.start < a || change.end > b) continue;
    if (b - a > MAX_FIELD || prop.value?.type === 'array') return undefined;
    const text = region(old, change, a, b);
    let problems: SyntaxProblem[] = [];
    let key = prop.key, keyOffset = prop.keyOffset, keyLength = prop.keyLength;
    let node: Node | undefined;
    let end: number;
    if (prev.syntax === 'yaml') {
      const oldLength = newLength - delta;
      if (b < oldLength && text.charCodeAt(text.length - 1) !== 10) return undefined; // the field's lines must stay whole lines
      let r: { root: Node | undefined; problems?: SyntaxProblem[] } | undefined = parseYamlFast(text);
      if (!r) {
        if (newLength <= LARGE_FILE) return undefined;
        r = parseYamlFull(text);
        problems = (r.problems ?? []).map((x) => ({ ...x, offset: x.offset + a }));
      }
      const m = r.root;
      if (!m || m.type !== 'object' || m.properties.length !== 1) { if (!problems.length) return undefined; }
      const np = m && m.type === 'object' ? m.properties[0] : undefined;
      if (!np) return undefined;
      if (props.some((x, k) => k !== p && x.key === np.key)) return undefined; // a duplicate: the full parser words it
      if (np.value) shiftNode(np.value, a);
      key = np.key; keyOffset = np.keyOffset + a; keyLength = np.keyLength;
      node = np.value;
      end = m!.offset + m!.length + a;
    } else {
      const items = parseJsonValuesAt(text, a);
      if (!items || items.length !== 1) return undefined;
      node = items[0];
      end = rootEnd + delta;
    }
    const properties = props.slice();
    properties[p] = { key, keyOffset, keyLength, value: node };
    for (let k = p + 1; k < props.length; k++) {
      props[k].keyOffset += delta;
      if (props[k].value) shiftNode(props[k].value!, delta);
    }
    const last = p === props.length - 1 && prev.syntax === 'yaml';
    // A YAML mapping starts at its first key, which an edit of the first field may move.
    const start = p === 0 && prev.syntax === 'yaml' ? keyOffset : root.offset;
    const newRoot: ObjectNode = { type: 'object', offset: start, length: (last ? end : rootEnd + delta) - start, properties };
    const oldValue = prev.value as Record<string, unknown>;
    const value: Record<string, unknown> = {};
    for (const x of properties) value[x.key] = x === properties[p] ? toValue(node) : oldValue[x.key];
    const kept = prev.problems.filter((x) => x.offset + x.length <= a || x.offset >= b).map((x) => (x.offset >= b ? { ...x, offset: x.offset + delta } : x));
    if ((kept.length || problems.length) && newLength <= LARGE_FILE) return undefined;
    return { root: newRoot, value, problems: [...kept, ...problems], info: { regionStart: a, regionOldEnd: b, regionNewEnd: b + delta, delta, items: [], checkOldEnd: b, wholeCheck: true } };
  }
  return undefined;
}

interface Spliced {
  /** First replaced item, how many were replaced, what replaces them. */
  first: number;
  count: number;
  items: Node[];
  array: ArrayNode;
  regionStart: number;
  regionOldEnd: number;
  /** Syntax errors of the re-parsed items (large files only; else the whole file is parsed again). */
  problems: SyntaxProblem[];
}

function lineStart(text: TextReader, offset: number): number {
  return text.lastNewline(offset) + 1;
}

/**
 * The edited stretch of the new text, [a, b) in the new text's positions, cut from the old text and the
 * change: reading the new text itself would make V8 copy all 17 MB of it (it is a rope after an edit).
 */
function region(old: TextReader, change: TextChange, a: number, oldEnd: number): string {
  return old.slice(a, change.start) + change.text + old.slice(change.end, oldEnd);
}

/** YAML block sequence: items are whole lines, from an item's dash line to the next item's. */
function spliceYaml(old: TextReader, newLength: number, arr: ArrayNode, change: TextChange, delta: number): Spliced | undefined {
  if (old.charCodeAt(arr.offset) !== 45 /* - */) return undefined; // a flow sequence
  const first = unitOf(arr.items[0]);
  const indent = first && first.col >= 0 ? first.col : arr.offset - lineStart(old, arr.offset);
  const starts: number[] = [];
  for (const item of arr.items) {
    // Each item's dash line: recorded by the fast parser, else looked up (and checked) in the text.
    const u = unitOf(item);
    let ls: number;
    if (u && u.dash >= 0 && u.col === indent) ls = u.dash + u.base - indent;
    else {
      ls = lineStart(old, item.offset);
      if (ls + indent >= old.length || old.charCodeAt(ls + indent) !== 45) return undefined;
    }
    if (starts.length && ls <= starts[starts.length - 1]) return undefined;
    starts.push(ls);
  }
  const arrEnd = arr.offset + arr.length;
  const regionEnd = (j: number): number => (j + 1 < starts.length ? starts[j + 1] : arrEnd);
  const i = upperBound(starts, change.start) - 1;
  if (i < 0) return undefined;
  let j = i;
  while (change.end > regionEnd(j)) j++;
  if (j >= starts.length) return undefined;
  const a = starts[i], oldEnd = regionEnd(j), newEnd = oldEnd + delta;
  const text = region(old, change, a, oldEnd);
  // The edited stretch must still be whole lines (before it, the old text is unchanged).
  if (a > 0 && old.charCodeAt(a - 1) !== 10) return undefined;
  if (newEnd < newLength && text.charCodeAt(text.length - 1) !== 10) return undefined;
  let problems: SyntaxProblem[] = [];
  let parsed = parseYamlSeqItems(text, indent, a);
  if (!parsed && newLength > LARGE_FILE) ({ parsed, problems } = yamlRegion(text, a));
  if (!parsed || (!parsed.items.length && (j === starts.length - 1 || i === 0))) return undefined;
  const last = j === starts.length - 1;
  const items = arr.items.slice();
  items.splice(i, j - i + 1, ...parsed.items);
  for (let k = j + 1; k < arr.items.length; k++) shiftNode(arr.items[k], delta);
  const end = last ? parsed.last : arrEnd + delta;
  const offset = i === 0 ? a + text.lastIndexOf('\n', items[0].offset - a - 1) + 1 + indent : arr.offset;
  return { first: i, count: j - i + 1, items: parsed.items, array: { type: 'array', offset, length: end - offset, items }, regionStart: a, regionOldEnd: oldEnd, problems };
}

/** The full parser on the edited items alone (a large file being typed into): their nodes and errors. */
function yamlRegion(text: string, a: number): { parsed: { items: Node[]; last: number }; problems: SyntaxProblem[] } {
  const r = parseYamlFull(text);
  if (r.root) shiftNode(r.root, a);
  const items = r.root?.type === 'array' ? r.root.items : [];
  const last = r.root ? r.root.offset + r.root.length : a;
  return { parsed: { items, last }, problems: r.problems.map((p) => ({ ...p, offset: p.offset + a })) };
}

/** JSON array: items are values separated by commas; the stretch from the first to the last touched item. */
function spliceJson(old: TextReader, newLength: number, arr: ArrayNode, change: TextChange, delta: number): Spliced | undefined {
  const its = arr.items;
  let i = -1;
  for (let k = 0; k < its.length && its[k].offset <= change.start; k++) i = k;
  if (i < 0) return undefined;
  let j = i;
  while (j < its.length && change.end > its[j].offset + its[j].length) j++;
  if (j >= its.length) return undefined;
  const a = its[i].offset, oldEnd = its[j].offset + its[j].length;
  const text = region(old, change, a, oldEnd);
  let items = parseJsonValuesAt(text, a);
  let problems: SyntaxProblem[] = [];
  if (!items && newLength > LARGE_FILE) {
    // The full parser on the items alone, as a list: `[` + items + `]`.
    const r = parseJson('[' + text + ']');
    if (r.root) shiftNode(r.root, a - 1);
    items = r.root?.type === 'array' ? r.root.items : [];
    problems = r.problems.map((p) => ({ ...p, offset: Math.max(a, p.offset + a - 1) }));
  }
  if (!items || !items.length) return undefined;
  const all = its.slice();
  all.splice(i, j - i + 1, ...items);
  for (let k = j + 1; k < its.length; k++) shiftNode(its[k], delta);
  return { first: i, count: j - i + 1, items, array: { type: 'array', offset: arr.offset, length: arr.length + delta, items: all }, regionStart: a, regionOldEnd: oldEnd, problems };
}

function assemble(prev: Prev, root: ObjectNode, p: number, s: Spliced, delta: number): Omit<Reparsed, 'problems'> {
  const props = root.properties;
  const properties: PropertyNode[] = props.slice();
  properties[p] = { key: props[p].key, keyOffset: props[p].keyOffset, keyLength: props[p].keyLength, value: s.array };
  // Fields after the list move by delta (the old tree hands its nodes over: it is not used again).
  for (let k = p + 1; k < props.length; k++) {
    props[k].keyOffset += delta;
    if (props[k].value) shiftNode(props[k].value!, delta);
  }
  const oldEnd = root.offset + root.length;
  const arrOldEnd = props[p].value!.offset + props[p].value!.length;
  // A YAML mapping ends with its last value; when that is this list, the list's new end is the mapping's.
  const end = p === props.length - 1 && arrOldEnd === oldEnd ? s.array.offset + s.array.length : oldEnd + delta;
  const newRoot: ObjectNode = { type: 'object', offset: root.offset, length: end - root.offset, properties };
  const oldValue = prev.value as Record<string, unknown>;
  const value: Record<string, unknown> = { ...oldValue };
  const list = Array.isArray(oldValue[props[p].key]) ? (oldValue[props[p].key] as unknown[]).slice() : s.array.items.map(toValue);
  if (Array.isArray(oldValue[props[p].key])) {
    list.splice(s.first, s.count, ...s.items.map(toValue));
    const older = oldValue[props[p].key] as unknown[];
    // One step back is all the caches use; dropping the older link lets earlier versions be collected.
    const before = listEditOf(older);
    if (before) before.prev = undefined;
    recordListEdit(list, { prev: older, first: s.first, removed: s.count, added: s.items.length });
  }
  value[props[p].key] = list;
  const moved = s.items.length !== s.count;
  const upTo = moved ? s.array.items.length : s.first + s.items.length;
  const items: JsonPath[] = [];
  for (let k = s.first; k < upTo; k++) items.push([props[p].key, k]);
  return {
    root: newRoot,
    value,
    info: {
      regionStart: s.regionStart,
      regionOldEnd: s.regionOldEnd,
      regionNewEnd: s.regionOldEnd + delta,
      delta,
      items,
      checkOldEnd: moved ? Math.max(s.regionOldEnd, arrOldEnd) : s.regionOldEnd,
    },
  };
}
