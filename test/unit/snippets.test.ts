// The snippets (snippets/ecmkit-yaml.json), typed with their default values, are files the checks accept:
// the file skeletons as whole files, the list-item snippets under their list.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checkFile } from '../../server/src/engine/check';
import { parse } from '../support/fixtures';

const ROOT = path.resolve(__dirname, '../..');

/** `list`: the top-level list an item snippet belongs under (the language server offers it only there). */
interface Snippet { prefix: string; include: string[]; isFileTemplate?: boolean; list?: string; body: string[] }
const SNIPPETS = JSON.parse(readFileSync(path.join(ROOT, 'snippets', 'ecmkit-yaml.json'), 'utf8')) as Record<string, Snippet>;

/** The text VS Code inserts when every placeholder keeps its default (a mirror takes its first default, a choice its first option). */
function expand(body: string[]): string {
  const defaults = new Map<string, string>();
  const text = body.join('\n');
  return text
    .replace(/\\\$/g, '\0')
    .replace(/\$\{(\d+):([^}]*)\}|\$\{(\d+)\|([^|]*)\|\}|\$\{(\d+)\}|\$(\d+)/g, (_m, n1, d1, n2, c2, n3, n4) => {
      if (n1) { defaults.set(n1, d1); return d1; }
      if (n2) { const v = c2.split(',')[0]; defaults.set(n2, v); return v; }
      return defaults.get(n3 ?? n4) ?? '';
    })
    .replace(/\0/g, '$');
}


describe('snippets', () => {
  for (const [title, s] of Object.entries(SNIPPETS)) {
    it(`${title}: no finding of its own file`, () => {
      const kind = /\*\*\/\*\.(\w+)\.yaml/.exec(s.include[0])![1];
      let text = expand(s.body);
      if (!s.isFileTemplate) {
        assert.ok(s.list, `a list for ${s.prefix}`);
        text = `${s.list}:\n${text.split('\n').map((l) => `  ${l}`).join('\n')}\n`;
      }
      const file = parse(`a.${kind}.yaml`, text);
      assert.deepEqual(checkFile(file).map((f) => `${f.code}: ${f.message}`), []);
    });
  }
  it('a jump group and an API account have one each, offered in PA files under their list', () => {
    const items = Object.values(SNIPPETS).filter((s) => !s.isFileTemplate);
    assert.deepEqual(items.map((s) => `${s.prefix} → ${s.list}`), ['ecmkit-jump-group → jumpGroups', 'ecmkit-api-account → apiAccounts']);
    for (const s of items) assert.deepEqual(s.include, ['**/*.pa.yaml', '**/*.pa.yml']);
  });
});
