// One file, two spellings of its URI: the server indexes it from disk in its own spelling, the editor
// opens it in another — here VS Code's `%40` against Node's `@`; on Windows, where the server writes VS
// Code's `file:///c%3A/`, another client's `file:///C:/` (and any case: test/unit/windowsPaths.test.ts).
// The real server over real LSP must hold it once: one symbol, diagnostics on the editor's URI only.
// Run `npm run build` first.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SymbolInformation } from 'vscode-languageserver-protocol';
import { pathToFileURL } from 'node:url';
import { URI } from 'vscode-uri';
import { EXAMPLES } from '../support/fixtures';
import { LspClient } from '../support/lspClient';

describe('a file whose URI the editor spells differently from the disk index', () => {
  let root: string;
  let dir: string;
  let client: LspClient;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'ecmkit-spelling-'));
    dir = path.join(root, 'site@corp (eu)');
    cpSync(EXAMPLES, dir, { recursive: true });
    client = await LspClient.start(dir, { 'ecmkit.rules': {} });
    await client.waitFor(client.uri(path.join(dir, 'prod.ecm.yaml')), () => true);
  });
  after(async () => { await client.stop(); rmSync(root, { recursive: true, force: true }); });

  it('is one entry once the editor opens it: one symbol, under the editor\'s URI', async () => {
    const file = path.join(dir, 'prod.ecm.yaml');
    const editorUri = [URI.file(file).toString(), pathToFileURL(file).href].find((u) => u !== client.uri(file))!;
    assert.ok(editorUri, 'a spelling other than the server\'s');
    const text = readFileSync(file, 'utf8');
    client.open(editorUri, text.replace('port: 443', 'port: 70000'));
    const d = await client.waitFor(editorUri, (x) => x.length === 1);
    assert.equal(d[0].code, 'schema/type');
    const symbols = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'ecm-01' });
    const ecms = symbols.filter((s) => s.name === 'ecm-01');
    assert.deepEqual(ecms.map((s) => s.location.uri), [editorUri]);
    assert.deepEqual(client.diagnostics.get(client.uri(file)) ?? [], [], "nothing is left on the disk spelling");
  });
});
