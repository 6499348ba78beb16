/** The connectivity report as text (CLI, output channel), Markdown (editor view) and contract JSON. */
import type { ConnectivityReport, StageResult } from './connectivity';

const label = (s: StageResult): string => (!s.ok ? 'FAIL' : s.warning ? 'WARN' : 'PASS');

export function reportHeader(r: ConnectivityReport, ecmName?: string): string {
  return `Vault connectivity test${ecmName ? ` of ${ecmName}` : ''}: ${r.target}${r.runAs ? ` as ${r.runAs}` : ''}`;
}

export function stageLine(s: StageResult): string {
  const lines = [`  ${label(s)}  ${s.stage.padEnd(8)} ${String(s.ms).padStart(5)} ms  ${s.detail}`];
  if (s.hint) lines.push(`  ${' '.repeat(4)}  ${' '.repeat(8)}           → ${s.hint}`);
  return lines.join('\n');
}

export function reportSummary(r: ConnectivityReport): string {
  const failed = r.stages.find((s) => !s.ok);
  return r.ok
    ? `Result: PASS — ${r.stages.length} stages in ${r.totalMs} ms.`
    : `Result: FAIL at ${failed?.stage ?? 'setup'} — ${r.stages.length} stage${r.stages.length === 1 ? '' : 's'} run in ${r.totalMs} ms; later stages were not run.`;
}

export function formatText(r: ConnectivityReport, ecmName?: string): string {
  return [reportHeader(r, ecmName), ...r.stages.map(stageLine), reportSummary(r)].join('\n') + '\n';
}

/** Exactly the contract's JSON: {"ok","stages":[{"stage","ok","ms","detail","hint"}]}. */
export function toContractJson(r: ConnectivityReport): { ok: boolean; stages: { stage: string; ok: boolean; ms: number; detail: string; hint: string }[] } {
  return { ok: r.ok, stages: r.stages.map(({ stage, ok, ms, detail, hint }) => ({ stage, ok, ms, detail, hint })) };
}

export function formatMarkdown(r: ConnectivityReport, ecmName?: string): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const icon = (s: StageResult): string => (!s.ok ? '❌' : s.warning ? '⚠️' : '✅');
  const rows = r.stages.map((s) => `| ${icon(s)} | **${s.stage}** | ${s.ms} ms | ${esc(s.detail)} | ${esc(s.hint)} |`);
  return [
    `# ${reportHeader(r, ecmName)}`,
    '',
    `**${r.ok ? 'PASS' : 'FAIL'}** — ${reportSummary(r).replace(/^Result: (PASS|FAIL)( — )?/, '')}`,
    '',
    '| | Stage | Time | Result | What to do |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
