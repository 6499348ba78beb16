import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseYamlChunked } from '../../server/src/model/parse/chunkedYaml';
import { parseYamlFull } from '../../server/src/model/parse/parseYaml';
import { EXAMPLES } from '../support/fixtures';
import { plainTree } from '../support/plainTree';
import { genYaml, Rng } from '../support/yamlGen';

/**
 * The tree without node lengths: where a piece ends is read without the text after it, so the end of a
 * node that closes with empty lines or comments can differ by those; every value and start is the same.
 */
function shape(n: unknown): unknown {
  if (Array.isArray(n)) return n.map(shape);
  if (!n || typeof n !== 'object') return n;
  return Object.fromEntries(Object.entries(n).filter(([k]) => k !== 'length').map(([k, v]) => [k, shape(v)]));
}

/** Random line-level damage, as typing leaves a file: an unclosed brace, a stray colon, a bad indent. */
function damage(rng: Rng, text: string): string {
  const lines = text.split('\n');
  const i = rng.int(lines.length);
  const l = lines[i];
  const k = rng.int(l.length + 1);
  lines[i] = rng.pick([
    () => l.slice(0, k) + rng.pick(['{', '}', '[', ': ', '"', "'", ' - ', '\t', ':']) + l.slice(k),
    () => l.replace(/^ {2}/, ' '),
    () => ' ' + l,
    () => l.slice(0, k),
    () => `${l}\n${l}`,
  ])();
  return lines.join('\n');
}

describe('large YAML read piece by piece = the yaml package', () => {
  it('the same tree for valid documents (up to where nodes end)', () => {
    const rng = new Rng(5);
    let compared = 0;
    const texts = [readFileSync(path.join(EXAMPLES, 'corp.vault.yaml'), 'utf8'), readFileSync(path.join(EXAMPLES, 'site.pa.yaml'), 'utf8')];
    for (let i = 0; i < 400; i++) texts.push(genYaml(rng));
    for (const text of texts) {
      const full = parseYamlFull(text);
      if (full.problems.length) continue;
      const chunked = parseYamlChunked(text, parseYamlFull);
      if (!chunked) continue;
      assert.deepEqual(chunked.problems, [], text);
      assert.deepEqual(shape(plainTree(chunked.root)), shape(plainTree(full.root)), text);
      compared++;
    }
    assert.ok(compared > 200, `compared ${compared}`);
  });

  it('a damaged document: an error exactly when the yaml package finds one, on the same line', () => {
    const rng = new Rng(9);
    const base = readFileSync(path.join(EXAMPLES, 'corp.vault.yaml'), 'utf8');
    let broken = 0, sameLine = 0;
    for (let i = 0; i < 400; i++) {
      const text = damage(rng, i % 2 ? base : genYaml(rng));
      const chunked = parseYamlChunked(text, parseYamlFull);
      if (!chunked) continue;
      const full = parseYamlFull(text);
      const line = (o: number) => text.slice(0, o).split('\n').length;
      assert.equal(chunked.problems.length > 0, full.problems.length > 0, `${JSON.stringify(full.problems)} vs ${JSON.stringify(chunked.problems)}\n${text}`);
      if (full.problems.length) {
        broken++;
        // The pieces are read without what follows them: an unclosed quote is seen where it starts, not where the file runs out.
        const d = Math.abs(line(chunked.problems[0].offset) - line(full.problems[0].offset));
        if (d === 0) sameLine++;
        assert.ok(d <= 5, `first error on line ${line(chunked.problems[0].offset)}, the yaml package says ${line(full.problems[0].offset)}\n${text}`);
      } else {
        assert.deepEqual(shape(plainTree(chunked.root)), shape(plainTree(full.root)), text);
      }
    }
    assert.ok(broken > 50, `broken ${broken}`);
    assert.ok(sameLine >= broken * 0.8, `the same first line for ${sameLine} of ${broken}`);
  });
});
