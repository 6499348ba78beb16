// Status bar item for the language server: starting / running / stopped, plus Restricted Mode.
// Clicking it shows the log, where the reason for a stop is written.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';

export function register(ctx: vscode.ExtensionContext, client: LanguageClient, _log: vscode.LogOutputChannel): void {
  const item = vscode.window.createStatusBarItem('ecmkit.server', vscode.StatusBarAlignment.Right, 100);
  item.name = 'ecmkit language server';
  item.command = 'ecmkit.showLog';

  const render = () => {
    const state = client.state;
    const restricted = !vscode.workspace.isTrusted;
    const [icon, words] =
      state === State.Running ? ['$(check)', 'checking ecmkit files'] :
      state === State.Starting ? ['$(loading~spin)', 'starting'] :
      ['$(error)', 'stopped — see the log; "ecmkit: Restart Language Server" starts it again'];
    item.text = `${icon} ecmkit${restricted ? ' $(shield)' : ''}`;
    item.tooltip = `ecmkit language server: ${words}` +
      (restricted ? '\nRestricted Mode: diagnostics only; secrets, Vault tests and the broker need a trusted workspace.' : '') +
      '\nClick to show the log.';
    item.backgroundColor = state === State.Stopped ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    item.show();
  };
  render();
  ctx.subscriptions.push(item, client.onDidChangeState(render), vscode.workspace.onDidGrantWorkspaceTrust(render));
}
