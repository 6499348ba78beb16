// "ecmkit: Test Vault Connectivity": runs `ecmkit vault-test` for an ECM file (the active editor's, the
// code lens's, or a pick) in a child process, walks its stages in a progress notification, then shows
// the report in a panel and in the "ecmkit" log. A code lens "Test connectivity" sits above vault.hostname.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { requireTrust } from '../trust';
import { onDidChangeSandbox, runningSandbox } from './sandbox';
import { answerSecrets, forkCli, pipeLines, type ChildMessage, type Report } from './vaultProcess';
import { reportHtml } from './vaultReport';
import { reportSummary as summary, stageLine } from '../../../protocol/vaultReport';
import { VaultHostnameRequest } from '../../../protocol/lsp';

export const COMMAND = 'ecmkit.testVaultConnectivity';
/** Set once a Vault test passed in this window: the walkthrough's "Test the Vault connection" step completes on it. */
export const PASSED_CONTEXT = 'ecmkit.vaultTestPassed';
const ECM_FILE = /\.ecm\.(ya?ml|json)$/i;
const STAGE_COUNT = 7;

export interface TestOptions { target?: 'file' | 'sandbox'; timeoutMs?: number }

export function register(ctx: vscode.ExtensionContext, client: LanguageClient, log: vscode.LogOutputChannel): void {
  let panel: vscode.WebviewPanel | undefined;
  const lenses = new HostnameLenses(client);

  const run = async (uriArg?: unknown, opts: TestOptions = {}): Promise<Report | undefined> => {
    if (!requireTrust('Test Vault Connectivity', 'reads the shared key from SecretStorage and connects to the Vault named in the file')) return undefined;
    const uri = await pickEcmFile(uriArg);
    if (!uri) return undefined;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty) await doc.save(); // the test reads the file from disk

    const sandbox = runningSandbox();
    let target = opts.target;
    if (!target && sandbox) {
      // The sandbox first: it runs, so it is what this window is set up to test (the real one may be unreachable here).
      const pick = await vscode.window.showQuickPick(
        [
          { label: '$(vm-running) The sandbox Vault', description: sandbox.url, target: 'sandbox' as const },
          { label: '$(cloud) The Vault in vault.hostname', description: 'as the ECM would', target: 'file' as const },
        ],
        { title: 'ecmkit: test which Vault?' },
      );
      if (!pick) return undefined;
      target = pick.target;
    }
    if (target === 'sandbox' && !sandbox) {
      void vscode.window.showWarningMessage('ecmkit: the sandbox Vault is not running. Run "ecmkit: Start Sandbox Vault" first.');
      return undefined;
    }

    const cfg = vscode.workspace.getConfiguration('ecmkit.vault', uri);
    const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath);
    const args = ['vault-test', uri.fsPath, '--format', 'json', '--timeout', String(opts.timeoutMs ?? cfg.get<number>('timeoutMs', 10000))];
    if (vscode.workspace.getWorkspaceFolder(uri)) args.push('--workspace', folder);
    if (target === 'sandbox') args.push('--vault', sandbox!.url, '--ca', sandbox!.caPath);
    else {
      const caFile = cfg.get<string>('caFile', '').trim();
      if (caFile) args.push('--ca', path.isAbsolute(caFile) ? caFile : path.join(folder, caFile));
    }
    const user = cfg.get<string>('runAs', '').trim();
    if (user) args.push('--user', user);

    const rel = vscode.workspace.asRelativePath(uri);
    log.info(`vault test of ${rel}${target === 'sandbox' ? ` against the sandbox ${sandbox!.url}` : ''}`);
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `ecmkit: Testing Vault connectivity (${path.basename(uri.fsPath)})`, cancellable: true },
      (progress, token) => new Promise<Report | undefined>((resolve) => {
        const child = forkCli(ctx, args, folder);
        const stderr: string[] = [];
        pipeLines(child.stderr, (l) => stderr.push(l));
        child.stdout?.resume(); // the JSON on stdout is for scripts; the editor takes the IPC report
        let result: Report | undefined;
        token.onCancellationRequested(() => child.kill());
        child.on('message', (m: ChildMessage) => {
          if (m.ecmkit === 'secrets?') void answerSecrets(ctx, child, m.requests, log);
          else if (m.ecmkit === 'stage-start') progress.report({ message: `${m.stage}…` });
          else if (m.ecmkit === 'stage') {
            progress.report({ increment: 100 / STAGE_COUNT, message: `${m.result.stage} ${m.result.ok ? (m.result.warning ? 'passed with a warning' : 'passed') : 'FAILED'}` });
            log.info(stageLine(m.result));
          } else if (m.ecmkit === 'report') result = m.report;
        });
        child.once('exit', (code) => {
          if (!result && !token.isCancellationRequested) {
            const why = stderr.join(' ').replace(/^ecmkit vault-test: /, '') || `exit code ${code}`;
            log.error(`vault test did not run: ${why}`);
            void vscode.window.showErrorMessage(`ecmkit: the Vault test could not run: ${why}`);
          }
          resolve(result);
        });
      }),
    );
    if (!report) return undefined;
    log.info(summary(report));
    panel = showReport(panel, report, rel, (p) => { if (panel === p) panel = undefined; });
    const failed = report.stages.find((s) => !s.ok);
    // The walkthrough's step is done when a test passed (completionEvents onContext), not when one ran.
    if (report.ok) void vscode.commands.executeCommand('setContext', PASSED_CONTEXT, true);
    if (report.ok) {
      const warned = report.stages.filter((s) => s.warning).map((s) => s.stage);
      void vscode.window.showInformationMessage(`ecmkit: Vault connectivity OK — all ${report.stages.length} stages passed in ${report.totalMs} ms${warned.length ? ` (warnings: ${warned.join(', ')})` : ''}.`);
    } else {
      void vscode.window.showWarningMessage(`ecmkit: Vault connectivity failed at ${failed?.stage}: ${failed?.detail}`, 'Show Log').then((x) => { if (x) log.show(true); });
    }
    return report;
  };

  ctx.subscriptions.push(
    vscode.commands.registerCommand(COMMAND, run),
    vscode.languages.registerCodeLensProvider([{ scheme: 'file', pattern: '**/*.ecm.{yaml,yml,json}' }], lenses),
    onDidChangeSandbox(() => lenses.refresh()),
    lenses,
  );
}

async function pickEcmFile(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg) return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  const active = vscode.window.activeTextEditor?.document;
  if (active && ECM_FILE.test(active.fileName)) return active.uri;
  const files = await vscode.workspace.findFiles('**/*.ecm.{yaml,yml,json}', '**/node_modules/**', 50);
  if (files.length === 0) {
    void vscode.window.showWarningMessage('ecmkit: no ECM file (*.ecm.yaml) in this workspace. Create one with "ecmkit: New Configuration File…".');
    return undefined;
  }
  if (files.length === 1) return files[0];
  const pick = await vscode.window.showQuickPick(
    files.map((u) => ({ label: path.basename(u.fsPath), description: vscode.workspace.asRelativePath(path.dirname(u.fsPath)), u })),
    { title: 'ecmkit: test the Vault connection of which ECM?' },
  );
  return pick?.u;
}

/** "Test connectivity" above the ECM file's `vault.hostname`, which the language server locates. */
class HostnameLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  constructor(private readonly client: LanguageClient) {}
  readonly onDidChangeCodeLenses = this.emitter.event;
  refresh(): void { this.emitter.fire(); }
  dispose(): void { this.emitter.dispose(); }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!this.client.isRunning()) return [];
    const at = await this.client.sendRequest(VaultHostnameRequest, { uri: doc.uri.toString() }).catch(() => null);
    if (!at) return [];
    const line = at.range.start.line;
    const range = new vscode.Range(line, 0, line, 0);
    const out = [new vscode.CodeLens(range, { title: '$(plug) Test connectivity', tooltip: 'ecmkit: Test Vault Connectivity (dns, tcp, tls, http, auth, accounts, signout)', command: COMMAND, arguments: [doc.uri, { target: 'file' }] })];
    if (runningSandbox()) out.push(new vscode.CodeLens(range, { title: 'against the sandbox', tooltip: `Test against the sandbox Vault at ${runningSandbox()!.url}`, command: COMMAND, arguments: [doc.uri, { target: 'sandbox' }] }));
    return out;
  }
}

function showReport(existing: vscode.WebviewPanel | undefined, r: Report, rel: string, onClose: (p: vscode.WebviewPanel) => void): vscode.WebviewPanel {
  const panel = existing ?? vscode.window.createWebviewPanel('ecmkit.vaultTestReport', 'Vault Test', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: false });
  if (!existing) panel.onDidDispose(() => onClose(panel));
  panel.title = `Vault Test: ${r.ecmName ?? path.basename(rel)}`;
  panel.webview.html = reportHtml(r, rel);
  panel.reveal(undefined, true);
  return panel;
}
