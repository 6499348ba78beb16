import type { Hover } from 'vscode-languageserver-types';
import type { ParsedFile } from '../model/document';
import { schemaAt } from '../model/schemas';
import { locate } from './locate';

/** Hover on a key or value: the field's documentation from the kind's JSON Schema. */
export function hover(file: ParsedFile, offset: number): Hover | null {
  const loc = locate(file, offset);
  if (!loc || loc.path.length === 0) return null;
  const schema = schemaAt(file.kind, loc.path);
  if (!schema?.description) return null;
  const name = [...loc.path].reverse().find((s) => typeof s === 'string') ?? '';
  const parts = [`**${name}**`];
  const extra: string[] = [];
  if (schema.enum) extra.push(`one of ${schema.enum.map((v) => `\`${v}\``).join(', ')}`);
  if (schema.default !== undefined) extra.push(`default \`${JSON.stringify(schema.default)}\``);
  if (extra.length) parts[0] += ` — ${extra.join('; ')}`;
  parts.push(schema.description);
  const range = loc.onKey && loc.prop ? file.keyRange(loc.prop) : loc.node ? file.nodeRange(loc.node) : undefined;
  return { contents: { kind: 'markdown', value: parts.join('\n\n') }, range };
}
