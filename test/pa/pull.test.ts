// `ecmkit pull pa` against the real PA sandbox over HTTPS: the round trip workspace → sandbox → pull → the
// same inventory (with paging), the update in place, --check's exit codes, and every failure the brief
// names (429 storm, revoked token, 5xx, a connection cut mid-page, a wrong secret, a wrong CA, no
// permission, the hourly budget): each ends in a complete file or in exit 2 with the old file byte-identical.
// No secret ever appears in what the command prints.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ensureSandboxCerts, generateCa } from '../../server/src/net/certs';
import type { PaSandbox } from '../../server/src/pa/sandbox';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { paWorkspace, pullInto, runPull, sandboxOn, tempDir } from './helpers';

const EXAMPLES = path.resolve(__dirname, '../../examples');

/** A site with more than a page of users and jump clients, comments, and file-only fields. */
function bigSite(o: { users?: number; clients?: number } = {}): string {
  const users = Array.from({ length: o.users ?? 130 }, (_, i) => `  - { username: user${i}, email: user${i}@example.com, securityProvider: ${i % 4 ? 'corp.example.com' : 'local'} }`);
  const clients = Array.from({ length: o.clients ?? 250 }, (_, i) => `  - { name: SRV${String(i).padStart(4, '0')}, hostname: SRV${i}, fqdn: srv${i}.corp.example.com, os: ${i % 3 ? 'windows' : 'linux'}, credentialInjection: ${i % 7 !== 0}, jumpGroup: ${i % 2 ? 'Servers' : 'Lab'} }`);
  return `# The site as the admin keeps it.
site: support.example.com

securityProviders:
  - { name: corp.example.com, type: activeDirectory }   # the forest root
  - { name: local, type: local }

users:
${users.join('\n')}

jumpGroups:
  - { name: Servers, ecmGroup: "1" }
  - { name: Lab }

jumpClients:
  # Injection is off on every seventh: those have no Vault endpoint.
${clients.join('\n')}

apiAccounts:
  - { name: ECM prod, clientId: 4b1d7c2e-9a0f-4d61-8e3b-5f2a1c9d0e74, enabled: true, ecmAccess: true, ecmGroup: "1", ipAddresses: [10.20.0.15] }
`;
}

/** The inventory as data, with what a pull cannot know or writes in its own words put alike. */
function normal(v: Record<string, unknown>, o: { injection?: boolean } = {}): Record<string, unknown> {
  const out = structuredClone(v);
  delete out.site;
  for (const p of (out.securityProviders as Record<string, unknown>[] | undefined) ?? []) {
    if (p.type === 'activeDirectory') p.type = 'ldap';
    if (p.type === 'ldap' && p.fqdn === undefined) p.fqdn = String(p.name).toLowerCase();
  }
  for (const u of (out.users as Record<string, unknown>[] | undefined) ?? []) u.enabled ??= true;
  for (const a of (out.apiAccounts as Record<string, unknown>[] | undefined) ?? []) { a.enabled ??= true; a.ecmAccess ??= false; a.ipAddresses ??= []; }
  if (o.injection === false) for (const j of (out.jumpClients as Record<string, unknown>[] | undefined) ?? []) delete j.credentialInjection;
  return out;
}

const outputs: string[] = [];
const secrets: string[] = [];
async function pullCli(args: string[], o: { cwd: string; secret?: string }) {
  const r = await runPull(args, o);
  outputs.push(r.out, r.err);
  return r;
}

describe('pull pa: round trip through the PA sandbox', () => {
  it('examples/: pull --check finds only the site (the sandbox is 127.0.0.1), an update writes only that, a new file holds the same inventory', async () => {
    const ws = tempDir();
    copyFileSync(path.join(EXAMPLES, 'site.pa.yaml'), path.join(ws, 'site.pa.yaml'));
    const sb = await sandboxOn(ws);
    secrets.push(sb.clientSecret);
    try {
      const args = ['--site', sb.url, '--client-id', sb.clientId, '--ca', sb.caPath];
      const check = await pullCli([...args, '--check'], { cwd: ws, secret: sb.clientSecret });
      assert.equal(check.code, 1, check.err);
      assert.equal(check.out, `~ site\nsite.pa.yaml: 0 added, 0 removed, 1 changed\n`);
      const before = readFileSync(path.join(ws, 'site.pa.yaml'), 'utf8');
      const upd = await pullCli(args, { cwd: ws, secret: sb.clientSecret });
      assert.equal(upd.code, 0, upd.err);
      assert.equal(readFileSync(path.join(ws, 'site.pa.yaml'), 'utf8'), before.replace('site: support.example.com', `site: ${new URL(sb.url).host}`));
      const again = await pullCli([...args, '--check'], { cwd: ws, secret: sb.clientSecret });
      assert.equal(again.code, 0, 'nothing differs after the update');

      const out = tempDir();
      const fresh = await pullCli(args, { cwd: out, secret: sb.clientSecret });
      assert.equal(fresh.code, 0, fresh.err);
      const file = path.join(out, '127.0.0.1.pa.yaml');
      assert.deepEqual(normal(parse(readFileSync(file, 'utf8')), { injection: false }), normal(parse(before), { injection: false }));
      const v = parse(readFileSync(file, 'utf8'));
      assert.equal(v.site, new URL(sb.url).host);
      assert.ok(v.jumpClients.every((j: { credentialInjection: boolean }) => j.credentialInjection === true), 'a new jump client gets credentialInjection: true');
    } finally {
      await sb.close();
    }
  });

  it('more than a page (130 users, 250 jump clients): a new file (YAML and JSON) equals the workspace as data; an update keeps comments and credentialInjection', async () => {
    const text = bigSite();
    const ws = paWorkspace(text);
    const sb = await sandboxOn(ws);
    try {
      for (const name of ['new.pa.yaml', 'new.pa.json']) {
        const file = path.join(tempDir(), name);
        const r = await pullInto(file, sb);
        assert.equal(r.written, true);
        const got = name.endsWith('json') ? JSON.parse(readFileSync(file, 'utf8')) : parse(readFileSync(file, 'utf8'));
        const want = normal(parse(text), { injection: false });
        assert.deepEqual(normal(got, { injection: false }), want);
        // 1 token, 2 lists of 1 page + 1 LDAP provider, users 2 pages, jump groups 1, jump clients 3, API accounts 1.
        assert.equal(r.stats.requests, 1 + 1 + 1 + 2 + 1 + 3 + 1);
      }
      // Update: the admin's copy, with two clients gone from the site, one new, and one renamed in case.
      const mine = path.join(tempDir(), 'site.pa.yaml');
      writeFileSync(mine, text.replace('  - { name: SRV0007,', '  - { name: OLD01, os: windows, credentialInjection: false }\n  - { name: srv0007,'));
      const r = await pullInto(mine, sb);
      assert.deepEqual(r.changes.map((c) => `${c.kind} ${c.section} ${c.name}`).sort(), ['changed jumpClients SRV0007', 'changed top site', 'removed jumpClients OLD01']);
      const after = readFileSync(mine, 'utf8');
      assert.equal(after, text.replace('site: support.example.com', `site: ${new URL(sb.url).host}`), 'only what the site says differently changed; comments, spacing and credentialInjection kept');
    } finally {
      await sb.close();
    }
  });
});

describe('pull pa: failures leave a complete file or none', () => {
  let sb: PaSandbox;
  let proxy: FaultProxy;
  let ws: string;
  let args: string[];
  const site = bigSite();
  const OLD = '# the old file\nsite: support.example.com\njumpClients:\n  - { name: KEEP, credentialInjection: false }\n';

  before(async () => {
    ws = paWorkspace(site);
    sb = await sandboxOn(ws);
    secrets.push(sb.clientSecret);
    const certs = await ensureSandboxCerts();
    proxy = await startFaultProxy({ upstream: sb.url, caPem: sb.caPem, cert: { certPem: certs.certPem, keyPem: certs.keyPem } });
    args = ['--site', proxy.url, '--client-id', sb.clientId, '--ca', sb.caPath];
  });
  after(async () => {
    await proxy.close();
    await sb.close();
  });

  /** A folder with the old PA file. */
  function old(): { dir: string; file: string } {
    const dir = tempDir();
    const file = path.join(dir, 'site.pa.yaml');
    writeFileSync(file, OLD);
    return { dir, file };
  }
  function complete(file: string): void {
    const v = parse(readFileSync(file, 'utf8'));
    assert.equal(v.users.length, 130);
    assert.equal(v.jumpClients.length, 250);
    assert.equal(v.jumpClients.find((j: { name: string }) => j.name === 'KEEP'), undefined);
  }
  function untouched(o: { dir: string; file: string }): void {
    assert.equal(readFileSync(o.file, 'utf8'), OLD);
    assert.deepEqual(readdirSync(o.dir), ['site.pa.yaml'], 'no temporary file left behind');
  }

  it('a 429 storm (a site allowing 3 requests per second): waits Retry-After and completes', async () => {
    const slow = await sandboxOn(ws, { perSecond: 3, clientSecret: sb.clientSecret });
    try {
      const o = old();
      const r = await pullCli(['--site', slow.url, '--client-id', slow.clientId, '--ca', slow.caPath], { cwd: o.dir, secret: sb.clientSecret });
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /answered 429/);
      assert.ok(slow.stats.throttled > 0);
      complete(o.file);
    } finally {
      await slow.close();
    }
  });

  it('429 without end: exit 2 after the bounded retries, the old file untouched', async () => {
    await proxy.set({ kind: 'status', status: 429, headers: { 'retry-after': '0' }, body: '{"message":"Too many requests."}', match: /jump-client/ });
    const o = old();
    const r = await pullCli(args, { cwd: o.dir, secret: sb.clientSecret });
    await proxy.set({ kind: 'pass' });
    assert.equal(r.code, 2);
    assert.match(r.err, /kept answering 429/);
    assert.match(r.err, /No file was written/);
    untouched(o);
  });

  it('a token revoked mid-pull: renewed once, the pull completes', async () => {
    const own = await sandboxOn(ws, { onLog: (e) => { if (e.path.startsWith('/api/config/v1/jump-client') && !revoked) { revoked = true; own.revokeTokens(); } } });
    let revoked = false;
    try {
      const o = old();
      const r = await pullInto(o.file, own);
      assert.equal(r.stats.tokens, 2);
      complete(o.file);
    } finally {
      await own.close();
    }
  });

  it('the secret regenerated mid-pull: the renewal is refused, exit 2, the old file untouched', async () => {
    const own = await sandboxOn(ws, { clientSecret: sb.clientSecret, onLog: (e) => { if (e.path.startsWith('/api/config/v1/jump-client')) own.regenerateSecret('a-new-secret'); } });
    try {
      const o = old();
      const r = await pullCli(['--site', own.url, '--client-id', own.clientId, '--ca', own.caPath], { cwd: o.dir, secret: sb.clientSecret });
      assert.equal(r.code, 2);
      assert.match(r.err, /refused the API account's credentials at \/oauth2\/token/);
      untouched(o);
    } finally {
      await own.close();
    }
  });

  it('a 5xx twice: retried, complete; a 5xx that stays: exit 2, the old file untouched', async () => {
    await proxy.set({ kind: 'status', status: 503, match: /jump-client.*current_page=2/, times: 2 });
    const o = old();
    const r = await pullCli(args, { cwd: o.dir, secret: sb.clientSecret });
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /2 retried/);
    complete(o.file);

    await proxy.set({ kind: 'status', status: 500, match: /\/user/ });
    const o2 = old();
    await assert.rejects(pullInto(o2.file, { ...sb, url: proxy.url }, { backoffMs: 5 }), /HTTP 500/);
    await proxy.set({ kind: 'pass' });
    untouched(o2);
  });

  it('a connection cut in the middle of a page: retried, complete; cut every time: exit 2, untouched', async () => {
    await proxy.set({ kind: 'cut', bytes: 700, match: /jump-client.*current_page=2/, times: 1 });
    const o = old();
    const r = await pullCli(args, { cwd: o.dir, secret: sb.clientSecret });
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /1 retried/);
    complete(o.file);

    await proxy.set({ kind: 'cut', bytes: 700, match: /jump-client.*current_page=2/ });
    const o2 = old();
    await assert.rejects(pullInto(o2.file, { ...sb, url: proxy.url }, { backoffMs: 5 }), /closed the connection/);
    await proxy.set({ kind: 'pass' });
    untouched(o2);
  });

  it('a wrong secret: exit 2 saying so, the secret nowhere in the output, untouched', async () => {
    const o = old();
    const wrong = 'not-the-secret-4f1c2e';
    secrets.push(wrong);
    const r = await pullCli(args, { cwd: o.dir, secret: wrong });
    assert.equal(r.code, 2);
    assert.match(r.err, /401 invalid_client/);
    untouched(o);
  });

  it('a wrong CA, or none: exit 2 naming the TLS problem, untouched', async () => {
    const other = path.join(tempDir(), 'other-ca.pem');
    writeFileSync(other, generateCa({ commonName: 'some other CA' }).certPem);
    for (const ca of [['--ca', other], []]) {
      const o = old();
      const r = await pullCli(['--site', sb.url, '--client-id', sb.clientId, ...ca], { cwd: o.dir, secret: sb.clientSecret });
      assert.equal(r.code, 2);
      assert.match(r.err, /issued by a CA that is not trusted here/);
      assert.match(r.err, /--ca FILE/);
      untouched(o);
    }
  });

  it('no Configuration API permission: exit 2 with the vendor\'s meaning of 403, untouched', async () => {
    sb.setConfigurationPermission(false);
    const o = old();
    const r = await pullCli(args, { cwd: o.dir, secret: sb.clientSecret });
    sb.setConfigurationPermission(true);
    assert.equal(r.code, 2);
    assert.match(r.err, /lacks permission to use the Configuration API/);
    untouched(o);
  });

  it('an hourly budget too small for the site: stops before spending it, exit 2, untouched', async () => {
    const tight = await sandboxOn(ws, { perHour: 6, clientSecret: sb.clientSecret });
    try {
      const o = old();
      const r = await pullCli(['--site', tight.url, '--client-id', tight.clientId, '--ca', tight.caPath], { cwd: o.dir, secret: sb.clientSecret });
      assert.equal(r.code, 2);
      assert.match(r.err, /more requests this hour .*stopped before spending them/);
      assert.ok(tight.stats.requests < 6, `stopped early (${tight.stats.requests} requests)`);
      untouched(o);
    } finally {
      await tight.close();
    }
  });

  it('usage: no secret, no site, an --out that is not a PA file, several PA files without --out: exit 2', async () => {
    const o = old();
    assert.equal((await pullCli(args, { cwd: o.dir })).code, 2);
    assert.equal((await pullCli(['--client-id', 'x'], { cwd: o.dir, secret: 's' })).code, 2);
    assert.match((await pullCli([...args, '--out', 'x.yaml'], { cwd: o.dir, secret: 's' })).err, /not a pa file/);
    writeFileSync(path.join(o.dir, 'b.pa.yaml'), 'site: b\n');
    assert.match((await pullCli(args, { cwd: o.dir, secret: 's' })).err, /holds 2 pa files/);
    assert.equal(existsSync(path.join(o.dir, 'site.pa.yaml')) && readFileSync(path.join(o.dir, 'site.pa.yaml'), 'utf8'), OLD);
  });

  it('nothing printed holds a secret', () => {
    assert.ok(outputs.length > 10);
    for (const s of secrets) {
      for (const out of outputs) {
        assert.ok(!out.includes(s), 'a client secret was printed');
        assert.ok(!out.includes(Buffer.from(`${sb.clientId}:${s}`).toString('base64')), 'a Basic credential was printed');
      }
    }
  });
});
