/** The editor's pure parts of the Vault test: where the code lens goes, and a report panel that escapes everything. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { hostnameLine, reportHtml } from '../../client/src/features/vaultReport';
import { EXAMPLES } from './helpers';

describe('Test connectivity code lens', () => {
  it('sits on vault.hostname in YAML and JSON ECM files, and nowhere else', () => {
    const yaml = readFileSync(path.join(EXAMPLES, 'prod.ecm.yaml'), 'utf8');
    const yl = hostnameLine(yaml, false)!;
    assert.match(yaml.split('\n')[yl], /^\s+hostname: https:\/\/vault\.example\.com/);
    const json = readFileSync(path.join(EXAMPLES, 'standby.ecm.json'), 'utf8');
    const jl = hostnameLine(json, true)!;
    assert.match(json.split('\n')[jl], /"hostname": "https:\/\/vault\.example\.com"/);
    assert.equal(hostnameLine('hostname: x\nvault:\n  sharedKey: y\n', false), undefined, 'a top-level hostname is not the Vault one');
    assert.equal(hostnameLine('vault:\n  # hostname: later\n  hostname: https://v\n', false), 2);
    assert.equal(hostnameLine('vault:\n  a: 1\nother:\n  hostname: x\n', false), undefined);
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
