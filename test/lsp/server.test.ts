import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CompletionItem, CompletionList, DocumentSymbol, Hover } from 'vscode-languageserver-protocol';
import { copyExamples } from '../support/fixtures';
import { LspClient } from '../support/lspClient';

/** The real server over real LSP (stdio), on a copy of examples/. Run `npm run build` first. */
describe('ecmkit lsp --stdio', () => {
  let client: LspClient;
  let ws: { dir: string; cleanup: () => void };
  let ecmUri: string;
  let ecmText: string;

  before(async () => {
    ws = copyExamples();
    client = await LspClient.start(ws.dir, { 'ecmkit.rules': {} });
    ecmUri = client.uri(path.join(ws.dir, 'prod.ecm.yaml'));
    ecmText = readFileSync(path.join(ws.dir, 'prod.ecm.yaml'), 'utf8');
  });
  after(async () => { await client.stop(); ws.cleanup(); });

  it('indexes the workspace and publishes (empty) diagnostics for clean files', async () => {
    const d = await client.waitFor(client.uri(path.join(ws.dir, 'corp.vault.yaml')), () => true);
    assert.deepEqual(d, []);
  });

  it('didOpen of a broken file → diagnostics with codes and exact ranges', async () => {
    const broken = ecmText.replace('port: 443', 'port: 70000').replace('${secret:ecm-01.clientSecret}', 'hunter2-literal');
    client.open(ecmUri, broken);
    const d = await client.waitFor(ecmUri, (x) => x.length === 2);
    assert.deepEqual(d.map((x) => x.code), ['schema/type', 'secret/plaintext']);
    assert.deepEqual(d[0].range, { start: { line: 4, character: 6 }, end: { line: 4, character: 11 } });
    assert.deepEqual(d[1].range, { start: { line: 6, character: 14 }, end: { line: 6, character: 29 } });
    assert.equal(d[0].source, 'ecmkit');
    assert.ok(!JSON.stringify(d).includes('hunter2'), 'no secret in a diagnostic');
  });

  it('offers the secret quick fix: reference in the text, the literal handed to Store Secret', async () => {
    const d = client.diagnostics.get(ecmUri)!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: ecmUri }, range: d[1].range, context: { diagnostics: [d[1]] } });
    assert.equal(actions.length, 1);
    assert.deepEqual(actions[0].edit?.changes?.[ecmUri], [{ range: d[1].range, newText: '"${secret:ecm-01.clientSecret}"' }]);
    assert.deepEqual(actions[0].command, { title: 'Store Secret…', command: 'ecmkit.storeSecret', arguments: ['ecm-01.clientSecret', 'hunter2-literal'] });
  });

  it('offers the fix with the cursor on the problem even when the request carries no diagnostics (the editor\'s markers lagging a publish), and not for other kinds', async () => {
    const d = client.diagnostics.get(ecmUri)!;
    const cursor = { start: d[1].range.start, end: d[1].range.start };
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: ecmUri }, range: cursor, context: { diagnostics: [] } });
    assert.deepEqual(actions.map((a) => a.title), ['Replace with ${secret:ecm-01.clientSecret} and store the value']);
    assert.deepEqual(actions[0].diagnostics?.map((x) => x.code), ['secret/plaintext']);
    const elsewhere = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: ecmUri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
    assert.deepEqual(elsewhere, []);
    const sourceOnly = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: ecmUri }, range: cursor, context: { diagnostics: [], only: ['source.organizeImports'] } });
    assert.deepEqual(sourceOnly, []);
  });

  it('didChange → updated diagnostics; the fix clears them', async () => {
    client.change(ecmUri, 2, ecmText.replace('port: 443', 'port: 70000'));
    let d = await client.waitFor(ecmUri, (x) => x.length === 1);
    assert.equal(d[0].code, 'schema/type');
    client.change(ecmUri, 3, ecmText);
    d = await client.waitFor(ecmUri, (x) => x.length === 0);
    assert.deepEqual(d, []);
  });

  it('never offers a fix from diagnostics of an earlier text under the same version number (closed and reopened)', async () => {
    client.change(ecmUri, 4, ecmText.replace('${secret:ecm-01.clientSecret}', 'hunter2-literal'));
    const [d] = await client.waitFor(ecmUri, (x) => x.length === 1);
    assert.equal(d.code, 'secret/plaintext');
    client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: ecmUri } });
    client.open(ecmUri, ecmText, 'yaml', 4); // the same version number, the clean text (as after a revert on disk)
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: ecmUri }, range: d.range, context: { diagnostics: [] } });
    assert.deepEqual(actions, []);
    await client.waitFor(ecmUri, (x) => x.length === 0);
  });

  it('hover shows the schema documentation of a key', async () => {
    const h = await client.request<Hover>('textDocument/hover', { textDocument: { uri: ecmUri }, position: { line: 3, character: 2 } });
    const value = (h.contents as { value: string }).value;
    assert.match(value, /\*\*site\*\*/);
    assert.match(value, /PA site/);
    assert.deepEqual(h.range, { start: { line: 3, character: 0 }, end: { line: 3, character: 4 } });
  });

  it('completion offers enum values and missing keys', async () => {
    const intUri = client.uri(path.join(ws.dir, 'ecm.integration.yaml'));
    const text = readFileSync(path.join(ws.dir, 'ecm.integration.yaml'), 'utf8').replace('status: Active', 'status: ');
    client.open(intUri, text);
    const line = text.split('\n').findIndex((l) => l.startsWith('status:'));
    const values = await client.request<CompletionItem[] | CompletionList>('textDocument/completion', { textDocument: { uri: intUri }, position: { line, character: 8 } });
    const labels = (Array.isArray(values) ? values : values.items).map((i) => i.label);
    assert.deepEqual(labels, ['Active', 'Inactive']);

    const withoutDesc = text.replace(/^description: .*\n/m, '') + '\n';
    client.change(intUri, 2, withoutDesc);
    const last = withoutDesc.split('\n').length - 1;
    const keys = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: intUri }, position: { line: last, character: 0 } });
    assert.deepEqual(keys.map((k) => k.label), ['description']);
  });

  it('completion inside the vault block offers its keys', async () => {
    const text = ecmText.replace('  enableDomainMatching: false\n', '  \n');
    client.change(ecmUri, 4, text);
    const line = text.split('\n').findIndex((l) => l === '  ');
    const keys = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: ecmUri }, position: { line, character: 2 } });
    assert.deepEqual(keys.map((k) => k.label), ['enableDomainMatching']);
    client.change(ecmUri, 5, ecmText);
  });

  it('document symbols give the outline, list items by name', async () => {
    const vaultUri = client.uri(path.join(ws.dir, 'corp.vault.yaml'));
    client.open(vaultUri, readFileSync(path.join(ws.dir, 'corp.vault.yaml'), 'utf8'));
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: vaultUri } });
    assert.deepEqual(symbols.map((s) => s.name), ['hostname', 'domain', 'edition', 'securityProviders', 'roles', 'groups', 'users', 'endpointGroups', 'endpoints', 'credentialPolicies', 'credentials']);
    const users = symbols.find((s) => s.name === 'users')!;
    assert.deepEqual(users.children!.map((c) => c.name), ['jdoe', 'asmith', 'bwayne']);
  });

  it('honours ecmkit.rules from the client settings', async () => {
    const strict = await LspClient.start(ws.dir, { 'ecmkit.rules': { 'secret/plaintext': 'off' } });
    try {
      strict.open(ecmUri, ecmText.replace('${secret:ecm-01.clientSecret}', 'hunter2-literal').replace('port: 443', 'port: 0'));
      const d = await strict.waitFor(ecmUri, (x) => x.length > 0);
      assert.deepEqual(d.map((x) => x.code), ['schema/type']);
    } finally {
      await strict.stop();
    }
  });

  it('survives a garbage document', async () => {
    const uri = client.uri(path.join(ws.dir, 'junk.pa.yaml'));
    client.open(uri, '\u0000\u0001: [{{{\n\t- : :\n' + 'x'.repeat(10000));
    const d = await client.waitFor(uri, (x) => x.length > 0);
    assert.ok(d.every((x) => x.code === 'syntax'));
    const h = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
    assert.equal(h, null);
  });
});
