import { secretPaths } from '../model/schemas';
import { closest } from '../domain/closest';
import { parseSecretRef } from '../model/secrets';
import { valueAt, type JsonPath } from '../model/tree';
import type { ParsedFile } from '../model/document';
import type { FileRule } from './types';

/** `secret/plaintext`: a secret field holding a literal. The message never repeats the literal. */
export const secretsRule: FileRule = {
  kinds: ['ecm', 'integration', 'vault'],
  check(file, report) {
    // Along the secret fields' paths in the value: a 50,000-credential inventory is not walked node by
    // node, and a large JSON file's tree is looked up only where a literal is reported (lazyJson.ts).
    for (const pattern of secretPaths(file.kind)) along(file.value, pattern, 0, [], (value, path) => checkSecret(file, value, path, report));
  },
  checkPath(file, path, report) {
    const value = valueAt(file.value, path);
    if (value === undefined) return;
    for (const pattern of secretPaths(file.kind)) {
      if (pattern.length < path.length || !matches(pattern.slice(0, path.length), path)) continue;
      along(value, pattern, path.length, path, (v, p) => checkSecret(file, v, p, report));
    }
  },
};

function checkSecret(file: ParsedFile, value: unknown, path: JsonPath, report: Parameters<FileRule['check']>[1]): void {
  if (typeof value !== 'string' || value === '') return;
  if (parseSecretRef(value)) return;
  const { node, depth } = file.at(path);
  if (!node || depth !== path.length) return;
  // A block scalar (`key: |`) runs to the next line: the range stops at its last character.
  const length = file.text.slice(node.offset, node.offset + node.length).trimEnd().length;
  const range = file.range(node.offset, length);
  const field = String(path[path.length - 1]);
  const typo = misspelledRef(value);
  if (typo !== undefined) {
    // Meant as a reference: storing this text as the secret would be wrong, so the fix corrects it.
    report({
      code: 'secret/plaintext',
      range,
      message: `\`${field}\` is not a secret reference (a literal to the Vault): write \`\${secret:NAME}\` or \`\${env:VARIABLE}\`${typo ? `; did you mean \`${typo}\`?` : '.'}`,
      data: typo ? { replaceWith: typo } : undefined,
    });
    return;
  }
  const name = suggestedSecretName(file, path);
  report({
    code: 'secret/plaintext',
    range,
    message: `\`${field}\` holds a literal secret: replace it with \`\${secret:${name}}\` and store the value with "ecmkit: Store Secret…" (CLI: env ${envHint(name)}).`,
    data: { secretName: name, path },
  });
}

/**
 * For a value written like a reference that is not one (`${secert:x}`, `$secret:x`, `${secret x}`): the
 * reference it was meant to be ('' when that cannot be told); undefined for anything else.
 */
function misspelledRef(value: string): string | undefined {
  const m = /^\s*\$\{?\s*([A-Za-z]+)\s*[:\s]\s*([^}\s]+)\s*\}?\s*$/.exec(value);
  if (!m || !/[{}]/.test(value)) return undefined;
  // Suggest only a name-like rest: anything else may be a literal secret, which no message repeats.
  const source = closest(m[1], ['secret', 'env']);
  return source && /^[A-Za-z_][\w.-]*$/.test(m[2]) ? `\${${source}:${m[2]}}` : '';
}

/** Visits the values at `pattern` (from segment `i`, `*` = every list item) under `value`. */
function along(value: unknown, pattern: JsonPath, i: number, path: JsonPath, visit: (value: unknown, path: JsonPath) => void): void {
  if (value === undefined || value === null) return;
  if (i === pattern.length) { visit(value, path); return; }
  const seg = pattern[i];
  if (seg === '*') {
    if (Array.isArray(value)) value.forEach((item, k) => along(item, pattern, i + 1, [...path, k], visit));
  } else if (typeof value === 'object' && !Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, seg)) {
    along((value as Record<string, unknown>)[seg], pattern, i + 1, [...path, seg], visit);
  }
}

function matches(pattern: JsonPath, path: JsonPath): boolean {
  return pattern.length === path.length && pattern.every((seg, i) => seg === '*' ? typeof path[i] === 'number' : seg === path[i]);
}

function envHint(name: string): string {
  return 'ECMKIT_SECRET_' + name.replace(/[^A-Za-z0-9]/g, '_').toUpperCase();
}

/**
 * A stable secret name for a field. The ECM's shared key and the integration's credential are one key,
 * so both get `vault.sharedKey` (which also keeps `ecm/shared-key-mismatch` quiet after both fixes).
 */
export function suggestedSecretName(file: ParsedFile, path: JsonPath): string {
  const v = file.value as Record<string, unknown>;
  const field = String(path[path.length - 1]);
  if (file.kind === 'ecm' && field === 'sharedKey') return 'vault.sharedKey';
  if (file.kind === 'integration') return 'vault.sharedKey';
  if (file.kind === 'ecm') return `${typeof v?.name === 'string' && v.name ? v.name : 'ecm'}.${field}`;
  // A Vault credential's password: named after the credential.
  const item = path[1];
  const creds = (v?.credentials as Record<string, unknown>[] | undefined) ?? [];
  const cred = typeof item === 'number' ? creds[item] : undefined;
  return typeof cred?.name === 'string' && cred.name ? cred.name : `credential-${String(item)}`;
}
