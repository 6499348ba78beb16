/**
 * Wires the cross-file features into the language server: definition, references, rename, workspace
 * symbols, code lenses, and workspace folders coming and going. Kept here so server.ts stays one line
 * per feature.
 */
import { CodeLensRefreshRequest, ResponseError, type Connection } from 'vscode-languageserver/node';
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import type { ParsedFile } from '../model/document';
import { findFiles, uriToPath, type Workspace } from '../model/workspace';
import { codeLenses } from './codeLens';
import type { DiagnosticsPublisher } from './diagnostics';
import { definition, prepareRename, references, rename, RenameError } from './navigation';
import { workspaceSymbols } from './workspaceSymbols';

export function registerNavigation(
  connection: Connection,
  ws: Workspace,
  parsed: (uri: string) => ParsedFile | undefined,
  publisher: DiagnosticsPublisher,
  loadFromDisk: (uri: string) => Promise<void>,
  openUris: () => string[],
): void {
  const at = (uri: string, position: { line: number; character: number }) => {
    const file = parsed(uri);
    return file ? { file, offset: file.offsetAt(position) } : undefined;
  };
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
    const file = parsed(textDocument.uri);
    return file ? codeLenses(ws, file) : [];
  });

  // An edit of the Vault file changes the counts on the PA file's lenses: ask the editor to re-fetch them.
  let lensGeneration = -1;
  let watchingFolders = false;
  publisher.onDidPublish = () => {
    if (!watchingFolders) { watchingFolders = true; watchFolders(); } // the first publish follows `initialized`
    if (lensGeneration === ws.generation || !openUris().some((u) => /\.pa\.(ya?ml|json)$/i.test(u))) return;
    lensGeneration = ws.generation;
    connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined); // clients without refresh support say no
  };

  /** Workspace folders added or removed: index or drop their files (open documents stay). */
  const watchFolders = (): void => {
    try {
      connection.workspace.onDidChangeWorkspaceFolders(async ({ added, removed }) => {
        const open = new Set(openUris());
        for (const f of removed) {
          const root = uriToPath(f.uri) + path.sep;
          for (const file of ws.all()) if (!open.has(file.uri) && uriToPath(file.uri).startsWith(root)) ws.delete(file.uri);
        }
        const files = (await Promise.all(added.map((f) => findFiles([uriToPath(f.uri)]).catch(() => [] as string[])))).flat();
        await Promise.all(files.map((f) => loadFromDisk(pathToFileURL(f).href)));
        publisher.schedule();
      });
    } catch {
      // The client does not support workspace folders: there is only the root.
    }
  };
}
