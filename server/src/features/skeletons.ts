/**
 * The file skeletons (`ecmkit-ecm`, `ecmkit-vault`, …) as completion items, offered only where a whole file
 * fits: in a YAML file with nothing but the word being typed (and comments). They used to be contributed
 * snippets, which the editor offers everywhere, inside a block scalar too. snippets/ecmkit-yaml.json stays
 * their one source: "New Configuration File…" reads it as well.
 */
import { CompletionItemKind, InsertTextFormat, type CompletionItem } from 'vscode-languageserver-types';
import snippets from '../../../snippets/ecmkit-yaml.json';
import type { ParsedFile } from '../model/document';

interface Snippet { prefix: string; description?: string; body: string | string[] }

const BY_PREFIX = new Map((Object.values(snippets) as Snippet[]).map((s) => [s.prefix, s]));

/** The skeleton of the file's kind, when the file holds nothing else yet; else undefined. */
export function skeletonItem(file: ParsedFile, offset: number): CompletionItem | undefined {
  if (file.syntax !== 'yaml') return undefined;
  const s = BY_PREFIX.get(`ecmkit-${file.kind}`);
  if (!s) return undefined;
  const lineStart = file.text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = file.text.indexOf('\n', offset) < 0 ? file.text.length : file.text.indexOf('\n', offset);
  const line = file.text.slice(lineStart, lineEnd);
  if (!/^[\w-]*$/.test(line)) return undefined; // a word at the start of the line, or nothing
  if (hasContent(file.text, 0, lineStart) || hasContent(file.text, lineEnd, file.text.length)) return undefined;
  const body = Array.isArray(s.body) ? s.body.join('\n') : s.body;
  return {
    label: s.prefix,
    kind: CompletionItemKind.Snippet,
    detail: s.description,
    documentation: { kind: 'markdown', value: '```yaml\n' + body.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\{?\d+\}?/g, '').replace(/\\\$/g, '$') + '\n```' },
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: { range: file.range(lineStart, line.length), newText: body },
    filterText: s.prefix,
    sortText: '0',
  };
}

/** Whether text[from, to) has a line other than blanks and comments; stops at the first (a large file is not read through). */
function hasContent(text: string, from: number, to: number): boolean {
  for (let at = from; at < to;) {
    const end = Math.min(to, text.indexOf('\n', at) < 0 ? text.length : text.indexOf('\n', at));
    const l = text.slice(at, end).trim();
    if (l && !l.startsWith('#')) return true;
    at = end + 1;
  }
  return false;
}
