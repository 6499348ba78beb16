/**
 * Every LSP handler of the language server, registered in this one place: each forwards to the feature
 * file that answers it (one file per feature), with the file from the document store. server.ts only
 * starts the connection and loads settings.
 */
import { CodeLensRefreshRequest, FileChangeType, ResponseError, type Connection, type ServerCapabilities } from 'vscode-languageserver/node';
import { classify } from '../model/fileKind';
import { findFiles } from '../model/workspace';
import { isWithin, pathToUri, samePath, uriToPath } from '../model/platformPaths';
import { InjectionTargetsRequest, RecheckRequest, SimulateRequest, UserJumpClientsRequest, VaultHostnameRequest } from '../../../protocol/lsp';
import { codeActions, diagnosticsToFix } from './codeActions';
import { codeLenses } from './codeLens';
import { complete } from './completion';
import type { DiagnosticsPublisher } from './diagnostics';
import type { DocumentStore } from './documents';
import { hover } from './hover';
import { injectionTargets, simulate, simulateParams, userJumpClients, userJumpClientsParams } from './injectionRequests';
import { definition, prepareRename, references, rename, RenameError } from './navigation';
import { documentSymbols } from './symbols';
import { workspaceSymbols } from './workspaceSymbols';

/** The capabilities the handlers below answer (the server's `initialize` result). */
export const CAPABILITIES: ServerCapabilities = {
  hoverProvider: true,
  completionProvider: { triggerCharacters: [':', ' ', '"'] },
  documentSymbolProvider: true,
  codeActionProvider: { codeActionKinds: ['quickfix'] },
  definitionProvider: true,
  referencesProvider: true,
  renameProvider: { prepareProvider: true },
  workspaceSymbolProvider: true,
  codeLensProvider: { resolveProvider: false },
  workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
};

export function registerHandlers(connection: Connection, store: DocumentStore, publisher: DiagnosticsPublisher): void {
  const ws = store.ws;
  const at = (uri: string, position: { line: number; character: number }) => {
    const file = store.parsed(uri);
    return file ? { file, offset: file.offsetAt(position) } : undefined;
  };

  // Documents: an edit re-parses what it touched; a close goes back to the disk copy.
  store.documents.onDidChangeContent((e) => {
    if (!classify(e.document.uri)) return;
    store.parsed(e.document.uri);
    publisher.schedule();
  });
  store.documents.onDidClose(async (e) => {
    if (!classify(e.document.uri)) return;
    // Back to the saved copy (or gone, if it was never saved); a file outside the workspace folders was
    // part of the workspace only while open. The editor's copy stays indexed until then: no check in
    // between sees the file missing.
    if (await store.inWorkspace(e.document.uri)) await store.loadFromDisk(e.document.uri);
    else if (!store.documents.get(e.document.uri)) ws.delete(e.document.uri);
    publisher.schedule();
  });
  connection.onDidChangeWatchedFiles(async ({ changes }) => {
    for (const c of changes) {
      if (!classify(c.uri)) continue;
      if (c.type === FileChangeType.Deleted) { if (!store.documents.get(c.uri)) ws.delete(c.uri); }
      else await store.loadFromDisk(c.uri);
    }
    publisher.schedule();
  });

  // One file.
  connection.onHover(({ textDocument, position }) => {
    const c = at(textDocument.uri, position);
    return c ? hover(c.file, c.offset, ws) : null;
  });
  connection.onCompletion(({ textDocument, position }) => {
    const c = at(textDocument.uri, position);
    return c ? complete(c.file, c.offset, ws) : [];
  });
  connection.onDocumentSymbol(({ textDocument }) => {
    const file = store.parsed(textDocument.uri);
    return file ? documentSymbols(file) : [];
  });
  connection.onCodeAction(({ textDocument, range, context }) => {
    const file = store.parsed(textDocument.uri);
    if (!file) return [];
    if (context.only && !context.only.some((kind) => kind === 'quickfix' || kind.startsWith('quickfix.'))) return [];
    return codeActions(file, diagnosticsToFix(range, context.diagnostics, publisher.publishedFor(file)), ws);
  });

  // Across files.
  connection.onDefinition(({ textDocument, position }) => {
    const c = at(textDocument.uri, position);
    return c ? definition(ws, c.file, c.offset) : [];
  });
  connection.onReferences(({ textDocument, position, context }) => {
    const c = at(textDocument.uri, position);
    return c ? references(ws, c.file, c.offset, context.includeDeclaration) : [];
  });
  connection.onPrepareRename(({ textDocument, position }) => {
    const c = at(textDocument.uri, position);
    return c ? prepareRename(c.file, c.offset) : null;
  });
  connection.onRenameRequest(({ textDocument, position, newName }) => {
    const c = at(textDocument.uri, position);
    try {
      return c ? rename(ws, c.file, c.offset, newName) : null;
    } catch (err) {
      if (err instanceof RenameError) throw new ResponseError(-32602, err.message); // InvalidParams: shown to the user
      throw err;
    }
  });
  connection.onWorkspaceSymbol(({ query }) => workspaceSymbols(ws, query));
  connection.onCodeLens(({ textDocument }) => {
    const file = store.parsed(textDocument.uri);
    return file ? codeLenses(ws, file) : [];
  });

  // ecmkit's own requests (protocol/lsp.ts).
  connection.onRequest(RecheckRequest, async () => { await publisher.publishNow(); return null; });
  connection.onRequest(VaultHostnameRequest, ({ uri }) => {
    const file = store.parsed(uri);
    if (file?.kind !== 'ecm' || file.at(['vault', 'hostname']).depth !== 2) return null;
    return { range: file.rangeAt(['vault', 'hostname'], 'key') };
  });
  connection.onRequest(InjectionTargetsRequest, () => injectionTargets(ws));
  connection.onRequest(SimulateRequest, (p: unknown) => simulate(ws, simulateParams(p)));
  connection.onRequest(UserJumpClientsRequest, (p: unknown) => userJumpClients(ws, userJumpClientsParams(p)));

  // An edit of the Vault file changes the counts on the PA file's lenses: ask the editor to re-fetch them.
  let lensGeneration = -1;
  let watchingFolders = false;
  publisher.onDidPublish = () => {
    if (!watchingFolders) { watchingFolders = true; watchFolders(); } // the first publish follows `initialized`
    if (lensGeneration === ws.generation || !store.openUris().some((u) => /\.pa\.(ya?ml|json)$/i.test(u))) return;
    lensGeneration = ws.generation;
    connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined); // clients without refresh support say no
  };

  /** Workspace folders added or removed: index or drop their files (open documents stay). */
  const watchFolders = (): void => {
    try {
      connection.workspace.onDidChangeWorkspaceFolders(async ({ added, removed }) => {
        const open = new Set(store.openUris());
        const gone = removed.map((f) => uriToPath(f.uri, ws.platform));
        store.folders = [...store.folders.filter((d) => !gone.some((g) => samePath(d, g, ws.platform))), ...added.map((f) => uriToPath(f.uri, ws.platform))];
        for (const uri of open) if (ws.get(uri)) ws.setAlone(uri, !store.insideFolders(uri));
        for (const f of removed) {
          const root = uriToPath(f.uri, ws.platform);
          for (const file of ws.all()) if (!open.has(file.uri) && isWithin(uriToPath(file.uri, ws.platform), root, ws.platform)) ws.delete(file.uri);
        }
        const files = (await Promise.all(added.map((f) => findFiles([uriToPath(f.uri)]).catch(() => [] as string[])))).flat();
        await Promise.all(files.map((f) => store.loadFromDisk(pathToUri(f))));
        publisher.schedule();
      });
    } catch {
      // The client does not support workspace folders: there is only the root.
    }
  };
}
