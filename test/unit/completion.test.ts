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

  it('a blank line under securityProviderMappings offers the unmapped domains\' lines at once, no keys', async () => {
    const head = 'name: e\nsite: support.example.com\nvault:\n  securityProviderMappings: |\n    corp.example.com=CORP\n';
    for (const text of [head + '    ‸\n', head + '    ‸', head + '    ‸\nplugin: vault\n', head + '\n    ‸\n', 'name: e\nvault:\n  securityProviderMappings: |\n    ‸\n']) {
      const want = text.startsWith('name: e\nvault') ? ['corp.example.com=CORP', 'emea.corp.example.com=EMEA'] : ['emea.corp.example.com=EMEA'];
      assert.deepEqual(await at('a.ecm.yaml', text), want, JSON.stringify(text));
    }
    // Every domain mapped: the shape of a line (never an empty list, which the editor fills with the file's words).
    const all = head.replace('CORP\n', 'CORP\n    emea.corp.example.com=EMEA\n');
    assert.deepEqual(await at('a.ecm.yaml', all + '    ‸\n'), ['${1:ad.example.com}=${2:NETBIOS}']);
    // Not in the block: a line indented like the key is the next key of vault; at column 0, a top-level key.
    assert.ok((await at('a.ecm.yaml', head + '  ‸\n')).includes('hostname: $0'));
    assert.ok((await at('a.ecm.yaml', head + '‸\n')).includes('plugin: $0'));
  });

  it('inside any block scalar no key and no skeleton is offered', async () => {
    assert.deepEqual(await at('a.integration.yaml', 'name: x\ndescription: |\n  first line\n  ‸\nstatus: Active\n'), []);
    assert.deepEqual(await at('a.integration.yaml', 'name: x\ndescription: >\n  first line\n\n  sec‸\n'), []);
    assert.deepEqual(await at('a.integration.yaml', 'description: |\n  ecm‸\n'), []);
  });

  it('the file skeleton (ecmkit-KIND) only in a file that has nothing else yet', async () => {
    const skeleton = async (name: string, text: string) => (await at(name, text)).filter((t) => t.startsWith('name: ${1:'));
    assert.equal((await skeleton('new.ecm.yaml', '‸')).length, 1);
    assert.equal((await skeleton('new.ecm.yaml', '# ECM of the lab\necm‸\n')).length, 1);
    assert.equal((await skeleton('new.vault.yaml', 'ecmkit-v‸')).length, 0, 'a Vault file\'s skeleton starts elsewhere');
    assert.equal((await skeleton('x.ecm.yaml', 'name: e\n‸')).length, 0);
    assert.equal((await skeleton('x.ecm.json', '‸')).length, 0);
  });

  it('a list-item snippet only on a new line of its list', async () => {
    const jg = (t: string[]) => t.filter((x) => x.startsWith('- { name: ${1:Servers}')).length;
    const api = (t: string[]) => t.filter((x) => x.startsWith('- { name: ${1:ECM prod}')).length;
    const pa = 'site: s\njumpGroups:\n  - { name: A, ecmGroup: "1" }\n';
    assert.equal(jg(await at('a.pa.yaml', pa + '  ‸\n')), 1);
    assert.equal(jg(await at('a.pa.yaml', pa + '\n  # more\n  ecmkit-j‸\n')), 1);
    assert.equal(jg(await at('a.pa.yaml', 'site: s\njumpGroups:\n- { name: A }\n‸\n')), 1, 'items at the key\'s column');
    assert.equal(api(await at('a.pa.yaml', pa + 'apiAccounts:\n  ‸\n')), 1);
    assert.equal(jg(await at('a.pa.yaml', pa + 'apiAccounts:\n  ‸\n')), 0);
    assert.equal(jg(await at('a.pa.yaml', pa + '‸\n')), 0, 'column 0 after items at 2 is a new top-level key');
    assert.equal(jg(await at('a.pa.yaml', 'site: s\nusers:\n  ‸\n')) + api(await at('a.pa.yaml', 'site: s\nusers:\n  ‸\n')), 0);
    assert.equal(jg(await at('a.vault.yaml', 'roles:\n  ‸\n')), 0, 'PA files only');
    // Texts opening with blank lines, the cursor at the very start or just after: no endless look upwards.
    for (const t of ['\n‸', '‸\n\njumpGroups:\n', '\n\n  ‸', '\n#x\n- ‸']) assert.ok(Array.isArray(await at('a.pa.yaml', t)));
  });

  it('a mapping line without "=" yet offers each unmapped PA domain with its Vault provider', async () => {
    const ecm = 'name: e\nsite: support.example.com\nvault:\n  securityProviderMappings: |\n    corp.example.com=CORP\n    em‸\n';
    assert.deepEqual(await at('a.ecm.yaml', ecm), ['emea.corp.example.com=EMEA']);
  });
});
