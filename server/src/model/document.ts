import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver-types';
import { classify, type FileKind, type Syntax } from './fileKind';
import { parseJson, type SyntaxProblem } from './parseJson';
import { parseYaml } from './parseYaml';
import { nodeAt, toValue, type JsonPath, type Node, type PropertyNode } from './tree';

/** One parsed ecmkit file: text, tree, plain value and the position mapping, cached per version. */
export class ParsedFile {
  /** Files longer than this (in characters) are not parsed: one `file/too-large` diagnostic instead of a frozen editor. */
  static maxChars = 20 * 1024 * 1024;
  readonly root: Node | undefined;
  readonly tooLarge: boolean;
  readonly value: unknown;
  readonly problems: SyntaxProblem[];
  private readonly doc: TextDocument;

  constructor(readonly uri: string, readonly kind: FileKind, readonly syntax: Syntax, readonly text: string, readonly version = 0) {
    this.doc = TextDocument.create(uri, syntax, version, text);
    this.tooLarge = text.length > ParsedFile.maxChars;
    const parsed = this.tooLarge ? { root: undefined, problems: [] } : syntax === 'json' ? parseJson(text) : parseYaml(text);
    this.root = parsed.root;
    this.problems = parsed.problems;
    this.value = toValue(parsed.root);
  }

  static create(uri: string, text: string, version = 0): ParsedFile | undefined {
    const c = classify(uri);
    return c && new ParsedFile(uri, c.kind, c.syntax, text, version);
  }

  range(offset: number, length: number): Range {
    return { start: this.doc.positionAt(offset), end: this.doc.positionAt(offset + Math.max(0, length)) };
  }

  offsetAt(position: { line: number; character: number }): number {
    return this.doc.offsetAt(position);
  }

  nodeRange(node: Node): Range {
    return this.range(node.offset, node.length);
  }

  keyRange(prop: PropertyNode): Range {
    return this.range(prop.keyOffset, prop.keyLength);
  }

  at(path: JsonPath): ReturnType<typeof nodeAt> {
    return nodeAt(this.root, path);
  }

  /** The range of the value at `path` (or of its key when the value is empty), else the closest ancestor's key. */
  rangeAt(path: JsonPath, prefer: 'value' | 'key' = 'value'): Range {
    const { node, prop, depth } = nodeAt(this.root, path);
    if (depth === path.length) {
      if (prefer === 'key' && prop) return this.keyRange(prop);
      if (node && (node.length > 0)) return this.nodeRange(node);
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
    return this.doc.lineCount;
  }
}
