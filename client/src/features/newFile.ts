// "ecmkit: New Configuration File…": creates NAME.<kind>.yaml in the workspace from the kind's skeleton.
// The skeletons are the snippets in snippets/ecmkit-yaml.json, so the two never drift apart.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

type Kind = { suffix: string; label: string; detail: string; name: string };
const KINDS: readonly Kind[] = [
  { suffix: 'ecm', label: 'ECM', detail: 'one ECM install and its Vault plugin settings', name: 'prod' },
  { suffix: 'integration', label: 'Integration', detail: 'the Vault integration account the ECM signs in with', name: 'ecm' },
  { suffix: 'vault', label: 'Vault inventory', detail: 'users, endpoints, credentials, policies', name: 'corp' },
  { suffix: 'pa', label: 'PA site inventory', detail: 'users, jump clients, security providers', name: 'site' },
];

export function register(ctx: vscode.ExtensionContext, _client: LanguageClient, log: vscode.LogOutputChannel): void {
  ctx.subscriptions.push(vscode.commands.registerCommand('ecmkit.newFile', async (kindArg?: unknown) => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void vscode.window.showWarningMessage('ecmkit: open a folder first; the configuration files live in the workspace.');
      return;
    }
    const items: (vscode.QuickPickItem & Kind)[] = KINDS.map((k) => ({ ...k, description: `*.${k.suffix}.yaml` }));
    const pick = KINDS.find((k) => k.suffix === kindArg) ??
      (await vscode.window.showQuickPick(items, { title: 'ecmkit: New Configuration File', placeHolder: 'Which file?' }));
    if (!pick) return;
    const base = await vscode.window.showInputBox({
      title: `ecmkit: New ${pick.label} File`,
      prompt: `File name without the .${pick.suffix}.yaml suffix`,
      value: pick.name,
      validateInput: async (v) => {
        if (!/^[\w.-]+$/.test(v)) return 'Letters, digits, ".", "-" and "_" only';
        const taken = await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, `${v}.${pick.suffix}.yaml`)).then(() => true, () => false);
        return taken ? `${v}.${pick.suffix}.yaml already exists; choose another name.` : undefined;
      },
    });
    if (!base) return;
    const uri = vscode.Uri.joinPath(folder.uri, `${base}.${pick.suffix}.yaml`);
    const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
    if (!exists) await vscode.workspace.fs.writeFile(uri, new Uint8Array());
    const editor = await vscode.window.showTextDocument(uri);
    if (!exists) {
      const body = await skeleton(ctx, pick.suffix);
      if (body) await editor.insertSnippet(new vscode.SnippetString(body));
      log.info(`created ${vscode.workspace.asRelativePath(uri)}`);
    }
  }));
}

async function skeleton(ctx: vscode.ExtensionContext, kind: string): Promise<string | undefined> {
  const raw = await vscode.workspace.fs.readFile(vscode.Uri.file(ctx.asAbsolutePath('snippets/ecmkit-yaml.json')));
  const snippets = JSON.parse(new TextDecoder().decode(raw)) as Record<string, { prefix: string; body: string | string[] }>;
  const s = Object.values(snippets).find((x) => x.prefix === `ecmkit-${kind}`);
  return s && (Array.isArray(s.body) ? s.body.join('\n') : s.body);
}
