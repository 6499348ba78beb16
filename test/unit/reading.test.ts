/**
 * Values read right (issue 16, "Reading right"): each bug named there, on each reading path it could take.
 * The conformance suites (conformance.test.ts) hold the readers to the references in general.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { run as runCheck } from '../../server/src/cli/check';
import { checkFile, checkWorkspace } from '../../server/src/engine/check';
import { ParsedFile } from '../../server/src/model/document';
import { parseYamlFast } from '../../server/src/model/parse/fastYaml';
import { LazyJson } from '../../server/src/model/parse/lazyJson';
import { MAX_DEPTH } from '../../server/src/model/parse/nesting';
import { yamlLimits } from '../../server/src/model/parse/parseYaml';
import { schemaAt } from '../../server/src/model/schemas';
import { valueAt } from '../../server/src/model/tree';
import { Workspace } from '../../server/src/model/workspace';
import { copyExamples, EXAMPLES, parse } from '../support/fixtures';
import { plainTree } from '../support/plainTree';

const ECM = readFileSync(path.join(EXAMPLES, 'prod.ecm.yaml'), 'utf8');
const INTEGRATION = readFileSync(path.join(EXAMPLES, 'ecm.integration.yaml'), 'utf8');
const ECM_JSON = readFileSync(path.join(EXAMPLES, 'standby.ecm.json'), 'utf8');

const codes = (file: ParsedFile) => checkFile(file).map((f) => f.code);
const syntax = (file: ParsedFile) => file.problems.map((p) => p.message).join(' | ');

describe('YAML aliases and merge keys read as the yaml package reads them', () => {
  const aliased = ECM.replace('clientSecret: ${secret:ecm-01.clientSecret}', 'clientSecret: &sec ${secret:ecm-01.clientSecret}').replace('sharedKey: ${secret:vault.sharedKey}', 'sharedKey: *sec');

  it('an alias is the value its anchor names, not the text `*sec` (no plaintext secret)', () => {
    const f = parse('prod.ecm.yaml', aliased);
    assert.equal(syntax(f), '');
    assert.equal(valueAt(f.value, ['vault', 'sharedKey']), '${secret:ecm-01.clientSecret}');
    assert.ok(!codes(f).includes('secret/plaintext'), codes(f).join());
    // The finding for the value stays at the alias, where the user wrote it.
    const r = f.rangeAt(['vault', 'sharedKey']);
    assert.equal(f.text.slice(f.offsetAt(r.start), f.offsetAt(r.end)), '*sec');
  });

  it('so the real mismatch with the integration\'s key is found (ecm/shared-key-mismatch)', () => {
    const ws = new Workspace();
    ws.set(parse('prod.ecm.yaml', aliased));
    ws.set(parse('ecm.integration.yaml', INTEGRATION));
    const found = [...checkWorkspace(ws).values()].flat().map((f) => f.code);
    assert.ok(found.includes('ecm/shared-key-mismatch'), found.join());
    assert.ok(!found.includes('secret/plaintext'), found.join());
  });

  it('a merge key brings the fields the mapping does not set itself', () => {
    const text = ECM.replace('plugin: vault\n', 'plugin: vault\ndefaults: &defaults\n  includeUnavailableCredentials: false\n  enableDomainMatching: true\n  defaultSecurityProvider: CORP\n')
      .replace('vault:\n', 'vault:\n  <<: *defaults\n').replace('  enableDomainMatching: false\n', '').replace('  defaultSecurityProvider: CORP\n', '');
    const f = parse('prod.ecm.yaml', text);
    assert.equal(syntax(f), '');
    assert.equal(valueAt(f.value, ['vault', 'enableDomainMatching']), true);
    assert.equal(valueAt(f.value, ['vault', 'defaultSecurityProvider']), 'CORP');
    assert.equal(valueAt(f.value, ['vault', '<<']), undefined);
    const merged = parse('a.ecm.yaml', 'name: a\nbase: &b {x: 1, y: 2}\nmore: &m {y: 3, z: 4}\nm:\n  <<: [*b, *m]\n  x: 0\n');
    assert.deepEqual(valueAt(merged.value, ['m']), { x: 0, y: 2, z: 4 });
  });

  it('an alias without its anchor, one inside its own anchor, and an alias bomb are syntax findings', () => {
    assert.match(syntax(parse('a.ecm.yaml', 'name: a\nsite: *nope\n')), /alias \*nope names no anchor/);
    assert.match(syntax(parse('a.ecm.yaml', 'name: &a [x, *a]\n')), /inside the value its anchor names/);
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++) bomb += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    const f = parse('a.ecm.yaml', bomb);
    assert.match(syntax(f), /Aliases expand to more than/);
  });

  it('an aliased value sits at its alias: an edit before it moves it with the text, as a fresh parse places it', () => {
    const text = 'name: v\nbase: &b {type: Windows, network: DMZ}\nendpoints:\n  - { name: A }\n  - { name: B, <<: *b }\n  - { name: C, groups: [*b] }\n';
    const prev = parse('corp.vault.yaml', text);
    const at = text.indexOf('name: A') + 'name: '.length;
    const next = ParsedFile.edited(prev, { start: at, end: at + 1, text: 'AA' }, 1);
    assert.ok(next.follows(prev), 'read incrementally');
    const fresh = parse('corp.vault.yaml', next.text);
    assert.deepEqual(plainTree(next.root), plainTree(fresh.root));
    const r = next.rangeAt(['endpoints', 1, 'type']);
    assert.equal(next.text.slice(next.offsetAt(r.start), next.offsetAt(r.end)), '*b', 'a merged field is found at the alias that brought it');
  });

  it('an edit that removes an anchor reads the aliases again (the edited item alone would keep them)', () => {
    const text = 'name: v\nendpoints:\n  - &web { name: WEB01, ip: 10.1.2.3 }\n  - { name: DB01 }\n  - *web\n';
    const prev = parse('corp.vault.yaml', text);
    assert.equal(valueAt(prev.value, ['endpoints', 2, 'name']), 'WEB01');
    const at = text.indexOf('&web ');
    const next = ParsedFile.edited(prev, { start: at, end: at + 5, text: '' }, 1);
    const fresh = parse('corp.vault.yaml', next.text);
    assert.deepEqual(next.value, fresh.value);
    assert.deepEqual(next.problems, fresh.problems);
    assert.match(syntax(next), /alias \*web names no anchor/);
  });

  it('an edit inside a list anchored as a whole reads its alias again', () => {
    const text = 'name: v\nendpoints: &all\n  - { name: A }\n  - { name: B }\nendpointGroups: *all\n';
    const prev = parse('corp.vault.yaml', text);
    const at = text.indexOf('name: B') + 'name: '.length;
    const next = ParsedFile.edited(prev, { start: at, end: at + 1, text: 'C' }, 1);
    assert.deepEqual(next.value, parse('corp.vault.yaml', next.text).value);
    assert.equal(valueAt(next.value, ['endpointGroups', 1, 'name']), 'C');
  });
});

describe('__proto__ and every other key are ordinary keys, on every reading path', () => {
  // An ECM whose `site` is only under `__proto__` lacks `site`: it must not pass.
  const yaml = ECM.replace('site: support.example.com\n', '__proto__:\n  site: support.example.com\n');
  const json = ECM_JSON.replace(/"site": ("[^"]*")/, '"__proto__": { "site": $1 }');
  const savedLazyFrom = ParsedFile.lazyJsonFrom;
  const savedChunkedFrom = yamlLimits.chunkedFrom;
  after(() => { ParsedFile.lazyJsonFrom = savedLazyFrom; yamlLimits.chunkedFrom = savedChunkedFrom; });

  const expectOrdinary = (f: ParsedFile, how: string) => {
    const v = f.value as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(v), Object.prototype, how);
    assert.ok(Object.hasOwn(v, '__proto__'), `${how}: __proto__ is an own field`);
    assert.equal(v.site, undefined, `${how}: no site`);
    const found = codes(f);
    // One mistake, one finding: `site` is missing at the top level because it sits under `__proto__`.
    assert.deepEqual(found, ['schema/required'], how);
    assert.match(f.problems.length ? '' : checkFile(f).find((x) => x.code === 'schema/required')!.message, /`site` is under `__proto__`, which is not a field/, how);
  };

  it('YAML, fast reader', () => {
    assert.ok(parseYamlFast(yaml), 'the fast reader takes it');
    expectOrdinary(parse('prod.ecm.yaml', yaml), 'fast');
  });
  it('YAML, full parser (a tag elsewhere makes the fast reader step aside)', () => {
    const text = yaml.replace('port: 443', 'port: !!int 443');
    assert.equal(parseYamlFast(text), undefined);
    expectOrdinary(parse('prod.ecm.yaml', text), 'full');
  });
  it('YAML, chunked (a syntax error elsewhere in a "large" file)', () => {
    yamlLimits.chunkedFrom = 0;
    try {
      const f = parse('prod.ecm.yaml', yaml.replace('clientId: 4b1d', 'clientId: "4b1d'));
      assert.ok(f.problems.length, 'the broken line is reported');
      assert.ok(Object.hasOwn(f.value as object, '__proto__'));
      assert.equal(Object.getPrototypeOf(f.value), Object.prototype);
      assert.equal((f.value as { site?: unknown }).site, undefined);
    } finally {
      yamlLimits.chunkedFrom = savedChunkedFrom;
    }
  });
  it('JSON, fast reader and lazy reader', () => {
    expectOrdinary(parse('standby.ecm.json', json), 'fast');
    ParsedFile.lazyJsonFrom = 0;
    try {
      assert.ok(LazyJson.read(json));
      expectOrdinary(parse('standby.ecm.json', json), 'lazy');
    } finally {
      ParsedFile.lazyJsonFrom = savedLazyFrom;
    }
  });
  it('JSON, full parser (a duplicate key elsewhere)', () => {
    const f = parse('standby.ecm.json', json.replace('"port":', '"name": "x", "port":'));
    assert.ok(f.problems.length);
    assert.ok(Object.hasOwn(f.value as object, '__proto__'));
    assert.equal(Object.getPrototypeOf(f.value), Object.prototype);
  });
  it('an incremental edit of a list item, and of a top-level field, keep __proto__ an own field', () => {
    const vault = 'hostname: https://vault.example.com\nusers:\n  - { username: a, __proto__: { status: Active } }\n  - { username: b }\n__proto__: { edition: go }\n';
    const prev = parse('corp.vault.yaml', vault);
    const at = vault.indexOf('username: b') + 'username: '.length;
    const next = ParsedFile.edited(prev, { start: at, end: at + 1, text: 'c' }, 1);
    assert.ok(next.follows(prev), 'read incrementally');
    const user = valueAt(next.value, ['users', 0]) as Record<string, unknown>;
    assert.ok(Object.hasOwn(user, '__proto__') && user.status === undefined);
    assert.ok(Object.hasOwn(next.value as object, '__proto__'));
    const h = vault.indexOf('vault.example');
    const again = ParsedFile.edited(next, { start: h, end: h + 5, text: 'vault' }, 2);
    assert.ok(again.follows(next), 'read incrementally');
    assert.ok(Object.hasOwn(again.value as object, '__proto__'));
    assert.equal((again.value as { edition?: unknown }).edition, undefined);
  });
  it('a path naming an Object.prototype member reads nothing, in values and in schemas', () => {
    assert.equal(valueAt({}, ['constructor']), undefined);
    assert.equal(valueAt({ a: {} }, ['a', '__proto__']), undefined);
    for (const key of ['constructor', '__proto__', 'toString']) assert.equal(schemaAt('ecm', [key]), undefined, key);
    assert.ok(schemaAt('ecm', ['site']));
  });
});

describe('too-deep nesting is one syntax finding, never a crash', () => {
  const n = 3000;
  const deepJson = `{"name": "x", "users": ${'['.repeat(n)}${']'.repeat(n)}}`;
  const deepFlow = `name: x\nusers: ${'['.repeat(n)}${']'.repeat(n)}\n`;
  let deepBlock = 'name: x\nusers:\n';
  for (let i = 0; i < n; i++) deepBlock += `${' '.repeat(2 * i + 2)}- a:\n`;
  const savedLazyFrom = ParsedFile.lazyJsonFrom;
  const savedChunkedFrom = yamlLimits.chunkedFrom;
  after(() => { ParsedFile.lazyJsonFrom = savedLazyFrom; yamlLimits.chunkedFrom = savedChunkedFrom; });

  for (const [name, file, text] of [['JSON', 'deep.vault.json', deepJson], ['YAML flow', 'deep.vault.yaml', deepFlow], ['YAML block', 'deep.vault.yaml', deepBlock]]) {
    it(`${n} levels of ${name}, on every path`, () => {
      const reads = [() => parse(file, text)];
      if (name === 'JSON') reads.push(() => { ParsedFile.lazyJsonFrom = 0; try { return parse(file, text); } finally { ParsedFile.lazyJsonFrom = savedLazyFrom; } });
      else reads.push(() => { yamlLimits.chunkedFrom = 0; try { return parse(file, text); } finally { yamlLimits.chunkedFrom = savedChunkedFrom; } });
      for (const read of reads) {
        const f = read();
        assert.match(syntax(f), new RegExp(`more than ${MAX_DEPTH} levels deep`));
        assert.equal(f.problems.length, 1);
        assert.deepEqual([...new Set(codes(f))], ['syntax']);
      }
    });
  }

  it(`exactly ${MAX_DEPTH} levels still read; one more is the finding, at the bracket that opens it`, () => {
    const at = (d: number) => parse('a.vault.json', '['.repeat(d) + ']'.repeat(d));
    assert.equal(at(MAX_DEPTH).problems.length, 0);
    const over = at(MAX_DEPTH + 1);
    assert.equal(over.problems.length, 1);
    assert.equal(over.problems[0].offset, MAX_DEPTH);
    const yaml = (d: number) => parse('a.vault.yaml', `a: ${'['.repeat(d - 1)}${']'.repeat(d - 1)}\n`);
    assert.equal(yaml(MAX_DEPTH).problems.length, 0);
    assert.equal(yaml(MAX_DEPTH + 1).problems.length, 1);
  });

  it('ecmkit check of a folder still reports every other file', async () => {
    const ws = copyExamples();
    try {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(path.join(ws.dir, 'deep.vault.json'), deepJson);
      writeFileSync(path.join(ws.dir, 'deep.pa.yaml'), deepBlock);
      writeFileSync(path.join(ws.dir, 'prod.ecm.yaml'), ECM.replace('port: 443', 'port: 70000'));
      let out = '';
      const sink = new Writable({ write(chunk, _enc, done) { out += String(chunk); done(); } });
      const code = await runCheck([ws.dir, '--format', 'json'], sink as unknown as typeof process.stdout);
      const report = JSON.parse(out) as { diagnostics: { file: string; code: string; message: string }[] };
      assert.equal(code, 1);
      const of = (name: string) => report.diagnostics.filter((d) => d.file.endsWith(name)).map((d) => d.code);
      assert.deepEqual(of('deep.vault.json'), ['syntax']);
      assert.deepEqual(of('deep.pa.yaml'), ['syntax']);
      assert.ok(of('prod.ecm.yaml').includes('schema/type'), 'the other file is still checked');
    } finally {
      ws.cleanup();
    }
  });
});

describe('the fast YAML reader reads as the yaml package does, or steps aside', () => {
  it('a tab before `:` is not part of the key', () => {
    const text = ECM.replace('host: 10.20.0.15', 'host\t: 10.20.0.15');
    const fast = parseYamlFast(text);
    assert.ok(fast, 'the fast reader takes it');
    const f = parse('prod.ecm.yaml', text);
    assert.equal((f.value as Record<string, unknown>).host, '10.20.0.15');
    assert.ok(!Object.hasOwn(f.value as object, 'host\t'));
    assert.deepEqual(codes(f), []);
    assert.equal(valueAt(parse('a.vault.yaml', 'a: [x\t, y]\nb: {k\t: v}\n').value, ['a', 0]), 'x');
  });

  it('a lone `-` in a flow list is a syntax error, not the string "-"', () => {
    const text = INTEGRATION.replace('allowedIps:\n  - 10.20.0.15      # ecm-01\n', 'allowedIps: [10.20.0.15, -]\n');
    assert.equal(parseYamlFast(text), undefined);
    const f = parse('ecm.integration.yaml', text);
    assert.ok(f.problems.length, 'reported');
    assert.deepEqual([...new Set(codes(f))], ['syntax']);
    for (const lone of ['[-]', '[a, -]', '[- , a]', '{a: -}', '[-\t]']) assert.ok(parse('a.vault.yaml', `x: ${lone}\n`).problems.length, lone);
    assert.deepEqual(valueAt(parse('a.vault.yaml', 'x: [-1, -a]\n').value, ['x']), [-1, '-a']);
  });

  it('`!!omap` and other tags are a finding, never a silently different value (`!!omap` was [])', () => {
    const f = parse('a.vault.yaml', 'name: v\nroles: !!omap\n  - Rep: 1\n  - Admin: 2\n');
    assert.match(syntax(f), /The YAML tag !!omap is not supported/);
    assert.notDeepEqual(valueAt(f.value, ['roles']), []);
    assert.match(syntax(parse('a.vault.yaml', 'name: !custom v\n')), /tag !custom is unknown/);
    assert.match(syntax(parse('a.vault.yaml', 'name: !!set {a, b}\n')), /tag !!set is not supported/);
    // Core tags the package resolves to plain values are read as it reads them.
    const plain = parse('a.vault.yaml', 'a: !!str 443\nb: !!int "12"\n');
    assert.equal(syntax(plain), '');
    assert.deepEqual(plain.value, { a: '443', b: 12 });
  });

  it('`<<` is a merge key: the fast reader leaves it to the full parser', () => {
    assert.equal(parseYamlFast('a:\n  <<: {b: 1}\n  c: 2\n'), undefined);
    assert.deepEqual(parse('a.vault.yaml', 'a:\n  <<: {b: 1}\n  c: 2\n').value, { a: { b: 1, c: 2 } });
    assert.deepEqual(parse('a.vault.yaml', "a: {'<<': 1}\n").value, { a: { '<<': 1 } }, 'a quoted << is an ordinary key');
  });
});
