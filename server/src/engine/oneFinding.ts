/**
 * The policy of docs/rules.md#one-mistake-one-finding, applied once to all of a workspace's findings
 * (the rules only say what explains what):
 * - a finding with a `cause` whose root is reported is not reported itself: the root says how many items
 *   it affects and links the first of them; without an explicit root, the first finding of the cause is it;
 * - at most one finding per range: the most specific code wins (SPECIFICITY below).
 * Files that do not parse are kept from the cross-file rules before they run (engine/check.ts).
 */
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { RULES, type Overrides, type RuleCode, type Severity } from '../rules/codes';
import type { Finding } from '../rules/types';

const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * On one range, the code listed first wins: what the file says is wrong (syntax, then the single-file
 * checks that name the exact fix) over what follows from it across files, over the schema's general words.
 */
const SPECIFICITY: readonly RuleCode[] = [
  'syntax', 'file/too-large',
  'mapping/syntax', 'mapping/netbios-invalid', 'mapping/duplicate',
  'integration/auth-type', 'integration/inactive', 'vault/https-required', 'secret/plaintext',
  'ecm/shared-key-mismatch', 'ecm/unknown-integration', 'ecm/vault-hostname-mismatch', 'ecm/too-many', 'ecm/dynamic-host',
  'integration/ip-not-allowed',
  'ecm/api-account-unknown', 'ecm/api-account-no-ecm', 'ecm/api-account-ip', 'jumpgroup/no-ecm',
  'mapping/unknown-provider', 'mapping/unmapped-domain',
  'endpoint/name-mismatch', 'endpoint/not-in-vault', 'ref/unknown',
  'user/not-in-vault', 'user/inactive', 'user/email-mismatch', 'user/no-checkout',
  'credential/no-endpoint', 'credential/domain-filtered',
  'schema/required', 'schema/type', 'schema/unknown-field',
];
const RANK = new Map<string, number>(SPECIFICITY.map((c, i) => [c, i]));
const rank = (code: string): number => RANK.get(code) ?? SPECIFICITY.length;

/** A finding as reported: its diagnostic, and whether it explains others (roots are listed first). */
export interface Settled {
  uri: string;
  diagnostic: Diagnostic;
  root: boolean;
  /** For a root: the files of the findings it explains (a check of one file reports a root elsewhere that explains its findings). */
  explains?: Set<string>;
}

interface Live { f: Finding; severity: Severity; message: string; related: NonNullable<Finding['related']>; root: boolean; explains?: Set<string> }

const rangeKey = (uri: string, r: Range): string => `${uri}#${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
const before = (a: Finding, b: Finding): boolean =>
  a.uri !== b.uri ? a.uri < b.uri : a.range.start.line !== b.range.start.line ? a.range.start.line < b.range.start.line : a.range.start.character < b.range.start.character;

/** Applies `ecmkit.rules` overrides, then the policy; returns what is reported. */
export function settle(findings: Finding[], overrides: Overrides = {}): Settled[] {
  // 1. Severity (an `off` finding is not reported, so it roots nothing).
  let live: Live[] = [];
  for (const f of findings) {
    const severity = overrides[f.code] ?? RULES[f.code].severity;
    if (severity === 'off') continue;
    live.push({ f, severity, message: f.message, related: f.related ? [...f.related] : [], root: false });
  }

  // 2. One finding per range: the most specific code; the roots among them stay roots.
  const byRange = new Map<string, Live>();
  const shadowed = new Set<Live>();
  for (const l of live) {
    const k = rangeKey(l.f.uri, l.f.range);
    const held = byRange.get(k);
    if (!held) { byRange.set(k, l); continue; }
    const [win, lose] = rank(l.f.code) < rank(held.f.code) ? [l, held] : [held, l];
    byRange.set(k, win);
    shadowed.add(lose);
    // The loser's role passes to the winner: a cause it rooted or a cause it belonged to.
    if (lose.f.rootOf && !win.f.rootOf) win.f = { ...win.f, rootOf: lose.f.rootOf };
    if (lose.f.cause && !win.f.cause && !win.f.rootOf) win.f = { ...win.f, cause: lose.f.cause };
  }
  if (shadowed.size) live = live.filter((l) => !shadowed.has(l));

  // 3. Causes: dependents folded into their root.
  const roots = new Map<string, Live>();
  const dependents = new Map<string, Live[]>();
  for (const l of live) {
    if (l.f.rootOf && !roots.has(l.f.rootOf)) roots.set(l.f.rootOf, l);
    else if (l.f.cause) {
      const d = dependents.get(l.f.cause.key);
      if (d) d.push(l); else dependents.set(l.f.cause.key, [l]);
    }
  }
  const gone = new Set<Live>();
  for (const [key, deps] of dependents) {
    let root = roots.get(key);
    if (!root && deps.length < 2) continue;
    deps.sort((a, b) => (before(a.f, b.f) ? -1 : before(b.f, a.f) ? 1 : 0));
    if (!root) root = deps.shift()!;
    const cause = deps[0]?.f.cause ?? root.f.cause!;
    const n = deps.length + (roots.has(key) ? 0 : 1);
    if (!deps.length) continue;
    root.root = true;
    const example = deps[0];
    root.message = `${root.message.replace(/\s*$/, '')} Affects ${n.toLocaleString('en-US')} ${cause.noun}${n === 1 ? '' : 's'}${roots.has(key) ? '' : ' in all'}, e.g. ${example.f.cause!.subject}.`;
    root.related.unshift({ uri: example.f.uri, range: example.f.range, message: `e.g. ${example.f.cause!.subject}` });
    root.explains = new Set(deps.map((d) => d.f.uri));
    for (const d of deps) {
      if (d.f.cause?.keep === 'hint') d.severity = 'hint';
      else gone.add(d);
    }
  }
  if (gone.size) live = live.filter((l) => !gone.has(l));

  return live.map((l) => ({ uri: l.f.uri, diagnostic: toDiagnostic(l), root: l.root, ...(l.explains ? { explains: l.explains } : {}) }));
}

function toDiagnostic(l: Live): Diagnostic {
  const d: Diagnostic = { range: l.f.range, severity: LSP_SEVERITY[l.severity], code: l.f.code, source: 'ecmkit', message: l.message };
  if (l.related.length) d.relatedInformation = l.related.map((r) => ({ location: { uri: r.uri, range: r.range }, message: r.message }));
  if (l.f.data) d.data = l.f.data;
  return d;
}

/** Within a file: by position, ties broken by every field, so the order never depends on how findings were gathered. */
export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character
    || a.range.end.line - b.range.end.line || a.range.end.character - b.range.end.character
    || String(a.code).localeCompare(String(b.code)) || String(a.message).localeCompare(String(b.message));
}

/** Roots first, then by file and position: the order the CLI prints. */
export function orderForReport(s: Settled[]): Settled[] {
  return [...s].sort((a, b) => Number(b.root) - Number(a.root) || (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0) || byPosition(a.diagnostic, b.diagnostic));
}

/** Settled findings grouped by file, each file's in position order (what the server publishes). */
export function byFile(s: Settled[]): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  for (const x of s) { const l = out.get(x.uri); if (l) l.push(x.diagnostic); else out.set(x.uri, [x.diagnostic]); }
  for (const l of out.values()) l.sort(byPosition);
  return out;
}
