/**
 * `ecmkit lsp --stdio` (or `--node-ipc` from VS Code): the language server. It starts the connection,
 * loads the settings and the workspace's files; every handler is in features/handlers.ts.
 */
import { createConnection, ProposedFeatures, TextDocumentSyncKind, type InitializeParams } from 'vscode-languageserver/node';
import { pathToFileURL } from 'node:url';
import { findFiles, uriToPath, Workspace } from './model/workspace';
import { parseOverrides } from './rules/codes';
import { DiagnosticsPublisher } from './features/diagnostics';
import { DocumentStore } from './features/documents';
import { CAPABILITIES, registerHandlers } from './features/handlers';

/** Resolves never; the connection owns the process. */
export async function run(_args: string[]): Promise<number> {
  const connection = createConnection(ProposedFeatures.all);
  const ws = new Workspace();
  const publisher = new DiagnosticsPublisher(connection, ws);
  const store = new DocumentStore(connection, ws, publisher);
  let canPullConfig = false;

  // Console output would corrupt a stdio connection: route it to the client's log.
  console.log = (...a: unknown[]) => connection.console.log(a.map(String).join(' '));
  console.error = (...a: unknown[]) => connection.console.error(a.map(String).join(' '));

  const loadSettings = async (): Promise<void> => {
    if (!canPullConfig) return;
    const [rules, maxMb] = await connection.workspace.getConfiguration([{ section: 'ecmkit.rules' }, { section: 'ecmkit.maxFileSizeMB' }]).catch(() => [undefined, undefined]);
    if (typeof maxMb === 'number' && maxMb > 0) store.setMaxChars(maxMb * 1024 * 1024);
    const { overrides, problems } = parseOverrides(rules ?? {});
    for (const p of problems) connection.console.warn(p);
    publisher.overrides = overrides;
  };

  connection.onInitialize((params: InitializeParams) => {
    store.folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
    if (!store.folders.length && params.rootUri) store.folders = [uriToPath(params.rootUri)];
    canPullConfig = !!params.capabilities.workspace?.configuration;
    return {
      capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, ...CAPABILITIES },
      serverInfo: { name: 'ecmkit', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    await loadSettings();
    // Index files that are not open, so cross-file rules see the whole workspace.
    // Each root on its own: one missing or unreadable folder must not hide the others' files.
    const files = (await Promise.all(store.folders.map((f) => findFiles([f]).catch(() => [] as string[])))).flat();
    await Promise.all(files.map((f) => store.loadFromDisk(pathToFileURL(f).href)));
    void publisher.publishNow();
  });
  connection.onDidChangeConfiguration(async () => { await loadSettings(); void publisher.publishNow(); });

  registerHandlers(connection, store, publisher);
  store.documents.listen(connection);
  connection.listen();
  return new Promise<number>(() => undefined);
}
