import * as fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { checkFile, checkWorkspace, toDiagnostics } from '../../server/src/engine/check';
import { ParsedFile } from '../../server/src/model/document';
import { yamlLimits } from '../../server/src/model/parse/parseYaml';
import { Workspace } from '../../server/src/model/workspace';
import { complete } from '../../server/src/features/completion';
import { hover } from '../../server/src/features/hover';
import { documentSymbols } from '../../server/src/features/symbols';
import { codeActions } from '../../server/src/features/codeActions';
import { RULES } from '../../server/src/rules/codes';
import { EXAMPLES } from '../support/fixtures';

/** The example files, as seeds for mutation. */
export const SEEDS = readdirSync(EXAMPLES).map((name) => ({ name, text: readFileSync(path.join(EXAMPLES, name), 'utf8') }));

const oddStrings = fc.constantFrom('\u0000', '\uFEFF', '\u202E', '𝔘', '\r\n', '\t', '"', "'", '{', '}', '[', ']', ':', '- ', '|', '>', '&a', '*a', '!!str', '#', '---', '...', '%YAML', '\\', '${secret:', '}', 'null', '1e999', '-0', '0x1F', 'é', '\u2028');

/** A mutated seed: truncations, insertions of odd tokens, duplicated or deleted lines, deep nesting, long lines. */
export const mutatedDocument = fc.record({
  seed: fc.constantFrom(...SEEDS),
  ops: fc.array(
    fc.oneof(
      fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(oddStrings, fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 8 })) }),
      fc.record({ op: fc.constant('dupLine' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('dropLine' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('nest' as const), at: fc.nat(), depth: fc.integer({ min: 1, max: 300 }) }),
      fc.record({ op: fc.constant('longLine' as const), at: fc.nat(), size: fc.integer({ min: 1000, max: 200_000 }) }),
      fc.record({ op: fc.constant('retype' as const), at: fc.nat(), text: fc.constantFrom('[]', '{}', '42', 'true', 'null', '"x"', '- a', '70000', '-1') }),
    ),
    { minLength: 1, maxLength: 6 },
  ),
}).map(({ seed, ops }) => {
  let text = seed.text;
  for (const o of ops) {
    const at = text.length ? o.at % (text.length + 1) : 0;
    const lines = text.split('\n');
    const li = lines.length ? o.at % lines.length : 0;
    switch (o.op) {
      case 'truncate': text = text.slice(0, at); break;
      case 'insert': text = text.slice(0, at) + o.text + text.slice(at); break;
      case 'dupLine': lines.splice(li, 0, lines[li] ?? ''); text = lines.join('\n'); break;
      case 'dropLine': lines.splice(li, 1); text = lines.join('\n'); break;
      case 'nest': text = text.slice(0, at) + '['.repeat(o.depth) + ']'.repeat(o.depth) + text.slice(at); break;
      case 'longLine': text = text.slice(0, at) + 'x'.repeat(o.size) + text.slice(at); break;
      case 'retype': {
        const m = /^(\s*[-\w"]+\s*:\s*)(.*)$/.exec(lines[li] ?? '');
        if (m) { lines[li] = m[1] + o.text; text = lines.join('\n'); }
        break;
      }
    }
  }
  return { name: seed.name, text };
});

/** Random documents of every kind, not derived from a seed. */
export const randomDocument = fc.record({
  name: fc.constantFrom('a.ecm.yaml', 'a.integration.yml', 'a.vault.json', 'a.pa.yaml', 'b.ecm.json'),
  text: fc.oneof(fc.string({ maxLength: 300 }), fc.json().map((j) => j), fc.string({ unit: 'binary', maxLength: 200 })),
});

function inside(file: ParsedFile, r: { start: { line: number; character: number }; end: { line: number; character: number } }): boolean {
  const s = file.offsetAt(r.start), e = file.offsetAt(r.end);
  const lines = file.lineCount;
  return r.start.line >= 0 && r.end.line < lines && s <= e && e <= file.text.length;
}

/**
 * The property: model, rules and language features never throw; every range lies inside its document;
 * every diagnostic has a known code and a message.
 */
export function checkDocument(doc: { name: string; text: string }, workspace: Workspace): void {
  checkDocumentOnce(doc, workspace);
  // Again as a large file would be read: the lazy JSON tree and the piece-by-piece YAML reader.
  const saved = [ParsedFile.lazyJsonFrom, yamlLimits.chunkedFrom] as const;
  ParsedFile.lazyJsonFrom = 0;
  yamlLimits.chunkedFrom = 0;
  try { checkDocumentOnce(doc, workspace); } finally { [ParsedFile.lazyJsonFrom, yamlLimits.chunkedFrom] = saved; }
}

function checkDocumentOnce(doc: { name: string; text: string }, workspace: Workspace): void {
  const uri = `file:///fuzz/${doc.name}`;
  const file = ParsedFile.create(uri, doc.text)!;
  workspace.set(file);
  const diagnostics = toDiagnostics([...checkFile(file), ...(checkWorkspace(workspace).get(uri) ?? [])]);
  for (const d of diagnostics) {
    if (typeof d.code !== 'string' || !(d.code in RULES)) throw new Error(`diagnostic without a known code: ${JSON.stringify(d)}`);
    if (!d.message) throw new Error('diagnostic without a message');
    if (!inside(file, d.range)) throw new Error(`range outside the document: ${JSON.stringify(d.range)} (${doc.text.length} chars)`);
  }
  const probe = [0, Math.floor(doc.text.length / 2), doc.text.length];
  for (const offset of probe) {
    const h = hover(file, offset);
    if (h?.range && !inside(file, h.range)) throw new Error('hover range outside the document');
    complete(file, offset);
  }
  const visit = (symbols: ReturnType<typeof documentSymbols>): void => {
    for (const s of symbols) {
      if (!inside(file, s.range) || !inside(file, s.selectionRange)) throw new Error('symbol range outside the document');
      visit(s.children ?? []);
    }
  };
  visit(documentSymbols(file));
  codeActions(file, diagnostics);
}

export function runFuzz(numRuns: number, seed: number): void {
  const ws = new Workspace();
  for (const s of SEEDS) ws.set(ParsedFile.create(`file:///fuzz-base/${s.name}`, s.text)!);
  fc.assert(fc.property(fc.oneof({ weight: 4, arbitrary: mutatedDocument }, { weight: 1, arbitrary: randomDocument }), (doc) => checkDocument(doc, ws)), { numRuns, seed, endOnFailure: true });
}
