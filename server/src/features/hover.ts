import type { Hover } from 'vscode-languageserver-types';
import type { ParsedFile } from '../model/document';
import { schemaAt, secretPaths } from '../model/schemas';
import { valueAt } from '../model/tree';
import { crossIndex } from '../domain/crossIndex';
import { KIND_LABEL } from '../domain/names';
import type { Workspace } from '../model/workspace';
import { locate } from './locate';
import { nameAt } from './navigation';

/** Hover on a key or value: the field's documentation from the kind's JSON Schema. */
export function hover(file: ParsedFile, offset: number, ws?: Workspace): Hover | null {
  if (inComment(file, offset)) return null;
  const named = ws && nameHover(ws, file, offset);
  if (named && !named.undeclared) return named.hover;
  const field = fieldHover(file, offset);
  if (!named) return field;
  // A name declared nowhere: say so, above what the field is for.
  const value = `${named.undeclared}${field && typeof field.contents === 'object' && 'value' in field.contents ? `\n\n${field.contents.value}` : ''}`;
  return { contents: { kind: 'markdown', value }, range: named.hover.range };
}

/** The field's documentation from the kind's JSON Schema. */
function fieldHover(file: ParsedFile, offset: number): Hover | null {
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

/**
 * Hover on a name that refers to something declared elsewhere (a credential's endpoint, a policy, a
 * jump client's Vault endpoint, a PA user's Vault user…): what it names, where, and its fields.
 */
function nameHover(ws: Workspace, file: ParsedFile, offset: number): { hover: Hover; undeclared?: string } | null {
  const o = nameAt(file, offset);
  // A declaration is documented by its field.
  if (!o || o.role === 'decl') return null;
  const decls = crossIndex(ws).declsOf(o.kind, o.name);
  const range = file.range(o.offset, o.length);
  if (!decls.length) {
    const undeclared = `**${KIND_LABEL[o.kind]} \`${o.name}\`** — not declared in the workspace.`;
    return { hover: { contents: { kind: 'markdown', value: undeclared }, range }, undeclared };
  }
  const d = decls[0];
  const where = `${d.file.uri.slice(d.file.uri.lastIndexOf('/') + 1)} line ${d.file.range(d.offset, 0).start.line + 1}`;
  const itemPath = d.path.slice(0, -1);
  const item = valueAt(d.file.value, itemPath);
  // The kind's secret fields (schemas' `secret`), never shown, even as references.
  const secrets = secretPaths(d.file.kind).filter((p) => p.length === itemPath.length + 1 && itemPath.every((seg, i) => p[i] === seg || (p[i] === '*' && typeof seg === 'number'))).map((p) => p[p.length - 1]);
  const fields = item && typeof item === 'object' && !Array.isArray(item)
    ? Object.entries(item as Record<string, unknown>)
      .filter(([k, v]) => k !== d.path[d.path.length - 1] && !secrets.includes(k) && v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))
      .map(([k, v]) => `${k}: ${Array.isArray(v) ? (v.every((x) => typeof x !== 'object') ? v.join(', ') : `${v.length} entr${v.length === 1 ? 'y' : 'ies'}`) : typeof v === 'object' ? '…' : String(v)}`)
      .slice(0, 8)
    : [];
  const more = decls.length > 1 ? `\n\nAlso declared in ${decls.length - 1} more place${decls.length > 2 ? 's' : ''}.` : '';
  return { hover: { contents: { kind: 'markdown', value: `**${KIND_LABEL[o.kind]} \`${o.name}\`** — ${where}${fields.length ? `\n\n${fields.join(' · ')}` : ''}${more}` }, range } };
}
