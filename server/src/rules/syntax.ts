import type { ParsedFile } from '../model/document';
import { KIND_NOUN } from '../model/fileKind';
import type { FileRule } from './types';
import { inUserWords } from './syntaxWords';

/** Syntax errors shown per file (docs/rules.md#syntax-and-size). */
const MAX_SHOWN = 3;
const MAX_MESSAGE = 200;

/** `syntax`: the parser's own problems, each at the token it concerns. */
export const syntaxRule: FileRule = {
  kinds: ['ecm', 'integration', 'vault', 'pa'],
  // Parse errors are the parser's; an edited item that parsed cleanly adds none.
  checkPath() {},
  check(file, report) {
    if (file.tooLarge) {
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      report({ code: 'file/too-large', range: file.headRange({ type: 'null', value: null, offset: 0, length: Math.min(file.text.length, 200) }), message: `This file has ${mb(file.size)} MB; ecmkit checks files up to ${mb(file.maxChars)} MB. Split it, or raise the setting ecmkit.maxFileSizeMB (CLI: --max-file-size).` });
      return;
    }
    // A byte that is not UTF-8 (a Latin-1 `é`) was decoded as U+FFFD: a name holding it matches nothing.
    const bad = file.text.indexOf('\uFFFD');
    if (bad >= 0) report({ code: 'syntax', range: file.range(bad, 1), message: 'This file is not UTF-8: a byte here could not be read (shown as �). Save the file as UTF-8 (VS Code: "Change File Encoding", then "Save with Encoding").' });
    // One error per line, at most MAX_SHOWN per file: after the first, the parser's errors mostly follow
    // from it (a missing colon makes every later line misread), and binary junk makes hundreds.
    const lines = new Set<number>();
    const shown: typeof file.problems = [];
    for (const p of file.problems) {
      const line = file.range(p.offset, 0).start.line;
      if (lines.has(line)) continue;
      lines.add(line);
      shown.push(p);
      if (shown.length === MAX_SHOWN - (bad >= 0 ? 1 : 0)) break;
    }
    const hidden = file.problems.length - shown.length;
    shown.forEach((p, i) => {
      let said = inUserWords(p.message);
      if (said.length > MAX_MESSAGE) said = `${said.slice(0, MAX_MESSAGE)}…`;
      if (!/[.!?…]$/.test(said)) said += '.';
      const paused = i === 0 ? ' Until it parses, ecmkit draws no conclusion from this file in the other files.' : '';
      const more = i === shown.length - 1 && hidden > 0 ? ` (${hidden} more syntax error${hidden === 1 ? '' : 's'} may follow from these; fix these first.)` : '';
      report({ code: 'syntax', range: file.range(p.offset, p.length), message: `${said}${paused}${more}` });
    });
    if (file.problems.length === 0 && !file.rootType) {
      // Empty (or only comments): valid YAML, but no ECM, integration, inventory or site is described.
      const snippet = file.syntax === 'yaml' ? ` Type ecmkit-${file.kind} for a starting point.` : '';
      report({ code: 'syntax', range: file.range(0, 0), message: `The file is empty: ${KIND_NOUN[file.kind]} holds a mapping of fields (key: value) at the top level.${snippet}` });
    }
    if (file.problems.length === 0 && file.rootType && file.rootType !== 'object' && file.root) {
      report({ code: 'syntax', range: file.headRange(file.root), message: `${KIND_NOUN[file.kind][0].toUpperCase()}${KIND_NOUN[file.kind].slice(1)} holds a mapping of fields (key: value) at the top level.` });
    }
  },
};
