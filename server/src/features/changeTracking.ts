/**
 * The server's open documents, and the text changes between their versions. Each change is kept as
 * offsets, so only what an edit touched is parsed again (ParsedFile.edited); and a document's text is
 * kept as pieces (PieceText), because a spliced JavaScript string is copied whole the moment anything
 * reads it — 55 ms per keystroke for a 17 MB inventory, the larger part of a re-check.
 */
import type { Position, Range, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { TextChange } from '../model/parse/incremental';
import { LineIndex } from '../model/text/lines';
import { PieceText } from '../model/text/pieceText';

/** A TextDocument (the parts TextDocuments and the server use) over a PieceText. */
export class PieceDocument {
  constructor(
    readonly uri: string,
    readonly languageId: string,
    readonly version: number,
    readonly source: PieceText,
    /** Shared with the ParsedFile of the same version (one 600,000-line table per version, not two). */
    readonly lines: LineIndex,
  ) {}

  getText(range?: Range): string {
    if (!range) return this.source.toString();
    return this.source.slice(this.offsetAt(range.start), this.offsetAt(range.end));
  }

  positionAt(offset: number): Position {
    return this.lines.positionAt(offset);
  }

  offsetAt(position: Position): number {
    return this.lines.offsetAt(position);
  }

  get lineCount(): number {
    return this.lines.lineCount;
  }

  /** The next version: the changes applied in order (each in the coordinates the previous one left). */
  update(events: TextDocumentContentChangeEvent[], version: number, record: (c: TextChange | 'full') => void): PieceDocument {
    let source = this.source;
    let lines = this.lines;
    for (const e of events) {
      if ('range' in e) {
        const start = lines.offsetAt(e.range.start), end = lines.offsetAt(e.range.end);
        record({ start, end, text: e.text });
        source = source.edit(start, end, e.text);
        lines = LineIndex.edited(lines, source.toString(), start, end, e.text);
      } else {
        record('full');
        source = PieceText.of(e.text);
        lines = LineIndex.of(e.text);
      }
    }
    return new PieceDocument(this.uri, this.languageId, version, source, lines);
  }
}

interface Log { from: number; to: number; changes: TextChange[] | 'full' }

export class ChangeTracker {
  private readonly logs = new Map<string, Log>();

  /** A TextDocuments configuration: PieceDocuments, with each update's changes recorded as offsets. */
  readonly documents = {
    create: (uri: string, languageId: string, version: number, content: string): PieceDocument => {
      this.logs.delete(uri);
      return new PieceDocument(uri, languageId, version, PieceText.of(content), LineIndex.of(content));
    },
    update: (doc: PieceDocument, events: TextDocumentContentChangeEvent[], version: number): PieceDocument => {
      const prior = this.logs.get(doc.uri);
      // Changes since the version the server last parsed are chained; a gap means "parse it all".
      const log: Log = prior && prior.to === doc.version && prior.changes !== 'full' ? { from: prior.from, to: version, changes: [...prior.changes] } : { from: doc.version, to: version, changes: [] };
      const next = doc.update(events, version, (c) => {
        if (c === 'full' || log.changes === 'full') log.changes = 'full';
        else log.changes.push(c);
      });
      this.logs.set(doc.uri, log);
      return next;
    },
  };

  /** The changes that turn version `from` of the document into version `to`, once; undefined if unknown. */
  take(uri: string, from: number, to: number): TextChange[] | undefined {
    const log = this.logs.get(uri);
    if (!log || log.from !== from || log.to !== to || log.changes === 'full') return undefined;
    this.logs.delete(uri);
    return log.changes;
  }

  forget(uri: string): void {
    this.logs.delete(uri);
  }
}
