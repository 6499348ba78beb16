import type { Hover } from 'vscode-languageserver-types';
import type { ParsedFile } from '../model/document';
import { schemaAt } from '../model/schemas';
import { locate } from './locate';

/** Hover on a key or value: the field's documentation from the kind's JSON Schema. */
export function hover(file: ParsedFile, offset: number): Hover | null {
  if (inComment(file, offset)) return null;
  const loc = locate(file, offset);
  if (!loc || loc.path.length === 0) return null;
  // An item of a list of plain values (`allowedIps: [10.0.0.1]`, `roles: [Rep]`) has the list's documentation.
  const path = typeof loc.path[loc.path.length - 1] === 'number' && !schemaAt(file.kind, loc.path)?.description ? loc.path.slice(0, -1) : loc.path;
  const schema = schemaAt(file.kind, path);
  if (!schema?.description) return null;
  const name = [...path].reverse().find((s) => typeof s === 'string') ?? '';
  const parts = [`**${name}**`];
  const extra: string[] = [];
  if (schema.enum) extra.push(`one of ${schema.enum.map((v) => `\`${v}\``).join(', ')}`);
  if (schema.default !== undefined) extra.push(`default \`${JSON.stringify(schema.default)}\``);
  if (extra.length) parts[0] += ` — ${extra.join('; ')}`;
  parts.push(schema.description);
  const range = loc.onKey && loc.prop ? file.keyRange(loc.prop) : loc.node ? file.nodeRange(loc.node) : undefined;
  return { contents: { kind: 'markdown', value: parts.join('\n\n') }, range };
}

/** Whether `offset` is inside a YAML comment (a `#` at the line start or after a space, outside quotes). */
function inComment(file: ParsedFile, offset: number): boolean {
  if (file.syntax !== 'yaml') return false;
  const line = file.text.slice(file.text.lastIndexOf('\n', offset - 1) + 1, offset);
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) { if (c === quote) quote = ''; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return true;
  }
  return false;
}
