// "ecmkit: Start Sandbox Vault" / "Stop Sandbox Vault": runs `ecmkit sandbox` for a workspace folder as
// a child process (stopped with the extension, or when VS Code goes away), with a status bar item while
// it runs. Its request log goes to the "ecmkit Sandbox" output channel.
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { requireTrust } from '../trust';
import { currentBroker } from './broker';
import { onDidChangeSandbox, runningSandbox, setRunningSandbox, type RunningSandbox } from '../state/sandboxState';
import { answerSecrets, forkCli, pipeLines, type ChildMessage } from './vaultProcess';

export const START = 'ecmkit.startSandbox';
export const STOP = 'ecmkit.stopSandbox';
const MENU = 'ecmkit.sandboxMenu';

let child: ChildProcess | undefined;
export { onDidChangeSandbox, runningSandbox, type RunningSandbox };

export function register(ctx: vscode.ExtensionContext, _client: LanguageClient, log: vscode.LogOutputChannel): void {
  const out = vscode.window.createOutputChannel('ecmkit Sandbox', { log: true });
  const item = vscode.window.createStatusBarItem('ecmkit.sandbox', vscode.StatusBarAlignment.Right, 99);
  item.name = 'ecmkit sandbox Vault';
  item.command = MENU;
  const render = (state: 'starting' | 'running' | 'stopped'): void => {
    void vscode.commands.executeCommand('setContext', 'ecmkit.sandboxRunning', state !== 'stopped');
    if (state === 'stopped') { item.hide(); return; }
    item.text = state === 'starting' ? '$(loading~spin) Sandbox Vault' : `$(vm-running) Sandbox Vault :${new URL(runningSandbox()!.url).port}`;
    item.tooltip = state === 'starting' ? 'ecmkit sandbox Vault: starting' : `ecmkit sandbox Vault at ${runningSandbox()!.url}${runningSandbox()!.external ? ' (started by npm start)' : ''}\nCA: ${runningSandbox()!.caPath}\nFolder: ${runningSandbox()!.folder}\nClick for actions.`;
    item.show();
  };

  const stop = async (): Promise<void> => {
    if (runningSandbox()?.external) {
      void vscode.window.showInformationMessage('ecmkit: this sandbox Vault was started by `npm start`; it stops when you stop `npm start` (Ctrl+C).');
      return;
    }
    const c = child;
    if (!c) return;
    // The broker of this window may be using it: every find would then fail with vault-unreachable.
    const broker = currentBroker();
    if (broker && runningSandbox() && broker.proc.launch.vaultUrl === runningSandbox()!.url) {
      const go = await vscode.window.showWarningMessage(`ecmkit: the broker at ${broker.proc.info?.url ?? ''} uses this sandbox Vault; stopping it leaves the broker without a Vault.`, { modal: true }, 'Stop Anyway');
      if (go !== 'Stop Anyway') return;
    }
    child = undefined;
    setRunningSandbox(undefined);
    render('stopped');
    if (c.exitCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    if (c.connected) c.send({ ecmkit: 'stop' });
    else c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
    out.info('sandbox stopped');
  };

  // One start at a time: a second click while one is starting joins it (else a second process runs untracked).
  let pendingStart: Promise<RunningSandbox | undefined> | undefined;
  const start = (folderArg?: unknown): Promise<RunningSandbox | undefined> => (pendingStart ??= startOnce(folderArg).finally(() => { pendingStart = undefined; }));

  const startOnce = async (folderArg?: unknown): Promise<RunningSandbox | undefined> => {
    if (!requireTrust('Start Sandbox Vault', 'starts a local server that reads the workspace\'s secrets')) return undefined;
    if (runningSandbox()) {
      void vscode.window.showInformationMessage(`ecmkit: the sandbox Vault is already running at ${runningSandbox()!.url}.`);
      return runningSandbox();
    }
    const folder = await pickFolder(folderArg);
    if (!folder) return undefined;
    render('starting');
    out.info(`starting the sandbox Vault for ${folder}`);
    const c = forkCli(ctx, ['sandbox', '--workspace', folder, '--port', '0'], folder);
    child = c;
    const stderr: string[] = [];
    pipeLines(c.stderr, (l) => { stderr.push(l); if (stderr.length > 20) stderr.shift(); out.info(l.replace(/^sandbox: /, '')); });
    pipeLines(c.stdout, (l) => out.info(l));
    const result = await new Promise<RunningSandbox | undefined>((resolve) => {
      c.on('message', (m: ChildMessage) => {
        if (m.ecmkit === 'secrets?') void answerSecrets(ctx, c, m.requests, log, true);
        if (m.ecmkit === 'listening') resolve({ url: m.url, caPath: m.caPath, folder });
      });
      c.once('exit', (code) => {
        resolve(undefined);
        if (child === c) {
          child = undefined;
          setRunningSandbox(undefined);
          render('stopped');
          if (code) {
            const why = stderr.filter((l) => !l.startsWith('sandbox: ') || l.includes('warning')).pop() ?? `exit code ${code}`;
            void vscode.window.showErrorMessage(`ecmkit: the sandbox Vault stopped: ${why.replace(/^ecmkit sandbox: /, '')}`, 'Show Sandbox Log').then((x) => { if (x) out.show(true); });
          }
        }
      });
    });
    if (!result || child !== c) return undefined;
    setRunningSandbox(result);
    render('running');
    out.info(`sandbox Vault listening on ${result.url} (CA ${result.caPath})`);
    void vscode.window.showInformationMessage(`ecmkit: sandbox Vault running at ${result.url}.`, 'Test Vault Connectivity').then((x) => {
      if (x) void vscode.commands.executeCommand('ecmkit.testVaultConnectivity', undefined, { target: 'sandbox' });
    });
    return result;
  };

  const menu = async (): Promise<void> => {
    const running = runningSandbox();
    if (!running) return;
    const items: (vscode.QuickPickItem & { run: () => unknown })[] = [
      { label: '$(plug) Test Vault Connectivity against the sandbox', run: () => vscode.commands.executeCommand('ecmkit.testVaultConnectivity', undefined, { target: 'sandbox' }) },
      { label: '$(copy) Copy URL', description: running.url, run: () => vscode.env.clipboard.writeText(runningSandbox()!.url) },
      { label: '$(copy) Copy CA file path', description: running.caPath, run: () => vscode.env.clipboard.writeText(runningSandbox()!.caPath) },
      { label: '$(output) Show Sandbox Log', run: () => out.show(true) },
      { label: '$(debug-stop) Stop Sandbox Vault', run: () => stop() },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: `ecmkit sandbox Vault at ${runningSandbox()!.url}` });
    await pick?.run();
  };

  // `npm start` runs a sandbox beside code-server and says where, and from which folder: adopt it (it stops
  // with npm start), so Start Broker and the Vault test use it rather than start a second one.
  const envUrl = process.env.ECMKIT_SANDBOX_URL;
  const envCa = process.env.ECMKIT_SANDBOX_CA;
  if (envUrl && envCa && /^https:\/\/127\.0\.0\.1:\d+$/.test(envUrl)) {
    const folder = process.env.ECMKIT_SANDBOX_FOLDER || vscode.workspace.workspaceFolders?.[0]?.uri.fsPath || '';
    setRunningSandbox({ url: envUrl, caPath: envCa, folder, external: true });
    render('running');
    out.info(`using the sandbox Vault started by npm start at ${envUrl}`);
  } else render('stopped');
  ctx.subscriptions.push(
    out, item,
    vscode.commands.registerCommand(START, start),
    vscode.commands.registerCommand(STOP, async () => {
      if (!child && !runningSandbox()) { void vscode.window.showInformationMessage('ecmkit: the sandbox Vault is not running.'); return; }
      await stop();
    }),
    vscode.commands.registerCommand(MENU, menu),
    { dispose: () => { if (child) void stop(); } },
  );
}

/** The folder whose files define the Vault: the argument, the only folder, or the user's pick. */
async function pickFolder(arg: unknown): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'string') return arg;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showWarningMessage('ecmkit: open a folder with a *.vault.yaml and an *.integration.yaml to start the sandbox Vault.');
    return undefined;
  }
  const vaultFiles = await vscode.workspace.findFiles('**/*.vault.{yaml,yml,json}', '**/node_modules/**', 20);
  const withVault = folders.filter((f) => vaultFiles.some((u) => u.fsPath.startsWith(f.uri.fsPath + path.sep)));
  const candidates = withVault.length ? withVault : folders;
  if (candidates.length === 1) return candidates[0].uri.fsPath;
  const pick = await vscode.window.showQuickPick(candidates.map((f) => ({ label: f.name, description: f.uri.fsPath, f })), { title: 'ecmkit: serve the sandbox Vault from which folder?' });
  return pick?.f.uri.fsPath;
}
