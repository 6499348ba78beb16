import type { ValidateFunction } from 'ajv';
import validators from './generated/validators';
import ecm from '../../../schemas/ecm.schema.json';
import integration from '../../../schemas/integration.schema.json';
import pa from '../../../schemas/pa.schema.json';
import vault from '../../../schemas/vault.schema.json';
import type { FileKind } from './fileKind';
import type { JsonPath } from './tree';

/** The JSON Schemas in `schemas/` are the single source for validation, hover text and completion. */
export interface Schema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  default?: unknown;
  $ref?: string;
  definitions?: Record<string, Schema>;
  secret?: boolean;
  [k: string]: unknown;
}

const SCHEMAS: Record<FileKind, Schema> = { ecm, integration, vault, pa } as Record<FileKind, Schema>;

export function schemaFor(kind: FileKind): Schema {
  return SCHEMAS[kind];
}

/** A kind's validator, compiled at build time (scripts/gen-validators.ts → generated/validators.js). */
export function validatorFor(kind: FileKind): ValidateFunction {
  return validators[kind]!;
}

/** The validator of one item of a top-level list (`credentials`, `users`…), reporting at the same paths as the whole file's. */
export function itemValidatorFor(kind: FileKind, list: string): ValidateFunction | undefined {
  return Object.prototype.hasOwnProperty.call(validators, `${kind}/${list}`) ? validators[`${kind}/${list}`] : undefined;
}

function deref(root: Schema, s: Schema | undefined): Schema | undefined {
  if (s?.$ref?.startsWith('#/definitions/')) {
    const target = root.definitions?.[s.$ref.slice('#/definitions/'.length)];
    return target && { ...target, description: s.description ?? target.description };
  }
  return s;
}

/** The sub-schema that governs the value at `path` (array indexes step into `items`). */
export function schemaAt(kind: FileKind, path: JsonPath): Schema | undefined {
  const root = SCHEMAS[kind];
  let s: Schema | undefined = root;
  for (const seg of path) {
    s = deref(root, s);
    if (!s) return undefined;
    // Own fields only: a key named `constructor` or `__proto__` in a file has no schema.
    s = typeof seg === 'number' ? s.items : s.properties && Object.hasOwn(s.properties, seg) ? s.properties[seg] : undefined;
  }
  return deref(root, s);
}

/** Paths (with `*` for any list index) of every field marked `secret` in a kind's schema. */
export function secretPaths(kind: FileKind): JsonPath[] {
  const root = SCHEMAS[kind];
  const out: JsonPath[] = [];
  const visit = (s: Schema | undefined, path: JsonPath): void => {
    s = deref(root, s);
    if (!s) return;
    if (s.secret) out.push(path);
    for (const [k, sub] of Object.entries(s.properties ?? {})) visit(sub, [...path, k]);
    if (s.items) visit(s.items, [...path, '*']);
  };
  visit(root, []);
  return out;
}
