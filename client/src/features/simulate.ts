// "ecmkit: Simulate Credential Request…": pick a PA user and a jump client (from the language server's
// workspace index), then see which credentials the ECM would return and the full trace, each step linked
// to its file and line. With a broker running it answers (the Vault's own answer, cross-checked);
// otherwise the server resolves it from the files alone.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { InjectionTargetsRequest, SimulateRequest, UserJumpClientsRequest } from '../../../protocol/lsp';
import type { FindAnswer } from '../broker/api';
import { renderSimulation } from '../broker/simulationView';
import { currentBroker, type RunningBroker } from './broker';
import type { Stamped } from '../broker/process';

export const SIMULATE = 'ecmkit.simulateRequest';

interface Target { user: string; securityProvider: string; endpoint: string }

let panel: vscode.WebviewPanel | undefined;

export function register(ctx: vscode.ExtensionContext, client: LanguageClient, log: vscode.LogOutputChannel): void {
  ctx.subscriptions.push(vscode.commands.registerCommand(SIMULATE, async (arg?: Partial<Target>) => {
    let target: Target | undefined;
    try {
      target = isTarget(arg) ? arg : await pickTarget(client);
    } catch (e) {
      // The language server is down (its crash policy gave up) or not answering.
      const restart = 'Restart Language Server';
      void vscode.window.showErrorMessage(`ecmkit: cannot list the PA users and jump clients: ${(e as Error).message}`, restart)
        .then((c) => { if (c === restart) void vscode.commands.executeCommand('ecmkit.restartServer'); });
      return;
    }
    if (!target) return;
    const broker = currentBroker();
    let answer: FindAnswer;
    let viaDetail: string;
    let notice: string | undefined;
    try {
      if (broker) {
        // The broker reads the files on disk: edits not saved yet would not be in its answer.
        const saved = await savedFilesFirst(broker);
        if (!saved) return;
        notice = saved.notice;
        answer = await broker.api.find(target.user, target.securityProvider, target.endpoint);
        viaDetail = `broker at ${broker.proc.info!.url} (${broker.vault})`;
      } else {
        answer = await client.sendRequest(SimulateRequest, target);
        viaDetail = 'workspace files as the editor has them, unsaved changes included — start the broker ("ecmkit: Start Broker") to ask the Vault too';
      }
    } catch (e) {
      void vscode.window.showErrorMessage(`ecmkit: the simulation failed: ${(e as Error).message}`);
      return;
    }
    log.info(`simulated ${target.user}@${target.securityProvider} → ${target.endpoint}: ${answer.credentials.length} credential(s)${answer.error ? ` (${answer.error.code})` : ''} via ${broker ? 'broker' : 'files'}`);
    show(ctx, target, answer, broker ? 'broker' : 'files', viaDetail, notice);
    return { credentials: answer.credentials.map((c) => c.name), steps: answer.trace.length, error: answer.error?.code, notice };
  }));
}

const ECMKIT_FILE = /\.(ecm|integration|vault|pa)\.(ya?ml|json)$/i;

/**
 * Before the broker answers: ecmkit files with unsaved changes are saved (the broker re-reads them) or,
 * if the user says so, left as they are, and the view says the saved files were used. Undefined: cancelled.
 */
async function savedFilesFirst(broker: RunningBroker): Promise<{ notice?: string } | undefined> {
  const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file' && ECMKIT_FILE.test(d.fileName));
  if (!dirty.length) return {};
  const names = dirty.map((d) => vscode.workspace.asRelativePath(d.uri, false)).join(', ');
  const save = 'Save and Simulate';
  const asSaved = 'Use the Saved Files';
  const pick = await vscode.window.showWarningMessage(
    `ecmkit: ${names} ${dirty.length === 1 ? 'has' : 'have'} unsaved changes. The broker answers from the saved files.`,
    { modal: true, detail: 'Save them first so the answer follows what the editor shows, or simulate with the files as they are on disk.' },
    save, asSaved,
  );
  if (pick === asSaved) return { notice: `Answered from the saved files: the unsaved changes in ${names} were not used.` };
  if (pick !== save) return undefined;
  // The broker re-reads its files shortly after they change; ask once it has.
  const reread = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => { broker.proc.off('event', on); resolve(false); }, 5000);
    const on = (e: Stamped): void => {
      if (e.type !== 'info' || !/^re-read the workspace files/.test(e.message)) return;
      clearTimeout(timer);
      broker.proc.off('event', on);
      resolve(true);
    };
    broker.proc.on('event', on);
  });
  if (!(await Promise.all(dirty.map((d) => d.save()))).every(Boolean)) return { notice: `Some of ${names} could not be saved: the broker answered from the files as they are on disk.` };
  return (await reread) ? {} : { notice: `Saved ${names}, but the broker had not re-read them within 5 s: this answer may come from the earlier files.` };
}

function isTarget(a: unknown): a is Target {
  const t = a as Partial<Target> | undefined;
  return !!t && typeof t.user === 'string' && typeof t.securityProvider === 'string' && typeof t.endpoint === 'string';
}

async function pickTarget(client: LanguageClient): Promise<Target | undefined> {
  if (!client.isRunning()) throw new Error('the ecmkit language server is not running');
  const t = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'ecmkit: reading the PA users and jump clients…' },
    () => client.sendRequest(InjectionTargetsRequest, {}));
  const sites = t.sites.filter((s) => s.users.length && s.jumpClients.length);
  if (!sites.length) {
    void vscode.window.showWarningMessage('ecmkit: no PA users and jump clients to simulate: add a *.pa.yaml file with users and jumpClients.');
    return undefined;
  }
  const userPick = await vscode.window.showQuickPick(
    sites.flatMap((s) => s.users.map((u) => ({ label: u.username, description: [u.securityProvider, u.email].filter(Boolean).join(' · '), detail: sites.length > 1 ? `site ${s.site}` : undefined, site: s, user: u }))),
    { title: 'ecmkit: Simulate Credential Request (1/2) — PA user', placeHolder: 'The PA user who starts the session', matchOnDescription: true },
  );
  if (!userPick) return undefined;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  // The counts of this user, not the site's: how many credentials they would get on each jump client.
  const u = userPick.user;
  const mine = await client.sendRequest(UserJumpClientsRequest, { pa: userPick.site.pa, user: u.username, securityProvider: u.securityProvider });
  const countOf = new Map(mine.jumpClients.map((j) => [j.name, j]));
  const jcPick = await vscode.window.showQuickPick(
    userPick.site.jumpClients.map((j) => {
      const c = countOf.get(j.name);
      return {
        label: j.name,
        description: !j.credentialInjection ? 'credential injection off' : c ? `${plural(c.credentials, 'credential')} for ${u.username}${c.reason ? ` — ${c.reason}` : ''}` : undefined,
        detail: j.hostname,
      };
    }),
    { title: `ecmkit: Simulate Credential Request (2/2) — jump client for ${userPick.user.username}`, placeHolder: 'The jump client, as PA shows it', matchOnDetail: true },
  );
  if (!jcPick) return undefined;
  return { user: userPick.user.username, securityProvider: userPick.user.securityProvider, endpoint: jcPick.label };
}

function show(ctx: vscode.ExtensionContext, t: Target, answer: FindAnswer, via: 'broker' | 'files', viaDetail: string, notice?: string): void {
  const title = `Simulate: ${t.user} → ${t.endpoint}`;
  if (!panel) {
    panel = vscode.window.createWebviewPanel('ecmkit.simulation', title, vscode.ViewColumn.Beside, { enableScripts: true, enableFindWidget: true, localResourceRoots: [] });
    // The panel's own listeners go with the panel (not with the extension: one set per panel ever opened).
    const own: vscode.Disposable[] = [];
    panel.onDidDispose(() => { panel = undefined; own.forEach((d) => d.dispose()); }, null, own);
    panel.webview.onDidReceiveMessage(async (m: { type?: string; uri?: string; range?: vscode.Range }) => {
      if (m?.type !== 'open' || typeof m.uri !== 'string' || !m.range) return;
      const r = m.range as unknown as { start: { line: number; character: number }; end: { line: number; character: number } };
      const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(m.uri));
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: range });
    }, null, own);
  }
  panel.title = title;
  const label = (uri: string) => vscode.workspace.asRelativePath(vscode.Uri.parse(uri), false);
  panel.webview.html = renderSimulation(answer, { ...t, via, viaDetail, notice, label }, randomBytes(16).toString('base64'), panel.webview.cspSource);
  panel.reveal(undefined, true);
}
