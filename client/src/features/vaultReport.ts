// The Vault test report for the editor, as pure functions (no vscode import, so unit tests can load them):
// the code-lens line finder, the log lines and the report panel's HTML (everything escaped; no scripts).
import type { Report, StageResult } from './vaultProcess';

export function hostnameLine(text: string, json: boolean): number | undefined {
  const lines = text.split(/\r?\n/);
  if (json) {
    const start = text.search(/"vault"\s*:\s*\{/);
    if (start < 0) return undefined;
    const rel = text.slice(start).search(/"hostname"\s*:/);
    return rel < 0 ? undefined : text.slice(0, start + rel).split(/\r?\n/).length - 1;
  }
  let inVault = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^vault\s*:/.test(l)) { inVault = true; continue; }
    if (inVault && /^\S/.test(l) && !/^#/.test(l)) inVault = false;
    if (inVault && /^\s+hostname\s*:/.test(l)) return i;
  }
  return undefined;
}

export function stageLine(s: StageResult): string {
  return `  ${!s.ok ? 'FAIL' : s.warning ? 'WARN' : 'PASS'}  ${s.stage.padEnd(8)} ${String(s.ms).padStart(5)} ms  ${s.detail}${s.hint ? `\n${' '.repeat(26)}→ ${s.hint}` : ''}`;
}

export function summary(r: Report): string {
  const failed = r.stages.find((s) => !s.ok);
  return r.ok ? `Result: PASS — ${r.stages.length} stages in ${r.totalMs} ms.` : `Result: FAIL at ${failed?.stage ?? 'setup'} — ${r.stages.length} stages run in ${r.totalMs} ms; later stages were not run.`;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function reportHtml(r: Report, rel: string): string {
  const rows = r.stages.map((s) => {
    const cls = !s.ok ? 'fail' : s.warning ? 'warn' : 'pass';
    const word = !s.ok ? 'FAIL' : s.warning ? 'WARN' : 'PASS';
    return `<tr class="${cls}" data-stage="${esc(s.stage)}"><td class="st">${word}</td><td><b>${esc(s.stage)}</b></td><td class="ms">${s.ms} ms</td><td>${esc(s.detail)}${s.hint ? `<div class="hint">→ ${esc(s.hint)}</div>` : ''}</td></tr>`;
  }).join('');
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>
body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:0 1em}
table{border-collapse:collapse;width:100%}td{padding:.4em .6em;vertical-align:top;border-bottom:1px solid var(--vscode-panel-border)}
.st{font-weight:bold}.pass .st{color:var(--vscode-testing-iconPassed)}.fail .st{color:var(--vscode-testing-iconFailed)}.warn .st{color:var(--vscode-editorWarning-foreground)}
.ms{white-space:nowrap;text-align:right}.hint{margin-top:.3em;color:var(--vscode-descriptionForeground)}
.verdict{font-size:1.2em;font-weight:bold}
</style></head><body>
<h2>Vault connectivity: ${esc(r.ecmName ?? rel)}</h2>
<p>${esc(r.target)}${r.runAs ? ` as <b>${esc(r.runAs)}</b>` : ''} — from <code>${esc(rel)}</code></p>
<p class="verdict" id="verdict">${r.ok ? `PASS — all ${r.stages.length} stages passed in ${r.totalMs} ms` : esc(summary(r))}</p>
<table>${rows}</table>
</body></html>`;
}
