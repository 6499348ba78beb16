import type { FileRule } from './types';

/** `syntax`: the parser's own problems, each at the token it concerns. */
export const syntaxRule: FileRule = {
  kinds: ['ecm', 'integration', 'vault', 'pa'],
  check(file, report) {
    for (const p of file.problems) {
      report({ code: 'syntax', range: file.range(p.offset, p.length), message: `${p.message} Fix the ${file.syntax === 'json' ? 'JSON' : 'YAML'} so the file parses.` });
    }
    if (file.problems.length === 0 && file.root && file.root.type !== 'object') {
      report({ code: 'syntax', range: file.headRange(file.root), message: `A ${file.kind} file holds a mapping of fields (key: value) at the top level.` });
    }
  },
};
