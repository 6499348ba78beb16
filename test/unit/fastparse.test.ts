import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseJsonFast } from '../../server/src/model/parse/fastJson';
import { parseYamlFast } from '../../server/src/model/parse/fastYaml';
import { ParsedFile } from '../../server/src/model/document';
import { checkFile, checkWorkspace, prepareForEdits, toDiagnostics } from '../../server/src/engine/check';
import { Workspace } from '../../server/src/model/workspace';
import { parseYamlFull } from '../../server/src/model/parse/parseYaml';
import { EXAMPLES } from '../support/fixtures';
import { ROOT } from '../support/lspClient';
import { plainTree } from '../support/plainTree';
import { genYaml, Rng } from '../support/yamlGen';


describe('fast YAML parser = the yaml package, or it steps aside', () => {
  it('on thousands of random documents', () => {
    let same = 0;
    for (const seed of [1, 7, 42]) {
      const rng = new Rng(seed);
      for (let i = 0; i < 1500; i++) {
        const text = genYaml(rng);
        const fast = parseYamlFast(text);
        if (!fast) continue;
        const full = parseYamlFull(text);
        assert.deepEqual(full.problems, [], `fast path accepted a document the yaml package rejects:\n${text}`);
        assert.deepEqual(plainTree(fast.root), plainTree(full.root), text);
        same++;
      }
    }
    assert.ok(same > 2000, `the fast path should take most documents (took ${same})`);
  });
  it('on the examples', () => {
    for (const name of readdirSync(EXAMPLES).filter((n) => n.endsWith('.yaml'))) {
      const text = readFileSync(path.join(EXAMPLES, name), 'utf8');
      const fast = parseYamlFast(text);
      assert.ok(fast, `${name} takes the fast path`);
      assert.deepEqual(plainTree(fast.root), plainTree(parseYamlFull(text).root), name);
    }
  });
});

describe('fast JSON parser = jsonc-parser, or it steps aside', () => {
  it('on the examples and on JSON renderings of random documents', () => {
    const texts = [readFileSync(path.join(EXAMPLES, 'standby.ecm.json'), 'utf8')];
    const rng = new Rng(3);
    for (let i = 0; i < 500; i++) {
      const f = ParsedFile.create('file:///r.pa.yaml', genYaml(rng));
      if (f?.value && !f.problems.length) texts.push(JSON.stringify(f.value, null, rng.chance(0.5) ? 2 : undefined));
    }
    texts.push('{"a": [1, 2, {"b": "\\u00e9\\n"}], "c": -1.5e3, "d": true, "e": null}', '  {}  ', '[]', '"x"', '');
    for (const text of texts) {
      const fast = parseJsonFast(text);
      assert.ok(fast, text);
      const full = new ParsedFile('file:///x.pa.json', 'pa', 'json', text);
      assert.deepEqual(plainTree(fast.root), plainTree(full.root), text);
    }
  });
  it('steps aside on errors and duplicate keys', () => {
    for (const bad of ['{"a": 1,}', '{"a": 1, "a": 2}', '[1 2]', '{"a": 01}', '{"a": "x\ty"}', '{a: 1}', '[1]x']) assert.equal(parseJsonFast(bad), undefined, bad);
  });
});

/** Random one-line edits of a text, as an editor sends them: [start, end) replaced. */
function randomEdit(rng: Rng, text: string): { start: number; end: number; text: string } {
  const lines = text.split('\n');
  const line = rng.int(lines.length);
  const lineStart = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0);
  const len = lines[line].length;
  const a = lineStart + rng.int(len + 1);
  const r = rng.next();
  if (r < 0.4) return { start: a, end: Math.min(lineStart + len, a + rng.int(4)), text: rng.pick(['x', 'WEB', ' ', '', '1', 'Zz', ':', '-', '#', '"', '[', '\n  - ', '\n']) };
  if (r < 0.6) return { start: a, end: a, text: rng.pick(['a', 'b0', ' ', ', c', '}', ']', '\n']) };
  if (r < 0.8) return { start: lineStart, end: Math.min(text.length, lineStart + len + 1), text: '' }; // delete the line
  return { start: lineStart, end: lineStart, text: lines[rng.int(lines.length)] + '\n' }; // duplicate a line
}

describe('incremental re-parse = whole parse', () => {
  const check = (name: string, text0: string, seed: number, rounds: number) => {
    const rng = new Rng(seed);
    let f = ParsedFile.create(`file:///ws/${name}`, text0)!;
    let findings = checkFile(f);
    let incremental = 0;
    for (let i = 0; i < rounds; i++) {
      const change = randomEdit(rng, f.text);
      const before = { findings, parsed: !f.problems.length };
      const next = ParsedFile.edited(f, change, i + 1);
      const whole = ParsedFile.create(f.uri, next.text)!;
      if (next.edit) {
        incremental++;
        assert.deepEqual(plainTree(next.root), plainTree(whole.root), `edit ${JSON.stringify(change)} of\n${f.text}`);
        assert.deepEqual(next.value, whole.value);
        for (let o = 0; o <= next.text.length; o += 1 + rng.int(Math.max(40, next.text.length >> 8))) assert.deepEqual(next.range(o, 0), whole.range(o, 0));
        assert.equal(next.lineCount, whole.lineCount);
        // Re-checking only the edited items gives what a whole check gives.
        findings = checkFile(next, before);
        assert.deepEqual(toDiagnostics(findings), toDiagnostics(checkFile(whole)), `findings after ${JSON.stringify(change)}`);
      } else findings = checkFile(next);
      // Keep the tree small and valid-ish: go back when an edit broke the file.
      if (whole.problems.length) { f = ParsedFile.create(f.uri, text0)!; findings = checkFile(f); } else f = next;
    }
    return incremental;
  };
  it('on the examples (YAML and JSON)', () => {
    let n = 0;
    for (const name of ['corp.vault.yaml', 'site.pa.yaml']) n += check(name, readFileSync(path.join(EXAMPLES, name), 'utf8'), 11, 400);
    const asJson = JSON.stringify(ParsedFile.create('file:///v.vault.yaml', readFileSync(path.join(EXAMPLES, 'corp.vault.yaml'), 'utf8'))!.value, null, 2);
    n += check('corp.vault.json', asJson, 12, 400);
    assert.ok(n > 300, `most edits should be incremental (${n})`);
  });
  it('on a slice of a generated inventory (scripts/gen-large.mjs, small)', () => {
    // The same generator as `npm run gen:large`, at a size a unit test can afford: no large/ needed.
    const out = mkdtempSync(path.join(tmpdir(), 'ecmkit-gen-'));
    let yaml: string;
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/gen-large.mjs'), '--jump-clients', '300', '--credentials', '300', '--users', '50', '--out', out], { stdio: 'ignore' });
      yaml = readFileSync(path.join(out, 'yaml/corp.vault.yaml'), 'utf8');
    } finally { rmSync(out, { recursive: true, force: true }); }
    const from = yaml.indexOf('credentials:\n');
    const to = yaml.indexOf('  - name: cred-000200');
    check('big.vault.yaml', 'hostname: https://vault.example.com\n' + yaml.slice(from, to), 5, 60);
  });
});

/** The examples as a workspace that edits will change (files named file:///ws/NAME). */
function examplesWorkspace(): Workspace {
  const ws = new Workspace();
  for (const n of readdirSync(EXAMPLES)) ws.set(ParsedFile.create(`file:///ws/${n}`, readFileSync(path.join(EXAMPLES, n), 'utf8'))!);
  return ws;
}

/** The cross-file check of `live`, after asserting it reports what the same texts parsed afresh report. */
function checkedLikeFresh(live: Workspace, what: string): ReturnType<typeof checkWorkspace> {
  const fresh = new Workspace();
  for (const file of live.all()) fresh.set(ParsedFile.create(file.uri, file.text)!);
  const a = checkWorkspace(live), b = checkWorkspace(fresh);
  for (const uri of new Set([...a.keys(), ...b.keys()])) assert.deepEqual(toDiagnostics(a.get(uri) ?? []), toDiagnostics(b.get(uri) ?? []), `${what}, ${uri}`);
  return a;
}

describe('cross-file findings after incremental edits = a fresh check', () => {
  it('on random edits of the Vault and PA files of the examples', async () => {
    const live = examplesWorkspace();
    const rng = new Rng(21);
    const renames = ['WEB01', 'WEB02', 'Support', 'Databases', 'jdoe', 'CORP', 'Rep'];
    let compared = 0;
    for (let i = 0; i < 300; i++) {
      const name = rng.pick(['corp.vault.yaml', 'site.pa.yaml']);
      const f = live.get(`file:///ws/${name}`)!;
      let change = randomEdit(rng, f.text);
      if (rng.chance(0.5)) {
        // Rename a declared or referenced name somewhere: the cross-file caches must follow.
        const word = rng.pick(renames);
        const at = f.text.indexOf(word, rng.int(f.text.length));
        if (at >= 0) change = { start: at, end: at + word.length, text: rng.pick([word, word + 'x', word.toLowerCase()]) };
      }
      const before = f.text;
      const next = ParsedFile.edited(f, change, i + 1);
      const whole = ParsedFile.create(f.uri, next.text)!;
      // An edited version hands its nodes over: the old one is not used again (as in the server), so
      // going back means parsing the old text anew.
      if (whole.problems.length) { live.set(ParsedFile.create(f.uri, before)!); continue; }
      live.set(next);
      checkedLikeFresh(live, `after ${JSON.stringify(change)} in ${name}`);
      if (i % 3 === 0) prepareForEdits(live); // as the server does when idle: the next edits start from built caches
      compared++;
    }
    assert.ok(compared > 100, `compared ${compared}`);
  });
});

describe('renaming a Vault endpoint back and forth = a fresh check', () => {
  it('the jump client of that name loses and regains its endpoint (the patched verdicts of engine/crossIndex.ts and rules/endpoint.ts)', async () => {
    const live = examplesWorkspace();
    const codesOn = (m: Map<string, { code: string }[]>, name: string) => (m.get(`file:///ws/${name}`) ?? []).map((f) => f.code).sort();
    const vaultUri = 'file:///ws/corp.vault.yaml';
    const baseline = codesOn(checkWorkspace(live), 'site.pa.yaml');
    for (let i = 0; i < 6; i++) {
      const f = live.get(vaultUri)!;
      const at = f.text.indexOf(i % 2 ? '{ name: WEB01x,' : '{ name: WEB01,') + '{ name: '.length;
      live.set(ParsedFile.edited(f, i % 2 ? { start: at, end: at + 6, text: 'WEB01' } : { start: at, end: at + 5, text: 'WEB01x' }, i + 1));
      const pa = codesOn(checkedLikeFresh(live, `edit ${i}`), 'site.pa.yaml');
      if (i % 2) assert.deepEqual(pa, baseline);
      else assert.ok(pa.length > baseline.length && pa.some((c) => c.startsWith('endpoint/')), `WEB01 has no exact endpoint: ${pa}`);
    }
  });
});

describe('references re-judged after edits of the referring list = a fresh check', () => {
  it('endpoints naming a group: one inserted, then the group renamed to its name and back (rules/refs.ts carries its reverse index through the edits)', async () => {
    const live = examplesWorkspace();
    const vaultUri = 'file:///ws/corp.vault.yaml';
    let version = 0;
    /** Replaces `part` of the first `find` in the Vault file (all of it by default), incrementally. */
    const edit = (find: string, replace: string, part = find): void => {
      const f = live.get(vaultUri)!;
      assert.ok(f.text.includes(find), `${find} is in the Vault file`);
      const start = f.text.indexOf(find) + find.indexOf(part);
      const next = ParsedFile.edited(f, { start, end: start + part.length, text: replace }, ++version);
      assert.ok(next.follows(f), `the edit to ${JSON.stringify(replace)} is incremental`);
      live.set(next);
    };
    /** The names `ref/unknown` reports in the Vault file (at the references, not the renamed declaration's root), after checking that the live workspace reports what a fresh one does. */
    const unknownNames = (): string[] =>
      (checkedLikeFresh(live, `edit ${version}`).get(vaultUri) ?? []).filter((d) => d.code === 'ref/unknown' && !d.rootOf).map((d) => /`([^`]+)`/.exec(d.message)![1]).sort();
    assert.deepEqual(unknownNames(), []);
    // Each edit below also changes a declaration, so every version of the endpoint list gets its reverse index.
    edit('{ name: WEB02,', 'WEB02x', 'WEB02');
    assert.deepEqual(unknownNames(), []);
    edit('ip: 10.1.2.3, groups: [Web servers] }', ' }\n  - { name: WEB03, type: Windows, network: DMZ, ip: 10.1.2.5, groups: [Web serverz] }', ' }');
    assert.deepEqual(unknownNames(), ['Web serverz']);
    // Now the list's index is the one above with the insertion laid over it: WEB03 names the new group,
    // WEB01 and WEB02x (moved one down) the old one, as does the credential web-deploy.
    edit('  - name: Web servers', 'Web serverz', 'Web servers');
    assert.deepEqual(unknownNames(), ['Web servers', 'Web servers', 'Web servers']);
    edit('  - name: Web serverz', 'Web servers', 'Web serverz');
    assert.deepEqual(unknownNames(), ['Web serverz']);
    // One more layer, after the items before it: WEB01 (before the edit) must still be found by its group.
    edit('{ name: WEB02x,', 'WEB02', 'WEB02x');
    edit('  - name: Web servers', 'Web serverz', 'Web servers');
    assert.deepEqual(unknownNames(), ['Web servers', 'Web servers', 'Web servers']);
    // The list shrinks: WEB03 goes, WEB02 moves back up.
    edit(' }\n  - { name: WEB03, type: Windows, network: DMZ, ip: 10.1.2.5, groups: [Web serverz] }', ' }');
    edit('  - name: Web serverz', 'Web servers', 'Web serverz');
    assert.deepEqual(unknownNames(), []);
    // More edits than layers are kept (32): the index is built afresh on the way and still answers right.
    for (let k = 0; k < 40; k++) edit(k % 2 ? '{ name: WEB02y,' : '{ name: WEB02,', k % 2 ? 'WEB02' : 'WEB02y', k % 2 ? 'WEB02y' : 'WEB02');
    edit('  - name: Web servers', 'Web serverz', 'Web servers');
    assert.deepEqual(unknownNames(), ['Web servers', 'Web servers', 'Web servers']);
  });
});

describe('PieceText = the string it stands for', () => {
  it('after random edits: text, slices, characters and line breaks', async () => {
    const { PieceText } = await import('../../server/src/model/text/pieceText');
    const rng = new Rng(8);
    let s = readFileSync(path.join(EXAMPLES, 'corp.vault.yaml'), 'utf8');
    let p = PieceText.of(s);
    for (let i = 0; i < 600; i++) {
      const a = rng.int(s.length + 1), b = Math.min(s.length, a + rng.int(30));
      const ins = rng.pick(['', 'x', '\n', 'abc\ndef', '  - ', '\n\n']);
      s = s.slice(0, a) + ins + s.slice(b);
      p = p.edit(a, b, ins);
      assert.equal(p.length, s.length);
      const x = rng.int(s.length + 1), y = x + rng.int(80);
      assert.equal(p.slice(x, y), s.slice(x, y));
      assert.equal(p.charCodeAt(x), s.charCodeAt(x));
      if (x > 0) assert.equal(p.lastNewline(x), s.lastIndexOf('\n', x - 1), `lastNewline(${x})`);
    }
    assert.equal(p.toString(), s);
  });
});

describe('a version still held after an edit', () => {
  it('keeps its own tree: the next version takes its nodes over, it re-parses its text when asked', () => {
    const text = readFileSync(path.join(EXAMPLES, 'corp.vault.yaml'), 'utf8');
    const v1 = ParsedFile.create('file:///held.vault.yaml', text)!;
    const before = plainTree(v1.root);
    const at = text.indexOf('Local admin of WEB01') + 'Local admin of WEB'.length;
    assert.ok(at > 100);
    // Lengthen the first credential: every later item moves (their units' bases change).
    const v2 = ParsedFile.edited(v1, { start: at, end: at, text: '-' }, 2);
    assert.ok(v2.follows(v1), 'the edit was incremental');
    assert.deepEqual(plainTree(v1.root), before, 'v1 reads the offsets of its own text');
    assert.deepEqual(plainTree(v2.root), plainTree(ParsedFile.create('file:///fresh.vault.yaml', v2.text)!.root));
  });
});
