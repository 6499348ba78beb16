import type { Range } from 'vscode-languageserver-types';
import { classify, type FileKind, type Syntax } from './fileKind';
import { reparse, type EditInfo, type TextChange } from './parse/incremental';
import { LineIndex } from './text/lines';
import type { PieceText } from './text/pieceText';
import { parseJson, type SyntaxProblem } from './parse/parseJson';
import { parseJsonFast } from './parse/fastJson';
import { LAZY_MIN_CHARS, LazyJson } from './parse/lazyJson';
import { parseYaml } from './parse/parseYaml';
import { nodeAt, toValue, type JsonPath, type Node, type PropertyNode } from './tree';

/** Files longer than this (in characters) are not parsed: one `file/too-large` diagnostic instead of a frozen editor. */
export const DEFAULT_MAX_CHARS = 20 * 1024 * 1024;

/** One parsed ecmkit file: text, tree, plain value and the position mapping, cached per version. */
export class ParsedFile {
  /** JSON files from this many characters get a lazy tree (lazyJson.ts); tests lower it to cover small files too. */
  static lazyJsonFrom = LAZY_MIN_CHARS;
  private tree: Node | undefined;
  /** An incremental parse moved this version's nodes into the next version: its tree is rebuilt on demand. */
  private handedOver = false;
  /** A large JSON file's tree before anything needed all of it (lazyJson.ts). */
  private lazy: LazyJson | undefined;
  readonly tooLarge: boolean;
  /** The file's size: its length, or its bytes on disk when it was too large to read whole (`text` is then its head). */
  readonly size: number;
  readonly value: unknown;
  readonly problems: SyntaxProblem[];
  /** Offsets ↔ positions (lines.ts): built on first use, patched from the previous version after an edit. */
  private readonly lines: LineIndex;
  /**
   * Set when this version came from the previous one by re-parsing only the list items an edit touched:
   * what was re-parsed, and the previous version's line index (to move the previous findings).
   */
  readonly edit?: EditInfo & { prevLines: LineIndex };
  /** The text as the editor's pieces, when it came from an edit: read through them, it is never copied whole. */
  source?: PieceText;

  constructor(readonly uri: string, readonly kind: FileKind, readonly syntax: Syntax, readonly text: string, readonly version = 0, derived?: { root: Node; value: unknown; problems: SyntaxProblem[]; lines: LineIndex; edit: EditInfo & { prevLines: LineIndex } }, readonly bytesOnDisk?: number, readonly maxChars = DEFAULT_MAX_CHARS) {
    this.tooLarge = bytesOnDisk !== undefined || text.length > maxChars;
    this.size = bytesOnDisk ?? text.length;
    if (derived) {
      this.tree = derived.root;
      this.value = derived.value;
      this.problems = derived.problems;
      this.lines = derived.lines;
      this.edit = derived.edit;
      return;
    }
    const lazy = !this.tooLarge && syntax === 'json' && text.length >= ParsedFile.lazyJsonFrom ? LazyJson.read(text) : undefined;
    this.lines = lazy?.lineStarts ? LineIndex.withStarts(text, lazy.lineStarts) : LineIndex.of(text);
    if (lazy) {
      this.lazy = lazy.lazy;
      this.value = lazy.value;
      this.problems = [];
      return;
    }
    const parsed = this.tooLarge ? { root: undefined, problems: [] } : syntax === 'json' ? parseJson(text) : parseYaml(text);
    this.tree = parsed.root;
    this.problems = parsed.problems;
    this.value = toValue(parsed.root);
  }

  /** The syntax tree (built on first use for a large JSON file, and again after an edit took this version's nodes over). */
  get root(): Node | undefined {
    if (this.handedOver) {
      this.handedOver = false;
      this.tree = (this.syntax === 'json' ? parseJson(this.text) : parseYaml(this.text)).root;
    }
    if (this.lazy) {
      this.tree = parseJsonFast(this.text)?.root; // the text parsed cleanly once: the fast parser takes it
      this.lazy = undefined;
    }
    return this.tree;
  }

  /** The type of the top-level value, without building a lazy tree. */
  get rootType(): Node['type'] | undefined {
    return this.lazy ? 'object' : this.tree?.type;
  }

  /** `bytesOnDisk`: the file was too large to read whole (readTextUpTo) and `text` is only its head. */
  static create(uri: string, text: string, version = 0, bytesOnDisk?: number, maxChars = DEFAULT_MAX_CHARS): ParsedFile | undefined {
    const c = classify(uri);
    return c && new ParsedFile(uri, c.kind, c.syntax, text, version, undefined, bytesOnDisk, maxChars);
  }

  /** The same text under a new version (a file opened in the editor as it is on disk): nothing is parsed again. */
  static reversioned(prev: ParsedFile, version: number): ParsedFile {
    if (prev.tooLarge || !prev.root) return new ParsedFile(prev.uri, prev.kind, prev.syntax, prev.text, version, undefined, prev.bytesOnDisk, prev.maxChars);
    const edit = { regionStart: 0, regionOldEnd: 0, regionNewEnd: 0, delta: 0, items: [], checkOldEnd: 0, prevLines: prev.lines };
    const next = new ParsedFile(prev.uri, prev.kind, prev.syntax, prev.text, version, { root: prev.root, value: prev.value, problems: prev.problems, lines: prev.lines, edit }, undefined, prev.maxChars);
    next.source = prev.source;
    return next;
  }

  /**
   * The next version after one change ([start, end) of this text replaced): incremental when the change
   * falls inside items of a top-level list, else a whole parse. The next version takes over this one's
   * unchanged nodes (and moves them); this version then builds its own tree again from its text if it is
   * ever asked for (`root`), so a version still held never sees another's offsets.
   */
  static edited(prev: ParsedFile, change: TextChange, version: number, newText?: string, source?: PieceText, lineIndex?: LineIndex): ParsedFile {
    const text = newText ?? prev.text.slice(0, change.start) + change.text + prev.text.slice(change.end);
    if (!prev.tooLarge && text.length <= prev.maxChars) {
      const r = reparse(prev, text, change);
      if (r) {
        const lines = lineIndex ?? LineIndex.edited(prev.lines, text, change.start, change.end, change.text);
        const next = new ParsedFile(prev.uri, prev.kind, prev.syntax, text, version, { root: r.root, value: r.value, problems: r.problems, lines, edit: { ...r.info, prevLines: prev.lines } }, undefined, prev.maxChars);
        next.source = source;
        prev.handedOver = true;
        return next;
      }
    }
    return new ParsedFile(prev.uri, prev.kind, prev.syntax, text, version, undefined, undefined, prev.maxChars);
  }

  /** Whether this version was derived from `prev` by an incremental parse (its findings can be moved over). */
  follows(prev: ParsedFile): boolean {
    return !!this.edit && this.edit.prevLines === prev.lines;
  }

  range(offset: number, length: number): Range {
    return { start: this.lines.positionAt(offset), end: this.lines.positionAt(offset + Math.max(0, length)) };
  }

  offsetAt(position: { line: number; character: number }): number {
    return this.lines.offsetAt(position);
  }

  nodeRange(node: Node): Range {
    return this.range(node.offset, node.length);
  }

  keyRange(prop: PropertyNode): Range {
    return this.range(prop.keyOffset, prop.keyLength);
  }

  at(path: JsonPath): ReturnType<typeof nodeAt> {
    return this.lazy ? this.lazy.at(path) : nodeAt(this.root, path);
  }

  /** The range of the value at `path` (or of its key when the value is empty), else the closest ancestor's key. */
  rangeAt(path: JsonPath, prefer: 'value' | 'key' = 'value'): Range {
    const { node, prop, depth } = this.at(path);
    if (depth === path.length) {
      if (prefer === 'key' && prop) return this.keyRange(prop);
      // The whole file is no useful anchor: its first line stands for it.
      if (node && (node.length > 0)) return path.length ? this.nodeRange(node) : this.headRange(node);
      if (prop) return this.keyRange(prop);
    }
    if (prop) return this.keyRange(prop);
    if (node) return this.headRange(node);
    return this.range(0, 0);
  }

  /** First line of a node: for an object or list, a range no wider than its first line. */
  headRange(node: Node): Range {
    const r = this.nodeRange(node);
    if (r.start.line === r.end.line) return r;
    const lineEnd = this.text.indexOf('\n', node.offset);
    return this.range(node.offset, (lineEnd === -1 ? this.text.length : lineEnd) - node.offset);
  }

  get lineCount(): number {
    return this.lines.lineCount;
  }
}
