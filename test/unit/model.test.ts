import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify } from '../../server/src/model/fileKind';
import { parseSecretRef, secretEnvName, resolveSecret, MissingSecretError } from '../../server/src/model/secrets';
import { parse, textAt } from '../support/fixtures';

describe('file kinds', () => {
  it('come from the suffix only', () => {
    assert.deepEqual(classify('/a/prod.ecm.yaml'), { kind: 'ecm', syntax: 'yaml' });
    assert.deepEqual(classify('/a/x.integration.yml'), { kind: 'integration', syntax: 'yaml' });
    assert.deepEqual(classify('/a/corp.vault.json'), { kind: 'vault', syntax: 'json' });
    assert.deepEqual(classify('file:///a/site.pa.yaml'), { kind: 'pa', syntax: 'yaml' });
    assert.equal(classify('/a/ecm.yaml'), undefined);
    assert.equal(classify('/a/prod.ecm.yaml.bak'), undefined);
    assert.equal(classify('/a/settings.json'), undefined);
  });
});

describe('YAML model', () => {
  const text = 'name: ecm-01\nport: 443\nvault:\n  hostname: https://v.example.com\n  securityProviderMappings: |\n    corp.example.com=CORP\n\n    emea.corp.example.com=EMEA\nlist: [a, "b"]\nempty:\n';
  const f = parse('p.ecm.yaml', text);

  it('keeps exact ranges for keys and values', () => {
    const port = f.at(['port']);
    assert.equal(textAt(f, f.keyRange(port.prop!)), 'port');
    assert.equal(textAt(f, f.nodeRange(port.node!)), '443');
    assert.equal(textAt(f, f.rangeAt(['vault', 'hostname'])), 'https://v.example.com');
    assert.equal(textAt(f, f.rangeAt(['list', 1])), '"b"');
    assert.deepEqual(f.value, { name: 'ecm-01', port: 443, vault: { hostname: 'https://v.example.com', securityProviderMappings: 'corp.example.com=CORP\n\nemea.corp.example.com=EMEA\n' }, list: ['a', 'b'], empty: null });
  });

  it('gives each block-scalar line its own range', () => {
    const node = f.at(['vault', 'securityProviderMappings']).node!;
    assert.equal(node.type, 'string');
    const lines = (node as { lines?: { offset: number; length: number; text: string }[] }).lines!;
    assert.deepEqual(lines.map((l) => l.text), ['corp.example.com=CORP', 'emea.corp.example.com=EMEA']);
    assert.deepEqual(lines.map((l) => f.range(l.offset, l.length).start), [{ line: 5, character: 4 }, { line: 7, character: 4 }]);
  });

  it('falls back to the closest key for a missing path, never the whole file', () => {
    const r = f.rangeAt(['vault', 'nope']);
    assert.equal(textAt(f, r), 'vault');
    const empty = f.rangeAt(['empty']);
    assert.equal(textAt(f, empty), 'empty');
  });

  it('reports syntax problems with a position instead of throwing', () => {
    const bad = parse('b.ecm.yaml', 'name: a\nport: [1, 2\nsite: x\n');
    assert.ok(bad.problems.length > 0);
    const dup = parse('d.ecm.yaml', 'name: a\nname: b\n');
    assert.ok(dup.problems.some((p) => /unique|duplicate/i.test(p.message)));
    assert.equal(dup.problems[0].offset, 8);
  });
});

describe('JSON model', () => {
  it('keeps exact ranges and reports duplicate keys', () => {
    const f = parse('x.integration.json', '{\n  "name": "i",\n  "allowedIps": ["10.0.0.1", "::1"],\n  "name": "j"\n}');
    assert.equal(textAt(f, f.rangeAt(['allowedIps', 1])), '"::1"');
    assert.equal(textAt(f, f.keyRange(f.at(['allowedIps']).prop!)), '"allowedIps"');
    assert.equal(f.problems.length, 1);
    assert.match(f.problems[0].message, /Duplicate key "name"/);
  });

  it('rejects comments and trailing commas (strict JSON)', () => {
    const f = parse('x.pa.json', '{ "site": "a", // no\n }');
    assert.ok(f.problems.length >= 1);
  });
});

describe('secret references', () => {
  it('parses ${secret:…} and ${env:…}', () => {
    assert.deepEqual(parseSecretRef('${secret:vault.sharedKey}'), { source: 'secret', name: 'vault.sharedKey' });
    assert.deepEqual(parseSecretRef('${env:VAULT_KEY}'), { source: 'env', name: 'VAULT_KEY' });
    assert.equal(parseSecretRef('hunter2'), undefined);
    assert.equal(parseSecretRef('${secret:}'), undefined);
  });

  it('maps a secret name to the CLI environment variable', () => {
    assert.equal(secretEnvName('vault.sharedKey'), 'ECMKIT_SECRET_VAULT_SHAREDKEY');
    assert.equal(secretEnvName('ecm-01.clientSecret'), 'ECMKIT_SECRET_ECM_01_CLIENTSECRET');
  });

  it('resolves through the lookup and names what is missing without a value', () => {
    assert.equal(resolveSecret('${secret:a}', (n) => (n === 'a' ? 'v' : undefined)), 'v');
    assert.throws(() => resolveSecret('${secret:b}', () => undefined), (e: unknown) => e instanceof MissingSecretError && /ECMKIT_SECRET_B/.test((e as Error).message));
  });
});
