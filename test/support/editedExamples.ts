// The examples workspace with edits applied, for the cross-file and one-finding suites.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ParsedFile } from '../../server/src/model/document';
import { Workspace } from '../../server/src/model/workspace';
import { EXAMPLES } from './fixtures';

export const BASE: Record<string, string> = Object.fromEntries(readdirSync(EXAMPLES).map((n) => [n, readFileSync(path.join(EXAMPLES, n), 'utf8')]));

export type Edit = Record<string, ((text: string) => string) | string | null>;

/** The examples, edited: a function rewrites a file, a string replaces it, null deletes it (files named file:///ws/NAME). */
export function workspace(edits: Edit = {}): Workspace {
  const ws = new Workspace();
  const files = { ...BASE };
  for (const [name, e] of Object.entries(edits)) {
    if (e === null) delete files[name];
    else files[name] = typeof e === 'string' ? e : e(files[name] ?? '');
  }
  for (const [name, text] of Object.entries(files)) {
    const f = ParsedFile.create(`file:///ws/${name}`, text);
    if (f) ws.set(f);
  }
  return ws;
}

/** An edit that must apply: replaces the first `from` by `to`. */
export const sub = (from: string | RegExp, to: string) => (t: string): string => {
  const out = t.replace(from, to);
  assert.notEqual(out, t, `fixture edit did not apply: ${from}`);
  return out;
};
