import { isMap, isPair, isScalar, isSeq, isAlias, LineCounter, parseDocument, Scalar, type Node as YamlNode } from 'yaml';
import type { Node, PropertyNode, ScalarNode } from '../tree';
import type { SyntaxProblem } from './parseJson';
import { parseYamlChunked } from './chunkedYaml';
import { blockLines, parseYamlFast } from './fastYaml';

/** Parses YAML into the shared tree. Never throws: problems come back as syntax problems. */
export function parseYaml(text: string): { root: Node | undefined; problems: SyntaxProblem[] } {
  const fast = parseYamlFast(text); // the same tree for the usual subset, an order of magnitude faster (fastYaml.ts)
  if (fast) return { root: fast.root, problems: [] };
  // A large file with an error: piece by piece, so the `yaml` package reads only the broken piece.
  const chunked = text.length > yamlLimits.chunkedFrom ? parseYamlChunked(text, parseYamlFull) : undefined;
  return chunked ?? parseYamlFull(text);
}

/** From this size the whole-file `yaml` parse takes seconds (tests lower it to cover small files). */
export const yamlLimits = { chunkedFrom: 1_000_000 };

/** The `yaml` package's parse, converted: for everything the fast path leaves (and every error message). */
export function parseYamlFull(text: string): { root: Node | undefined; problems: SyntaxProblem[] } {
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: true, prettyErrors: false, lineCounter: new LineCounter() });
  const problems: SyntaxProblem[] = doc.errors.map((e) => ({
    ...unclosedAt(text, e.message, e.pos[0]) ?? { offset: e.pos[0], length: Math.max(1, e.pos[1] - e.pos[0]) },
    message: firstLine(e.message),
  }));
  if (doc.contents && doc.contents.range) {
    // Several documents in one file: only the first is read.
    const extra = doc.errors.length === 0 && /\n---\s*\S/.test(text.slice(doc.contents.range[2]));
    if (extra) problems.push({ offset: doc.contents.range[2], length: 3, message: 'Only one YAML document per file is read; remove the second one.' });
  }
  return { root: convert(doc.contents as YamlNode | null, text), problems };
}

/**
 * An unclosed `[` or `{` is reported where the parser noticed (the next line's start): the bracket itself
 * is what to fix, so the problem points at it (the last one before that spot left open).
 */
function unclosedAt(text: string, message: string, at: number): { offset: number; length: number } | undefined {
  const close = /end with a ([\]}])/.exec(message)?.[1];
  if (!close) return undefined;
  const open = close === ']' ? '[' : '{';
  let depth = 0;
  for (let i = Math.min(at, text.length) - 1; i >= 0 && at - i < 100_000; i--) {
    const c = text[i];
    if (c === close) depth++;
    else if (c === open && depth-- === 0) return { offset: i, length: 1 };
  }
  return undefined;
}

function firstLine(s: string): string {
  if (/multiple documents/i.test(s)) return 'Only one YAML document per file is read; remove the second one (after ---).';
  return s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function convert(n: YamlNode | null | undefined, text: string): Node | undefined {
  if (!n) return undefined;
  const [start, end] = n.range ?? [0, 0];
  if (isMap(n)) {
    const properties: PropertyNode[] = [];
    for (const pair of n.items) {
      if (!isPair(pair)) continue;
      const k = pair.key as YamlNode | null;
      const keyRange = (k && k.range) || [start, start];
      const key = isScalar(k) ? String(k.value) : k ? text.slice(keyRange[0], keyRange[1]) : '';
      properties.push({ key, keyOffset: keyRange[0], keyLength: keyRange[1] - keyRange[0], value: convert(pair.value as YamlNode | null, text) });
    }
    return { type: 'object', offset: start, length: end - start, properties };
  }
  if (isSeq(n)) {
    const items = n.items.map((i) => convert(i as YamlNode, text)).filter((x): x is Node => !!x);
    return { type: 'array', offset: start, length: end - start, items };
  }
  if (isAlias(n)) return { type: 'string', offset: start, length: end - start, value: text.slice(start, end) };
  if (isScalar(n)) return scalar(n, start, end, text);
  return undefined;
}

function scalar(n: Scalar, start: number, end: number, text: string): ScalarNode {
  const v = n.value;
  const type = v === null || v === undefined ? 'null' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string';
  const value = type === 'null' ? null : typeof v === 'bigint' ? Number(v) : (v as string | number | boolean);
  const node: ScalarNode = { type, offset: start, length: end - start, value };
  if (n.type === Scalar.BLOCK_LITERAL || n.type === Scalar.BLOCK_FOLDED) node.lines = blockLines(text, start, end);
  return node;
}
