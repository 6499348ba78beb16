import type { ParsedFile } from '../model/document';
import { lineStartAt } from '../model/text/lines';
import type { JsonPath, Node, PropertyNode, ScalarNode } from '../model/tree';

export interface Location {
  /** Path of the value under the cursor (or of the key's value when on a key). */
  path: JsonPath;
  node?: Node;
  prop?: PropertyNode;
  /** True when the cursor is on a key rather than a value. */
  onKey: boolean;
}

/** What the cursor is on: the deepest key or value whose text contains `offset`. */
export function locate(file: ParsedFile, offset: number): Location | undefined {
  let best: Location | undefined;
  const visit = (node: Node | undefined, path: JsonPath): void => {
    if (!node || offset < node.offset || offset > node.offset + node.length) return;
    best = { path, node, onKey: false, prop: best?.path.length === path.length - 1 ? best.prop : undefined };
    if (node.type === 'object') {
      // Keys first: a block value's range runs to the next key's first character, which is that key's.
      for (const p of node.properties) {
        if (offset >= p.keyOffset && offset <= p.keyOffset + p.keyLength) {
          best = { path: [...path, p.key], node: p.value, prop: p, onKey: true };
          return;
        }
      }
      for (const p of node.properties) {
        if (p.value && offset >= p.value.offset && offset <= p.value.offset + p.value.length) {
          best = { path: [...path, p.key], node: p.value, prop: p, onKey: false };
          visit(p.value, [...path, p.key]);
          return;
        }
      }
    } else if (node.type === 'array') {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    }
  };
  visit(file.root, []);
  return best;
}

/**
 * The object path a new key typed at `offset` would belong to. In YAML this follows indentation, so it
 * works on an empty line or a half-typed key, where the parser has no node yet.
 */
export function objectPathForNewKey(file: ParsedFile, offset: number): JsonPath {
  if (file.syntax === 'json') {
    const loc = locate(file, offset);
    if (!loc) return [];
    let path = loc.path;
    let node = loc.node;
    if (loc.onKey) return path.slice(0, -1);
    while (path.length && node?.type !== 'object') { path = path.slice(0, -1); node = file.at(path).node; }
    return node?.type === 'object' ? path : [];
  }
  // Inside a flow mapping (`- { | }`): that mapping, whatever the indentation says.
  const here = locate(file, offset);
  if (here?.node?.type === 'object' && !here.onKey && file.text[here.node.offset] === '{' && offset > here.node.offset) return here.path;
  // Index every key by its offset: the path of the object holding it.
  const owners = new Map<number, JsonPath>();
  const index = (node: Node | undefined, path: JsonPath): void => {
    if (node?.type === 'object') for (const p of node.properties) { owners.set(p.keyOffset, path); index(p.value, [...path, p.key]); }
    else if (node?.type === 'array') node.items.forEach((n, i) => index(n, [...path, i]));
  };
  index(file.root, []);

  const lines = file.text.slice(0, offset).split('\n');
  const current = lines.pop() ?? '';
  const indent = keyColumn(current);
  // `- |` starts the next item of a list: keys of the item above at this column belong to another item.
  const newItem = /^\s*-\s+[^\s:#]*$/.test(current);
  let pos = offset - current.length - 1;
  for (let i = lines.length - 1; i >= 0; pos -= lines[i].length + 1, i--) {
    const text = lines[i];
    const lineStart = pos - text.length;
    if (!text.trim() || text.trim().startsWith('#')) continue;
    const col = keyColumn(text);
    const m = /^\s*(?:-\s+)?([^\s:#][^:#]*?)\s*:(\s|$)/.exec(text);
    if (!m) { if (col < indent) break; continue; }
    const owner = owners.get(lineStart + col);
    if (owner === undefined) { if (col < indent) break; continue; }
    if (col === indent) {
      const last = owner[owner.length - 1];
      return newItem && typeof last === 'number' ? [...owner.slice(0, -1), last + 1] : owner; // a sibling key
    }
    if (col < indent) {
      // A parent: `key:` opens a mapping below it; `- key: v` is a list item whose other keys we are typing.
      return /:\s*$/.test(text) ? [...owner, m[1]] : owner;
    }
  }
  return [];
}

/** The column where a line's key starts (after indentation and any `- ` list markers). */
function keyColumn(line: string): number {
  return line.length - line.replace(/^(\s*-\s+)*\s*/, '').length;
}

/**
 * The YAML block scalar (`key: |` or `key: >`) whose text the cursor is in: on a line of its content, or on
 * a blank line below it indented past its key (where the next content line would go). Its text is a value:
 * no key or file skeleton belongs there.
 */
export function blockScalarAt(file: ParsedFile, offset: number): { node: ScalarNode; path: JsonPath } | undefined {
  if (file.syntax !== 'yaml') return undefined;
  // Down the last key (or item) that starts before the cursor: the scalar's range may end before a blank line.
  let node = file.root;
  const path: JsonPath = [];
  while (node?.type === 'object' || node?.type === 'array') {
    if (node.type === 'object') {
      const p = lastBefore(node.properties, (x) => x.keyOffset, offset);
      if (!p || offset <= p.keyOffset + p.keyLength) return undefined;
      path.push(p.key);
      node = p.value;
    } else {
      const i = lastIndexBefore(node.items, (x) => x.offset, offset);
      if (i < 0) return undefined;
      path.push(i);
      node = node.items[i];
    }
  }
  if (node?.type !== 'string' || (file.text[node.offset] !== '|' && file.text[node.offset] !== '>')) return undefined;
  const indicatorLineStart = lineStartAt(file.text, node.offset);
  const indicatorLineEnd = file.text.indexOf('\n', node.offset);
  if (indicatorLineEnd < 0 || offset <= indicatorLineEnd) return undefined;
  // Every line from the one after the indicator to the cursor's is blank or indented past the key's line.
  const keyIndent = leadingSpaces(file.text.slice(indicatorLineStart, indicatorLineEnd));
  const cursorLineStart = lineStartAt(file.text, offset);
  for (let at = indicatorLineEnd + 1; at <= cursorLineStart;) {
    const end = file.text.indexOf('\n', at);
    const line = file.text.slice(at, end < 0 ? file.text.length : end);
    const inside = leadingSpaces(line) > keyIndent || (at !== cursorLineStart && !line.trim());
    if (!inside) return undefined;
    if (end < 0) break;
    at = end + 1;
  }
  return { node, path };
}

function leadingSpaces(line: string): number {
  return line.length - line.replace(/^[ \t]*/, '').length;
}

function lastBefore<T>(xs: T[], start: (x: T) => number, offset: number): T | undefined {
  const i = lastIndexBefore(xs, start, offset);
  return i < 0 ? undefined : xs[i];
}

/** Index of the last of `xs` (in text order) that starts at or before `offset`, by binary search. */
function lastIndexBefore<T>(xs: T[], start: (x: T) => number, offset: number): number {
  let lo = 0, hi = xs.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (start(xs[mid]) <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}
