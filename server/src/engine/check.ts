import type { Diagnostic, Range } from 'vscode-languageserver-types';
import type { ParsedFile } from '../model/document';
import type { Workspace } from '../model/workspace';
import type { Overrides } from '../rules/codes';
import { byFile, byPosition, settle, type Settled } from './oneFinding';
import { FILE_RULES, WORKSPACE_RULES } from '../rules';
import type { Finding, Report } from '../rules/types';

export type { Overrides };

/** The findings of a file's previous version, and whether that version parsed (so every rule ran on it). */
export interface PreviousCheck { findings: Finding[]; parsed: boolean }

/**
 * Findings of the single-file rules for one file. A rule that throws is reported, never fatal.
 * With the previous version's findings, a version that re-parsed only some list items (ParsedFile.edit)
 * is re-checked only there: the other findings are moved through the edit, the same as a whole check.
 */
export function checkFile(file: ParsedFile, previous?: PreviousCheck): Finding[] {
  return drain(checkFileSteps(file, previous));
}

/**
 * `checkFile` one rule at a time: the generator pauses after each rule, so the server can yield to newer
 * edits between rules and drop a check they made stale (features/diagnostics.ts). Returns the findings.
 */
export function* checkFileSteps(file: ParsedFile, previous?: PreviousCheck): Generator<void, Finding[]> {
  const incremental = previous && file.edit && previous.parsed && !file.problems.length ? checkEdited(file, file.edit, previous.findings) : undefined;
  return incremental ?? (yield* checkWhole(file));
}

function checkEdited(file: ParsedFile, edit: NonNullable<ParsedFile['edit']>, before: Finding[]): Finding[] | undefined {
  const rules = FILE_RULES.filter((r) => r.kinds.includes(file.kind));
  if (edit.wholeCheck || rules.some((r) => !r.checkPath)) return undefined;
  const { regionStart, checkOldEnd, delta, prevLines } = edit;
  const move = (range: Range): Range | undefined => {
    const s = prevLines.offsetAt(range.start), e = prevLines.offsetAt(range.end);
    if (e <= regionStart && !(s === e && s === regionStart)) return file.range(s, e - s);
    if (s >= checkOldEnd) return file.range(s + delta, e - s);
    return undefined; // inside the re-parsed items: checked again below
  };
  const out: Finding[] = [];
  for (const f of before) {
    const range = move(f.range);
    if (!range) continue;
    const related = f.related?.map((r) => (r.uri === file.uri ? { ...r, range: move(r.range) ?? r.range } : r));
    out.push({ ...f, range, ...(related ? { related } : {}) });
  }
  const report: Report = (f) => out.push({ ...f, uri: f.uri ?? file.uri });
  for (const path of edit.items) for (const rule of rules) runSafely(() => rule.checkPath!(file, path, report));
  return out;
}

function* checkWhole(file: ParsedFile): Generator<void, Finding[]> {
  const out: Finding[] = [];
  const report: Report = (f) => out.push({ ...f, uri: f.uri ?? file.uri });
  const parses = file.problems.length === 0 && !file.tooLarge;
  for (const rule of FILE_RULES) {
    if (!rule.kinds.includes(file.kind)) continue;
    if (!parses && rule !== FILE_RULES[0]) break; // a broken file gets only its syntax errors
    runSafely(() => rule.check(file, report));
    yield;
  }
  return out;
}

/** Findings of the cross-file rules, grouped by the file they are reported on. */
export function checkWorkspace(ws: Workspace): Map<string, Finding[]> {
  return drain(checkWorkspaceSteps(ws));
}

/** `checkWorkspace` one rule at a time, like `checkFileSteps`. */
export function* checkWorkspaceSteps(ws: Workspace): Generator<void, Map<string, Finding[]>> {
  const out = new Map<string, Finding[]>();
  const report: Report = (f) => {
    if (!f.uri) return;
    const list = out.get(f.uri) ?? [];
    list.push(f as Finding);
    out.set(f.uri, list);
  };
  // A file that does not parse is unknown: the rules that read its kind wait until it does.
  const unknown = new Set(ws.all().filter(unreadable).map((f) => f.kind));
  for (const rule of WORKSPACE_RULES) {
    if (rule.reads.some((k) => unknown.has(k))) continue;
    runSafely(() => rule.check(ws, report));
    yield;
  }
  return out;
}

/** A file the cross-file rules cannot read: over the size limit, not parsed, or not a mapping of fields. */
export function unreadable(file: ParsedFile): boolean {
  return file.tooLarge || file.problems.length > 0 || file.rootType !== 'object';
}

/** Lets each cross-file rule build ahead what the next edit would need (WorkspaceRule.prepareForEdits). */
export function prepareForEdits(ws: Workspace): void {
  for (const rule of WORKSPACE_RULES) if (rule.prepareForEdits) runSafely(() => rule.prepareForEdits!(ws));
}

export function drain<T>(steps: Generator<void, T>): T {
  for (;;) { const step = steps.next(); if (step.done) return step.value; }
}

function runSafely(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    // A rule bug must not take the whole check down; it shows up in the server log.
    console.error(`ecmkit: a rule failed: ${(err as Error).stack ?? err}`);
  }
}

/**
 * Findings as LSP diagnostics: overrides applied (`off` drops the finding) and the one-finding policy
 * (engine/oneFinding.ts), in position order. For findings of one file; `diagnoseWorkspace` for all.
 */
export function toDiagnostics(findings: Finding[], overrides: Overrides = {}): Diagnostic[] {
  return [...byFile(settle(findings, overrides)).values()].flat().sort(byPosition);
}

/** Every finding of the workspace, settled: what `ecmkit check` prints (roots first) and the server publishes. */
export function settleWorkspace(ws: Workspace, overrides: Overrides = {}): Settled[] {
  const cross = checkWorkspace(ws);
  const all: Finding[] = [];
  for (const file of ws.all()) all.push(...checkFile(file), ...(cross.get(file.uri) ?? []));
  return settle(all, overrides);
}

/** Every diagnostic of every file of the workspace (files with none included, with an empty list). */
export function diagnoseWorkspace(ws: Workspace, overrides: Overrides = {}): Map<string, Diagnostic[]> {
  const settled = byFile(settleWorkspace(ws, overrides));
  return new Map(ws.all().map((f) => [f.uri, settled.get(f.uri) ?? []]));
}

export { orderForReport, settle, type Settled } from './oneFinding';
