import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
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

/** Findings of the single-file rules for one file. A rule that throws is reported, never fatal. */
export function checkFile(file: ParsedFile): Finding[] {
  const out: Finding[] = [];
  const report: Report = (f) => out.push({ ...f, uri: f.uri ?? file.uri });
  const parses = file.problems.length === 0 && !file.tooLarge;
  for (const rule of FILE_RULES) {
    if (!rule.kinds.includes(file.kind)) continue;
    if (!parses && rule !== FILE_RULES[0]) break; // a broken file gets only its syntax errors
    runSafely(() => rule.check(file, report));
  }
  return out;
}

/** Findings of the cross-file rules, grouped by the file they are reported on. */
export function checkWorkspace(ws: Workspace): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  const report: Report = (f) => {
    if (!f.uri) return;
    const list = out.get(f.uri) ?? [];
    list.push(f as Finding);
    out.set(f.uri, list);
  };
  for (const rule of WORKSPACE_RULES) runSafely(() => rule.check(ws, report));
  return out;
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
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** Every diagnostic of every file of the workspace: what `ecmkit check` prints and the server publishes. */
export function diagnoseWorkspace(ws: Workspace, overrides: Overrides = {}): Map<string, Diagnostic[]> {
  const cross = checkWorkspace(ws);
  const out = new Map<string, Diagnostic[]>();
  for (const file of ws.all()) out.set(file.uri, toDiagnostics([...checkFile(file), ...(cross.get(file.uri) ?? [])], overrides));
  return out;
}
