import { Composer, Parser, YAMLParseError, type CST, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions, type Node as YamlNode } from 'yaml';
import type { Node } from '../tree';
import type { SyntaxProblem } from './parseJson';
import { parseYamlChunked } from './chunkedYaml';
import { parseYamlFast } from './fastYaml';
import { MAX_DEPTH, tooDeep } from './nesting';
import { shortTag, yamlToTree } from './yamlTree';

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

/**
 * How ecmkit reads YAML with the `yaml` package: YAML 1.2's core schema, duplicate keys are errors, and
 * merge keys (`<<: *base`) merge, as every YAML tool admins use does (1.2 itself leaves them out).
 * The conformance tests compare ecmkit's readings with the package's under these same options.
 */
export const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = { uniqueKeys: true, merge: true };

/** The `yaml` package's parse, converted: for everything the fast path leaves (and every error message). */
export function parseYamlFull(text: string): { root: Node | undefined; problems: SyntaxProblem[] } {
  const parsed = parseDocument(text);
  if ('tooDeepAt' in parsed) return { root: undefined, problems: [tooDeep(parsed.tooDeepAt)] };
  const doc = parsed.doc;
  const problems: SyntaxProblem[] = doc.errors.map((e) => ({
    ...unclosedAt(text, e.message, e.pos[0]) ?? { offset: e.pos[0], length: Math.max(1, e.pos[1] - e.pos[0]) },
    message: firstLine(e.message),
  }));
  for (const w of doc.warnings) {
    // An unknown tag (`!foo`), or one that does not fit its value (`!!float abc`): the package reads it as untagged.
    const tag = /^Unresolved tag: (\S+)/.exec(w.message)?.[1];
    if (tag) problems.push({ offset: w.pos[0], length: Math.max(1, w.pos[1] - w.pos[0]), message: `The YAML tag ${shortTag(tag)} is unknown or does not fit this value: remove it (ecmkit files take plain values).` });
  }
  if (doc.contents && doc.contents.range) {
    // Several documents in one file: only the first is read.
    const extra = doc.errors.length === 0 && /\n---\s*\S/.test(text.slice(doc.contents.range[2]));
    if (extra) problems.push({ offset: doc.contents.range[2], length: 3, message: 'Only one YAML document per file is read; remove the second one.' });
  }
  const knownTags = new Set(doc.schema.tags.map((t) => t.tag));
  const root = yamlToTree(doc.contents as YamlNode | null, text, problems, knownTags);
  return { root, problems };
}

/**
 * The package's `parseDocument`, except that a document nested deeper than MAX_DEPTH is not composed:
 * its composer recurses, and near the stack's end V8 can abort the process. The CST parser does not recurse.
 */
function parseDocument(text: string, prefixOnly = false): { doc: Document.Parsed } | { tooDeepAt: number } {
  const tokens = [...new Parser().parse(text)];
  let deep = -1;
  for (const t of tokens) {
    if (t.type !== 'document') continue;
    // Past COMPOSE_LIMIT the composer is not run at all. Between the two limits it is (it recurses safely
    // there): a broken file's CST can nest deep by accident (a missing colon makes every later line a level
    // down), and then the composer's errors are the mistake to report, not the depth.
    if (cstTooDeepAt(t, COMPOSE_LIMIT) >= 0) {
      // Too deep to compose. A broken file's CST can nest deep by accident (after a missing colon every
      // later line sits a level down): the lines before the first too-deep one, composed alone, say whether
      // the file broke there — their errors are the mistake — or really nests that deep.
      const at = cstTooDeepAt(t, MAX_DEPTH);
      const lineStart = text.lastIndexOf('\n', at) + 1;
      const before = prefixOnly || lineStart === 0 ? undefined : parseDocument(text.slice(0, lineStart), true);
      if (before && 'doc' in before && before.doc.errors.some((e) => e.pos[1] < lineStart)) return before;
      return { tooDeepAt: at };
    }
    if (deep < 0) deep = cstTooDeepAt(t, MAX_DEPTH);
  }
  const composer = new Composer({ ...YAML_OPTIONS, keepSourceTokens: false });
  let doc: Document.Parsed | undefined;
  for (const d of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = d;
    else {
      doc.errors.push(new YAMLParseError([d.range[0], d.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
      break;
    }
  }
  if (deep >= 0 && !doc?.errors.length) return { tooDeepAt: deep };
  return { doc: doc! };
}

/** How deep the `yaml` package's composer may be asked to recurse (well within the stack). */
const COMPOSE_LIMIT = 1000;

/** Where the first collection nested deeper than MAX_DEPTH starts in a CST document, or -1 (no recursion). */
function cstTooDeepAt(document: CST.Document, limit: number): number {
  const stack: [CST.Token | undefined, number][] = [[document.value, 0]];
  while (stack.length) {
    const [t, depth] = stack.pop()!;
    if (!t || (t.type !== 'block-map' && t.type !== 'block-seq' && t.type !== 'flow-collection')) continue;
    if (depth >= limit) return t.offset;
    for (const item of t.items) {
      if ('key' in item && item.key) stack.push([item.key, depth + 1]);
      if (item.value) stack.push([item.value, depth + 1]);
    }
  }
  return -1;
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
