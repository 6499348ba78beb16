// The language server's side of "Simulate Credential Request…" over real LSP (the built bundle):
// the quick-pick targets with their code-lens counts, and the injection resolved from the index,
// including a Vault file edited in the editor and not saved.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InjectionTargetsRequest, SimulateRequest, UserJumpClientsRequest, type InjectionTargets, type UserJumpClients } from '../../protocol/lsp';
import type { FindAnswer } from '../../protocol/trace';
import { LspClient } from '../support/lspClient';
import { workspace } from './helpers';

describe('LSP: ecmkit/injectionTargets and ecmkit/simulate', () => {
  let lsp: LspClient;
  let dir: string;
  before(async () => { dir = workspace(); lsp = await LspClient.start(dir); });
  after(async () => { await lsp.stop(); });

  it('lists the PA users and jump clients with the counts the code lens shows', async () => {
    const t = await waitUntil(() => lsp.request<InjectionTargets>(InjectionTargetsRequest.method, {}), (v) => v.sites.length > 0);
    assert.equal(t.sites.length, 1);
    const s = t.sites[0];
    assert.equal(s.site, 'support.example.com');
    assert.deepEqual(s.ecms, ['ecm-01', 'ecm-02']);
    assert.deepEqual(s.users.map((u) => `${u.username}@${u.securityProvider}`), ['jdoe@corp.example.com', 'asmith@emea.corp.example.com', 'bwayne@local']);
    assert.deepEqual(s.jumpClients.map((j) => `${j.name}:${j.credentials}/${j.users}${j.credentialInjection ? '' : ' off'}`), ['WEB01:3/3', 'WEB02:2/3', 'db01.corp.example.com:2/3', 'KIOSK-7:0/0 off']);
  });

  it('counts the credentials of one user per jump client (the picker "for jdoe"), not everybody\'s', async () => {
    const t = await lsp.request<InjectionTargets>(InjectionTargetsRequest.method, {});
    assert.equal(t.sites[0].pa, lsp.uri(path.join(dir, 'site.pa.yaml')));
    const counts = async (user: string, securityProvider: string) => (await lsp.request<UserJumpClients>(UserJumpClientsRequest.method, { pa: t.sites[0].pa, user, securityProvider }))
      .jumpClients.map((j) => `${j.name}:${j.credentials}${j.reason ? ` (${j.reason})` : ''}`);
    assert.deepEqual(await counts('jdoe', 'corp.example.com'), ['WEB01:3', 'WEB02:2', 'db01.corp.example.com:1', 'KIOSK-7:0 (credential injection is off)']);
    assert.deepEqual(await counts('bwayne', 'local'), ['WEB01:1', 'WEB02:1', 'db01.corp.example.com:1', 'KIOSK-7:0 (credential injection is off)']);
    await assert.rejects(lsp.request(UserJumpClientsRequest.method, { user: 'jdoe' }), (e: { code?: number }) => e.code === -32602);
  });

  it('resolves one request from the index, with file:line sources, and follows unsaved edits', async () => {
    const p = { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' };
    const r = await lsp.request<FindAnswer>(SimulateRequest.method, p);
    assert.deepEqual(r.credentials.map((c) => c.name), ['web01-admin', 'web-deploy', 'helpdesk-shared']);
    assert.equal(r.runAs, 'CORP\\jdoe');
    const provider = r.trace.find((t) => t.step === 'provider')!;
    assert.equal(provider.source!.uri, lsp.uri(path.join(dir, 'prod.ecm.yaml')));
    assert.equal(provider.source!.range.start.line, 16);

    const vault = path.join(dir, 'corp.vault.yaml');
    const text = readFileSync(vault, 'utf8').replace('- { principal: "group:Support", actions: [checkout] }', '- { principal: "group:Support", actions: [modify] }');
    lsp.open(lsp.uri(vault), text, 'yaml', 2);
    const edited = await waitUntil(() => lsp.request<FindAnswer>(SimulateRequest.method, p), (v) => v.credentials.length === 1);
    assert.deepEqual(edited.credentials.map((c) => c.name), ['helpdesk-shared']);
    assert.match(edited.trace.find((t) => t.credential === 'web01-admin')!.detail, /grants check-out only to group:Database team/);

    const none = await lsp.request<FindAnswer>(SimulateRequest.method, { user: 'nobody', securityProvider: 'local', endpoint: 'WEB01' });
    assert.equal(none.error?.code, 'user-not-found');

    // Any client may send the request: bad parameters get an InvalidParams answer, and the server goes on.
    for (const bad of [{}, null, { user: 'jdoe', securityProvider: 'local' }, { user: 1, securityProvider: 'local', endpoint: 'WEB01' }]) {
      await assert.rejects(lsp.request(SimulateRequest.method, bad), (e: { code?: number; message?: string }) => e.code === -32602 && /needs .*(user|endpoint)/.test(e.message ?? ''));
    }
    assert.equal((await lsp.request<FindAnswer>(SimulateRequest.method, p)).credentials.length, 1);
  });
});

async function waitUntil<T>(get: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}
