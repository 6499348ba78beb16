/**
 * The snippets of snippets/ecmkit-yaml.json as completion items, each offered only where it fits: a file
 * skeleton (`ecmkit-ecm`, `ecmkit-vault`, …) in a YAML file with nothing but the word being typed (and
 * comments); a list item (`ecmkit-jump-group`, …) on a new line of its top-level list. They used to be
 * contributed snippets, which the editor offers everywhere, inside a block scalar too. The JSON file stays
 * their one source: "New Configuration File…" reads the skeletons from it as well.
 */
import { CompletionItemKind, InsertTextFormat, type CompletionItem } from 'vscode-languageserver-types';
import snippets from '../../../snippets/ecmkit-yaml.json';
import type { ParsedFile } from '../model/document';
import { lineStartAt } from '../model/text/lines';

interface Snippet { prefix: string; description?: string; include: string[]; isFileTemplate?: boolean; list?: string; body: string | string[] }

const ALL = Object.values(snippets) as Snippet[];

/** The snippets that fit at the cursor: the kind's skeleton in an empty file, or an item of the list the line is in. */
export function snippetItems(file: ParsedFile, offset: number): CompletionItem[] {
  if (file.syntax !== 'yaml') return [];
  const lineStart = lineStartAt(file.text, offset);
  const nl = file.text.indexOf('\n', offset);
  const lineEnd = nl < 0 ? file.text.length : nl;
  const line = file.text.slice(lineStart, lineEnd);
  const m = /^([ \t]*)([\w-]*)$/.exec(line); // indentation, then nothing or the word being typed
  if (!m) return [];
  const forKind = ALL.filter((s) => s.include.some((g) => g.endsWith(`.${file.kind}.yaml`)));
  const wordAt = lineStart + m[1].length;
  const fits = (s: Snippet): boolean => (s.isFileTemplate
    ? !m[1] && !hasContent(file.text, 0, lineStart) && !hasContent(file.text, lineEnd, file.text.length)
    : !!s.list && listAbove(file.text, lineStart, m[1].length) === s.list);
  return forKind.filter(fits).map((s) => item(s, file.range(wordAt, m[2].length)));
}

function item(s: Snippet, range: ReturnType<ParsedFile['range']>): CompletionItem {
  const body = Array.isArray(s.body) ? s.body.join('\n') : s.body;
  return {
    label: s.prefix,
    kind: CompletionItemKind.Snippet,
    detail: s.description,
    documentation: { kind: 'markdown', value: '```yaml\n' + preview(body) + '\n```' },
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: { range, newText: body },
    filterText: s.prefix,
    sortText: '0',
  };
}

/** The snippet as it reads with its defaults (for the documentation pane). */
function preview(body: string): string {
  return body.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\{?\d+\}?/g, '').replace(/\\\$/g, '$');
}

/**
 * The top-level key whose list a new line at this indentation continues: going up past blank lines,
 * comments, sibling items (`- …` at this indentation) and their deeper lines, the first line left must be
 * `key:` alone at column 0. Undefined otherwise (stops at the first line that settles it).
 */
function listAbove(text: string, lineStart: number, indent: number): string | undefined {
  let sibling = false;
  for (let end = lineStart - 1; end >= 0;) {
    const start = lineStartAt(text, end);
    const l = text.slice(start, end);
    end = start - 1;
    const body = l.trimStart();
    if (!body || body.startsWith('#')) continue;
    const at = l.length - body.length;
    if (at === indent && body.startsWith('- ')) { sibling = true; continue; } // a sibling item
    if (at > indent && body.startsWith('- ') && !sibling) return undefined; // the list's items sit deeper than the cursor
    if (at > indent) continue; // inside an item above
    const key = /^([\w-]+):\s*(#.*)?$/.exec(l);
    return key && at === 0 ? key[1] : undefined;
  }
  return undefined;
}

/** Whether text[from, to) has a line other than blanks and comments; stops at the first (a large file is not read through). */
function hasContent(text: string, from: number, to: number): boolean {
  for (let at = from; at < to;) {
    const nl = text.indexOf('\n', at);
    const end = Math.min(to, nl < 0 ? text.length : nl);
    const l = text.slice(at, end).trim();
    if (l && !l.startsWith('#')) return true;
    at = end + 1;
  }
  return false;
}
