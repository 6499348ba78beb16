// The Simulate Credential Request view as HTML: who asked for what, the credentials the ECM returns, and
// every trace step with a link to the file and line it depends on. Pure (no VS Code API), escaped, and
// under a strict CSP: the one script only posts "open this file at this range" back to the extension.
import type { FindAnswer } from './api';
import { STEP_MARK } from '../../../protocol/broker';
import { detailPieces } from '../../../protocol/trace';

export interface SimulationMeta {
  user: string;
  securityProvider: string;
  endpoint: string;
  /** "broker" (the Vault answered) or "files" (resolved from the workspace files only). */
  via: 'broker' | 'files';
  /** e.g. "broker at http://127.0.0.1:PORT (sandbox Vault)". */
  viaDetail: string;
  /** Said above the answer when it may differ from what the editor shows (e.g. unsaved changes not used). */
  notice?: string;
  /** Workspace-relative file names for links. */
  label(uri: string): string;
}

const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);


/** A detail with its `code` pieces (a mapping line, a file's text) as code, never as literal backticks. */
const detailHtml = (d: string): string => detailPieces(d).map((p) => (p.code ? `<code>${esc(p.text)}</code>` : esc(p.text))).join('');

/** Who the ECM signs in as; a refused request stopped before that was known, which is not a missing identity. */
function runAsLine(a: FindAnswer): string {
  if (a.runAs) return `Runs as <b>${esc(a.runAs)}</b>`;
  const stoppedAt = a.error && a.trace.find((t) => t.outcome === 'fail' && t.step !== 'result');
  return stoppedAt ? `Stopped at the <b>${esc(stoppedAt.step)}</b> step, before a run-as identity` : 'No run-as identity';
}

export function renderSimulation(a: FindAnswer, m: SimulationMeta, nonce: string, cspSource: string): string {
  const creds = a.credentials.length
    ? `<table class="creds"><thead><tr><th>Credential</th><th>Username</th><th>Type</th><th>Available</th></tr></thead><tbody>${a.credentials
      .map((c) => `<tr><td class="name">${esc(c.name)}</td><td>${esc(c.username)}</td><td>${esc(c.type)}</td><td>${c.available ? 'yes' : 'no (checked out)'}</td></tr>`)
      .join('')}</tbody></table>`
    : `<p class="none">No credentials: the access console would show none. The trace below says why.</p>`;
  const error = a.error ? `<p class="error"><b>${esc(a.error.code)}</b>: ${detailHtml(a.error.message)}</p>` : '';
  const steps = a.trace.map((s) => {
    const link = s.source
      ? ` <a href="#" class="src" data-uri="${esc(s.source.uri)}" data-range="${esc(JSON.stringify(s.source.range))}" title="Open ${esc(m.label(s.source.uri))} at line ${s.source.range.start.line + 1}">${esc(m.label(s.source.uri))}:${s.source.range.start.line + 1}</a>`
      : '';
    return `<li class="${s.outcome}"><span class="mark" aria-label="${s.outcome}">${STEP_MARK[s.outcome]}</span> <span class="step">${esc(s.step)}${s.credential ? ` <b>${esc(s.credential)}</b>` : ''}</span>${link}<div class="detail">${detailHtml(s.detail)}</div></li>`;
  }).join('');
  const counts = ['pass', 'drop', 'fail'].map((o) => `${a.trace.filter((t) => t.outcome === o).length} ${o}`).join(' · ');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Simulate: ${esc(m.user)} → ${esc(m.endpoint)}</title>
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1.2em 2em; line-height: 1.45; }
  h1 { font-size: 1.3em; margin-bottom: .2em; } .sub { color: var(--vscode-descriptionForeground); margin-top: 0; }
  table.creds { border-collapse: collapse; margin: .6em 0 1.2em; } .creds th, .creds td { border: 1px solid var(--vscode-panel-border, #8884); padding: .25em .7em; text-align: left; }
  .creds td.name { font-weight: 600; }
  ol.trace { list-style: none; padding: 0; } ol.trace li { padding: .35em .5em; border-left: 3px solid transparent; margin: .15em 0; }
  li.pass { border-color: var(--vscode-testing-iconPassed, #3a3); } li.drop { border-color: var(--vscode-editorWarning-foreground, #c90); } li.fail { border-color: var(--vscode-errorForeground, #d33); }
  .mark { display: inline-block; width: 1.1em; font-weight: 700; } li.pass .mark { color: var(--vscode-testing-iconPassed, #3a3); } li.drop .mark { color: var(--vscode-editorWarning-foreground, #c90); } li.fail .mark { color: var(--vscode-errorForeground, #d33); }
  .step { font-family: var(--vscode-editor-font-family); } .detail { margin-left: 1.5em; } a.src { margin-left: .6em; font-size: .9em; }
  code { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background, #8882); padding: 0 .25em; border-radius: 3px; }
  .error { color: var(--vscode-errorForeground); } .none { font-style: italic; }
  .notice { border-left: 3px solid var(--vscode-editorWarning-foreground, #c90); padding: .3em .6em; background: var(--vscode-inputValidation-warningBackground, #c902); }
</style></head>
<body>
<h1>${esc(m.user)} <span class="sub">(${esc(m.securityProvider)})</span> → ${esc(m.endpoint)}</h1>
<p class="sub">${runAsLine(a)}${a.ecm ? ` · served by ECM <b>${esc(a.ecm)}</b>` : ''} · ${m.via === 'broker' ? 'answered by the ' : 'resolved from the '}${esc(m.viaDetail)}</p>
${m.notice ? `<p class="notice">${esc(m.notice)}</p>` : ''}
${error}
<h2>Credentials returned (${a.credentials.length})</h2>
${creds}
<h2>Trace <span class="sub">(${counts})</span></h2>
<ol class="trace">${steps}</ol>
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  for (const a of document.querySelectorAll('a.src')) {
    a.addEventListener('click', (e) => { e.preventDefault(); vscode.postMessage({ type: 'open', uri: a.dataset.uri, range: JSON.parse(a.dataset.range) }); });
  }
</script>
</body></html>`;
}
