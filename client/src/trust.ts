// The one place that decides whether a command may run in this workspace. Diagnostics work everywhere;
// anything that reads secrets, starts processes or opens network connections needs a trusted workspace,
// because the files it acts on came with the workspace (a hostile folder could point them anywhere).
import * as vscode from 'vscode';

/**
 * Returns true in a trusted workspace. Otherwise shows why `what` is disabled and returns false.
 * `why` finishes the sentence "… is disabled in Restricted Mode because it …".
 */
export function requireTrust(what: string, why: string, extra = ''): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  void vscode.window
    .showWarningMessage(
      `ecmkit: ${what} is disabled in Restricted Mode because it ${why}. Trust this workspace to use it.${extra ? ' ' + extra : ''}`,
      manage,
    )
    .then((choice) => { if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage'); });
  return false;
}
