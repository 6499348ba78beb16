/** The editor's pure parts of the Vault test: where the code lens goes, and a report panel that escapes everything. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { reportHtml } from '../../client/src/features/vaultReport';
import { reportSummary } from '../../protocol/vaultReport';
import { VaultHostnameRequest } from '../../protocol/lsp';
import { EXAMPLES } from './helpers';
import { LspClient } from '../support/lspClient';
import { tempDir } from '../support/fixtures';

describe('Test connectivity code lens (the server locates vault.hostname)', () => {
  it('sits on vault.hostname in YAML and JSON ECM files, and nowhere else', async () => {
    const yaml = readFileSync(path.join(EXAMPLES, 'prod.ecm.yaml'), 'utf8');
    const json = readFileSync(path.join(EXAMPLES, 'standby.ecm.json'), 'utf8');
    const files: Record<string, string> = { 'a.ecm.yaml': yaml, 'b.ecm.json': json, 'c.ecm.yaml': 'hostname: x\nvault:\n  sharedKey: y\n', 'd.ecm.yaml': 'vault:\n  # hostname: later\n  hostname: https://v\n', 'e.ecm.yaml': 'vault:\n  a: 1\nother:\n  hostname: x\n' };
    const ws = tempDir(files);
    const client = await LspClient.start(ws.dir, {});
    try {
      // The lens asks for an open document, as the editor does.
      for (const [name, text] of Object.entries(files)) client.open(client.uri(path.join(ws.dir, name)), text);
      const line = async (name: string) => (await client.request<{ range: { start: { line: number } } } | null>(VaultHostnameRequest.method, { uri: client.uri(path.join(ws.dir, name)) }))?.range.start.line;
      assert.match(yaml.split('\n')[(await line('a.ecm.yaml'))!], /^\s+hostname: https:\/\/vault\.example\.com/);
      assert.match(json.split('\n')[(await line('b.ecm.json'))!], /"hostname": "https:\/\/vault\.example\.com"/);
      assert.equal(await line('c.ecm.yaml'), undefined, 'a top-level hostname is not the Vault one');
      assert.equal(await line('d.ecm.yaml'), 2);
      assert.equal(await line('e.ecm.yaml'), undefined);
    } finally {
      await client.stop();
      ws.cleanup();
    }
  });
});

describe('report words', () => {
  it('counts stages in words that agree with the number', () => {
    const stage = { stage: 'dns' as const, ok: false, ms: 1, detail: 'x', hint: '' };
    assert.match(reportSummary({ ok: false, target: 'https://v', stages: [stage], totalMs: 1 }), /1 stage run/);
    assert.match(reportSummary({ ok: false, target: 'https://v', stages: [stage, stage], totalMs: 1 }), /2 stages run/);
  });
});

describe('report panel', () => {
  it('escapes server-provided text and carries a CSP without scripts', () => {
    const html = reportHtml({
      ok: false, target: 'https://v', runAs: 'CORP\\jdoe', totalMs: 5, ecmName: '<b>ecm</b>',
      stages: [{ stage: 'auth', ok: false, ms: 3, detail: 'The Vault said: "<script>alert(1)</script>"', hint: 'a & b' }],
    }, 'prod.ecm.yaml');
    assert.ok(!html.includes('<script>'));
    assert.match(html, /&#60;script&#62;/);
    assert.match(html, /a &#38; b/);
    assert.match(html, /default-src 'none'/);
    assert.match(html, /<tr class="fail" data-stage="auth">/);
  });
});
