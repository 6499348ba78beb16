import { isIP } from 'node:net';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
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

export function isIpOrCidr(s: string): boolean {
  const [addr, prefix, ...rest] = s.split('/');
  const v = isIP(addr);
  if (!v || rest.length) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (v === 4 ? 32 : 128);
}

/** A PA site: a hostname, or an https URL with nothing but a host (and port). */
export function isSite(s: string): boolean {
  const host = /^https:\/\//i.test(s) ? safeHost(s) : s;
  return !!host && (/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(host) || isIP(host) > 0);
}

function safeHost(s: string): string | undefined {
  try {
    const u = new URL(s);
    return u.pathname === '/' && !u.search ? u.hostname : undefined;
  } catch {
    return undefined;
  }
}

let ajv: Ajv | undefined;
const validators = new Map<FileKind, ValidateFunction>();

export function validatorFor(kind: FileKind): ValidateFunction {
  let v = validators.get(kind);
  if (!v) {
    if (!ajv) {
      // Unoptimized code compiles a quarter faster (on the first check's path) and validates as fast here.
      ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, code: { optimize: false } });
      addFormats(ajv, ['email', 'hostname', 'ipv4', 'ipv6', 'uri']);
      ajv.addFormat('ip', { type: 'string', validate: (s: string) => isIP(s) > 0 });
      ajv.addFormat('ip-or-cidr', { type: 'string', validate: isIpOrCidr });
      ajv.addFormat('site', { type: 'string', validate: isSite });
      ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
    }
    v = ajv.compile(SCHEMAS[kind]);
    validators.set(kind, v);
  }
  return v;
}

const itemValidators = new Map<string, ValidateFunction | null>();

/** The validator of one item of a top-level list (`credentials`, `users`…), sharing the kind's compiled schema. */
export function itemValidatorFor(kind: FileKind, list: string): ValidateFunction | undefined {
  const key = `${kind}/${list}`;
  let v = itemValidators.get(key);
  if (v === undefined) {
    validatorFor(kind); // compiles and registers the kind's schema under its $id
    const id = SCHEMAS[kind].$id as string | undefined;
    const items = SCHEMAS[kind].properties?.[list]?.items;
    v = id && items && ajv ? (ajv.getSchema(`${id}#/properties/${list}/items`) ?? null) : null;
    itemValidators.set(key, v);
  }
  return v ?? undefined;
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
    s = typeof seg === 'number' ? s.items : s.properties?.[seg];
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
