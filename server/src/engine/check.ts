import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver-types';
import type { ParsedFile } from '../model/document';
import type { Workspace } from '../model/workspace';
import { RULES, type RuleCode, type Severity, type SeveritySetting } from '../rules/codes';
import { FILE_RULES, WORKSPACE_RULES } from '../rules';
import type { Finding, Report } from '../rules/types';

export type Overrides = Partial<Record<RuleCode, SeveritySetting>>;

const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

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
  for (const rule of WORKSPACE_RULES) { runSafely(() => rule.check(ws, report)); yield; }
  return out;
}

/** Runs a check's steps to the end at once. */
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

/** Turns findings into LSP diagnostics, applying `ecmkit.rules` overrides (`off` drops the finding). */
export function toDiagnostics(findings: Finding[], overrides: Overrides = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const f of findings) {
    const sev = overrides[f.code] ?? RULES[f.code].severity;
    if (sev === 'off') continue;
    const d: Diagnostic = { range: f.range, severity: LSP_SEVERITY[sev], code: f.code, source: 'ecmkit', message: f.message };
    if (f.related?.length) d.relatedInformation = f.related.map((r) => ({ location: { uri: r.uri, range: r.range }, message: r.message }));
    if (f.data) d.data = f.data;
    out.push(d);
  }
  // Ties broken by every field, so the order never depends on how the findings were gathered.
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character
    || a.range.end.line - b.range.end.line || a.range.end.character - b.range.end.character
    || String(a.code).localeCompare(String(b.code)) || String(a.message).localeCompare(String(b.message)));
}

/** Every diagnostic of every file of the workspace: what `ecmkit check` prints and the server publishes. */
export function diagnoseWorkspace(ws: Workspace, overrides: Overrides = {}): Map<string, Diagnostic[]> {
  const cross = checkWorkspace(ws);
  const out = new Map<string, Diagnostic[]>();
  for (const file of ws.all()) out.set(file.uri, toDiagnostics([...checkFile(file), ...(cross.get(file.uri) ?? [])], overrides));
  return out;
}

/** A diagnostic ready to report, and whether it is a root (it explains others, counted in its message). */
export interface Settled { uri: string; diagnostic: Diagnostic; root: boolean }

/** The workspace's findings as reported (baseline: every finding on its own). */
export function settle(findings: Finding[], overrides: Overrides = {}, _ws?: Workspace): Settled[] {
  const byUri = new Map<string, Finding[]>();
  for (const f of findings) { const l = byUri.get(f.uri) ?? []; l.push(f); byUri.set(f.uri, l); }
  const out: Settled[] = [];
  for (const [uri, list] of byUri) for (const d of toDiagnostics(list, overrides)) out.push({ uri, diagnostic: d, root: false });
  return out;
}

/** Roots first, then by file and position: the order the CLI prints. */
export function orderForReport(s: Settled[]): Settled[] {
  return [...s].sort((a, b) => Number(b.root) - Number(a.root) || a.uri.localeCompare(b.uri)
    || a.diagnostic.range.start.line - b.diagnostic.range.start.line || a.diagnostic.range.start.character - b.diagnostic.range.start.character);
}
