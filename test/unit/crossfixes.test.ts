import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { CodeAction, TextEdit } from 'vscode-languageserver-types';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { diagnoseWorkspace } from '../../server/src/engine/check';
import { codeActions } from '../../server/src/features/codeActions';
import { ParsedFile } from '../../server/src/model/document';
import { Workspace } from '../../server/src/model/workspace';
import { EXAMPLES } from '../support/fixtures';

const BASE: Record<string, string> = Object.fromEntries(readdirSync(EXAMPLES).map((n) => [n, readFileSync(path.join(EXAMPLES, n), 'utf8')]));

function workspace(files: Record<string, string>): Workspace {
  const ws = new Workspace();
  for (const [name, text] of Object.entries(files)) ws.set(ParsedFile.create(`file:///ws/${name}`, text)!);
  return ws;
}

/** The quick fixes offered for the first diagnostic of `code`, and the workspace each one leaves. */
function fixes(files: Record<string, string>, code: string): { actions: CodeAction[]; after: (i: number) => Record<string, string> } {
  const ws = workspace(files);
  const all = diagnoseWorkspace(ws);
  for (const [uri, list] of all) {
    const d = list.find((x) => x.code === code);
    if (!d) continue;
    const actions = codeActions(ws.get(uri)!, [d], ws);
    return {
      actions,
      after: (i) => {
        const out = { ...files };
        for (const [u, edits] of Object.entries(actions[i].edit?.changes ?? {})) {
          const name = u.replace('file:///ws/', '');
          out[name] = TextDocument.applyEdits(TextDocument.create(u, 'yaml', 0, out[name]), edits as TextEdit[]);
        }
        return out;
      },
    };
  }
  throw new Error(`no ${code} diagnostic`);
}

/** Every diagnostic of a workspace, as `file code`. */
function codes(files: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [uri, list] of diagnoseWorkspace(workspace(files))) for (const d of list) out.push(`${uri.replace('file:///ws/', '')} ${d.code}`);
  return out;
}

describe('cross-file quick fixes leave a clean workspace', () => {
  it('endpoint/name-mismatch: either rename clears it; the Vault side renames its credentials too', () => {
    const files = { ...BASE, 'site.pa.yaml': BASE['site.pa.yaml'].replace('- { name: db01.corp.example.com,', '- { name: DB01,') };
    const f = fixes(files, 'endpoint/name-mismatch');
    assert.equal(f.actions.length, 2);
    assert.ok(f.actions[0].isPreferred);
    const vaultFixed = f.after(0);
    assert.match(vaultFixed['corp.vault.yaml'], /endpoints: \[DB01\]/);
    assert.deepEqual(codes(vaultFixed), []);
    assert.deepEqual(codes(f.after(1)), []);
  });
  it('endpoint/not-in-vault: adds an endpoint (YAML block list and JSON)', () => {
    const files = { ...BASE, 'site.pa.yaml': BASE['site.pa.yaml'].replace('credentialInjection: false', 'credentialInjection: true') };
    assert.deepEqual(codes(fixes(files, 'endpoint/not-in-vault').after(0)), []);
    const vaultJson = JSON.stringify(ParsedFile.create('file:///x.vault.yaml', BASE['corp.vault.yaml'])!.value, null, 2);
    const json = { ...files, 'corp.vault.json': vaultJson };
    delete (json as Record<string, string>)['corp.vault.yaml'];
    const after = fixes(json, 'endpoint/not-in-vault').after(0);
    assert.match(after['corp.vault.json'], /\},\n    \{ "name": "KIOSK-7", "description": "PA jump client KIOSK-7", "type": "Windows" \}\n  \]/);
    assert.deepEqual(codes(after), []);
  });
  it('endpoint/not-in-vault: creates the endpoints list when the Vault has none', () => {
    const vault = BASE['corp.vault.yaml'].replace(/endpoints:\n(  - .*\n)+/, '').replace(/endpoints: \[[^\]]*\]/g, 'endpoints: []').replace('endpointGroups: [Web servers], description: Deployment', 'endpointGroups: [], description: Deployment');
    const files = { ...BASE, 'corp.vault.yaml': vault, 'site.pa.yaml': 'site: support.example.com\njumpClients:\n  - { name: APP1, os: linux }\n' };
    const after = fixes(files, 'endpoint/not-in-vault').after(0);
    assert.match(after['corp.vault.yaml'], /\nendpoints:\n {2}- \{ name: APP1, description: PA jump client APP1, type: Linux \}\n/);
    assert.ok(!codes(after).some((c) => c.includes('endpoint/')));
  });
  it('user/not-in-vault: adds the Vault user with the resolved provider and the PA email', () => {
    const files = { ...BASE, 'site.pa.yaml': BASE['site.pa.yaml'].replace('{ username: bwayne, email: bwayne@example.com', '{ username: zed, email: zed@example.com') };
    const after = fixes(files, 'user/not-in-vault').after(0);
    assert.match(after['corp.vault.yaml'], /- \{ username: zed, status: Active, securityProvider: CORP, email: zed@example\.com \}/);
    assert.deepEqual(codes(after).filter((c) => c.includes('not-in-vault')), []);
  });
  it('mapping/unmapped-domain: adds the mapping line to a block scalar and to a JSON list', () => {
    const files = {
      ...BASE,
      'prod.ecm.yaml': BASE['prod.ecm.yaml'].replace('    emea.corp.example.com=EMEA\n', ''),
      'standby.ecm.json': BASE['standby.ecm.json'].replace(', "emea.corp.example.com=EMEA"', ''),
    };
    const f = fixes(files, 'mapping/unmapped-domain');
    assert.equal(f.actions[0].title, 'Add mapping `emea.corp.example.com=EMEA` to 2 ECMs');
    const after = f.after(0);
    assert.equal(after['prod.ecm.yaml'], BASE['prod.ecm.yaml']);
    assert.equal(after['standby.ecm.json'], BASE['standby.ecm.json']);
  });
  it('mapping/unmapped-domain: creates securityProviderMappings when missing', () => {
    const files = { ...BASE, 'prod.ecm.yaml': BASE['prod.ecm.yaml'].replace(/  securityProviderMappings: \|\n.*\n.*\n/, '') };
    const after = fixes(files, 'mapping/unmapped-domain').after(0);
    assert.match(after['prod.ecm.yaml'], /defaultSecurityProvider: CORP\n {2}securityProviderMappings: \|\n {4}corp\.example\.com=CORP/);
  });
  it('integration/ip-not-allowed: adds the ECM address to allowedIps', () => {
    const files = { ...BASE, 'ecm.integration.yaml': BASE['ecm.integration.yaml'].replace('  - 10.20.0.16      # ecm-02\n', '') };
    const after = fixes(files, 'integration/ip-not-allowed').after(0);
    assert.match(after['ecm.integration.yaml'], /  - 127\.0\.0\.1 {7}# the ecmkit sandbox and broker on this machine\n  - 10\.20\.0\.16\n/);
    assert.deepEqual(codes(after), []);
  });
  it('replacements: a suggested name, Active, the PA email, the integration\'s key', () => {
    const cases: [string, Record<string, string>][] = [
      ['ref/unknown', { 'corp.vault.yaml': BASE['corp.vault.yaml'].replace('policy: Databases, domain', 'policy: Database, domain') }],
      ['ref/unknown', { 'corp.vault.yaml': BASE['corp.vault.yaml'].replace('"group:Database team"', '"group:Database teams"') }],
      ['user/inactive', { 'corp.vault.yaml': BASE['corp.vault.yaml'].replace('{ username: jdoe, fullName: Jane Doe, status: Active', '{ username: jdoe, fullName: Jane Doe, status: Inactive') }],
      ['user/email-mismatch', { 'corp.vault.yaml': BASE['corp.vault.yaml'].replace('email: jdoe@example.com', 'email: jane@example.com') }],
      ['ecm/unknown-integration', { 'prod.ecm.yaml': BASE['prod.ecm.yaml'].replace('integration: ecm-integration', 'integration: ecm-integratoin') }],
      ['ecm/shared-key-mismatch', { 'prod.ecm.yaml': BASE['prod.ecm.yaml'].replace('sharedKey: ${secret:vault.sharedKey}', 'sharedKey: ${secret:other}') }],
      ['mapping/unknown-provider', { 'standby.ecm.json': BASE['standby.ecm.json'].replace('"defaultSecurityProvider": "CORP"', '"defaultSecurityProvider": "CROP"') }],
      ['integration/inactive', { 'ecm.integration.yaml': BASE['ecm.integration.yaml'].replace('status: Active', 'status: Inactive') }],
    ];
    for (const [code, edit] of cases) {
      const f = fixes({ ...BASE, ...edit }, code);
      assert.match(f.actions[0].title, /^Change to `/, code);
      assert.deepEqual(codes(f.after(0)), [], code);
    }
  });
});

describe('scalar() writes any name so YAML and JSON read it back unchanged', () => {
  it('in block and flow context', async () => {
    const fc = (await import('fast-check')).default;
    const { scalar } = await import('../../server/src/features/edits');
    const yaml = ParsedFile.create('file:///p.pa.yaml', 'x: 1\n')!;
    const json = ParsedFile.create('file:///p.pa.json', '{}')!;
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 20 }), (name) => {
      const y = scalar(yaml, name);
      const block = ParsedFile.create('file:///a.pa.yaml', `site: ${y}\n`)!;
      const flow = ParsedFile.create('file:///b.pa.yaml', `jumpClients: [{ name: ${y}, os: windows }]\n`)!;
      const j = ParsedFile.create('file:///c.pa.json', `{"site": ${scalar(json, name)}}`)!;
      return (block.value as { site: unknown }).site === name
        && (flow.value as { jumpClients: { name: unknown }[] }).jumpClients[0].name === name
        && (j.value as { site: unknown }).site === name;
    }), { numRuns: 500 });
  });
});
