import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { checkFile, diagnoseWorkspace } from '../../server/src/engine/check';
import { ParsedFile } from '../../server/src/model/document';
import { LAZY_MIN_CHARS } from '../../server/src/model/parse/lazyJson';
import { walk, type JsonPath } from '../../server/src/model/tree';
import { Workspace } from '../../server/src/model/workspace';
import { EXAMPLES } from '../support/fixtures';
import { plainTree } from '../support/plainTree';
import { genYaml, Rng } from '../support/yamlGen';

/** The same file read eagerly (whole tree) and lazily (JSON.parse + scan, tree on demand). */
function both(uri: string, text: string): { eager: ParsedFile; lazy: ParsedFile } {
  ParsedFile.lazyJsonFrom = Infinity;
  const eager = ParsedFile.create(uri, text)!;
  ParsedFile.lazyJsonFrom = 0;
  const lazy = ParsedFile.create(uri, text)!;
  return { eager, lazy };
}

const brief = (r: ReturnType<ParsedFile['at']>) => ({ depth: r.depth, node: r.node && { type: r.node.type, offset: r.node.offset, length: r.node.length }, prop: r.prop && { key: r.prop.key, keyOffset: r.prop.keyOffset, keyLength: r.prop.keyLength } });

/** JSON renderings of the examples and of random documents, in the layouts people write. */
function texts(): { uri: string; text: string }[] {
  const out: { uri: string; text: string }[] = [];
  const rng = new Rng(11);
  for (const name of readdirSync(EXAMPLES)) {
    const f = ParsedFile.create(`file:///x/${name}`, readFileSync(path.join(EXAMPLES, name), 'utf8'))!;
    const uri = `file:///x/${name.replace(/\.(yaml|json)$/, '.json')}`;
    out.push({ uri, text: JSON.stringify(f.value, null, 2) }, { uri, text: JSON.stringify(f.value) }, { uri, text: JSON.stringify(f.value, null, '\t').replace(/\n/g, '\r\n') });
  }
  for (let i = 0; i < 300; i++) {
    const f = ParsedFile.create('file:///r.pa.yaml', genYaml(rng));
    if (f?.value && !f.problems.length) out.push({ uri: `file:///r${i}.${rng.pick(['pa', 'vault', 'ecm'])}.json`, text: JSON.stringify(f.value, null, rng.chance(0.5) ? 2 : undefined) });
  }
  out.push({ uri: 'file:///e.vault.json', text: '{"a\\u0062": [1, {"b\\"c": "x\\\\", "d": "\\"", "ab": 2}], "q": "\\\\\\"", "users": [ ] , "n": -1.5e3 }\n\n' });
  return out;
}

describe('lazy JSON tree = the whole tree', () => {
  afterEach(() => { ParsedFile.lazyJsonFrom = LAZY_MIN_CHARS; });

  it('same value, same node and range for every path, same line positions, same findings', () => {
    let lazyTaken = 0;
    for (const { uri, text } of texts()) {
      const { eager, lazy } = both(uri, text);
      assert.deepEqual(lazy.value, eager.value, text);
      assert.deepEqual(lazy.problems, eager.problems);
      if (eager.root?.type === 'object') lazyTaken++;
      const paths: JsonPath[] = [];
      walk(eager.root, (_n, p) => { paths.push(p, [...p, 'nope'], [...p, 99999]); });
      for (const p of paths) assert.deepEqual(brief(lazy.at(p)), brief(eager.at(p)), `${uri} at ${JSON.stringify(p)}`);
      for (let o = 0; o <= text.length; o += Math.max(1, Math.floor(text.length / 97))) assert.deepEqual(lazy.range(o, 3), eager.range(o, 3));
      assert.deepEqual(checkFile(lazy), checkFile(eager), uri);
      assert.deepEqual(plainTree(lazy.root), plainTree(eager.root), 'the tree built on demand is the whole tree');
    }
    assert.ok(lazyTaken > 100, `most documents take the lazy path (${lazyTaken})`);
  });

  it('duplicate keys, escaped or not, at any depth: the full parser reports them', () => {
    for (const text of ['{"a": 1, "a": 2}', '{"x": [{"k": 1, "k": 2}]}', '{"ab": 1, "a\\u0062": 2}', '{"x": {"y": {"z": 1, "z": 1}}}',
      `{"many": {${Array.from({ length: 40 }, (_, i) => `"k${i}": ${i}`).join(', ')}, "k7": 0}}`]) {
      const { eager, lazy } = both('file:///d.pa.json', text);
      assert.equal(eager.problems.length, 1, text);
      assert.deepEqual(lazy.problems, eager.problems, text);
      assert.deepEqual(checkFile(lazy), checkFile(eager), text);
    }
  });

  it('cross-file diagnostics on the examples as JSON are the same', () => {
    const ws = (lazy: boolean) => {
      ParsedFile.lazyJsonFrom = lazy ? 0 : Infinity;
      const w = new Workspace();
      for (const name of readdirSync(EXAMPLES)) {
        const f = ParsedFile.create(`file:///x/${name}`, readFileSync(path.join(EXAMPLES, name), 'utf8'))!;
        // A planted literal secret and a jump client Vault does not know, so there is something to report.
        const v = f.value as Record<string, unknown> & { jumpClients?: { name: string }[]; credentials?: { password: string }[] };
        if (v.jumpClients?.[0]) v.jumpClients[0].name = 'NOT-IN-VAULT';
        if (v.credentials?.[1]) v.credentials[1].password = 'hunter2';
        w.set(ParsedFile.create(`file:///x/${name.replace(/\.(yaml|json)$/, '.json')}`, JSON.stringify(v, null, 2))!);
      }
      return diagnoseWorkspace(w);
    };
    const eager = ws(false), lazy = ws(true);
    assert.ok([...eager.values()].flat().length >= 2);
    assert.deepEqual(lazy, eager);
  });
});
