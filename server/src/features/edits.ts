/**
 * Text edits that keep a file valid and in its own style: a scalar written the way its neighbours are
 * (plain when safe, else quoted), a list item appended after the last one, a field added to an object.
 * Used by quick fixes and rename, for YAML (block and flow) and JSON alike.
 */
import type { TextEdit } from 'vscode-languageserver-types';
import type { ParsedFile } from '../model/document';
import type { JsonPath, Node } from '../model/tree';

// Plain YAML scalars that stay strings in every context (block or flow) and never read as a number,
// boolean or null.
const SAFE_PLAIN = /^\w[\w.@/\\-]*(?: [\w.@/\\-]+)*$/;
const YAML_WORDS = /^(?:true|false|yes|no|on|off|null|~|y|n)$/i;
const YAML_NUMBER = /^(?:[-+]?(?:\.\d+|\d+(?:\.\d*)?)(?:[eE][-+]?\d+)?|0x[\da-fA-F]+|0o[0-7]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** A string as a YAML or JSON scalar. `like` is the text it replaces, whose quoting is kept. */
export function scalar(file: ParsedFile, value: string, like?: string): string {
  if (file.syntax === 'json') return JSON.stringify(value);
  const q = like?.[0];
  if (q === '"') return JSON.stringify(value);
  if (q === "'") return `'${value.replace(/'/g, "''")}'`;
  return SAFE_PLAIN.test(value) && !YAML_WORDS.test(value) && !YAML_NUMBER.test(value) ? value : JSON.stringify(value);
}

/** An object as a one-line item: a YAML flow mapping or a JSON object. */
export function inlineObject(file: ParsedFile, fields: [string, string | string[] | undefined][]): string {
  const parts = fields.filter(([, v]) => v !== undefined).map(([k, v]) => {
    const val = Array.isArray(v) ? `[${v.map((x) => scalar(file, x)).join(', ')}]` : scalar(file, v!);
    return file.syntax === 'json' ? `${JSON.stringify(k)}: ${val}` : `${k}: ${val}`;
  });
  return file.syntax === 'json' ? `{ ${parts.join(', ')} }` : `{ ${parts.join(', ')} }`;
}

function edit(file: ParsedFile, offset: number, length: number, newText: string): TextEdit {
  return { range: file.range(offset, length), newText };
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const e = text.indexOf('\n', offset);
  return e === -1 ? text.length : e;
}

function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** The end of a node's own text, before any trailing comment or line break (YAML nodes may include them). */
function nodeEnd(file: ParsedFile, node: Node): number {
  let end = node.offset + node.length;
  while (end > node.offset && /\s/.test(file.text[end - 1])) end--;
  return end;
}

/**
 * Appends `item` (already formatted: `inlineObject` or `scalar`) to the list at `path`, creating the
 * list under its parent object when the field is missing or empty.
 */
export function appendToList(file: ParsedFile, path: JsonPath, item: string): TextEdit[] {
  const { node, prop, depth } = file.at(path);
  const text = file.text;
  if (depth === path.length && node?.type === 'array') {
    const last = node.items[node.items.length - 1];
    const flow = file.syntax === 'json' || text[node.offset] === '[';
    if (flow) {
      if (!last) return [edit(file, node.offset, node.length, `[${item}]`)];
      if (file.syntax === 'json' && lineStart(text, last.offset) !== lineStart(text, node.offset)) {
        const indent = text.slice(lineStart(text, last.offset), last.offset);
        return [edit(file, nodeEnd(file, last), 0, `,\n${indent}${item}`)];
      }
      return [edit(file, nodeEnd(file, last), 0, `, ${item}`)];
    }
    // Block list: a new `- item` line after the last item, at the column of its dash.
    const anchor = last ?? node;
    const dash = text.lastIndexOf('-', anchor.offset);
    const indent = ' '.repeat(Math.max(0, column(text, dash)));
    const at = lineEnd(text, nodeEnd(file, anchor));
    return [edit(file, at, 0, `\n${indent}- ${item}`)];
  }
  if (depth === path.length && prop && !prop.value) {
    // `endpoints:` with nothing after it.
    const indent = ' '.repeat(column(text, prop.keyOffset) + 2);
    return [edit(file, lineEnd(text, prop.keyOffset), 0, `\n${indent}- ${item}`)];
  }
  if (depth === path.length - 1) {
    const key = String(path[path.length - 1]);
    return addField(file, path.slice(0, -1), key, file.syntax === 'json' ? `[${item}]` : null, item);
  }
  return [];
}

/**
 * Adds `key` to the object at `objectPath`: in JSON as `"key": jsonValue`; in YAML as a block list
 * holding `yamlItem` (when `jsonValue` is null) or as `key: yamlItem`.
 */
export function addField(file: ParsedFile, objectPath: JsonPath, key: string, jsonValue: string | null, yamlItem: string, yamlAsList = true): TextEdit[] {
  const { node, depth } = file.at(objectPath);
  const text = file.text;
  if (depth !== objectPath.length || node?.type !== 'object') return [];
  const last = node.properties[node.properties.length - 1];
  if (file.syntax === 'json') {
    const value = jsonValue ?? yamlItem;
    if (!last) return [edit(file, node.offset, node.length, `{ ${JSON.stringify(key)}: ${value} }`)];
    const indent = text.slice(lineStart(text, last.keyOffset), last.keyOffset);
    const end = last.value ? nodeEnd(file, last.value) : last.keyOffset + last.keyLength;
    const sameLine = lineStart(text, last.keyOffset) === lineStart(text, node.offset);
    return [edit(file, end, 0, sameLine ? `, ${JSON.stringify(key)}: ${value}` : `,\n${indent}${JSON.stringify(key)}: ${value}`)];
  }
  if (text[node.offset] === '{') {
    // A YAML flow mapping.
    const value = yamlAsList ? `[${yamlItem}]` : yamlItem;
    if (!last) return [edit(file, node.offset, node.length, `{ ${key}: ${value} }`)];
    const end = last.value ? nodeEnd(file, last.value) : last.keyOffset + last.keyLength;
    return [edit(file, end, 0, `, ${key}: ${value}`)];
  }
  const col = last ? column(text, last.keyOffset) : objectPath.length ? column(text, node.offset) : 0;
  const indent = ' '.repeat(col);
  const body = yamlAsList ? `${key}:\n${indent}  - ${yamlItem}` : `${key}: ${yamlItem}`;
  if (!last) return [edit(file, text.length, 0, `${text.endsWith('\n') || !text ? '' : '\n'}${indent}${body}\n`)];
  const end = last.value ? nodeEnd(file, last.value) : last.keyOffset + last.keyLength;
  const at = lineEnd(text, end);
  return [edit(file, at, 0, `\n${indent}${body}`)];
}
