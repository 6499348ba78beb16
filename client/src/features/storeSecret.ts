// "ecmkit: Store Secret…": puts a value into VS Code's SecretStorage under the NAME that files reference
// as `${secret:NAME}`. Called by the `secret/plaintext` quick fix with [name, literal], or from the palette
// with no arguments. The value is never logged or shown. Resolves to true when a value was stored.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { requireTrust } from '../trust';

export const COMMAND = 'ecmkit.storeSecret';
/** What may stand between `${secret:` and `}` (as the server's reference syntax allows). */
const NAME = /^[^}\s]+$/;

export function register(ctx: vscode.ExtensionContext, _client: LanguageClient, log: vscode.LogOutputChannel): void {
  ctx.subscriptions.push(vscode.commands.registerCommand(COMMAND, async (name?: unknown, value?: unknown): Promise<boolean> => {
    const fromFix = typeof name === 'string' && typeof value === 'string';
    if (!requireTrust('Store Secret', 'reads and writes secrets',
      fromFix ? 'The removed value was not stored: undo (Ctrl+Z) to get it back.' : '')) return false;

    let secretName: string | undefined;
    let secretValue: string | undefined;
    if (fromFix) {
      secretName = name as string;
      log.info(`secret "${secretName}": asking whether to store the value removed by the quick fix`);
      secretValue = value as string;
      const exists = (await ctx.secrets.get(secretName)) !== undefined;
      const store = exists ? 'Replace' : 'Store';
      const choice = await vscode.window.showInformationMessage(
        `Store the value removed from the file as secret "${secretName}"?`,
        {
          modal: true,
          detail: (exists ? `A secret named "${secretName}" already exists and will be replaced. ` : '') +
            `It is kept in VS Code's SecretStorage, outside the workspace; the file now refers to it as \${secret:${secretName}}.`,
        },
        store,
      );
      if (choice !== store) {
        log.info(`secret "${secretName}": not stored (cancelled)`);
        void vscode.window.showWarningMessage(`ecmkit: secret "${secretName}" was not stored. Run "ecmkit: Store Secret…" to store it later.`);
        return false;
      }
    } else {
      secretName = await vscode.window.showInputBox({
        title: 'ecmkit: Store Secret (1/2)',
        prompt: 'Name of the secret, as files refer to it: ${secret:NAME}',
        placeHolder: 'vault.sharedKey',
        ignoreFocusOut: true,
        validateInput: (v) => (NAME.test(v) ? undefined : 'A name without spaces or "}", e.g. ecm-01.clientSecret'),
      });
      if (secretName === undefined) return false;
      secretValue = await vscode.window.showInputBox({
        title: 'ecmkit: Store Secret (2/2)',
        prompt: `Value of "${secretName}"`,
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.length > 0 ? undefined : 'The value must not be empty'),
      });
      if (secretValue === undefined) return false;
    }

    await ctx.secrets.store(secretName, secretValue);
    log.info(`secret "${secretName}": stored in SecretStorage`);
    void vscode.window.showInformationMessage(`ecmkit: secret "${secretName}" stored. Files refer to it as \${secret:${secretName}}.`);
    return true;
  }));
}
