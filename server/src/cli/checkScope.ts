/**
 * What `ecmkit check PATH…` reads and reports (docs/cli.md#ecmkit-check): the cross-file rules need the
 * other kinds of file, so a file or sub-folder is checked in the context of its workspace — the nearest
 * folder above it that holds the kinds it lacks (or `--workspace DIR`) — and only what was asked is reported.
 * When no context is found, the caller says which cross-file checks could not run.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { classify, FILE_KINDS, type FileKind } from '../model/fileKind';
import { findFiles } from '../model/workspace';
import { isWithin } from '../model/platformPaths';
import { WORKSPACE_RULES } from '../rules';
import type { RuleCode } from '../rules/codes';

export interface CheckScope {
  /** What to load: the asked paths and the context folder. */
  load: string[];
  /** The folder the asked paths were checked in, when it is not just what was asked. */
  context?: string;
  /** Whether a file (absolute path) was asked for: only those are reported. */
  asked(file: string): boolean;
}

export async function checkScope(asked: string[], workspace: string | undefined, cwd: string): Promise<CheckScope> {
  const isAsked = (file: string): boolean => asked.some((a) => isWithin(file, a));
  if (workspace) return { load: [workspace, ...asked], context: workspace, asked: isAsked };
  const kinds = kindsIn(await findFiles(asked).catch(() => []));
  if (FILE_KINDS.every((k) => kinds.has(k))) return { load: asked, asked: isAsked };
  // Up from the first asked path, no higher than the repository (a `.git` folder) or the current folder.
  const start = asked[0];
  let dir = existsSync(start) && statSync(start).isDirectory() ? start : path.dirname(start);
  const stop = ceiling(dir, cwd);
  for (;;) {
    const around = kindsNear(dir);
    if ([...around].some((k) => !kinds.has(k))) return { load: [dir, ...asked], context: dir, asked: isAsked };
    if (dir === stop) break;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return { load: asked, asked: isAsked };
}

/**
 * The highest folder the search may reach: the repository root above `dir` (a `.git` folder); outside a
 * repository, `dir`'s parent at most — never the home folder, the temporary folder or the filesystem root,
 * where unrelated files lie.
 */
function ceiling(dir: string, _cwd: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) break;
  }
  const parent = path.dirname(dir);
  const never = new Set([path.parse(dir).root, os.homedir(), os.tmpdir()].map((p) => path.resolve(p)));
  return never.has(path.resolve(parent)) || parent === dir ? dir : parent;
}

/**
 * The kinds of file in a folder and its sub-folders two levels down, at most SCAN_LIMIT entries: enough for
 * a workspace's layout, and never a walk of a whole home or temporary folder on the way up.
 */
function kindsNear(dir: string, depth = 2, budget = { left: SCAN_LIMIT }): Set<FileKind> {
  const out = new Set<FileKind>();
  let entries: import('node:fs').Dirent[] = [];
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    if (--budget.left < 0) break;
    if (e.isFile()) { const k = classify(e.name)?.kind; if (k) out.add(k); }
    else if (e.isDirectory() && depth > 0 && e.name !== 'node_modules' && !e.name.startsWith('.')) for (const k of kindsNear(path.join(dir, e.name), depth - 1, budget)) out.add(k);
  }
  return out;
}
const SCAN_LIMIT = 5000;

function kindsIn(files: string[]): Set<FileKind> {
  return new Set(files.map((f) => classify(f)?.kind).filter((k): k is FileKind => !!k));
}

/** The cross-file checks that cannot run without these kinds of file. */
export function checksNeeding(missing: FileKind[]): RuleCode[] {
  const out = new Set<RuleCode>();
  for (const r of WORKSPACE_RULES) if (r.reads.some((k) => missing.includes(k))) for (const c of r.codes) out.add(c);
  return [...out];
}
