/**
 * `ecmkit pull vault` against the real sandbox Vault (FORMATS.md §6): the round trip workspace → sandbox →
 * pull → the same inventory (as data, for the fields the API gives), on examples/ and on a generated
 * workspace large enough to page; --check exit codes; every failure leaves the file byte-identical; no secret
 * in any output; every session signed out; UserGroups/{id}/Users never called.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { list, type VaultCredential, type VaultEndpoint, type VaultGroup, type VaultInventory, type VaultUser } from '../../server/src/model/inventory';
import { credentialEndpoints, decideCredentials, formatRunAs, isActive, isRestricted, offered } from '../../server/src/domain/permissions';
import { ensureSandboxCerts, generateCa } from '../../server/src/net/certs';
import { VaultClient } from '../../server/src/vault/client';
import { VaultError } from '../../server/src/vault/errors';
import { pullVault } from '../../server/src/pull/vault';
import { startSandbox, type Sandbox, type SandboxLogEntry } from '../../server/src/vault/sandbox';
import { assertNoSecret, CERT_DIR, editFile, SCRATCH, TEST_KEY, workspace } from './helpers';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { largeWorkspace, pullCli, readBytes } from './pullHelpers';

const secrets = (name: string): string | undefined => (name === 'vault.sharedKey' ? TEST_KEY : undefined);
const open: Sandbox[] = [];
async function sandbox(dir: string, onLog?: (e: SandboxLogEntry) => void): Promise<Sandbox> {
  const sb = await startSandbox({ workspace: dir, certDir: CERT_DIR, secrets, watch: false, onLog });
  open.push(sb);
  return sb;
}
after(async () => {
  // Whatever a test did, no pull may have asked for group members the way that starts a directory sync.
  for (const sb of open.filter((s) => !(s as { allowForbidden?: boolean }).allowForbidden)) assert.deepEqual(sb.forbiddenCalls(), []);
  await Promise.all(open.map((s) => s.close()));
});

/** A folder holding a copy of `vaultFile` whose hostname is the sandbox's (the one field a sandbox must change). */
function outFolder(vaultFile: string, hostname: string): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(SCRATCH, 'out-'));
  const file = path.join(dir, path.basename(vaultFile));
  writeFileSync(file, readFileSync(vaultFile, 'utf8').replace(/^hostname: .*$/m, `hostname: ${hostname}`));
  return { dir, file };
}

const load = (file: string): VaultInventory => parse(readFileSync(file, 'utf8')) as VaultInventory;
const sorted = <T>(a: T[]): T[] => a.map((x) => JSON.stringify(x)).sort().map((s) => JSON.parse(s) as T);

/** A credential as the API can tell it apart: who, how, where (effective endpoints), and its texts. */
function identity(inv: VaultInventory, c: VaultCredential): string {
  return JSON.stringify([c.username, isRestricted(c) ? 'Restricted' : 'Shared', credentialEndpoints(inv, c).sort(), c.domain ?? '', c.description ?? '']);
}
/** A Restricted credential on no endpoint cannot exist in Password Safe (an account belongs to a system). */
const representable = (inv: VaultInventory) => (c: VaultCredential) => !isRestricted(c) || credentialEndpoints(inv, c).length > 0;

/** The inventory as far as the Password Safe read endpoints can say it (docs/pull-vault.md). */
function apiView(inv: VaultInventory) {
  const users = list<VaultUser>(inv.users);
  return {
    providers: [...new Set(users.map((u) => u.securityProvider).filter(Boolean))].sort(),
    groups: list<VaultGroup>(inv.groups).map((g) => g.name).sort(),
    users: sorted(users.map((u) => ({ username: u.username, fullName: u.fullName, status: u.status, securityProvider: u.securityProvider, groups: [...(u.groups ?? [])].sort(), email: u.email }))),
    endpoints: sorted(list<VaultEndpoint>(inv.endpoints).map((e) => ({ name: e.name, description: e.description, type: e.type, ip: e.ip }))),
    credentials: list<VaultCredential>(inv.credentials).filter(representable(inv)).map((c) => identity(inv, c)).sort(),
  };
}

/** Which credentials each active user may check out (the ECM's view), by credential identity. */
function grantsView(inv: VaultInventory): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const u of list<VaultUser>(inv.users)) {
    if (!isActive(u.status) || !u.securityProvider || !u.username) continue;
    const runAs = { provider: u.securityProvider, username: u.username };
    out[formatRunAs(runAs)] = offered(decideCredentials(inv, u, runAs), false).map((d) => d.credential).filter(representable(inv)).map((c) => identity(inv, c)).sort();
  }
  return out;
}

const ca = (sb: Sandbox) => ['--ca', sb.caPath];

describe('pull vault: round trip on examples/', () => {
  let ws: string;
  let sb: Sandbox;
  before(async () => { ws = workspace(); sb = await sandbox(ws); });

  it('--check on the examples\' own Vault file finds nothing to change (exit 0) and writes nothing', async () => {
    const { dir, file } = outFolder(path.join(ws, 'corp.vault.yaml'), sb.url);
    const before = readBytes(file);
    const r = await pullCli(['--vault', sb.url, '--user', 'CORP\\jdoe', ...ca(sb), '--check'], dir, TEST_KEY);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^corp\.vault\.yaml: 0 added, 0 removed, 0 changed\n$/);
    assert.deepEqual(readBytes(file), before);
    assert.equal(sb.model().inventory.users!.length, 3);
    assertNoSecret(r.stdout + r.stderr);
    assert.equal(sb.sessionCount(), 0, 'the pull signed out');
  });

  it('into a new file: the same inventory as data, for every field the API gives', async () => {
    const dir = mkdtempSync(path.join(SCRATCH, 'new-'));
    const r = await pullCli(['--vault', sb.url, '--user', 'CORP\\jdoe', ...ca(sb)], dir, TEST_KEY);
    assert.equal(r.code, 0, r.stderr);
    const file = path.join(dir, '127.0.0.1.vault.yaml');
    assert.ok(existsSync(file), r.stdout);
    const pulled = load(file);
    assert.equal(pulled.hostname, sb.url);
    assert.deepEqual(apiView(pulled), apiView(sb.model().inventory));
    assert.deepEqual(list<VaultCredential>(pulled.credentials).map((c) => c.name), ['administrator@WEB01', 'CORP\\svc-deploy@WEB01', 'sa@db01.corp.example.com', 'CORP\\helpdesk@corp.example.com']);
    assertNoSecret(r.stdout + r.stderr + readFileSync(file, 'utf8'));
  });

  it('--grants per-user: one policy per set of users, and every user may check out exactly what the workspace grants', async () => {
    const { dir, file } = outFolder(path.join(ws, 'corp.vault.yaml'), sb.url);
    const r = await pullCli(['--vault', sb.url, '--user', 'CORP\\jdoe', ...ca(sb), '--grants', 'per-user'], dir, TEST_KEY);
    assert.equal(r.code, 0, r.stderr);
    const pulled = load(file);
    assert.deepEqual(grantsView(pulled), grantsView(sb.model().inventory));
    assert.deepEqual(list<{ name: string }>(pulled.credentialPolicies).map((p) => p.name).sort(), ['checkout: asmith', 'checkout: asmith, bwayne, jdoe', 'checkout: asmith, jdoe']);
    // Names and the file's own fields are kept: only policy moved.
    const web01 = list<VaultCredential>(pulled.credentials).find((c) => c.name === 'web01-admin')!;
    assert.equal(web01.policy, 'checkout: asmith, jdoe');
    assert.equal(web01.password, '${secret:web01-admin}');
    assert.equal(web01.type, 'windowsLocal');
    assert.match(r.stdout, /- credentialPolicies Windows servers/);
    assert.equal(sb.sessionCount(), 0, 'every per-user session was signed out');
  });

  it('updates in place: comments and the file\'s own fields kept, changed fields rewritten, gone items removed, new ones appended', async () => {
    const live = workspace({ 'corp.vault.yaml': [
      ['email: jdoe@example.com', 'email: jane.doe@example.com'],
      [/  - \{ name: db01-sa[\s\S]*?checkedOutBy: null \}\n/, ''],
      ['users:\n', 'users:\n  - { username: kkent, fullName: Clark Kent, status: Inactive, securityProvider: CORP, groups: [Support], email: kkent@example.com }\n'],
    ] });
    const sb2 = await sandbox(live);
    const { dir, file } = outFolder(path.join(ws, 'corp.vault.yaml'), sb2.url);
    const r = await pullCli(['--vault', sb2.url, '--user', 'CORP\\jdoe', ...ca(sb2)], dir, TEST_KEY);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /~ users jdoe: email\n/);
    assert.match(r.stdout, /\+ users kkent/);
    assert.match(r.stdout, /- credentials db01-sa/);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /# Logs in to PA with a local account/);
    assert.match(text, /network: DMZ/);
    assert.match(text, /password: "\$\{secret:web01-admin\}"/);
    assert.match(text, /roles: \[Rep\], groups: \[Support\], email: jane\.doe@example\.com/);
    assert.doesNotMatch(text, /db01-sa/);
    assert.deepEqual(apiView(load(file)), apiView(sb2.model().inventory));
    // A second pull finds nothing to change.
    const again = await pullCli(['--vault', sb2.url, '--user', 'CORP\\jdoe', ...ca(sb2), '--check'], dir, TEST_KEY);
    assert.equal(again.code, 0, again.stdout);
  });

  it('--check exit 1 lists what differs by name and leaves the file byte-identical', async () => {
    const { dir, file } = outFolder(path.join(ws, 'corp.vault.yaml'), sb.url);
    editFile(file, [['ip: 10.1.2.4', 'ip: 10.1.2.99'], ['fullName: Bruce Wayne', 'fullName: B. Wayne']]);
    const before = readBytes(file);
    const r = await pullCli(['--vault', sb.url, '--user', 'CORP\\jdoe', ...ca(sb), '--check'], dir, TEST_KEY);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /~ users bwayne: fullName\n/);
    assert.match(r.stdout, /~ endpoints WEB02: ip\n/);
    assert.match(r.stdout, /corp\.vault\.yaml: 0 added, 0 removed, 2 changed/);
    assert.deepEqual(readBytes(file), before);
  });

  it('pages of 2: every list over several pages, the same inventory and grants', async () => {
    const log: string[] = [];
    const sb2 = await sandbox(ws, (e) => log.push(e.path));
    const r = await pullVault({ vault: sb2.url, runAs: 'CORP\\jdoe', key: TEST_KEY, ca: sb2.caPem, pageSize: 2, grants: 'per-user' });
    assert.deepEqual(apiView(r.inventory), apiView(sb2.model().inventory));
    assert.deepEqual(grantsView(r.inventory), grantsView(sb2.model().inventory));
    assert.ok(log.includes('/BeyondTrust/api/public/v3/Users?limit=2&offset=2'), log.join('\n'));
    assert.ok(log.includes('/BeyondTrust/api/public/v3/ManagedAccounts?limit=2&offset=2'), log.join('\n'));
    assert.equal(sb2.sessionCount(), 0);
  });

  it('writes a new JSON file when --out names one', async () => {
    const dir = mkdtempSync(path.join(SCRATCH, 'json-'));
    const r = await pullCli(['--vault', sb.url, '--user', 'CORP\\jdoe', ...ca(sb), '--out', 'live.vault.json'], dir, TEST_KEY);
    assert.equal(r.code, 0, r.stderr);
    const pulled = JSON.parse(readFileSync(path.join(dir, 'live.vault.json'), 'utf8')) as VaultInventory;
    assert.deepEqual(apiView(pulled), apiView(sb.model().inventory));
  });

  it('chooses the file as §6 says: the one Vault file here, else --out when there are several', async () => {
    const { dir, file } = outFolder(path.join(ws, 'corp.vault.yaml'), sb.url);
    writeFileSync(path.join(dir, 'other.vault.yaml'), 'hostname: https://x.example.com\n');
    const several = await pullCli(['--vault', sb.url, '--user', 'CORP\\jdoe', ...ca(sb)], dir, TEST_KEY);
    assert.equal(several.code, 2);
    assert.match(several.stderr, /holds 2 vault files \(corp\.vault\.yaml, other\.vault\.yaml\); say which one to update with --out FILE/);
    const chosen = await pullCli(['--vault', sb.url, '--user', 'CORP\\jdoe', ...ca(sb), '--out', 'corp.vault.yaml', '--check'], dir, TEST_KEY);
    assert.equal(chosen.code, 0, chosen.stdout);
    assert.ok(existsSync(file));
  });

  it('usage errors exit 2 before any call: no key in the environment, a --user that is not PROVIDER\\username, an http URL', async () => {
    const dir = mkdtempSync(path.join(SCRATCH, 'usage-'));
    const noKey = await pullCli(['--vault', sb.url, '--user', 'CORP\\jdoe'], dir, undefined);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /ECMKIT_VAULT_KEY/);
    assert.equal((await pullCli(['--vault', sb.url, '--user', 'jdoe'], dir, TEST_KEY)).code, 2);
    const http = await pullCli(['--vault', 'http://127.0.0.1:1', '--user', 'CORP\\jdoe'], dir, TEST_KEY);
    assert.equal(http.code, 2);
    assert.match(http.stderr, /not https/);
  });
});

describe('pull vault: a generated workspace with paging (250 users, 150 endpoints, 400 credentials)', () => {
  let ws: string;
  let sb: Sandbox;
  const log: string[] = [];
  before(async () => {
    ws = largeWorkspace({ users: 250, endpoints: 150, credentials: 400 });
    sb = await sandbox(ws, (e) => log.push(e.path));
  });

  it('reads every list in pages of 100 and finds the file the same (--check exit 0)', async () => {
    const { dir } = outFolder(path.join(ws, 'corp.vault.yaml'), sb.url);
    const r = await pullCli(['--vault', sb.url, '--user', 'CORP\\user00000', ...ca(sb), '--check'], dir, TEST_KEY);
    assert.equal(r.code, 0, r.stdout.slice(0, 2000) + r.stderr);
    const users = log.filter((p) => /\/users\?/i.test(p));
    assert.deepEqual(users.map((p) => new URL(p, 'https://x').search), ['?limit=100&offset=0', '?limit=100&offset=100', '?limit=100&offset=200']);
    assert.ok(log.some((p) => /\/managedsystems\?limit=100&offset=100$/i.test(p)));
    assert.equal(log.filter((p) => /\/users\/\d+\/usergroups$/i.test(p)).length, 250);
  });

  it('into a new file, and with --grants per-user, the same inventory and the same grants', async () => {
    const dir = mkdtempSync(path.join(SCRATCH, 'large-new-'));
    const r = await pullCli(['--vault', sb.url, '--user', 'CORP\\user00000', ...ca(sb), '--grants', 'per-user'], dir, TEST_KEY);
    assert.equal(r.code, 0, r.stderr);
    const pulled = load(path.join(dir, '127.0.0.1.vault.yaml'));
    const inv = sb.model().inventory;
    assert.deepEqual(apiView(pulled), apiView(inv));
    assert.deepEqual(grantsView(pulled), grantsView(inv));
    assert.equal(sb.sessionCount(), 0);
  });
});

describe('pull vault: failures leave the file byte-identical (exit 2), say why, and show no secret', () => {
  let ws: string;
  let sb: Sandbox;
  let proxy: FaultProxy;
  let otherCa: string;
  let dir: string;
  let file: string;
  let original: Buffer;
  before(async () => {
    ws = workspace();
    sb = await sandbox(ws);
    otherCa = path.join(SCRATCH, 'other-ca.pem');
    writeFileSync(otherCa, generateCa({ commonName: 'ecmkit pull test CA' }).certPem);
    proxy = await startFaultProxy({ upstream: sb.url, caPem: sb.caPem, cert: await ensureSandboxCerts(CERT_DIR) });
    ({ dir, file } = outFolder(path.join(ws, 'corp.vault.yaml'), 'https://vault.example.com'));
    editFile(file, [['email: jdoe@example.com', 'email: stale@example.com']]); // a pull that got through would change it
    original = readBytes(file);
  });
  after(() => proxy.close());

  async function failing(args: string[], key = TEST_KEY, match: RegExp): Promise<void> {
    const r = await pullCli(['--user', 'CORP\\jdoe', ...args], dir, key);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, match);
    if (process.env.SHOW) console.log(r.stderr);
    assert.deepEqual(readBytes(file), original, 'the file is byte-identical');
    assertNoSecret(r.stdout + r.stderr, [TEST_KEY, key]);
    assert.equal(sb.sessionCount(), 0, 'no session left open');
  }

  it('a wrong key: the Vault refuses the sign-in', () => failing(['--vault', sb.url, ...ca(sb)], 'wrong-key-9c1e', /refused the sign-in \(401\)[\s\S]*No file was written/));

  it('a wrong CA: the certificate is not trusted', () => failing(['--vault', sb.url, '--ca', otherCa], TEST_KEY, /not trusted here[\s\S]*No file was written/));

  it('a 5xx on a page', async () => {
    await proxy.set({ kind: 'status', status: 500, match: /\/ManagedSystems\?/, times: 1 });
    await failing(['--vault', proxy.url, ...ca(sb)], TEST_KEY, /HTTP 500/);
  });

  it('a connection cut in the middle of a page', async () => {
    await proxy.set({ kind: 'cut', bytes: 300, match: /\/Users\?limit/, times: 1 });
    await failing(['--vault', proxy.url, ...ca(sb)], TEST_KEY, /closed the connection/);
  });

  it('through the proxy without faults, the same pull goes through (the proxy itself is sound)', async () => {
    await proxy.set({ kind: 'pass' });
    const r = await pullCli(['--user', 'CORP\\jdoe', '--vault', proxy.url, ...ca(sb), '--check'], dir, TEST_KEY);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /~ users jdoe: email/);
  });

  it('a 403 names the permission the refused read needs', async () => {
    await proxy.set({ kind: 'status', status: 403, match: /\/ManagedSystems\/\d+\/ManagedAccounts/, times: 1 });
    await failing(['--vault', proxy.url, ...ca(sb)], TEST_KEY, /forbade GET ManagedSystems\/\d+\/ManagedAccounts \(403\)[\s\S]*needs Password Safe Account Management \(Read\)/);
  });

  it('a server that ignores limit/offset and answers bare arrays: every list read once, nothing twice (pages of 2)', async () => {
    await proxy.set({ kind: 'rewrite', path: (p) => p.replace(/[?&](limit|offset)=\d+/g, '').replace(/^([^?]*)&/, '$1?') });
    const r = await pullVault({ vault: proxy.url, runAs: 'CORP\\jdoe', key: TEST_KEY, ca: sb.caPem, pageSize: 2, grants: 'per-user' });
    assert.deepEqual(apiView(r.inventory), apiView(sb.model().inventory));
    assert.deepEqual(grantsView(r.inventory), grantsView(sb.model().inventory));
  });
});

describe('the sandbox\'s read endpoints', () => {
  let sb: Sandbox;
  let client: VaultClient;
  before(async () => {
    sb = await sandbox(workspace());
    (sb as { allowForbidden?: boolean }).allowForbidden = true;
    client = new VaultClient({ hostname: sb.url, ca: sb.caPem });
    await client.signIn(TEST_KEY, 'CORP\\jdoe');
  });
  after(async () => { await client.signOut(); await client.close(); });

  it('page with limit/offset as {TotalCount, Data}, answer a bare array without limit, refuse offset alone', async () => {
    const paged = await client.getJson('Users?limit=2&offset=1') as { TotalCount: number; Data: { UserName: string }[] };
    assert.equal(paged.TotalCount, 3);
    assert.deepEqual(paged.Data.map((u) => u.UserName), ['asmith', 'bwayne']);
    const all = await client.getJson('Users') as { UserName: string; DomainName: string; FirstName: string; LastName: string; IsQuarantined: boolean }[];
    assert.deepEqual(all[0], { ...all[0], UserName: 'jdoe', DomainName: 'CORP', FirstName: 'Jane', LastName: 'Doe', IsQuarantined: false });
    await assert.rejects(client.getJson('Users?offset=1'), (e: VaultError) => e.status === 400);
    const systems = await client.getJson('ManagedSystems?limit=10') as { TotalCount: number; Data: { SystemName: string; DirectoryID: number | null }[] };
    assert.deepEqual(systems.Data.map((s) => [s.SystemName, s.DirectoryID !== null]), [['WEB01', false], ['WEB02', false], ['db01.corp.example.com', false], ['corp.example.com', true]]);
    const accounts = await client.getJson('ManagedAccounts?limit=1&offset=0') as { TotalCount: number; Data: unknown[] };
    assert.equal(accounts.TotalCount, 3);
    assert.equal(accounts.Data.length, 1);
  });

  it('refuse UserGroups/{id}/Users and remember the call, which the tests above assert never happens', async () => {
    const groups = await client.getJson('UserGroups') as { GroupID: number }[];
    await assert.rejects(client.getJson(`UserGroups/${groups[0].GroupID}/Users`), (e: VaultError) => e.status === 400 && /directory membership sync/.test(e.message));
    assert.deepEqual(sb.forbiddenCalls(), [`GET /BeyondTrust/api/public/v3/UserGroups/${groups[0].GroupID}/Users`]);
  });
});
