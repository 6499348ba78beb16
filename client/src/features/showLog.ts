// "ecmkit: Show Log": the "ecmkit" log channel (client events and language-server messages).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export function register(ctx: vscode.ExtensionContext, _client: LanguageClient, log: vscode.LogOutputChannel): void {
  ctx.subscriptions.push(vscode.commands.registerCommand('ecmkit.showLog', () => log.show(true)));
}
