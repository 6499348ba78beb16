/** Small shared pieces of the cross-file rules: where a node is, and how related information reads. */
import type { Range } from 'vscode-languageserver-types';
import type { ParsedFile } from '../model/document';
import type { JsonPath } from '../model/tree';
import type { Occurrence } from '../domain/names';
import type { Related } from './types';

export function occRange(o: Occurrence): Range {
  return o.file.range(o.offset, o.length);
}

/** Related information at the value at `path` (or its key, or the nearest ancestor that exists). */
export function relatedAt(file: ParsedFile, path: JsonPath, message: string, prefer: 'value' | 'key' = 'value'): Related {
  return { uri: file.uri, range: file.rangeAt(path, prefer), message };
}

export function relatedOcc(o: Occurrence, message: string): Related {
  return { uri: o.file.uri, range: occRange(o), message };
}

/** Whether the value at `path` is present in the file. */
export function has(file: ParsedFile, path: JsonPath): boolean {
  const { node, depth } = file.at(path);
  return depth === path.length && !!node;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v : undefined;
}

/** `a`, `a and b`, `a, b and 2 more`: names in a message, never a wall of text. */
export function names(items: string[], max = 3): string {
  // A name from a file that does not parse can run over many lines (an unclosed quote): one short line each.
  const q = items.map((s) => { const one = s.replace(/\s+/g, ' '); return `\`${one.length > 60 ? `${one.slice(0, 59)}…` : one}\``; });
  if (q.length <= 1) return q.join('');
  if (q.length <= max) return `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
  return `${q.slice(0, max).join(', ')} and ${q.length - max} more`;
}

/** Items by key, in their order; items without a key are left out. */
export function groupBy<T>(items: T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined || k === '') continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** At most this many related entries per diagnostic: enough to navigate, not a dump of a large inventory. */
export const MAX_RELATED = 10;

/** Each object item of a list with its position in the file's own list (non-object items are skipped, not renumbered). */
export function eachItem<T>(v: unknown, visit: (item: T, index: number) => void): void {
  if (!Array.isArray(v)) return;
  for (let i = 0; i < v.length; i++) if (v[i] && typeof v[i] === 'object' && !Array.isArray(v[i])) visit(v[i] as T, i);
}
