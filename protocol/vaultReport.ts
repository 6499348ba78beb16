// The Vault connectivity report (`ecmkit vault-test`, "Test Vault Connectivity"): its shape and its words,
// one copy for the CLI, the output channel and the editor's report view (docs/cli.md#vault-test).

export type StageName = 'dns' | 'tcp' | 'tls' | 'http' | 'auth' | 'accounts' | 'signout';
export const STAGES: readonly StageName[] = ['dns', 'tcp', 'tls', 'http', 'auth', 'accounts', 'signout'];

export interface StageResult {
  stage: StageName;
  ok: boolean;
  ms: number;
  detail: string;
  hint: string;
  /** Passed, with something to fix soon (a certificate near expiry, no account to check out). */
  warning?: boolean;
}

export interface VaultTestReport {
  ok: boolean;
  /** The Vault URL tested. */
  target: string;
  runAs?: string;
  stages: StageResult[];
  totalMs: number;
  /** The ECM file's name, when the test ran for one. */
  ecmName?: string;
}

export const verdict = (s: StageResult): 'PASS' | 'WARN' | 'FAIL' => (!s.ok ? 'FAIL' : s.warning ? 'WARN' : 'PASS');
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function reportHeader(r: VaultTestReport, ecmName = r.ecmName): string {
  return `Vault connectivity test${ecmName ? ` of ${ecmName}` : ''}: ${r.target}${r.runAs ? ` as ${r.runAs}` : ''}`;
}

export function stageLine(s: StageResult): string {
  const lines = [`  ${verdict(s)}  ${s.stage.padEnd(8)} ${String(s.ms).padStart(5)} ms  ${s.detail}`];
  if (s.hint) lines.push(`  ${' '.repeat(4)}  ${' '.repeat(8)}           → ${s.hint}`);
  return lines.join('\n');
}

export function reportSummary(r: VaultTestReport): string {
  const failed = r.stages.find((s) => !s.ok);
  return r.ok
    ? `Result: PASS — ${plural(r.stages.length, 'stage')} in ${r.totalMs} ms.`
    : `Result: FAIL at ${failed?.stage ?? 'setup'} — ${plural(r.stages.length, 'stage')} run in ${r.totalMs} ms; later stages were not run.`;
}

export function formatText(r: VaultTestReport, ecmName?: string): string {
  return [reportHeader(r, ecmName), ...r.stages.map(stageLine), reportSummary(r)].join('\n') + '\n';
}

/** Exactly the contract's JSON: {"ok","stages":[{"stage","ok","ms","detail","hint"}]}. */
export function toContractJson(r: VaultTestReport): { ok: boolean; stages: { stage: string; ok: boolean; ms: number; detail: string; hint: string }[] } {
  return { ok: r.ok, stages: r.stages.map(({ stage, ok, ms, detail, hint }) => ({ stage, ok, ms, detail, hint })) };
}
