/** vault-test against the real sandbox, and the sandbox's Vault behaviour (docs/sandbox.md). */
import assert from 'node:assert/strict';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Workspace } from '../../server/src/model/workspace';
import { VaultClient } from '../../server/src/vault/client';
import { runConnectivityTest, type ConnectivityReport } from '../../server/src/vault/connectivity';
import { VaultError } from '../../server/src/vault/errors';
import { startSandbox, SandboxKeyError, type Sandbox } from '../../server/src/vault/sandbox';
import { vaultTestInputs } from '../../server/src/vault/testInputs';
import { assertNoSecret, CERT_DIR, editFile, TEST_KEY, workspace } from './helpers';

const secrets = (name: string): string | undefined => (name === 'vault.sharedKey' ? TEST_KEY : undefined);
const open: Sandbox[] = [];
async function sandbox(dir: string, extra: Parameters<typeof startSandbox>[0] = {}): Promise<Sandbox> {
  const sb = await startSandbox({ workspace: dir, certDir: CERT_DIR, secrets, ...extra });
  open.push(sb);
  return sb;
}
after(async () => { await Promise.all(open.map((s) => s.close())); });

/** vault-test of the workspace's prod.ecm.yaml, pointed at the sandbox. */
async function vaultTest(dir: string, sb: Sandbox, o: { key?: string; runAs?: string } = {}): Promise<ConnectivityReport> {
  const ws = await Workspace.load([dir]);
  const inputs = vaultTestInputs(ws, pathToFileURL(path.join(dir, 'prod.ecm.yaml')).href, (n) => (n === 'vault.sharedKey' ? o.key ?? TEST_KEY : undefined));
  const r = await runConnectivityTest({ hostname: sb.url, ca: sb.caPem, runAs: o.runAs ?? inputs.runAs, key: inputs.key, context: inputs.context, timeoutMs: 5000 });
  assertNoSecret(JSON.stringify(r), [TEST_KEY, o.key ?? TEST_KEY]);
  return r;
}
const outcome = (r: ConnectivityReport) => r.stages.map((s) => `${s.stage}:${s.ok ? 'ok' : 'FAIL'}`).join(' ');

describe('vault-test against the sandbox', () => {
  let dir: string;
  let sb: Sandbox;
  before(async () => { dir = workspace(); sb = await sandbox(dir); });

  it('passes every stage on the examples, as the first Active user, in well under 2 s', async () => {
    const r = await vaultTest(dir, sb);
    assert.equal(outcome(r), 'dns:ok tcp:ok tls:ok http:ok auth:ok accounts:ok signout:ok');
    assert.equal(r.ok, true);
    assert.equal(r.runAs, 'CORP\\jdoe');
    assert.match(r.stages[5].detail, /3 accounts CORP\\jdoe may check out: web01-admin, web-deploy, helpdesk-shared/);
    assert.ok(r.totalMs < 2000, `took ${r.totalMs} ms`);
  });

  it('fails auth on a wrong key and says the Vault does not know it', async () => {
    const r = await vaultTest(dir, sb, { key: 'not-the-key-at-all' });
    assert.equal(outcome(r), 'dns:ok tcp:ok tls:ok http:ok auth:FAIL');
    assert.match(r.stages[4].detail, /401/);
    assert.match(r.stages[4].detail, /does not know this key/);
    assert.match(r.stages[4].hint, /regenerated/);
  });

  it('fails auth for an unknown or inactive run-as user, naming the user', async () => {
    const unknown = await vaultTest(dir, sb, { runAs: 'CORP\\nobody' });
    assert.match(unknown.stages[4].detail, /no user nobody/);
    const wrongProvider = await vaultTest(dir, sb, { runAs: 'EMEA\\jdoe' });
    assert.match(wrongProvider.stages[4].detail, /belongs to security provider CORP, not EMEA/);
  });

  it('reports a missing key by the env var / secret it comes from, and still runs dns..http', async () => {
    const ws = await Workspace.load([dir]);
    const inputs = vaultTestInputs(ws, pathToFileURL(path.join(dir, 'prod.ecm.yaml')).href, () => undefined);
    const r = await runConnectivityTest({ hostname: sb.url, ca: sb.caPem, runAs: inputs.runAs, key: inputs.key, context: inputs.context });
    assert.equal(outcome(r), 'dns:ok tcp:ok tls:ok http:ok auth:FAIL');
    assert.match(r.stages[4].detail, /ECMKIT_SECRET_VAULT_SHAREDKEY/);
  });
});

describe('sandbox refusals, explained by vault-test', () => {
  it('IP not allowed: loopback only when listed', async () => {
    const dir = workspace({ 'ecm.integration.yaml': [['  - 127.0.0.1       # the ecmkit sandbox and broker on this machine\n', '']] });
    const sb = await sandbox(dir);
    const r = await vaultTest(dir, sb);
    assert.equal(outcome(r), 'dns:ok tcp:ok tls:ok http:ok auth:FAIL');
    assert.match(r.stages[4].detail, /This machine's address 127\.0\.0\.1 is not in the allowedIps of ecm-integration/);
    assert.match(r.stages[4].hint, /Add 127\.0\.0\.1 to allowedIps/);
    const c = new VaultClient({ hostname: sb.url, ca: sb.caPem });
    await assert.rejects(c.signIn(TEST_KEY, 'CORP\\jdoe'), (e: unknown) => e instanceof VaultError && e.kind === 'ip-not-allowed');
    await c.close();
  });

  it('IP allowed through a CIDR range', async () => {
    const dir = workspace({ 'ecm.integration.yaml': [['127.0.0.1 ', '127.0.0.0/8 ']] });
    const sb = await sandbox(dir);
    assert.equal((await vaultTest(dir, sb)).ok, true);
  });

  it('inactive integration', async () => {
    const dir = workspace({ 'ecm.integration.yaml': [['status: Active', 'status: Inactive']] });
    const sb = await sandbox(dir);
    const r = await vaultTest(dir, sb);
    assert.equal(outcome(r), 'dns:ok tcp:ok tls:ok http:ok auth:FAIL');
    assert.match(r.stages[4].detail, /Integration ecm-integration is Inactive, not Active/);
  });

  it('windows authentication and an ECM key reference that differs from the integration\'s', async () => {
    const dir = workspace({
      'ecm.integration.yaml': [['authentication: application', 'authentication: windows']],
      'prod.ecm.yaml': [['sharedKey: ${secret:vault.sharedKey}', 'sharedKey: ${secret:old.key}']],
    });
    const sb = await sandbox(dir);
    const ws = await Workspace.load([dir]);
    const inputs = vaultTestInputs(ws, pathToFileURL(path.join(dir, 'prod.ecm.yaml')).href, (n) => (n === 'old.key' ? TEST_KEY : undefined));
    const r = await runConnectivityTest({ hostname: sb.url, ca: sb.caPem, runAs: inputs.runAs, key: inputs.key, context: inputs.context });
    assert.equal(r.stages[4].ok, false);
    assert.match(r.stages[4].detail, /windows authentication, not Application Authentication/);
    assert.match(r.stages[4].detail, /sharedKey \(\$\{secret:old\.key\}\) is not the same reference as ecm-integration's authenticationCredential \(\$\{secret:vault\.sharedKey\}\)/);
  });

  it('inactive user', async () => {
    const dir = workspace({ 'corp.vault.yaml': [['{ username: jdoe, fullName: Jane Doe, status: Active', '{ username: jdoe, fullName: Jane Doe, status: Inactive']] });
    const sb = await sandbox(dir);
    const r = await vaultTest(dir, sb, { runAs: 'CORP\\jdoe' });
    assert.match(r.stages[4].detail, /CORP\\jdoe is not Active/);
  });

  it('a user with nothing to check out passes with a warning on accounts', async () => {
    const dir = workspace({ 'corp.vault.yaml': [['roles: [Rep], groups: [], email: bwayne', 'roles: [], groups: [], email: bwayne']] });
    const sb = await sandbox(dir);
    const r = await vaultTest(dir, sb, { runAs: 'CORP\\bwayne' });
    assert.equal(r.ok, true);
    assert.equal(r.stages[5].warning, true);
    assert.match(r.stages[5].detail, /may check out no account/);
  });
});

describe('sandbox start-up', () => {
  it('fails with a message naming the env var when the key cannot be resolved', async () => {
    const dir = workspace();
    await assert.rejects(startSandbox({ workspace: dir, certDir: CERT_DIR, secrets: () => undefined, watch: false }), (e: unknown) => {
      assert.ok(e instanceof SandboxKeyError);
      assert.match((e as Error).message, /ECMKIT_SECRET_VAULT_SHAREDKEY/);
      assert.match((e as Error).message, /--key-file/);
      return true;
    });
  });

  it('accepts an explicit key instead, and keeps the CA key owner-only', async () => {
    const dir = workspace();
    const sb = await sandbox(dir, { secrets: () => undefined, apiKey: 'explicit-demo-key' });
    const c = new VaultClient({ hostname: sb.url, ca: sb.caPem });
    await c.signIn('explicit-demo-key', 'CORP\\jdoe');
    await c.signOut();
    await c.close();
    assert.match(sb.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    if (process.platform !== 'win32') {
      assert.equal(statSync(path.join(path.dirname(sb.caPath), 'ca-key.pem')).mode & 0o777, 0o600);
      assert.equal(statSync(path.join(path.dirname(sb.caPath), 'server-key.pem')).mode & 0o777, 0o600);
      assert.equal(statSync(path.dirname(sb.caPath)).mode & 0o777, 0o700);
    }
  });

  it('re-reads the files when they change', async () => {
    const dir = workspace();
    const sb = await sandbox(dir);
    const c = new VaultClient({ hostname: sb.url, ca: sb.caPem });
    await c.signIn(TEST_KEY, 'CORP\\jdoe');
    assert.equal((await c.managedAccounts()).length, 3);
    editFile(path.join(dir, 'corp.vault.yaml'), [['- { principal: "role:Rep", actions: [checkout] }', '- { principal: "role:Rep", actions: [modify] }']]);
    const deadline = Date.now() + 5000;
    let n = 3;
    while (Date.now() < deadline && (n = (await c.managedAccounts()).length) === 3) await new Promise((r) => setTimeout(r, 50));
    assert.equal(n, 2, 'the Helpdesk policy no longer grants check-out');
    editFile(path.join(dir, 'ecm.integration.yaml'), [['status: Active', 'status: Inactive']]);
    await sb.reload();
    await assert.rejects(c.managedAccounts(), (e: unknown) => e instanceof VaultError && e.kind === 'auth');
    await c.close();
  });

  it('keeps following a file saved by rename (as vim saves), save after save', async () => {
    const dir = workspace();
    const sb = await sandbox(dir);
    const c = new VaultClient({ hostname: sb.url, ca: sb.caPem, reauth: false });
    const file = path.join(dir, 'ecm.integration.yaml');
    const saveByRename = (from: string, to: string) => {
      writeFileSync(file + '.swp', readFileSync(file, 'utf8').replace(from, to));
      renameSync(file + '.swp', file);
    };
    const signsIn = async () => c.signIn(TEST_KEY, 'CORP\\jdoe').then(() => true, () => false);
    const until = async (want: boolean, what: string) => {
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && (await signsIn()) !== want) await new Promise((r) => setTimeout(r, 50));
      assert.equal(await signsIn(), want, what);
    };
    await until(true, 'Active');
    saveByRename('status: Active', 'status: Inactive');
    await until(false, 'Inactive after the first save');
    saveByRename('status: Inactive', 'status: Active');
    await until(true, 'Active again after the second save');
    saveByRename('status: Active', 'status: Inactive');
    await until(false, 'Inactive after the third save');
    await c.close();
  });
});
