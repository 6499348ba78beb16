import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CodeLens, CompletionItem, Diagnostic, Location, SymbolInformation, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { copyExamples, serveExamples } from '../support/fixtures';
import { CLI, LspClient } from '../support/lspClient';

/** Applies LSP text edits to a text (as the editor would). */
function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'yaml', 0, text), edits);
}

function lineOf(text: string, needle: string): { line: number; character: number } {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `not found: ${needle}`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** The cross-file features over real LSP (stdio), on a copy of examples/. Run `npm run build` first. */
describe('cross-file over LSP', () => {
  let client: LspClient;
  let ws: { dir: string; cleanup: () => void };
  const uri = (name: string) => client.uri(path.join(ws.dir, name));
  const text = (name: string) => readFileSync(path.join(ws.dir, name), 'utf8');

  before(async () => { ({ client, ws } = await serveExamples()); });
  after(async () => { await client.stop(); ws.cleanup(); });

  it('an edit of the Vault file changes the PA file\'s diagnostics, and undoing it clears them', async () => {
    const vault = text('corp.vault.yaml');
    client.open(uri('corp.vault.yaml'), vault);
    client.change(uri('corp.vault.yaml'), 2, vault.replace('- { name: WEB02,', '- { name: web02,'));
    const d = await client.waitFor(uri('site.pa.yaml'), (x) => x.length === 1);
    assert.equal(d[0].code, 'endpoint/name-mismatch');
    assert.deepEqual(d[0].range, { start: lineOf(text('site.pa.yaml'), 'WEB02,'), end: { ...lineOf(text('site.pa.yaml'), 'WEB02,'), character: lineOf(text('site.pa.yaml'), 'WEB02,').character + 5 } });
    assert.equal(d[0].relatedInformation?.[0].location.uri, uri('corp.vault.yaml'));
    client.change(uri('corp.vault.yaml'), 3, vault);
    await client.waitFor(uri('site.pa.yaml'), (x) => x.length === 0);
  });

  it('a file opened from outside the workspace is checked alone, and says so', async () => {
    const outside = copyExamples();
    try {
      const other = client.uri(path.join(outside.dir, 'prod.ecm.yaml'));
      client.open(other, readFileSync(path.join(outside.dir, 'prod.ecm.yaml'), 'utf8'));
      // Another site's copy of the same ECM: compared with the workspace it would be "ecm-01 used twice".
      const d = await client.waitFor(other, (x) => x.length > 0);
      assert.deepEqual(d.map((x) => [x.code, x.severity]), [['file/checked-alone', 3]]);
      assert.match(String(d[0].message), /outside the workspace folders, so ecmkit checks it alone: .* did not run/);
      await client.waitFor(uri('prod.ecm.yaml'), (x) => x.length === 0);
      client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: other } });
      await client.waitFor(other, (x) => x.length === 0);
    } finally {
      outside.cleanup();
    }
  });

  it('a created file is indexed, and deleting it takes its diagnostics away', async () => {
    const file = path.join(ws.dir, 'branch.pa.yaml');
    writeFileSync(file, 'site: branch.example.com\nsecurityProviders: [{ name: local, type: local }]\nusers:\n  - { username: zed, securityProvider: local }\n');
    client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('branch.pa.yaml'), type: 1 }] });
    const d = await client.waitFor(uri('branch.pa.yaml'), (x) => x.length > 0);
    assert.deepEqual(d.map((x) => x.code), ['user/not-in-vault']);
    rmSync(file);
    client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('branch.pa.yaml'), type: 3 }] });
    await client.waitFor(uri('branch.pa.yaml'), (x) => x.length === 0);
  });

  it('deleting the integration file clears the cross-file findings that depended on it', async () => {
    const integration = path.join(ws.dir, 'ecm.integration.yaml');
    const original = readFileSync(integration, 'utf8');
    writeFileSync(integration, original.replace('status: Active', 'status: Inactive'));
    client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('ecm.integration.yaml'), type: 2 }] });
    await client.waitFor(uri('ecm.integration.yaml'), (x) => x.some((d) => d.code === 'integration/inactive'));
    rmSync(integration);
    client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('ecm.integration.yaml'), type: 3 }] });
    await client.waitFor(uri('ecm.integration.yaml'), (x) => x.length === 0);
    writeFileSync(integration, original);
    client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('ecm.integration.yaml'), type: 1 }] });
  });

  it('go to definition: a jump client leads to its Vault endpoint, a policy to its declaration', async () => {
    const pa = text('site.pa.yaml');
    client.open(uri('site.pa.yaml'), pa);
    const defs = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: uri('site.pa.yaml') }, position: lineOf(pa, 'WEB01') });
    const vault = text('corp.vault.yaml');
    assert.deepEqual(defs, [{ uri: uri('corp.vault.yaml'), range: { start: lineOf(vault, 'WEB01'), end: { ...lineOf(vault, 'WEB01'), character: lineOf(vault, 'WEB01').character + 5 } } }]);
    const pol = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: uri('corp.vault.yaml') }, position: lineOf(vault, 'Databases, domain') });
    assert.equal(pol.length, 1);
    assert.equal(pol[0].range.start.line, lineOf(vault, 'name: Databases').line);
  });

  it('find references of a Vault group: its declaration, members and grants', async () => {
    const vault = text('corp.vault.yaml');
    const refs = await client.request<Location[]>('textDocument/references', { textDocument: { uri: uri('corp.vault.yaml') }, position: lineOf(vault, 'Support, roles'), context: { includeDeclaration: true } });
    assert.deepEqual(refs.map((r) => r.range.start.line), [lineOf(vault, '{ name: Support').line, lineOf(vault, 'groups: [Support]').line, lineOf(vault, '"group:Support"').line]);
  });

  it('rename an endpoint from the PA file: Vault endpoint, credential reference and jump client in one edit', async () => {
    const pa = text('site.pa.yaml'), vault = text('corp.vault.yaml');
    const prep = await client.request<{ range: unknown; placeholder: string }>('textDocument/prepareRename', { textDocument: { uri: uri('site.pa.yaml') }, position: lineOf(pa, 'WEB01') });
    assert.equal(prep.placeholder, 'WEB01');
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: uri('site.pa.yaml') }, position: lineOf(pa, 'WEB01'), newName: 'WEB-01 new' });
    assert.deepEqual(Object.keys(edit.changes!).sort(), [uri('corp.vault.yaml'), uri('site.pa.yaml')].sort());
    const newVault = apply(vault, edit.changes![uri('corp.vault.yaml')]);
    assert.match(newVault, /- \{ name: WEB-01 new, description: IIS front end/);
    assert.match(newVault, /endpoints: \[WEB-01 new\], endpointGroups: \[\], description: Local admin of WEB01/);
    assert.match(apply(pa, edit.changes![uri('site.pa.yaml')]), /- \{ name: WEB-01 new, hostname: web01/);
    // A name YAML cannot hold plain is quoted.
    const quoted = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: uri('site.pa.yaml') }, position: lineOf(pa, 'WEB01'), newName: 'web: 01' });
    assert.match(apply(vault, quoted.changes![uri('corp.vault.yaml')]), /endpoints: \["web: 01"\]/);
  });

  it('rename refuses a name that is already declared (it would merge two) and a provider name mapping lines cannot hold', async () => {
    const vault = text('corp.vault.yaml');
    const renameTo = (needle: string, newName: string) => client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: uri('corp.vault.yaml') }, position: lineOf(vault, needle), newName });
    await assert.rejects(renameTo('Databases', 'helpdesk'), /credential policy named helpdesk already exists: renaming Databases to it would merge the two/);
    await assert.rejects(renameTo('CORP, type: activeDirectory', 'A=B'), /name cannot hold "=", .* or spaces: it is written in mapping lines/);
    const ok = await renameTo('Databases', 'Database servers');
    assert.match(apply(vault, ok.changes![uri('corp.vault.yaml')]), /policy: Database servers/);
  });

  it('rename a user: Vault user, PA user and the `user:` principal', async () => {
    const vault = text('corp.vault.yaml').replace('"role:Rep", actions: [checkout]', '"user:jdoe", actions: [checkout]');
    client.change(uri('corp.vault.yaml'), 10, vault);
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: uri('corp.vault.yaml') }, position: lineOf(vault, 'jdoe, fullName'), newName: 'jane.doe' });
    const v = apply(vault, edit.changes![uri('corp.vault.yaml')]);
    assert.match(v, /username: jane\.doe, fullName: Jane Doe/);
    assert.match(v, /"user:jane\.doe"/);
    assert.match(apply(text('site.pa.yaml'), edit.changes![uri('site.pa.yaml')]), /username: jane\.doe, email: jdoe@example\.com/);
    client.change(uri('corp.vault.yaml'), 11, text('corp.vault.yaml'));
  });

  it('quick fixes for a name mismatch: rename the Vault endpoint (with its credentials) or the jump client', async () => {
    const pa = text('site.pa.yaml').replace('- { name: db01.corp.example.com,', '- { name: DB01,');
    client.change(uri('site.pa.yaml'), 20, pa);
    const [d] = await client.waitFor(uri('site.pa.yaml'), (x) => x.length === 1 && x[0].code === 'endpoint/name-mismatch');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri('site.pa.yaml') }, range: d.range, context: { diagnostics: [d] } });
    assert.deepEqual(actions.map((a) => a.title), ['Rename Vault endpoint `db01.corp.example.com` to `DB01` (and 1 credential reference)', 'Rename jump client `DB01` to `db01.corp.example.com`']);
    const vaultEdits = actions[0].edit!.changes![uri('corp.vault.yaml')];
    assert.equal(vaultEdits.length, 2);
    const fixed = apply(text('corp.vault.yaml'), vaultEdits);
    assert.match(fixed, /- \{ name: DB01, description: SQL Server/);
    assert.match(fixed, /endpoints: \[DB01\]/);
    assert.deepEqual(apply(pa, actions[1].edit!.changes![uri('site.pa.yaml')]), text('site.pa.yaml'));
    // Applying the first fix clears the diagnostic.
    client.change(uri('corp.vault.yaml'), 21, fixed);
    await client.waitFor(uri('site.pa.yaml'), (x) => x.length === 0);
    client.change(uri('corp.vault.yaml'), 22, text('corp.vault.yaml'));
    client.change(uri('site.pa.yaml'), 23, text('site.pa.yaml'));
    await client.waitFor(uri('site.pa.yaml'), (x) => x.length === 0);
  });

  it('quick fix for a missing endpoint adds a skeleton to the Vault file', async () => {
    const pa = text('site.pa.yaml').replace('credentialInjection: false', 'credentialInjection: true');
    client.change(uri('site.pa.yaml'), 30, pa);
    const [d] = await client.waitFor(uri('site.pa.yaml'), (x) => x.length === 1 && x[0].code === 'endpoint/not-in-vault');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri('site.pa.yaml') }, range: d.range, context: { diagnostics: [d] } });
    assert.equal(actions[0].title, 'Add endpoint `KIOSK-7` to the Vault inventory');
    const fixed = apply(text('corp.vault.yaml'), actions[0].edit!.changes![uri('corp.vault.yaml')]);
    assert.match(fixed, /ip: 10\.3\.0\.10, groups: \[\] \}\n  - \{ name: KIOSK-7, description: PA jump client KIOSK-7, type: Windows \}\n/);
    client.change(uri('corp.vault.yaml'), 31, fixed);
    await client.waitFor(uri('site.pa.yaml'), (x) => x.length === 0);
    client.change(uri('corp.vault.yaml'), 32, text('corp.vault.yaml'));
    client.change(uri('site.pa.yaml'), 33, text('site.pa.yaml'));
  });

  it('code lens on each jump client: credentials and users, from the broker\'s resolution', async () => {
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri('site.pa.yaml') } });
    assert.deepEqual(lenses.map((l) => l.command?.title), ['3 credentials · 3 users', '2 credentials · 3 users', '2 credentials · 3 users', '0 credentials · 0 users (credential injection is off)']);
  });

  it('workspace symbols find names across files', async () => {
    const symbols = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'web0' });
    assert.deepEqual(symbols.map((s) => `${s.containerName}:${s.name}`).sort(), ['PA jump client:WEB01', 'PA jump client:WEB02', 'credential:web01-admin', 'endpoint:WEB01', 'endpoint:WEB02'].sort());
  });

  it('completes policy names, endpoint names and principals where a reference is expected', async () => {
    const vault = text('corp.vault.yaml').replace('policy: Databases, domain', 'policy: , domain');
    client.change(uri('corp.vault.yaml'), 40, vault);
    const pos = lineOf(vault, 'policy: , domain');
    const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri('corp.vault.yaml') }, position: { line: pos.line, character: pos.character + 8 } });
    assert.deepEqual(items.map((i) => i.label).sort(), ['Databases', 'Helpdesk', 'Windows servers']);
    const eps = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri('corp.vault.yaml') }, position: { ...lineOf(vault, 'WEB01], endpointGroups'), character: lineOf(vault, 'WEB01], endpointGroups').character + 2 } });
    assert.deepEqual(eps.map((i) => i.label), ['WEB01', 'WEB02', 'db01.corp.example.com']);
    const pr = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri('corp.vault.yaml') }, position: { ...lineOf(vault, '"role:DBA"'), character: lineOf(vault, '"role:DBA"').character + 3 } });
    assert.ok(pr.some((i) => i.label === 'group:Database team'));
    client.change(uri('corp.vault.yaml'), 41, text('corp.vault.yaml'));
  });
});

describe('one engine: ecmkit check reports what the server publishes', () => {
  it('on a workspace broken across files, with a severity override, diagnostic for diagnostic', async () => {
    const ws = copyExamples();
    try {
      const edit = (name: string, from: string, to: string) => {
        const file = path.join(ws.dir, name);
        const t = readFileSync(file, 'utf8');
        assert.ok(t.includes(from), from);
        writeFileSync(file, t.replace(from, to));
      };
      edit('site.pa.yaml', '- { name: WEB01,', '- { name: web01,');
      edit('site.pa.yaml', 'username: bwayne', 'username: zed');
      edit('corp.vault.yaml', 'policy: Databases, domain', 'policy: Database, domain');
      edit('corp.vault.yaml', 'email: jdoe@example.com', 'email: jane@example.com');
      edit('ecm.integration.yaml', '  - 10.20.0.16      # ecm-02\n', '');
      edit('prod.ecm.yaml', 'host: 10.20.0.15', 'host: ecm01.corp.example.com');
      edit('prod.ecm.yaml', '    emea.corp.example.com=EMEA\n', '');
      edit('standby.ecm.json', '"enableDomainMatching": false', '"enableDomainMatching": true');
      const rules = { 'user/email-mismatch': 'error', 'ecm/dynamic-host': 'off' };
      mkdirSync(path.join(ws.dir, '.vscode'));
      writeFileSync(path.join(ws.dir, '.vscode', 'settings.json'), JSON.stringify({ 'ecmkit.rules': rules }));

      const cli = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '.'], { cwd: ws.dir, encoding: 'utf8' });
      assert.equal(cli.status, 1, cli.stderr);
      const fromCli = (JSON.parse(cli.stdout) as { diagnostics: { file: string; range: unknown; severity: string; code: string; message: string }[] }).diagnostics
        .map((d) => ({ file: d.file, range: d.range, severity: d.severity, code: d.code, message: d.message }));

      const client = await LspClient.start(ws.dir, { 'ecmkit.rules': rules });
      try {
        const files = ['corp.vault.yaml', 'ecm.integration.yaml', 'prod.ecm.yaml', 'site.pa.yaml', 'standby.ecm.json'];
        const sev = ['', 'error', 'warning', 'information', 'hint'];
        const fromLsp: typeof fromCli = [];
        for (const f of files) {
          const d: Diagnostic[] = await client.waitFor(client.uri(path.join(ws.dir, f)), () => true);
          for (const x of d) fromLsp.push({ file: f, range: x.range, severity: sev[x.severity ?? 1], code: String(x.code), message: String(x.message) });
        }
        const order = (a: (typeof fromCli)[number], b: (typeof fromCli)[number]) => JSON.stringify(a).localeCompare(JSON.stringify(b));
        assert.deepEqual(fromLsp.sort(order), fromCli.sort(order));
        const codes = new Set(fromCli.map((d) => d.code));
        for (const c of ['endpoint/name-mismatch', 'user/not-in-vault', 'ref/unknown', 'user/email-mismatch', 'integration/ip-not-allowed', 'mapping/unmapped-domain']) assert.ok(codes.has(c), c);
        assert.ok(!codes.has('ecm/dynamic-host'), 'the override turns it off in both');
        assert.equal(fromCli.find((d) => d.code === 'user/email-mismatch')?.severity, 'error');
      } finally {
        await client.stop();
      }
    } finally {
      ws.cleanup();
    }
  });
});
