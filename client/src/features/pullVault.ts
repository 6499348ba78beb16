// "ecmkit: Pull Vault Inventory…": reads a Vault (Password Safe API v3) into the workspace's Vault file
// (`ecmkit pull vault --ipc`), shows the difference and writes it only when the user says so
// (pull/runPull.ts). The Vault URL and run-as user are remembered in settings (ecmkit.vault.pullUrl,
// ecmkit.vault.pullUser), the API key in SecretStorage per Vault. The sandbox Vault this window (or
// `npm start`) runs is offered as it is: its API key is the integration's shared key.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { runningSandbox } from '../state/sandboxState';
import { registerPullCommand } from '../pull/command';
import { caFileSetting, httpsProblem, originOf, remember, secretFor } from '../pull/inputs';
import { PULL_SECRET, secretEnvName } from '../../../protocol/ipc';

export const COMMAND = 'ecmkit.pullVault';
/** The secret the sandbox Vault takes as its API key (`npm start` passes it in the environment, scripts/e2e/sandboxHook.ts). */
const SANDBOX_KEY = 'vault.sharedKey';
const RUN_AS = /^[^\\\s][^\\]*\\[^\\]*[^\\\s]$/;

interface Vault { origin: string; runAs: string; ca?: string; sandbox: boolean }

export function register(ctx: vscode.ExtensionContext, _client: LanguageClient, log: vscode.LogOutputChannel): void {
  registerPullCommand<Vault>(ctx, log, {
    id: COMMAND,
    kind: 'vault',
    title: 'Pull Vault Inventory',
    trustWhy: 'reads a secret from SecretStorage and connects to the Vault',
    caSetting: 'ecmkit.vault.caFile',
    pickSource: pickVault,
    secret: async (vault) => secretFor(ctx, `${PULL_SECRET.vault}/${vault.origin}`, {
      fromEnvironment: vault.sandbox ? (await ctx.secrets.get(SANDBOX_KEY)) ?? process.env[secretEnvName(SANDBOX_KEY)] : undefined,
      title: `ecmkit: API key of the Vault ${new URL(vault.origin).host}`,
      prompt: `The API key of an API registration on ${vault.origin} that ${vault.runAs} may use.`,
    }),
    job: (vault, dest) => ({
      source: vault.sandbox ? 'the sandbox Vault' : `the Vault ${new URL(vault.origin).host}`,
      sourceLabel: vault.sandbox ? 'sandbox Vault' : 'Vault',
      args: ['pull', 'vault', '--vault', vault.origin, '--user', vault.runAs, '--grants', grantsSetting(), ...(vault.ca ? ['--ca', vault.ca] : []), ...(dest.file ? ['--out', dest.file] : [])],
      secretName: PULL_SECRET.vault,
      omitEnv: ['ECMKIT_VAULT_KEY', 'ECMKIT_PA_CLIENT_SECRET'],
    }),
    describe: (vault) => `${vault.origin} as ${vault.runAs}`,
  });
}

function grantsSetting(): 'none' | 'per-user' {
  return vscode.workspace.getConfiguration('ecmkit.vault').get<string>('pullGrants', 'none') === 'per-user' ? 'per-user' : 'none';
}

/** The remembered Vault, the running sandbox Vault, or another one the user types. */
async function pickVault(folder: string): Promise<Vault | undefined> {
  const cfg = vscode.workspace.getConfiguration('ecmkit.vault');
  const urlSetting = cfg.get<string>('pullUrl', '').trim();
  const userSetting = cfg.get<string>('pullUser', '').trim();
  const items: (vscode.QuickPickItem & { vault?: Vault; sandbox?: true })[] = [];
  if (urlSetting && userSetting && !httpsProblem(urlSetting)) {
    const origin = originOf(urlSetting);
    items.push({ label: `$(cloud) ${new URL(origin).host}`, description: `as ${userSetting}`, vault: { origin, runAs: userSetting, ca: caFileSetting('ecmkit.vault', folder), sandbox: false } });
  }
  const sandbox = runningSandbox();
  if (sandbox) items.push({ label: '$(vm-running) The sandbox Vault', description: sandbox.url, detail: 'Served from the workspace\'s Vault and integration files', sandbox: true });
  if (items.length) {
    items.push({ label: '$(edit) Another Vault…' });
    const pick = await vscode.window.showQuickPick(items, { title: 'ecmkit: pull from which Vault?' });
    if (!pick) return undefined;
    if (pick.vault) return pick.vault;
    if (sandbox && pick.sandbox) {
      const runAs = userSetting || cfg.get<string>('runAs', '').trim() || (await askRunAs(''));
      return runAs ? { origin: sandbox.url, runAs, ca: sandbox.caPath, sandbox: true } : undefined;
    }
  }
  const url = await vscode.window.showInputBox({
    title: 'ecmkit: the Vault', prompt: 'The URL of the Vault (Password Safe API v3).', placeHolder: 'https://vault.example.com',
    value: urlSetting, ignoreFocusOut: true, validateInput: (v) => httpsProblem(v),
  });
  if (!url) return undefined;
  const runAs = await askRunAs(userSetting);
  if (!runAs) return undefined;
  await remember('ecmkit.vault', 'pullUrl', url.trim());
  return { origin: originOf(url), runAs, ca: caFileSetting('ecmkit.vault', folder), sandbox: false };
}

async function askRunAs(value: string): Promise<string | undefined> {
  const runAs = (await vscode.window.showInputBox({
    title: 'ecmkit: the run-as user', prompt: 'The Vault user the pull signs in as, PROVIDER\\username (it needs read access to users, groups and managed systems).',
    placeHolder: 'CORP\\svc-ecmkit', value, ignoreFocusOut: true, validateInput: (v) => (RUN_AS.test(v.trim()) ? undefined : 'Give PROVIDER\\username'),
  }))?.trim();
  if (runAs) await remember('ecmkit.vault', 'pullUser', runAs);
  return runAs;
}
