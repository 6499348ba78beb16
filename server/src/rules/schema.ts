import type { ErrorObject } from 'ajv';
import { itemValidatorFor, schemaAt, validatorFor } from '../model/schemas';
import { parsePointer, valueAt, type JsonPath } from '../model/tree';
import type { ParsedFile } from '../model/document';
import { KIND_NOUN } from '../model/fileKind';
import { closest } from '../domain/closest';
import type { FileRule, Report } from './types';

/** `schema/required`, `schema/type`, `schema/unknown-field`: ajv errors mapped onto the key or value they concern. */
export const schemaRule: FileRule = {
  kinds: ['ecm', 'integration', 'vault', 'pa'],
  check(file, report) {
    if (file.rootType !== 'object') return;
    const validate = validatorFor(file.kind);
    validate(file.value);
    reportErrors(file, validate.errors, report);
  },
  checkPath(file, path, report) {
    // One item of a top-level list, validated against the list's item schema, errors at the same paths.
    const [list, index] = path;
    if (path.length !== 2 || typeof list !== 'string' || typeof index !== 'number' || file.rootType !== 'object') return;
    const validate = itemValidatorFor(file.kind, list);
    const items = (file.value as Record<string, unknown>)[list];
    if (!validate || !Array.isArray(items)) return;
    validate(items[index], { instancePath: `/${list}/${index}`, parentData: items, parentDataProperty: index, rootData: file.value as Record<string, unknown>, dynamicAnchors: {} });
    reportErrors(file, validate.errors, report);
  },
};

function reportErrors(file: ParsedFile, errors: ErrorObject[] | null | undefined, report: Report): void {
  const seen = new Set<string>();
  const misspelled = misspelledRequired(file, errors ?? []);
  for (const err of errors ?? []) {
    const key = `${err.instancePath}|${err.keyword}|${JSON.stringify(err.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const near = misspelled.get(err);
    if (near === null) continue; // said at the misspelled key
    if (near) reportMisspelledRequired(file, err, near, report);
    else reportError(file, err, report);
  }
}

/**
 * A required field missing beside an unknown field spelled almost like it: one mistake (a typo in the key),
 * reported once at the key the user typed — as the error it causes — not as a warning there and an error
 * on the object above. Maps the unknown-field error to the missing name, the required error to null.
 */
function misspelledRequired(file: ParsedFile, errors: ErrorObject[]): Map<ErrorObject, Misspelled | null> {
  const out = new Map<ErrorObject, Misspelled | null>();
  const missing = errors.filter((e) => e.keyword === 'required');
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    const here = missing.filter((m) => m.instancePath === e.instancePath && !out.has(m));
    const names = here.map((m) => (m.params as { missingProperty: string }).missingProperty);
    // Spelled almost like it, or holding it one level too deep (`__proto__:` with `site:` indented under it).
    const inside = valueAt(file.value, [...parsePointer(e.instancePath), extra]);
    const nested = inside && typeof inside === 'object' && !Array.isArray(inside) ? names.find((n) => Object.prototype.hasOwnProperty.call(inside, n)) : undefined;
    const name = nested ?? closest(extra, names);
    if (!name) continue;
    out.set(e, { name, misplaced: !!nested });
    for (const m of here) if ((m.params as { missingProperty: string }).missingProperty === name) out.set(m, null);
  }
  return out;
}

/** The required field an unknown one stands for: spelled almost like it, or holding it one level too deep. */
interface Misspelled { name: string; misplaced: boolean }

function reportMisspelledRequired(file: ParsedFile, err: ErrorObject, { name, misplaced }: Misspelled, report: Report): void {
  const path = parsePointer(err.instancePath);
  const extra = (err.params as { additionalProperty: string }).additionalProperty;
  const prop = file.at([...path, extra]).prop;
  const where = path.length ? ` in ${label(path)}` : ' at the top level';
  report({
    code: 'schema/required',
    range: prop ? file.keyRange(prop) : file.rangeAt(path, 'key'),
    message: misplaced
      ? `\`${name}\` is under \`${extra}\`, which is not a field: \`${name}\` is required${where}. Move it out (remove \`${extra}:\` and un-indent it).`
      : `\`${extra}\` is not a field: did you mean \`${name}\`? It is required${path.length ? ` in ${label(path)}` : ''}, and missing until it is spelled so.`,
    data: misplaced ? { missing: name } : { missing: name, suggestion: name },
  });
}

function label(path: JsonPath): string {
  return path.length ? path.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[') : 'the file';
}

function reportError(file: ParsedFile, err: ErrorObject, report: Report): void {
  const path = parsePointer(err.instancePath);
  const where = label(path);
  switch (err.keyword) {
    case 'required': {
      const missing = (err.params as { missingProperty: string }).missingProperty;
      const range = ownerRange(file, path);
      const add = file.syntax === 'json' ? `"${missing}": …` : `${missing}: …`;
      report({ code: 'schema/required', range, message: `Missing required field \`${missing}\`${path.length ? ` in ${where}` : ''}: add \`${add}\`.`, data: { missing } });
      return;
    }
    case 'additionalProperties': {
      const extra = (err.params as { additionalProperty: string }).additionalProperty;
      const prop = file.at([...path, extra]).prop;
      const known = Object.keys(schemaAt(file.kind, path)?.properties ?? {});
      const suggestion = closest(extra, known);
      report({
        code: 'schema/unknown-field',
        range: prop ? file.keyRange(prop) : file.rangeAt(path, 'key'),
        message: suggestion
          ? `Unknown field \`${extra}\`${path.length ? ` in ${where}` : ''}: did you mean \`${suggestion}\`?`
          : `Unknown field \`${extra}\`${path.length ? ` in ${where}` : ''}: ${path.length ? `\`${where}\` has` : `${KIND_NOUN[file.kind]} has`} ${known.map((k) => `\`${k}\``).join(', ')}.`,
        data: suggestion ? { suggestion } : undefined,
      });
      return;
    }
    case 'if':
      return; // its `then` branch reports the actual missing field
    default:
      report({ code: 'schema/type', range: file.rangeAt(path, 'value'), message: typeMessage(err, where, schemaAt(file.kind, path)?.description) });
  }
}

/** Where a missing field is reported: the key of the object that lacks it, the first line of a list item, or the first key of the file. */
function ownerRange(file: ParsedFile, path: JsonPath) {
  const { node, prop, depth } = file.at(path);
  if (depth === path.length && path.length > 0) {
    if (typeof path[path.length - 1] === 'number' && node) return file.headRange(node);
    if (prop) return file.keyRange(prop);
  }
  const root = file.at([]).node;
  if (root?.type === 'object' && root.properties[0]) return file.keyRange(root.properties[0]);
  return file.range(0, 0);
}

function typeMessage(err: ErrorObject, where: string, description?: string): string {
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'type': {
      const want = String(p.type);
      const how = want === 'integer' || want === 'number' ? ' (digits, without quotes)' : want === 'boolean' ? ' (true or false, without quotes)' : '';
      return `\`${where}\` must be ${article(want.replace(',', ' or '))}${how}.`;
    }
    case 'enum': return `\`${where}\` must be one of ${(p.allowedValues as unknown[]).map((v) => `\`${v}\``).join(', ')}.`;
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return `\`${where}\` is out of range: ${rangeHint(where, description, err)}.`;
    case 'format': {
      const f = String(p.format);
      return `\`${where}\` is not a valid ${FORMAT_NAMES[f] ?? f}${FORMAT_EXAMPLES[f] ? `: write it like \`${FORMAT_EXAMPLES[f]}\`` : ''}.`;
    }
    case 'minLength': return `\`${where}\` must not be empty.`;
    case 'pattern': return `\`${where}\` has the wrong form${description ? `: ${description}` : '.'}`;
    default: return `\`${where}\` ${err.message ?? 'is invalid'}.`;
  }
}

function rangeHint(where: string, description: string | undefined, err: ErrorObject): string {
  const m = description && /(\d+)\s*[–-]\s*(\d+)/.exec(description);
  if (m) return `use a value from ${m[1]} to ${m[2]}`;
  return String(err.message);
}

/** What a value of each format looks like, for the message (the name alone does not say what to type). */
const FORMAT_EXAMPLES: Record<string, string> = {
  'email': 'jdoe@example.com',
  'ip': '10.20.0.15',
  'hostname': 'vault.example.com',
  'uri': 'https://vault.example.com',
};

const FORMAT_NAMES: Record<string, string> = {
  'email': 'email address',
  'ip': 'IPv4 or IPv6 address',
  'ip-or-cidr': 'IPv4/IPv6 address or CIDR range (e.g. 10.20.0.0/24)',
  'hostname': 'DNS name',
  'site': 'site hostname or https URL (e.g. support.example.com)',
  'site-with-port': 'site hostname, with a :port if not 443, or https URL (e.g. support.example.com)',
  'uri': 'URL',
};

function article(type: string): string {
  return type === 'integer' ? 'an integer' : type === 'object' ? 'a mapping of fields' : type === 'array' ? 'a list' : `a ${type}`;
}
