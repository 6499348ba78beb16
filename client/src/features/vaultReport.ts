// The Vault test report panel's HTML, as a pure function (no vscode import, so unit tests can load it):
// everything escaped, no scripts. The words come from protocol/vaultReport.ts, as the CLI's do.
import { reportSummary, verdict, type VaultTestReport as Report } from '../../../protocol/vaultReport';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function reportHtml(r: Report, rel: string): string {
  const rows = r.stages.map((s) => {
    const word = verdict(s);
    const cls = word.toLowerCase();
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
<p class="verdict" id="verdict">${r.ok ? `PASS — all ${r.stages.length} stages passed in ${r.totalMs} ms` : esc(reportSummary(r))}</p>
<table>${rows}</table>
</body></html>`;
}
