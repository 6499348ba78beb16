/**
 * The language server's documents: the editor's open copies (as piece tables, changeTracking.ts) over the
 * workspace index of files on disk. `parsed(uri)` is the one way a handler gets a file: the open document
 * if any (parsed incrementally from the edits the editor sent), else the indexed disk copy.
 */
import { TextDocuments, type Connection } from 'vscode-languageserver/node';
import * as path from 'node:path';
import { ParsedFile } from '../model/document';
import { readTextUpTo } from '../model/readText';
import { uriToPath, type Workspace } from '../model/workspace';
import { ChangeTracker, type PieceDocument } from './changeTracking';
import type { DiagnosticsPublisher } from './diagnostics';

export class DocumentStore {
  private readonly changes = new ChangeTracker();
  readonly documents = new TextDocuments(this.changes.documents);
  /** The workspace folders (paths) the client opened, until it says otherwise. */
  folders: string[] = [];

  constructor(private readonly connection: Connection, readonly ws: Workspace, private readonly publisher: DiagnosticsPublisher) {}

  /** The parsed file for a URI: the open document if any (cached by version), else the indexed disk copy. */
  parsed(uri: string): ParsedFile | undefined {
    const doc = this.documents.get(uri);
    const known = this.ws.get(uri);
    if (doc && (!known || known.version !== doc.version || known.text !== doc.getText())) {
      const fresh = (known && this.incremental(known, doc))
        ?? (known && known.text === doc.getText() ? ParsedFile.reversioned(known, doc.version) : undefined) // opened as saved: nothing to parse
        ?? ParsedFile.create(uri, doc.getText(), doc.version, undefined, this.ws.maxChars);
      if (fresh) this.ws.set(fresh);
      return fresh;
    }
    return known;
  }

  /** The next version from the edits the editor sent (only what they touched is parsed again), if known. */
  private incremental(known: ParsedFile, doc: PieceDocument): ParsedFile | undefined {
    const edits = this.changes.take(known.uri, known.version, doc.version);
    if (!edits) return undefined;
    let f = known;
    edits.forEach((e, i) => {
      const last = i === edits.length - 1;
      f = ParsedFile.edited(f, e, doc.version, last ? doc.getText() : undefined, last ? doc.source : undefined, last ? doc.lines : undefined);
      this.publisher.track(f);
    });
    return f.text === doc.getText() ? f : undefined;
  }

  /** Indexes the disk copy of a file the editor does not have open (or drops it when it is gone from disk). */
  async loadFromDisk(uri: string): Promise<void> {
    if (this.documents.get(uri)) return; // the editor's copy wins
    try {
      const { text, bytes } = await readTextUpTo(uriToPath(uri), this.ws.maxChars);
      const file = ParsedFile.create(uri, text, 0, bytes, this.ws.maxChars);
      if (this.documents.get(uri)) return; // opened while it was read
      if (file) this.ws.set(file);
    } catch {
      if (!this.documents.get(uri)) this.ws.delete(uri); // gone from disk, unless the editor has it open now
    }
  }

  /** A new size limit: every indexed file is read or parsed again under it. */
  setMaxChars(maxChars: number): void {
    if (this.ws.maxChars === maxChars) return;
    this.ws.maxChars = maxChars;
    for (const f of this.ws.all()) {
      if (f.bytesOnDisk !== undefined) { void this.loadFromDisk(f.uri).then(() => this.publisher.schedule()); continue; } // only its head was read
      const again = ParsedFile.create(f.uri, f.text, f.version, undefined, maxChars);
      if (again) this.ws.set(again);
    }
  }

  openUris(): string[] {
    return this.documents.all().map((d) => d.uri);
  }

  /** Whether a file lies inside one of the workspace folders (asked afresh: folders come and go). */
  async inWorkspace(uri: string): Promise<boolean> {
    const now = await this.connection.workspace.getWorkspaceFolders().then((f) => f?.map((x) => uriToPath(x.uri)), () => undefined).catch(() => undefined);
    const fold = (p: string) => (process.platform === 'win32' ? p.toLowerCase() : p); // Windows paths ignore case
    const file = fold(uriToPath(uri));
    return (now ?? this.folders).some((dir) => file.startsWith(fold(dir.endsWith(path.sep) ? dir : dir + path.sep)));
  }
}
