import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspClient, ROOT } from '../support/lspClient';

/**
 * Issue 7, limits: validation is cancellable. A multi-megabyte Vault file takes long enough to check that
 * an edit arrives mid-check; the server must drop the stale check (publish nothing for the old version)
 * and publish the new version's diagnostics. Real server over real LSP.
 */
describe('a check a newer edit makes stale is dropped', () => {
  let dir: string;
  let client: LspClient;
  let vaultUri: string;
  let vaultText: string;
  const publishesOf = (uri: string) => client.publishes.filter((p) => p.uri === uri);

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecmkit-cancel-'));
    const gen = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-large.mjs'), '--jump-clients', '3000', '--credentials', '16000', '--users', '1600', '--out', dir]);
    assert.equal(gen.status, 0, String(gen.stderr));
    const vaultPath = path.join(dir, 'yaml', 'corp.vault.yaml');
    vaultText = readFileSync(vaultPath, 'utf8');
    client = await LspClient.start(path.join(dir, 'yaml'));
    vaultUri = client.uri(vaultPath);
    await client.waitFor(vaultUri, () => true, 60_000); // the first full check of the workspace
  });
  after(async () => { await client?.stop(); rmSync(dir, { recursive: true, force: true }); });

  it('an edit during a slow check: only the newer version is published', async () => {
    const planted = '  - { name: Rep }\n';
    const at = vaultText.indexOf(planted);
    assert.ok(at > 0 && vaultText.length > 4_000_000, 'a multi-megabyte Vault file with the Rep role');
    const v1 = vaultText.replace(planted, '  - { name: Rep, colour: red }\n'); // schema/unknown-field

    const begun = new Promise<void>((resolve) => client.conn.onNotification('$/progress', (p: { value: { kind: string } }) => { if (p.value.kind === 'begin') resolve(); }));
    client.open(vaultUri, v1, 'yaml', 1);
    await begun; // the server has started checking version 1 from scratch (progress shows in the editor)
    // Version 2 takes the planted field out again, while version 1 is being checked.
    const line = v1.slice(0, at).split('\n').length - 1;
    const from = '  - { name: Rep'.length;
    client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: vaultUri, version: 2 },
      contentChanges: [{ range: { start: { line, character: from }, end: { line, character: from + ', colour: red'.length } }, text: '' }],
    });

    await client.waitFor(vaultUri, () => publishesOf(vaultUri).at(-1)?.version === 2, 60_000);
    assert.deepEqual(client.diagnostics.get(vaultUri), [], 'version 2 is clean');
    assert.deepEqual(publishesOf(vaultUri).filter((p) => p.version === 1), [], 'nothing was published for version 1');
    assert.ok(client.logs.some((l) => /check stopped after \d+ ms: a newer edit replaces it/.test(l)), `the stale check was stopped; log: ${client.logs.join(' | ')}`);
  });

  it('ecmkit/recheck answers only once the diagnostics of the latest version are out', async () => {
    const line = vaultText.slice(0, vaultText.indexOf('  - { name: Rep }\n')).split('\n').length - 1;
    const from = '  - { name: Rep'.length;
    client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: vaultUri, version: 3 },
      contentChanges: [{ range: { start: { line, character: from }, end: { line, character: from } }, text: ', colour: blue' }],
    });
    await client.request('ecmkit/recheck', null);
    const last = publishesOf(vaultUri).at(-1);
    assert.equal(last?.version, 3);
    assert.deepEqual(last?.diagnostics.map((d) => [d.code, d.range.start.line]), [['schema/unknown-field', line]]);
  });
});
