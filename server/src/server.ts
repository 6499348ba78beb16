import { createConnection, FileChangeType, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type InitializeParams } from 'vscode-languageserver/node';
import { ParsedFile } from './model/document';
import { classify } from './model/fileKind';
import { findFiles, uriToPath, Workspace } from './model/workspace';
import * as path from 'node:path';
import { readTextUpTo } from './model/readText';
import { parseOverrides } from './rules/codes';
import { codeActions, diagnosticsToFix } from './features/codeActions';
import { complete } from './features/completion';
import { DiagnosticsPublisher } from './features/diagnostics';
import { hover } from './features/hover';
import { documentSymbols } from './features/symbols';
import { registerNavigation } from './features/register';
import { ChangeTracker, type PieceDocument } from './features/changeTracking';
import { registerInjectionRequests } from './features/injectionRequests';
import { Requests } from '../../protocol/lsp';
import { pathToFileURL } from 'node:url';

/** `ecmkit lsp --stdio` (or `--node-ipc` from VS Code): the language server. Resolves never; the connection owns the process. */
export async function run(_args: string[]): Promise<number> {
  const connection = createConnection(ProposedFeatures.all);
  const changes = new ChangeTracker();
  const documents = new TextDocuments(changes.documents);
  const ws = new Workspace();
  const publisher = new DiagnosticsPublisher(connection, ws);
  let folders: string[] = [];
  let canPullConfig = false;

  // Console output would corrupt a stdio connection: route it to the client's log.
  console.log = (...a: unknown[]) => connection.console.log(a.map(String).join(' '));
  console.error = (...a: unknown[]) => connection.console.error(a.map(String).join(' '));

  /** The parsed file for a URI: the open document if any (cached by version), else the indexed disk copy. */
  const parsed = (uri: string): ParsedFile | undefined => {
    const doc = documents.get(uri);
    const known = ws.get(uri);
    if (doc && (!known || known.version !== doc.version || known.text !== doc.getText())) {
      const fresh = (known && incremental(known, doc))
        ?? (known && known.text === doc.getText() ? ParsedFile.reversioned(known, doc.version) : undefined) // opened as saved: nothing to parse
        ?? ParsedFile.create(uri, doc.getText(), doc.version);
      if (fresh) ws.set(fresh);
      return fresh;
    }
    return known;
  };

  /** The next version from the edits the editor sent (only what they touched is parsed again), if known. */
  const incremental = (known: ParsedFile, doc: PieceDocument): ParsedFile | undefined => {
    const edits = changes.take(known.uri, known.version, doc.version);
    if (!edits) return undefined;
    let f = known;
    edits.forEach((e, i) => {
      const last = i === edits.length - 1;
      f = ParsedFile.edited(f, e, doc.version, last ? doc.getText() : undefined, last ? doc.source : undefined, last ? doc.lines : undefined);
      publisher.track(f);
    });
    return f.text === doc.getText() ? f : undefined;
  };

  const loadFromDisk = async (uri: string): Promise<void> => {
    if (documents.get(uri)) return; // the editor's copy wins
    try {
      const { text, bytes } = await readTextUpTo(uriToPath(uri), ParsedFile.maxChars);
      const file = ParsedFile.create(uri, text, 0, bytes);
      if (documents.get(uri)) return; // opened while it was read
      if (file) ws.set(file);
    } catch {
      if (!documents.get(uri)) ws.delete(uri); // gone from disk, unless the editor has it open now
    }
  };

  const loadSettings = async (): Promise<void> => {
    if (!canPullConfig) return;
    const [rules, maxMb] = await connection.workspace.getConfiguration([{ section: 'ecmkit.rules' }, { section: 'ecmkit.maxFileSizeMB' }]).catch(() => [undefined, undefined]);
    if (typeof maxMb === 'number' && maxMb > 0 && ParsedFile.maxChars !== maxMb * 1024 * 1024) {
      ParsedFile.maxChars = maxMb * 1024 * 1024;
      for (const f of ws.all()) {
        if (f.bytesOnDisk !== undefined) { void loadFromDisk(f.uri).then(() => publisher.schedule()); continue; } // only its head was read
        const again = ParsedFile.create(f.uri, f.text, f.version);
        if (again) ws.set(again);
      }
    }
    const { overrides, problems } = parseOverrides(rules ?? {});
    for (const p of problems) connection.console.warn(p);
    publisher.overrides = overrides;
  };

  const navigationCapabilities = { definitionProvider: true, referencesProvider: true, renameProvider: { prepareProvider: true }, workspaceSymbolProvider: true, codeLensProvider: { resolveProvider: false } };
  connection.onInitialize((params: InitializeParams) => {
    folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
    if (!folders.length && params.rootUri) folders = [uriToPath(params.rootUri)];
    canPullConfig = !!params.capabilities.workspace?.configuration;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: [':', ' ', '"'] },
        documentSymbolProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        ...navigationCapabilities,
      },
      serverInfo: { name: 'ecmkit', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    await loadSettings();
    // Index files that are not open, so cross-file rules see the whole workspace.
    // Each root on its own: one missing or unreadable folder must not hide the others' files.
    const files = (await Promise.all(folders.map((f) => findFiles([f]).catch(() => [] as string[])))).flat();
    await Promise.all(files.map((f) => loadFromDisk(pathToFileURL(f).href)));
    void publisher.publishNow();
  });

  connection.onDidChangeConfiguration(async () => { await loadSettings(); void publisher.publishNow(); });
  connection.onRequest(Requests.recheck, async () => { await publisher.publishNow(); return null; });

  documents.onDidChangeContent((e) => {
    if (!classify(e.document.uri)) return;
    parsed(e.document.uri);
    publisher.schedule();
  });
  documents.onDidClose(async (e) => {
    if (!classify(e.document.uri)) return;
    // Back to the saved copy (or gone, if it was never saved); a file outside the workspace folders was
    // part of the workspace only while open. The editor's copy stays indexed until then: no check in
    // between sees the file missing.
    if (await inWorkspace(e.document.uri)) await loadFromDisk(e.document.uri);
    else if (!documents.get(e.document.uri)) ws.delete(e.document.uri);
    publisher.schedule();
  });

  const inWorkspace = async (uri: string): Promise<boolean> => {
    const now = await connection.workspace.getWorkspaceFolders().then((f) => f?.map((x) => uriToPath(x.uri)), () => undefined).catch(() => undefined);
    const fold = (p: string) => (process.platform === 'win32' ? p.toLowerCase() : p); // Windows paths ignore case
    const file = fold(uriToPath(uri));
    return (now ?? folders).some((dir) => file.startsWith(fold(dir.endsWith(path.sep) ? dir : dir + path.sep)));
  };

  connection.onDidChangeWatchedFiles(async ({ changes }) => {
    for (const c of changes) {
      if (!classify(c.uri)) continue;
      if (c.type === FileChangeType.Deleted) { if (!documents.get(c.uri)) ws.delete(c.uri); }
      else await loadFromDisk(c.uri);
    }
    publisher.schedule();
  });

  connection.onHover(({ textDocument, position }) => {
    const file = parsed(textDocument.uri);
    return file ? hover(file, file.offsetAt(position), ws) : null;
  });
  connection.onCompletion(({ textDocument, position }) => {
    const file = parsed(textDocument.uri);
    return file ? complete(file, file.offsetAt(position), ws) : [];
  });
  connection.onDocumentSymbol(({ textDocument }) => {
    const file = parsed(textDocument.uri);
    return file ? documentSymbols(file) : [];
  });
  connection.onCodeAction(({ textDocument, range, context }) => {
    const file = parsed(textDocument.uri);
    if (!file) return [];
    if (context.only && !context.only.some((kind) => kind === 'quickfix' || kind.startsWith('quickfix.'))) return [];
    return codeActions(file, diagnosticsToFix(range, context.diagnostics, publisher.publishedFor(file)), ws);
  });
  registerNavigation(connection, ws, parsed, publisher, loadFromDisk, () => documents.all().map((d) => d.uri));

  registerInjectionRequests(connection, ws);
  documents.listen(connection);
  connection.listen();
  return new Promise<number>(() => undefined);
}
