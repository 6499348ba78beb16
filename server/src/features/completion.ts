import { CompletionItemKind, InsertTextFormat, type CompletionItem } from 'vscode-languageserver-types';
import type { ParsedFile } from '../model/document';
import { schemaAt, type Schema } from '../model/schemas';
import { valueAt } from '../model/tree';
import type { Workspace } from '../model/workspace';
import { blockScalarAt, locate, objectPathForNewKey } from './locate';
import { snippetItems } from './skeletons';
import { completeNames } from './nameCompletion';

/** Completion of keys (those not yet present) and of enum values, both from the kind's JSON Schema. */
export function complete(file: ParsedFile, offset: number, ws?: Workspace): CompletionItem[] {
  const names = ws && completeNames(ws, file, offset);
  if (names) return names;
  // The text of a block scalar (`key: |`) is a value: no key and no skeleton belongs in it.
  if (blockScalarAt(file, offset)) return [];
  const valueItems = completeValue(file, offset);
  if (valueItems) return valueItems;
  // In a JSON value (after `"key":`) a key never fits.
  if (file.syntax === 'json' && JSON_VALUE.test(lineBefore(file, offset))) return [];
  const path = objectPathForNewKey(file, offset);
  const schema = schemaAt(file.kind, path);
  const snippetsHere = snippetItems(file, offset);
  if (!schema?.properties) return snippetsHere;
  const present = new Set(Object.keys(objectValue(file.at(path).node ? valueAt(file.value, path) : {})));
  const required = new Set(schema.required ?? []);
  const here = locate(file, offset);
  const flow = here?.node?.type === 'object' && file.text[here.node.offset] === '{'; // `- { | }`: one line
  const keys = Object.entries(schema.properties)
    .filter(([key]) => !present.has(key) || isCursorKey(file, offset, key))
    .map(([key, sub]) => keyItem(file, key, sub, required.has(key), flow));
  return [...snippetsHere, ...keys];
}

function objectValue(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The key being typed is "present" in the tree already; it must still be offered. */
function isCursorKey(file: ParsedFile, offset: number, key: string): boolean {
  const loc = locate(file, offset);
  return !!loc?.onKey && loc.prop?.key === key;
}

function keyItem(file: ParsedFile, key: string, schema: Schema, required: boolean, flow = false): CompletionItem {
  const item: CompletionItem = {
    label: key,
    kind: CompletionItemKind.Property,
    detail: required ? 'required' : undefined,
    documentation: schema.description ? { kind: 'markdown', value: schema.description } : undefined,
    sortText: (required ? '0' : '1') + key,
  };
  if (file.syntax === 'yaml') {
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    item.insertTextFormat = InsertTextFormat.Snippet;
    if (schema.enum) item.insertText = `${key}: \${1|${schema.enum.join(',')}|}`;
    else if (type === 'object') item.insertText = flow ? `${key}: { $0 }` : `${key}:\n  $0`;
    else if (type === 'array') item.insertText = flow ? `${key}: [$0]` : `${key}:\n  - $0`;
    else item.insertText = `${key}: $0`;
  }
  return item;
}

/** `"key": ` (then perhaps a half-typed value) before the cursor on a JSON line. */
const JSON_VALUE = /"([\w.-]+)"\s*:\s*("?[\w.-]*)$/;

function lineBefore(file: ParsedFile, offset: number): string {
  return file.text.slice(file.text.lastIndexOf('\n', offset - 1) + 1, offset);
}

function completeValue(file: ParsedFile, offset: number): CompletionItem[] | undefined {
  // `key: |` with the cursor after the colon: the key is on this line (the parser may have no value yet).
  const lineStart = file.text.lastIndexOf('\n', offset - 1) + 1;
  const before = file.text.slice(lineStart, offset);
  let path: (string | number)[] | undefined;
  const loc = locate(file, offset);
  const json = file.syntax === 'json' ? JSON_VALUE.exec(before) : null;
  if (loc && !loc.onKey && loc.path.length && loc.node && loc.node.type !== 'object' && loc.node.type !== 'array') path = loc.path;
  else if (json) path = [...objectPathForNewKey(file, lineStart + before.indexOf(`"${json[1]}"`)), json[1]];
  else if (file.syntax === 'yaml') {
    const m = /^\s*(?:-\s+)?([\w.-]+):\s*\S*$/.exec(before);
    if (m) path = [...objectPathForNewKey(file, lineStart + before.indexOf(m[1])), m[1]];
  }
  if (!path) return undefined;
  const schema = schemaAt(file.kind, path);
  const values = schema?.enum ?? (schema?.type === 'boolean' ? [true, false] : undefined);
  if (!values) return undefined;
  return values.map((v, i) => ({
    label: String(v),
    kind: CompletionItemKind.EnumMember,
    // Inside a string already opened (`"Ac|`), only the text goes in; else a JSON string brings its quotes.
    insertText: file.syntax === 'json' && typeof v === 'string' && !/"[\w.-]*$/.test(before) ? JSON.stringify(v) : String(v),
    documentation: schema?.description,
    sortText: String(i).padStart(3, '0'),
  }));
}
