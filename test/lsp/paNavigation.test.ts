// Jump groups and API accounts as names, over real LSP (stdio) on a copy of examples/: go to definition, find
// references, rename, hover and completion. A jump client names its jump group; an ECM names its API account
// by client id. Run `npm run build` first.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CompletionItem, Hover, Location, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { serveExamples } from '../support/fixtures';
import type { LspClient } from '../support/lspClient';

function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'yaml', 0, text), edits);
}

/** The position of `needle` (plus `delta` characters) in `text`. */
function at(text: string, needle: string, delta = 0): { line: number; character: number } {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `not found: ${needle}`);
  const before = text.slice(0, i + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

const PROD_ID = '4b1d7c2e-9a0f-4d61-8e3b-5f2a1c9d0e74';

describe('jump groups and API accounts over LSP', () => {
  let client: LspClient;
  let ws: { dir: string; cleanup: () => void };
  const uri = (name: string) => client.uri(path.join(ws.dir, name));
  const text = (name: string) => readFileSync(path.join(ws.dir, name), 'utf8');
  const hoverText = async (name: string, position: { line: number; character: number }) => {
    const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: uri(name) }, position });
    return h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
  };

  before(async () => { ({ client, ws } = await serveExamples()); });
  after(async () => { await client.stop(); ws.cleanup(); });

  it('go to definition: a jump client\'s jumpGroup leads to the jump group, an ECM\'s clientId to its API account', async () => {
    const pa = text('site.pa.yaml');
    client.open(uri('site.pa.yaml'), pa);
    const jg = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: uri('site.pa.yaml') }, position: at(pa, 'jumpGroup: Servers', 12) });
    assert.deepEqual(jg, [{ uri: uri('site.pa.yaml'), range: { start: at(pa, 'Servers, ecmGroup'), end: at(pa, 'Servers, ecmGroup', 7) } }]);
    for (const [file, needle] of [['prod.ecm.yaml', PROD_ID], ['standby.ecm.json', '0e8f3a91']] as const) {
      const ecm = text(file);
      const acc = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: uri(file) }, position: at(ecm, needle, 3) });
      assert.equal(acc.length, 1, file);
      assert.equal(acc[0].uri, uri('site.pa.yaml'));
      assert.equal(acc[0].range.start.line, at(pa, file === 'prod.ecm.yaml' ? 'name: ECM prod' : 'name: ECM standby').line);
    }
  });

  it('find references of a jump group: its declaration and the jump clients in it', async () => {
    const pa = text('site.pa.yaml');
    const refs = await client.request<Location[]>('textDocument/references', { textDocument: { uri: uri('site.pa.yaml') }, position: at(pa, 'Kiosks, ecmGroup', 2), context: { includeDeclaration: true } });
    assert.deepEqual(refs.map((r) => r.range.start.line), [at(pa, '{ name: Kiosks').line, at(pa, 'jumpGroup: Kiosks').line]);
    const acc = await client.request<Location[]>('textDocument/references', { textDocument: { uri: uri('site.pa.yaml') }, position: at(pa, PROD_ID, 3), context: { includeDeclaration: false } });
    assert.deepEqual(acc.map((r) => r.uri), [uri('prod.ecm.yaml')]);
  });

  it('rename a jump group from a jump client: the declaration and every jump client in it', async () => {
    const pa = text('site.pa.yaml');
    const prep = await client.request<{ placeholder: string }>('textDocument/prepareRename', { textDocument: { uri: uri('site.pa.yaml') }, position: at(pa, 'jumpGroup: Servers', 12) });
    assert.equal(prep.placeholder, 'Servers');
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: uri('site.pa.yaml') }, position: at(pa, 'jumpGroup: Servers', 12), newName: 'Web servers: DMZ' });
    assert.deepEqual(Object.keys(edit.changes!), [uri('site.pa.yaml')]);
    const after = apply(pa, edit.changes![uri('site.pa.yaml')]);
    assert.match(after, /- \{ name: "Web servers: DMZ", ecmGroup: "1" \}/);
    assert.match(after, /credentialInjection: true, jumpGroup: "Web servers: DMZ" \}/);
    await assert.rejects(client.request('textDocument/rename', { textDocument: { uri: uri('site.pa.yaml') }, position: at(pa, 'jumpGroup: Servers', 12), newName: 'kiosks' }), /jump group named kiosks already exists/);
  });

  it('rename an API account\'s client id: the account and the ECM that uses it (YAML and JSON)', async () => {
    const pa = text('site.pa.yaml');
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: uri('site.pa.yaml') }, position: at(pa, '0e8f3a91', 2), newName: '11112222-3333-4444-5555-666677778888' });
    assert.deepEqual(Object.keys(edit.changes!).sort(), [uri('site.pa.yaml'), uri('standby.ecm.json')].sort());
    assert.match(apply(text('standby.ecm.json'), edit.changes![uri('standby.ecm.json')]), /"clientId": "11112222-3333-4444-5555-666677778888",/);
    assert.match(apply(pa, edit.changes![uri('site.pa.yaml')]), /\{ name: ECM standby, clientId: 11112222-3333-4444-5555-666677778888, enabled: true/);
  });

  it('hover: a jumpGroup reference shows its jump group, an ECM\'s clientId its API account (no secret), a field its documentation', async () => {
    const pa = text('site.pa.yaml');
    assert.match(await hoverText('site.pa.yaml', at(pa, 'jumpGroup: Servers', 12)), /^\*\*jump group `Servers`\*\* — site\.pa\.yaml line \d+\n\necmGroup: 1$/);
    const ecm = text('prod.ecm.yaml');
    const acc = await hoverText('prod.ecm.yaml', at(ecm, PROD_ID, 3));
    assert.match(acc, /^\*\*PA API account `4b1d7c2e-[^`]+`\*\* — site\.pa\.yaml line \d+\n\nname: ECM prod · enabled: true · ecmAccess: true · ecmGroup: 1 · ipAddresses: 10\.20\.0\.15$/);
    assert.match(await hoverText('site.pa.yaml', at(pa, 'ecmGroup: "1" }', 2)), /^\*\*ecmGroup\*\*\n\nThe ECM group .* that serves credential requests for this group's jump clients/);
    assert.match(await hoverText('site.pa.yaml', at(pa, 'ecmAccess: true', 2)), /Endpoint Credential Manager API: Allow Access/);
    // A declaration is documented by its field.
    assert.match(await hoverText('site.pa.yaml', at(pa, 'Kiosks, ecmGroup', 2)), /^\*\*name\*\*\n\nJump group name/);
  });

  it('completion: jump group names in a jump client\'s jumpGroup, client ids (with the account) in an ECM\'s clientId', async () => {
    const pa = text('site.pa.yaml').replace('jumpGroup: Kiosks', 'jumpGroup: K');
    client.change(uri('site.pa.yaml'), 2, pa);
    const groups = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri('site.pa.yaml') }, position: at(pa, 'jumpGroup: K', 12) });
    assert.deepEqual(groups.map((i) => [i.label, i.detail]), [['Servers', 'jump group'], ['Kiosks', 'jump group']]);
    client.change(uri('site.pa.yaml'), 3, text('site.pa.yaml'));
    const ecm = text('prod.ecm.yaml').replace(`clientId: ${PROD_ID}`, 'clientId: 4b');
    client.open(uri('prod.ecm.yaml'), ecm);
    const ids = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri('prod.ecm.yaml') }, position: at(ecm, 'clientId: 4b', 12) });
    assert.deepEqual(ids.map((i) => [i.label, i.detail]), [
      [PROD_ID, 'PA API account ECM prod'],
      ['0e8f3a91-2b7c-4c55-9d10-7a6e4b3f2c18', 'PA API account ECM standby'],
      ['7c2d5e80-1f3a-4b9c-8d6e-2a4f6b8c0d1e', 'PA API account Reporting (no ECM access)'],
    ]);
  });
});
