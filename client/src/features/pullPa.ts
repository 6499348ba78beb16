// "ecmkit: Pull PA Site Inventory…": reads a PA site's Configuration API into the workspace's PA file
// (`ecmkit pull pa --ipc`), shows the difference and writes it only when the user says so (pull/runPull.ts).
// The site and client id are remembered in settings (ecmkit.pa.site, ecmkit.pa.clientId), the client secret
// in SecretStorage per site and account. The PA sandbox `npm start` runs is offered as it is.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerPullCommand } from '../pull/command';
import { caFileSetting, httpsProblem, originOf, remember, secretFor } from '../pull/inputs';
import { PULL_SECRET } from '../../../protocol/ipc';

export const COMMAND = 'ecmkit.pullPa';
/** What `npm start` passes for its PA sandbox (scripts/e2e/paSandboxHook.ts). */
const SANDBOX_ENV = { url: 'ECMKIT_PA_SANDBOX_URL', clientId: 'ECMKIT_PA_CLIENT_ID', ca: 'ECMKIT_PA_SANDBOX_CA', secret: 'ECMKIT_PA_CLIENT_SECRET' } as const;

interface Site { origin: string; clientId: string; ca?: string; sandbox: boolean }

export function register(ctx: vscode.ExtensionContext, _client: LanguageClient, log: vscode.LogOutputChannel): void {
  registerPullCommand<Site>(ctx, log, {
    id: COMMAND,
    kind: 'pa',
    title: 'Pull PA Site Inventory',
    trustWhy: 'reads a secret from SecretStorage and connects to the PA site',
    caSetting: 'ecmkit.pa.caFile',
    pickSource: pickSite,
    secret: (site) => secretFor(ctx, `${PULL_SECRET.pa}/${site.origin}/${site.clientId}`, {
      fromEnvironment: site.sandbox ? process.env[SANDBOX_ENV.secret] : undefined,
      title: `ecmkit: client secret of API account ${site.clientId}`,
      prompt: `The OAuth client secret of the API account ${site.clientId} on ${site.origin} (with Configuration API permission).`,
    }),
    job: (site, dest) => ({
      source: site.sandbox ? 'the PA sandbox' : `the PA site ${new URL(site.origin).host}`,
      sourceLabel: site.sandbox ? 'PA sandbox' : 'PA site',
      args: ['pull', 'pa', '--site', site.origin, '--client-id', site.clientId, ...(site.ca ? ['--ca', site.ca] : []), ...(dest.file ? ['--out', dest.file] : [])],
      secretName: PULL_SECRET.pa,
      omitEnv: [SANDBOX_ENV.secret, 'ECMKIT_VAULT_KEY'],
    }),
    describe: (site) => `${site.origin} (client id ${site.clientId})`,
  });
}

/** The remembered site, the PA sandbox of `npm start`, or another one the user types. */
async function pickSite(folder: string): Promise<Site | undefined> {
  const cfg = vscode.workspace.getConfiguration('ecmkit.pa');
  const siteSetting = cfg.get<string>('site', '').trim();
  const clientSetting = cfg.get<string>('clientId', '').trim();
  const items: (vscode.QuickPickItem & { site?: Site })[] = [];
  if (siteSetting && clientSetting && !httpsProblem(siteSetting)) {
    const origin = originOf(siteSetting);
    items.push({ label: `$(cloud) ${new URL(origin).host}`, description: `client id ${clientSetting}`, site: { origin, clientId: clientSetting, ca: caFileSetting('ecmkit.pa', folder), sandbox: false } });
  }
  const sandbox = sandboxSite();
  if (sandbox) items.push({ label: '$(vm-running) The PA sandbox', description: sandbox.origin, detail: 'The PA site npm start serves from the workspace\'s PA file', site: sandbox });
  if (items.length) {
    items.push({ label: '$(edit) Another site…' });
    const pick = await vscode.window.showQuickPick(items, { title: 'ecmkit: pull from which PA site?' });
    if (!pick) return undefined;
    if (pick.site) return pick.site;
  }
  const site = await vscode.window.showInputBox({
    title: 'ecmkit: the PA site', prompt: 'The URL of the PA site (its Configuration API is read).', placeHolder: 'https://support.example.com',
    value: siteSetting, ignoreFocusOut: true, validateInput: (v) => httpsProblem(v),
  });
  if (!site) return undefined;
  const clientId = (await vscode.window.showInputBox({
    title: 'ecmkit: the API account', prompt: 'The OAuth client id of an API account with Configuration API permission (read).',
    value: clientSetting, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'The client id must not be empty'),
  }))?.trim();
  if (!clientId) return undefined;
  await remember('ecmkit.pa', 'site', site.trim());
  await remember('ecmkit.pa', 'clientId', clientId);
  return { origin: originOf(site), clientId, ca: caFileSetting('ecmkit.pa', folder), sandbox: false };
}

/** The PA sandbox `npm start` runs on this machine, when it runs one. */
function sandboxSite(): Site | undefined {
  const url = process.env[SANDBOX_ENV.url];
  const clientId = process.env[SANDBOX_ENV.clientId];
  const ca = process.env[SANDBOX_ENV.ca];
  if (!url || !clientId || !ca || !/^https:\/\/127\.0\.0\.1:\d+$/.test(url)) return undefined;
  return { origin: url, clientId, ca, sandbox: true };
}
