// Runs `ecmkit vault-test` / `ecmkit sandbox` from the extension's own bundle as a child process with an
// IPC channel. Secrets travel over that channel from SecretStorage only when the child asks for them by
// name; they never reach argv, the environment, the output channel or a notification.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { pipeLines } from '../pipeLines';
import { secretEnvName, type ChildMessage, type SecretRequest } from '../../../protocol/ipc';

export { pipeLines };

export type { ChildMessage, SecretRequest };
export type { StageResult, VaultTestReport as Report } from '../../../protocol/vaultReport';

/** `omitEnv`: variables the child must not inherit (a secret `npm start` put in the editor's environment). */
export function forkCli(ctx: vscode.ExtensionContext, args: string[], cwd?: string, omitEnv: readonly string[] = []): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  for (const name of omitEnv) delete env[name];
  return fork(ctx.asAbsolutePath('dist/cli.js'), [...args, '--ipc'], {
    cwd,
    // In VS Code's Electron host, run the child as plain Node (code-server's host already is Node).
    env,
    execArgv: [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
}

/**
 * Answers a child's `secrets?` from SecretStorage. A missing required secret is offered for storing
 * (and, for the sandbox, generating); the child then reports clearly what is still missing.
 */
export async function answerSecrets(
  ctx: vscode.ExtensionContext, child: ChildProcess, requests: SecretRequest[], log: vscode.LogOutputChannel, allowGenerate = false,
): Promise<void> {
  const values: Record<string, string | undefined> = {};
  for (const r of requests) {
    let v = await ctx.secrets.get(r.name);
    // The child falls back to env ECMKIT_SECRET_<NAME> (set e.g. by `npm start` for its sandbox): no prompt then.
    if (v === undefined && r.required && !process.env[secretEnvName(r.name)]) v = await offerToStore(ctx, r, log, allowGenerate);
    values[r.name] = v;
  }
  if (child.connected) child.send({ ecmkit: 'secrets', values });
}

async function offerToStore(ctx: vscode.ExtensionContext, r: SecretRequest, log: vscode.LogOutputChannel, allowGenerate: boolean): Promise<string | undefined> {
  const store = 'Store Secret…';
  const generate = 'Generate Random Key';
  const choice = await vscode.window.showWarningMessage(
    `ecmkit: the secret "${r.name}" (${r.purpose}) is not stored.`,
    { modal: true, detail: `Files refer to it as \${secret:${r.name}}. It is kept in VS Code's SecretStorage, outside the workspace.${allowGenerate ? ' For a sandbox-only set-up, a random key works: the ECM files that refer to the same secret will use it too.' : ''}` },
    ...(allowGenerate ? [store, generate] : [store]),
  );
  let value: string | undefined;
  if (choice === store) {
    value = await vscode.window.showInputBox({
      title: `ecmkit: value of secret "${r.name}"`,
      prompt: r.purpose,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.length > 0 ? undefined : 'The value must not be empty'),
    });
  } else if (choice === generate) {
    value = randomBytes(24).toString('base64url');
  }
  if (!value) return undefined;
  await ctx.secrets.store(r.name, value);
  log.info(`secret "${r.name}": stored in SecretStorage${choice === generate ? ' (generated)' : ''}`);
  return value;
}
