// The vendor's OpenAPI 3.0 spec of the PA Configuration API (test/fixtures/vendor/) as Ajv validators, to
// check every answer the PA sandbox gives. OpenAPI 3.0 schemas are JSON Schema with a few differences,
// turned here into draft-07: `nullable: true` allows null; `readOnly`/`writeOnly`/`example` are notes;
// `format: int32`/`password` are plain integers/strings. `undeclared()` finds fields a schema does not
// declare (the spec leaves additionalProperties open, so Ajv alone would let an invented field pass).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Schema = Record<string, unknown>;

export const SPEC_FILE = path.resolve(__dirname, '../fixtures/vendor/bt-pra-configuration.openapi.yaml');

export class OpenApi {
  readonly spec: { paths: Record<string, Record<string, { responses: Record<string, Schema> }>>; components: Record<string, Record<string, Schema>> };
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(file = SPEC_FILE) {
    this.spec = parse(readFileSync(file, 'utf8'));
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    this.ajv.addFormat('password', true);
    this.ajv.addSchema({ $id: 'pra', components: convert(this.spec.components) as Schema });
  }

  /** The response schema of `METHOD path` for `status` (refs to shared responses followed). */
  responseSchema(method: string, route: string, status: number): Schema {
    const op = this.spec.paths[route]?.[method.toLowerCase()];
    if (!op) throw new Error(`The spec has no ${method} ${route}.`);
    let res = op.responses[String(status)] as Schema | undefined;
    if (!res) throw new Error(`The spec documents no ${status} for ${method} ${route}.`);
    if (typeof res.$ref === 'string') res = this.resolve(res.$ref);
    const schema = (res.content as Record<string, { schema: Schema }> | undefined)?.['application/json']?.schema;
    if (!schema) throw new Error(`${method} ${route} ${status} has no JSON body in the spec.`);
    return schema;
  }

  /** Errors of `value` against a schema of the spec (a `#/components/…` ref or an inline schema), [] when valid. */
  errors(schema: Schema | string, value: unknown): string[] {
    const s = typeof schema === 'string' ? { $ref: `pra${schema}` } : rebase(convert(schema) as Schema);
    const key = JSON.stringify(s);
    let v = this.cache.get(key);
    if (!v) this.cache.set(key, (v = this.ajv.compile(s)));
    return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`);
  }

  /** Fields of `value` that the schema (with its allOf parts) does not declare, and writeOnly fields present. */
  undeclared(schema: Schema | string, value: Record<string, unknown>): string[] {
    const props = new Map<string, Schema>();
    const walk = (s: Schema): void => {
      if (typeof s.$ref === 'string') return walk(this.resolve(s.$ref));
      for (const part of (s.allOf as Schema[] | undefined) ?? []) walk(part);
      for (const [k, v] of Object.entries((s.properties as Record<string, Schema> | undefined) ?? {})) props.set(k, v);
    };
    walk(typeof schema === 'string' ? { $ref: schema } : schema);
    return Object.keys(value).filter((k) => !props.has(k) || props.get(k)!.writeOnly === true);
  }

  resolve(ref: string): Schema {
    let v: unknown = this.spec;
    for (const part of ref.replace(/^#\//, '').split('/')) v = (v as Record<string, unknown>)[part];
    if (!v) throw new Error(`Unresolved ${ref}.`);
    return v as Schema;
  }

  /** The schema of a response header (`Link`, `X-BT-Pagination-Total`, …). */
  headerSchema(name: string): Schema {
    return (this.spec.components.headers[name] as { schema: Schema }).schema;
  }
}

/** OpenAPI 3.0 → draft-07: `nullable` becomes a null type; everything else passes through. */
function convert(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(convert);
  if (!v || typeof v !== 'object') return v;
  const out: Schema = {};
  for (const [k, x] of Object.entries(v as Schema)) if (k !== 'nullable' && k !== 'example' && k !== 'discriminator') out[k] = convert(x);
  if ((v as Schema).nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    if (!out.type && !out.enum) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

/** Inline schemas refer to `#/components/…` of the spec: point those at the registered spec. */
function rebase(s: Schema): Schema {
  return JSON.parse(JSON.stringify(s).replace(/"\$ref":"#\//g, '"$ref":"pra#/'));
}
