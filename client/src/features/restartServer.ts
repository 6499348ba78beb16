// "ecmkit: Restart Language Server": stops and starts the server (e.g. after it crashed or was updated).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export function register(ctx: vscode.ExtensionContext, client: LanguageClient, log: vscode.LogOutputChannel): void {
  ctx.subscriptions.push(vscode.commands.registerCommand('ecmkit.restartServer', async () => {
    log.info('restarting the language server');
    try {
      // A server that crashed for good (or never started) has nothing to stop: start it.
      if (client.isRunning()) await client.restart();
      else await client.start();
      log.info('language server restarted');
    } catch (e) {
      log.error(`language server did not restart: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(`ecmkit: the language server did not restart: ${(e as Error).message}. See "ecmkit: Show Log".`);
    }
  }));
}
