// Completion where the parser has little to go on: JSON values, a new list item, a half-typed mapping line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { complete } from '../../server/src/features/completion';
import { ParsedFile } from '../../server/src/model/document';
import { Workspace } from '../../server/src/model/workspace';
import { EXAMPLES } from '../support/fixtures';

/** Completion at `‸` in `text` (the `‸` removed), in the examples workspace with this file added. */
async function at(name: string, text: string): Promise<string[]> {
  const ws = await Workspace.load([EXAMPLES]);
  const offset = text.indexOf('‸');
  const file = ParsedFile.create(`file:///ws/${name}`, text.slice(0, offset) + text.slice(offset + 1))!;
  ws.set(file);
  return complete(file, offset, ws).map((c) => c.textEdit && 'newText' in c.textEdit ? c.textEdit.newText : String(c.insertText ?? c.label));
}

describe('completion', () => {
  it('JSON: the enum values after "key":, quoted unless a string is already open; never keys in a value', async () => {
    assert.deepEqual(await at('a.integration.json', '{\n  "name": "x",\n  "status": ‸\n}'), ['"Active"', '"Inactive"']);
    assert.deepEqual(await at('a.integration.json', '{\n  "name": "x",\n  "status": "Ac‸\n}'), ['Active', 'Inactive']);
    assert.deepEqual(await at('a.ecm.json', '{\n  "vault": { "enableDomainMatching": f‸ }\n}'), ['true', 'false']);
    assert.deepEqual(await at('a.integration.json', '{\n  "name": ‸\n}'), []);
  });

  it('YAML: a new list item offers the item\'s keys, block or flow', async () => {
    assert.deepEqual(await at('a.vault.yaml', 'roles:\n  - name: Rep\n  - ‸\n'), ['name: $0']);
    assert.deepEqual(await at('a.vault.yaml', 'credentialPolicies:\n  - name: A\n    permissions: []\n  - ‸\n'), ['name: $0', 'permissions:\n  - $0']);
    assert.deepEqual(await at('a.vault.yaml', 'roles:\n  - { ‸ }\n'), ['name: $0']);
    assert.deepEqual(await at('a.vault.yaml', 'credentialPolicies:\n  - { name: A, ‸ }\n'), ['permissions: [$0]']);
  });

  it('a mapping line without "=" yet offers each unmapped PA domain with its Vault provider', async () => {
    const ecm = 'name: e\nsite: support.example.com\nvault:\n  securityProviderMappings: |\n    corp.example.com=CORP\n    em‸\n';
    assert.deepEqual(await at('a.ecm.yaml', ecm), ['emea.corp.example.com=EMEA']);
  });
});
