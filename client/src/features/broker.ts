// "ecmkit: Start Broker" / "Stop Broker" / "Show Broker Log" / "Disconnect ECM…" / "Connect ECM…": runs
// `ecmkit broker` for the workspace (the sandbox Vault, a sandbox this window already runs, or the ECMs'
// configured Vault) with a status bar item (port, active ECM) that opens the broker log. The debug
// adapter (debug.ts) attaches its broker here too, so Simulate and the status bar see it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { formatEvent } from '../../../protocol/broker';
import { secretEnvName } from '../../../protocol/ipc';
import { BrokerApi } from '../broker/api';
import { BrokerProcess, type BrokerLaunch, type SecretRequest, type Stamped } from '../broker/process';
import type { BrokerLaunchArgs } from '../broker/debugSession';
import { requireTrust } from '../trust';
import { runningSandbox } from '../state/sandboxState';

export const START = 'ecmkit.startBroker';
export const STOP = 'ecmkit.stopBroker';
export const SHOW_LOG = 'ecmkit.showBrokerLog';
export const DISCONNECT_ECM = 'ecmkit.disconnectEcm';
export const CONNECT_ECM = 'ecmkit.connectEcm';

export interface RunningBroker { proc: BrokerProcess; api: BrokerApi; owner: 'command' | 'debug'; vault: string; activeEcm?: string; errors?: number }

let current: RunningBroker | undefined;
const changed = new vscode.EventEmitter<RunningBroker | undefined>();
export const onDidChangeBroker = changed.event;
let out: vscode.LogOutputChannel | undefined;
let render: (() => void) | undefined;
/** A start by command in progress (its process is not listening yet). */
let pendingStart: Promise<RunningBroker | undefined> | undefined;

/** Whether "Start Broker" is starting one right now. */
export function brokerStarting(): boolean {
  return pendingStart !== undefined;
}

/** The broker this window runs (from the command or a debug session), if any. */
export function currentBroker(): RunningBroker | undefined {
  return current;
}

/** How the editor starts `ecmkit broker`: the bundled CLI as plain Node, secrets from SecretStorage on request. */
export function brokerLaunch(ctx: vscode.ExtensionContext, a: BrokerLaunchArgs): BrokerLaunch {
  const folder = a.workspace ?? (a.ecm ? path.dirname(a.ecm) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
  const caFile = a.caFile ?? (vscode.workspace.getConfiguration('ecmkit', a.workspace ? vscode.Uri.file(a.workspace) : undefined).get<string>('vault.caFile') || undefined);
  const sandbox = runningSandbox();
  // A sandbox this window already runs is the Vault to use: the same files, the same secrets.
  const useRunning = (a.vault ?? 'sandbox') === 'sandbox' && sandbox && (!folder || path.resolve(sandbox.folder) === path.resolve(folder));
  return {
    node: process.execPath,
    cliArgs: [ctx.asAbsolutePath('dist/cli.js')],
    // In VS Code's Electron host, run the child as plain Node (code-server's host already is Node).
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    cwd: folder,
    workspace: folder,
    ecmFile: a.ecm,
    vault: useRunning ? 'configured' : a.vault ?? 'sandbox',
    caFile: useRunning ? sandbox!.caPath : caFile,
    vaultUrl: useRunning ? sandbox!.url : undefined,
    port: a.port,
    leaseSeconds: a.leaseSeconds,
    secret: (r) => secretFor(ctx, r),
  };
}

async function secretFor(ctx: vscode.ExtensionContext, r: SecretRequest): Promise<string | undefined> {
  const v = await ctx.secrets.get(r.name);
  // The broker falls back to env ECMKIT_SECRET_<NAME> (set e.g. by `npm start` for its sandbox): no warning then.
  if (v === undefined && r.required && !process.env[secretEnvName(r.name)]) {
    const store = 'Store Secret…';
    void vscode.window.showWarningMessage(`ecmkit broker: the secret "${r.name}" (${r.purpose}) is not stored, so the Vault will refuse the sign-in.`, store)
      .then((c) => { if (c === store) void vscode.commands.executeCommand('ecmkit.storeSecret'); });
  }
  return v;
}

/** Makes a started broker this window's broker: its events go to the log, the status bar shows it. */
export function attachBroker(proc: BrokerProcess, owner: 'command' | 'debug'): RunningBroker {
  const info = proc.info!;
  const l = proc.launch;
  const vault = l.vaultUrl ? `sandbox Vault at ${l.vaultUrl}` : (l.vault ?? 'sandbox') === 'sandbox' ? 'its own sandbox Vault' : 'the ECMs\' configured Vault';
  const rb: RunningBroker = { proc, api: new BrokerApi(info), owner, vault };
  current = rb;
  out?.info(`broker listening on ${info.url} (${vault}; ${owner === 'debug' ? 'debug session' : 'started by command'})`);
  // The files' errors: in the status bar while the broker runs, and said once when it starts on them.
  let announced = false;
  const problems = (errors: number, files: string[], atStart: boolean): void => {
    rb.errors = errors;
    if (rb === current) render?.();
    if (!errors || announced || !atStart) return;
    announced = true;
    void vscode.window.showWarningMessage(`ecmkit: the broker started on a workspace with ${errors} error${errors === 1 ? '' : 's'} (${files.slice(0, 3).join(', ')}): it answers from the files as they are.`, 'Show Problems')
      .then((c) => { if (c) void vscode.commands.executeCommand('workbench.actions.view.problems'); });
  };
  proc.on('event', (e: Stamped) => {
    if (e.type === 'problems') { out?.warn(formatEvent(e)); problems(e.errors, e.files, e.at === 'start'); return; }
    out?.info(formatEvent(e));
    if (e.type === 'ecm' && rb === current) { rb.activeEcm = e.action === 'active' ? e.name : e.active; render?.(); }
  });
  // Said before the broker listened: the process kept it.
  if (proc.problems) { out?.warn(formatEvent(proc.problems)); problems(proc.problems.errors, proc.problems.files, proc.problems.at === 'start'); }
  proc.on('line', (line: string) => out?.warn(line));
  proc.on('exit', (code: number | null) => {
    out?.info(`broker exited (code ${code})`);
    if (current === rb) { current = undefined; changed.fire(undefined); render?.(); }
  });
  void rb.api.health().then((h) => { rb.activeEcm = h.body?.ecm ?? undefined; render?.(); }, () => undefined);
  changed.fire(rb);
  render?.();
  return rb;
}

export function register(ctx: vscode.ExtensionContext, _client: LanguageClient, _log: vscode.LogOutputChannel): void {
  out = vscode.window.createOutputChannel('ecmkit Broker', { log: true });
  ctx.subscriptions.push(out, changed);
  const item = vscode.window.createStatusBarItem('ecmkit.broker', vscode.StatusBarAlignment.Right, 98);
  item.name = 'ecmkit broker';
  item.command = SHOW_LOG;
  ctx.subscriptions.push(item);
  let starting = false;
  // The debug sessions of our type, so Stop Broker ends the broker's own session and never another one
  // (stopDebugging() with no session stops them all).
  const brokerSessions = new Set<vscode.DebugSession>();
  ctx.subscriptions.push(
    vscode.debug.onDidStartDebugSession((s) => { if (s.type === 'ecmkit-broker') brokerSessions.add(s); }),
    vscode.debug.onDidTerminateDebugSession((s) => { brokerSessions.delete(s); }),
  );
  render = () => {
    void vscode.commands.executeCommand('setContext', 'ecmkit.brokerRunning', !!current);
    if (starting && !current) {
      item.text = '$(loading~spin) Broker';
      item.tooltip = 'ecmkit broker: starting';
      item.show();
      return;
    }
    if (!current) { item.hide(); return; }
    const info = current.proc.info!;
    const errors = current.errors ? `${current.errors} error${current.errors === 1 ? '' : 's'}` : '';
    item.text = `$(radio-tower) Broker :${info.port}${current.activeEcm ? ` · ${current.activeEcm}` : ''}${errors ? ` · $(error) ${current.errors}` : ''}`;
    item.tooltip = `ecmkit broker at ${info.url} (${current.owner === 'debug' ? 'debug session' : 'started by command'})\nVault: ${current.vault}\nActive ECM: ${current.activeEcm ?? 'none'}${errors ? `\nWorkspace: ${errors} in the files it answers from` : ''}\nToken: ${info.tokenPath}\nClick to open the broker log.`;
    item.show();
  };
  render();

  const stop = async (): Promise<void> => {
    const rb = current;
    if (!rb) {
      void vscode.window.showInformationMessage('ecmkit: no broker is running.');
      return;
    }
    if (rb.owner === 'debug') {
      // The debug session owns it: stopping the session stops the broker (and ends the session cleanly).
      // Without a known session (it ended as we asked), the process itself is stopped below.
      const sessions = [...brokerSessions];
      if (sessions.length) {
        for (const s of sessions) await vscode.debug.stopDebugging(s);
        return;
      }
    }
    out!.info('stopping the broker: open leases are checked in');
    await rb.proc.stop();
  };

  // One start at a time: a second click (or F5) while one is starting joins it instead of forking another
  // broker that nothing would track.
  const start = (arg?: unknown): Promise<RunningBroker | undefined> => (pendingStart ??= startOnce(arg).finally(() => { pendingStart = undefined; }));

  const startOnce = async (arg?: unknown): Promise<RunningBroker | undefined> => {
    if (!requireTrust('Start Broker', 'starts a local server that reads the workspace\'s secrets and signs in to the Vault')) return undefined;
    if (current) {
      void vscode.window.showInformationMessage(`ecmkit: the broker is already running at ${current.proc.info!.url}.`, 'Show Log').then((c) => { if (c) out!.show(true); });
      return current;
    }
    const a = (arg && typeof arg === 'object' ? arg : {}) as BrokerLaunchArgs;
    const editor = vscode.window.activeTextEditor?.document.uri;
    if (!a.ecm && editor?.scheme === 'file' && /\.ecm\.(ya?ml|json)$/i.test(editor.fsPath)) a.ecm = editor.fsPath;
    if (!a.workspace) {
      const folder = (a.ecm && vscode.workspace.getWorkspaceFolder(vscode.Uri.file(a.ecm))) ?? vscode.workspace.workspaceFolders?.[0];
      // No folder open but an ECM file is: its own folder is the workspace (as Test Vault Connectivity does).
      if (!folder && !a.ecm) { void vscode.window.showErrorMessage('ecmkit: open a folder with ECM files (or an ECM file) to start the broker.'); return undefined; }
      a.workspace = folder ? folder.uri.fsPath : path.dirname(a.ecm!);
    }
    a.vault ??= vscode.workspace.getConfiguration('ecmkit', vscode.Uri.file(a.workspace)).get<'sandbox' | 'configured'>('broker.vault') ?? 'sandbox';
    const proc = new BrokerProcess(brokerLaunch(ctx, a));
    starting = true;
    render?.();
    out!.info(`starting the broker for ${a.ecm ?? a.workspace} (${a.vault === 'sandbox' ? 'sandbox Vault' : 'configured Vault'})`);
    try {
      await proc.start();
      return attachBroker(proc, 'command');
    } catch (e) {
      out!.error((e as Error).message);
      void vscode.window.showErrorMessage(`ecmkit: the broker did not start: ${(e as Error).message}`, 'Show Log').then((c) => { if (c) out!.show(true); });
      return undefined;
    } finally {
      starting = false;
      render?.();
    }
  };

  const setEcm = async (connected: boolean): Promise<void> => {
    const rb = current;
    if (!rb) { void vscode.window.showInformationMessage('ecmkit: start the broker first ("ecmkit: Start Broker").'); return; }
    const got = await rb.api.ecms().catch((e: Error) => ({ status: 0, body: { error: { message: e.message } } }));
    const v = got.body as { ecms?: { name: string; connected: boolean; active: boolean; order: number | null; host?: string; group?: string | null }[]; error?: { message?: string } };
    if (!v?.ecms) { void vscode.window.showErrorMessage(`ecmkit: the broker did not list its ECMs: ${v?.error?.message ?? `HTTP ${got.status}`}`, 'Show Log').then((c) => { if (c) out!.show(true); }); return; }
    const choices = v.ecms.filter((e) => e.connected !== connected).map((e) => ({
      label: e.name,
      description: `${e.active ? `active: serves ${e.group ? `ECM group ${e.group}` : 'every request'}` : e.connected ? `standby #${e.order}` : 'disconnected'}${e.group && !e.active ? ` (ECM group ${e.group})` : ''}`,
      detail: e.host,
    }));
    if (!choices.length) { void vscode.window.showInformationMessage(`ecmkit: every ECM is already ${connected ? 'connected' : 'disconnected'}.`); return; }
    const pick = await vscode.window.showQuickPick(choices, { title: connected ? 'ecmkit: Connect ECM (it queues behind the connected ones)' : 'ecmkit: Disconnect ECM (watch the failover)' });
    if (!pick) return;
    const r = await rb.api.setConnected(pick.label, connected).catch((e: Error) => ({ status: 0, body: { error: { message: e.message } } }) as { status: number; body: any });
    if (r.status !== 200) { void vscode.window.showErrorMessage(`ecmkit: ${connected ? 'connecting' : 'disconnecting'} ${pick.label} failed: ${r.body?.error?.message ?? `HTTP ${r.status}`}`); return; }
    const after = r.body?.active ?? 'none';
    void vscode.window.showInformationMessage(`ecmkit: ECM ${pick.label} ${connected ? 'connected' : 'disconnected'}; active ECM: ${after}.`);
  };

  ctx.subscriptions.push(
    vscode.commands.registerCommand(START, start),
    vscode.commands.registerCommand(STOP, stop),
    vscode.commands.registerCommand(SHOW_LOG, () => out!.show(true)),
    vscode.commands.registerCommand(DISCONNECT_ECM, () => setEcm(false)),
    vscode.commands.registerCommand(CONNECT_ECM, () => setEcm(true)),
    { dispose: () => { if (current?.owner === 'command') void current.proc.stop(); } },
  );
}
