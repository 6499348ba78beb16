// Quick fixes applied as the editor applies them, then re-checked: each must clear its diagnostic and
// leave a file that parses (JSON keys keep their quotes, block scalars keep the next line, a misspelled
// reference is corrected and never stored as a secret, an https URL is never replaced by a bare host).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { serveExamples } from '../support/fixtures';
import type { LspClient } from '../support/lspClient';

const apply = (text: string, edits: TextEdit[]): string => TextDocument.applyEdits(TextDocument.create('file:///x', 'yaml', 0, text), edits);

describe('quick fixes leave a file that parses and clear their diagnostic', () => {
  let client: LspClient;
  let ws: { dir: string; cleanup: () => void };
  let version = 1;
  const uri = (name: string) => client.uri(path.join(ws.dir, name));
  const disk = (name: string) => readFileSync(path.join(ws.dir, name), 'utf8');

  before(async () => { ({ client, ws } = await serveExamples()); });
  after(async () => { await client.stop(); ws.cleanup(); });

  /** Opens `name` with `text`, takes the one diagnostic of `code`, applies the fix titled like `title`, re-checks. */
  async function fix(name: string, text: string, code: string, title: RegExp): Promise<{ fixed: string; action: CodeAction; d: Diagnostic }> {
    client.open(uri(name), text);
    client.change(uri(name), ++version, text);
    const [d] = await client.waitFor(uri(name), (x) => x.some((y) => y.code === code)).then((x) => x.filter((y) => y.code === code));
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri(name) }, range: d.range, context: { diagnostics: [d] } });
    const action = actions.find((a) => title.test(a.title));
    assert.ok(action, `a fix like ${title}: ${actions.map((a) => a.title).join(' | ')}`);
    const fixed = apply(text, action.edit!.changes![uri(name)]);
    client.change(uri(name), ++version, fixed);
    const after = await client.waitFor(uri(name), (x) => !x.some((y) => y.code === code));
    assert.deepEqual(after.map((x) => `${x.code}: ${x.message}`), [], 'nothing left after the fix');
    client.change(uri(name), ++version, disk(name));
    await client.waitFor(uri(name), (x) => x.length === 0);
    return { fixed, action, d };
  }

  it('schema/unknown-field in JSON keeps the key quoted', async () => {
    const { fixed } = await fix('standby.ecm.json', disk('standby.ecm.json').replace('"site"', '"sitee"'), 'schema/unknown-field', /Rename to `site`/);
    assert.equal(fixed, disk('standby.ecm.json'));
  });

  it('secret/plaintext on a block scalar replaces the scalar only and stores its value, not its text', async () => {
    const text = disk('ecm.integration.yaml').replace('${secret:vault.sharedKey}', '|-\n  abc123');
    const { fixed, action } = await fix('ecm.integration.yaml', text, 'secret/plaintext', /Replace with/);
    assert.equal(fixed, disk('ecm.integration.yaml').replace('${secret:vault.sharedKey}', '"${secret:vault.sharedKey}"'));
    assert.deepEqual(action.command?.arguments, ['vault.sharedKey', 'abc123']);
  });

  it('a misspelled secret reference is corrected, never stored as a secret', async () => {
    const text = disk('prod.ecm.yaml').replace('${secret:ecm-01.clientSecret}', '${secert:ecm-01.clientSecret}');
    const { action, d } = await fix('prod.ecm.yaml', text, 'secret/plaintext', /Change to \$\{secret:ecm-01\.clientSecret\}/);
    assert.equal(action.command, undefined, 'no Store Secret');
    assert.match(String(d.message), /is not a secret reference/);
  });

  it('mapping/syntax: mappings YAML folds into one line become a literal block, one per line', async () => {
    const text = disk('prod.ecm.yaml').replace('securityProviderMappings: |\n', 'securityProviderMappings:\n');
    const { fixed } = await fix('prod.ecm.yaml', text, 'mapping/syntax', /literal block/);
    assert.equal(fixed, disk('prod.ecm.yaml'));
  });

  it('ecm/vault-hostname-mismatch: a bare host in the inventory is the same Vault, and no fix drops https', async () => {
    const vault = disk('corp.vault.yaml');
    client.open(uri('corp.vault.yaml'), vault);
    client.change(uri('corp.vault.yaml'), ++version, vault.replace(/hostname: https:\/\/vault\.example\.com/, 'hostname: vault.example.com'));
    const d = await client.waitFor(uri('prod.ecm.yaml'), () => true);
    assert.deepEqual(d.filter((x) => x.code === 'ecm/vault-hostname-mismatch'), []);
    client.change(uri('corp.vault.yaml'), ++version, vault.replace(/hostname: https:\/\/vault\.example\.com/, 'hostname: other.example.com'));
    const [m] = await client.waitFor(uri('prod.ecm.yaml'), (x) => x.some((y) => y.code === 'ecm/vault-hostname-mismatch')).then((x) => x.filter((y) => y.code === 'ecm/vault-hostname-mismatch'));
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri('prod.ecm.yaml') }, range: m.range, context: { diagnostics: [m] } });
    assert.deepEqual(actions.filter((a) => /other\.example\.com/.test(a.title)), [], 'no fix to a URL without https');
    client.change(uri('corp.vault.yaml'), ++version, vault);
    await client.waitFor(uri('prod.ecm.yaml'), (x) => x.length === 0);
  });
});
