import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { validatorFor, itemValidatorFor } from '../../server/src/model/schemas';
import { formats } from '../../server/src/model/schemaFormats';
import { generate } from '../../scripts/gen-validators';
import { ROOT } from '../support/lspClient';
import { genYaml, Rng } from '../support/yamlGen';
import { ParsedFile } from '../../server/src/model/document';

describe('validators compiled at build time', () => {
  it('the committed generated/validators.js is what scripts/gen-validators.ts writes from schemas/', () => {
    const committed = readFileSync(path.join(ROOT, 'server/src/model/generated/validators.js'), 'utf8');
    assert.equal(committed, generate(), 'run `npm run build` and commit server/src/model/generated/validators.js');
  });

  it('give the same verdicts and errors as the schemas compiled at run time', () => {
    const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
    for (const [name, f] of Object.entries(formats)) ajv.addFormat(name, f as never);
    ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
    const rng = new Rng(31);
    let compared = 0;
    for (const kind of ['ecm', 'integration', 'vault', 'pa'] as const) {
      const runtime = ajv.compile(JSON.parse(readFileSync(path.join(ROOT, 'schemas', `${kind}.schema.json`), 'utf8')));
      for (let i = 0; i < 150; i++) {
        const f = ParsedFile.create(`file:///r.${kind}.yaml`, genYaml(rng));
        if (!f || f.problems.length) continue;
        const a = validatorFor(kind), okA = a(f.value), okB = runtime(f.value);
        assert.equal(okA, okB);
        assert.deepEqual(a.errors ?? null, runtime.errors ?? null);
        compared++;
      }
    }
    assert.ok(compared > 300, `compared ${compared}`);
    assert.ok(itemValidatorFor('vault', 'credentials'), 'one validator per list item');
    assert.equal(itemValidatorFor('vault', 'hostname'), undefined);
  });
});
