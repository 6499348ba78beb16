// Creates the language client. The server is `dist/cli.js lsp` (one bundle with the CLI) over Node IPC;
// everything that needs the file model (diagnostics, hover, completion, fixes) is answered by it.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

/** The four ecmkit file kinds of FORMATS.md §1; other files are never sent to the server. */
export const FILES_GLOB = '**/*.{ecm,integration,vault,pa}.{yaml,yml,json}';

export function createLanguageClient(ctx: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient {
  const module = ctx.asAbsolutePath('dist/cli.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, args: ['lsp'] },
    debug: { module, transport: TransportKind.ipc, args: ['lsp'], options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', pattern: FILES_GLOB }],
    synchronize: {
      // The server pulls `ecmkit.rules` via workspace/configuration; this also tells it when to pull again.
      configurationSection: 'ecmkit',
      fileEvents: vscode.workspace.createFileSystemWatcher(FILES_GLOB),
    },
    outputChannel: log,
  };
  // id `ecmkit` makes the `ecmkit.trace.server` setting work without extra code.
  return new LanguageClient('ecmkit', 'ecmkit', serverOptions, clientOptions);
}
