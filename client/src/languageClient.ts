// Creates the language client. The server is `dist/cli.js lsp` (the CLI's core bundle, started by
// server/src/cli/launcher.ts) over Node IPC; everything that needs the file model (diagnostics, hover, completion, fixes) is answered by it.
import * as vscode from 'vscode';
import {
  CloseAction, ErrorAction, LanguageClient, State, TransportKind,
  type CloseHandlerResult, type ErrorHandler, type ErrorHandlerResult, type LanguageClientOptions, type ServerOptions,
} from 'vscode-languageclient/node';
import { gaveUpMessage, RestartPolicy } from './restartPolicy';

/** The four ecmkit file kinds of docs/formats.md; other files are never sent to the server. */
export const FILES_GLOB = '**/*.{ecm,integration,vault,pa}.{yaml,yml,json}';

export function createLanguageClient(ctx: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient {
  const module = ctx.asAbsolutePath('dist/cli.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, args: ['lsp'] },
    debug: { module, transport: TransportKind.ipc, args: ['lsp'], options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  // The language client does not dispose the watchers it is given.
  const watcher = vscode.workspace.createFileSystemWatcher(FILES_GLOB);
  ctx.subscriptions.push(watcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', pattern: FILES_GLOB }],
    synchronize: {
      // The server pulls `ecmkit.rules` via workspace/configuration; this also tells it when to pull again.
      configurationSection: 'ecmkit',
      fileEvents: watcher,
    },
    outputChannel: log,
    errorHandler: crashHandler(log, () => client),
  };
  // id `ecmkit` makes the `ecmkit.trace.server` setting work without extra code.
  const client = new LanguageClient('ecmkit', 'ecmkit', serverOptions, clientOptions);
  return client;
}

/**
 * A crashed server is restarted at most 3 times in 3 minutes (restartPolicy.ts); then the user is told, with
 * a button to the log that says why and one to try again. A restart by hand (the button or "ecmkit:
 * Restart Language Server") starts the count afresh.
 */
function crashHandler(log: vscode.LogOutputChannel, client: () => LanguageClient): ErrorHandler {
  const policy = new RestartPolicy();
  let gaveUp = false;
  let watching = false;
  return {
    error(error: Error, _message, count): ErrorHandlerResult {
      log.error(`language server connection error: ${error.message}`);
      // A few write/read errors in a row are survivable; more mean the connection is gone.
      return count !== undefined && count <= 3 ? { action: ErrorAction.Continue, handled: true } : { action: ErrorAction.Shutdown, handled: true };
    },
    closed(): CloseHandlerResult {
      if (!watching) {
        watching = true;
        // Running again after we gave up means someone restarted it by hand: count afresh.
        client().onDidChangeState((e) => { if (e.newState === State.Running && gaveUp) { gaveUp = false; policy.reset(); } });
      }
      const { decision, crashes } = policy.onCrash();
      if (decision === 'restart') {
        log.warn(`language server stopped unexpectedly (${crashes} time${crashes === 1 ? '' : 's'} in the last ${policy.options.windowMs / 60_000} minutes); restarting it`);
        return { action: CloseAction.Restart, handled: true };
      }
      gaveUp = true;
      const message = gaveUpMessage(crashes, policy.options);
      log.error(message);
      void vscode.window.showErrorMessage(message, 'Show Log', 'Restart Server').then((pick) => {
        if (pick === 'Show Log') log.show(true);
        else if (pick === 'Restart Server') void vscode.commands.executeCommand('ecmkit.restartServer');
      });
      return { action: CloseAction.DoNotRestart, handled: true };
    },
  };
}
