/** The Vault client against the real sandbox, call by call, and the sandbox's check-out rules. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { createVaultAgent, VaultClient, type ManagedAccount } from '../../server/src/vault/client';
import { VaultError } from '../../server/src/vault/errors';
import { startSandbox, type Sandbox } from '../../server/src/vault/sandbox';
import { assertNoSecret, CERT_DIR, TEST_KEY, workspace } from './helpers';

let now = Date.now();
let sb: Sandbox;
const clients: VaultClient[] = [];
const calls: string[] = [];

before(async () => {
  // The examples, plus: a credential checked out by someone else, one granted to a user directly,
  // a Restricted one on no endpoint, and a 2-hour checkout request time.
  const dir = workspace({
    'corp.vault.yaml': [[/credentials:\n/, `credentials:
  - { name: taken, type: windowsDomain, policy: Helpdesk, domain: corp.example.com, accessType: Shared,
      endpoints: [], endpointGroups: [], description: in use, username: CORP\\taken, password: "\${secret:taken}", checkedOutBy: asmith }
  - { name: jdoe-only, type: windowsLocal, policy: Personal, domain: corp.example.com, accessType: Restricted,
      endpoints: [WEB02], endpointGroups: [], description: direct grant, username: jd, password: "\${secret:jd}", checkedOutBy: null }
  - { name: orphan, type: windowsLocal, policy: Helpdesk, domain: corp.example.com, accessType: Restricted,
      endpoints: [], endpointGroups: [], description: no endpoint, username: o, password: "\${secret:o}", checkedOutBy: null }
`], [/credentialPolicies:\n/, `credentialPolicies:
  - name: Personal
    permissions:
      - { principal: "user:jdoe", actions: [checkout] }
`]],
    'ecm.integration.yaml': [['checkoutRequestTime: 1', 'checkoutRequestTime: 2']],
  });
  sb = await startSandbox({
    workspace: dir, certDir: CERT_DIR, watch: false, now: () => now, sessionIdleMs: 60_000,
    secrets: (n) => ({ 'vault.sharedKey': TEST_KEY, 'web01-admin': 'P@ss-web01' } as Record<string, string>)[n],
  });
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await sb.close();
});

function client(): VaultClient {
  const c = new VaultClient({ hostname: sb.url, ca: sb.caPem, timeoutMs: 5000, onCall: (x) => calls.push(`${x.method} ${x.path} ${x.status ?? x.error}`) });
  clients.push(c);
  return c;
}
async function signedIn(runAs: string): Promise<VaultClient> {
  const c = client();
  await c.signIn(TEST_KEY, runAs);
  return c;
}
const names = (rows: ManagedAccount[]) => rows.map((r) => r.CredentialName).sort();
const rejectsWith = (p: Promise<unknown>, kind: string, re?: RegExp) =>
  assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof VaultError, String(e));
    assert.equal(e.kind, kind, e.message);
    if (re) assert.match(e.message, re);
    assertNoSecret(e.message + inspect(e));
    return true;
  });

describe('Vault client against the sandbox', () => {
  it('signs in (PS-Auth key/runas), keeps the session cookie, signs out', async () => {
    const c = client();
    const info = await c.signIn(TEST_KEY, 'CORP\\jdoe');
    assert.equal(info.UserName, 'jdoe');
    assert.equal(info.EmailAddress, 'jdoe@example.com');
    assert.equal(c.signedIn, true);
    await c.managedAccounts();
    await c.managedAccounts();
    await c.signOut();
    assert.equal(c.signedIn, false);
    await rejectsWith(c.managedAccounts(), 'auth', /not valid/);
    assertNoSecret(inspect(c) + JSON.stringify(c));
    assert.ok(calls.some((x) => x.startsWith('POST Auth/SignAppin 200')));
    assertNoSecret(calls.join('\n'));
  });

  it('lists what the run-as user may check out: by group, by role, by user; Restricted only with an endpoint', async () => {
    const jdoe = await signedIn('CORP\\jdoe');
    assert.deepEqual(names(await jdoe.managedAccounts()), ['helpdesk-shared', 'jdoe-only', 'taken', 'web-deploy', 'web01-admin']);
    const asmith = await signedIn('EMEA\\asmith');
    assert.deepEqual(names(await asmith.managedAccounts()), ['db01-sa', 'helpdesk-shared', 'taken', 'web-deploy', 'web01-admin'], 'Database team: Windows servers by group, Databases and Helpdesk by group roles');
    const bwayne = await signedIn('CORP\\bwayne');
    assert.deepEqual(names(await bwayne.managedAccounts()), ['helpdesk-shared', 'taken'], 'role Rep only');
  });

  it('scopes to an exact endpoint name: direct, via endpoint group, Shared; nothing Restricted on a case variant', async () => {
    const jdoe = await signedIn('CORP\\jdoe');
    const web01 = await jdoe.managedAccounts({ systemName: 'WEB01' });
    assert.deepEqual(web01.map((r) => [r.CredentialName, r.AssignedVia, r.SystemName]).sort(), [
      ['helpdesk-shared', 'shared', 'WEB01'], ['taken', 'shared', 'WEB01'], ['web-deploy', 'endpointGroup:Web servers', 'WEB01'], ['web01-admin', 'endpoint', 'WEB01'],
    ]);
    assert.deepEqual(names(await jdoe.managedAccounts({ systemName: 'web01' })), ['helpdesk-shared', 'taken']);
    assert.deepEqual(names(await jdoe.managedAccounts({ systemName: 'WEB02' })), ['helpdesk-shared', 'jdoe-only', 'taken', 'web-deploy']);
    const one = await jdoe.managedAccounts({ systemName: 'WEB01', accountName: 'administrator' });
    assert.equal(one.length, 1);
    assert.equal(one[0].CredentialName, 'web01-admin');
    await rejectsWith(jdoe.managedAccounts({ systemName: 'WEB01', accountName: 'sa' }), 'not-found');
  });

  it('marks a credential checked out by another user unavailable, and refuses its check-out', async () => {
    const jdoe = await signedIn('CORP\\jdoe');
    const taken = (await jdoe.managedAccounts()).find((r) => r.CredentialName === 'taken')!;
    assert.equal(taken.IsAvailable, false);
    assert.equal(taken.CheckedOutBy, 'asmith');
    await rejectsWith(jdoe.createRequest({ systemId: taken.SystemId, accountId: taken.AccountId, durationMinutes: 10 }), 'conflict', /checked out by another user \(asmith\)/);
    const asmith = await signedIn('EMEA\\asmith');
    const mine = (await asmith.managedAccounts()).find((r) => r.CredentialName === 'taken')!;
    assert.equal(mine.IsAvailable, true, 'available to its holder');
  });

  it('runs the whole check-out cycle: request, credentials, check-in', async () => {
    const jdoe = await signedIn('CORP\\jdoe');
    const row = (await jdoe.managedAccounts({ systemName: 'WEB01' })).find((r) => r.CredentialName === 'web01-admin')!;
    const id = await jdoe.createRequest({ systemId: row.SystemId, accountId: row.AccountId, durationMinutes: 120, reason: 'test', accessType: 'RDP' });
    assert.equal(await jdoe.credentials(id), 'P@ss-web01');
    assert.equal(sb.activeRequests().length, 1);
    // While checked out, it is unavailable to others.
    const asmith = await signedIn('EMEA\\asmith');
    const seen = (await asmith.managedAccounts({ systemName: 'WEB01' })).find((r) => r.CredentialName === 'web01-admin')!;
    assert.equal(seen.IsAvailable, false);
    assert.equal(seen.CheckedOutBy, 'CORP\\jdoe');
    await rejectsWith(asmith.createRequest({ systemId: seen.SystemId, accountId: seen.AccountId, durationMinutes: 5 }), 'conflict');
    await rejectsWith(asmith.credentials(id), 'forbidden', /another user/);
    await rejectsWith(asmith.checkin(id), 'forbidden');
    // reuse returns the same request; without a conflict option the API says 409
    assert.equal(await jdoe.createRequest({ systemId: row.SystemId, accountId: row.AccountId, durationMinutes: 5, conflictOption: 'reuse' }), id);
    await jdoe.checkin(id, 'done');
    assert.equal(sb.activeRequests().length, 0);
    await rejectsWith(jdoe.credentials(id), 'forbidden', /checked in/);
    await rejectsWith(jdoe.checkin(id), 'conflict', /already checked in/);
    assert.equal((await asmith.managedAccounts({ systemName: 'WEB01' })).find((r) => r.CredentialName === 'web01-admin')!.IsAvailable, true);
  });

  it('gives a placeholder password when the credential\'s secret is not available', async () => {
    const jdoe = await signedIn('CORP\\jdoe');
    const row = (await jdoe.managedAccounts({ systemName: 'WEB01' })).find((r) => r.CredentialName === 'helpdesk-shared')!;
    const id = await jdoe.createRequest({ systemId: row.SystemId, accountId: row.AccountId, durationMinutes: 1 });
    assert.match(await jdoe.credentials(id), /^sandbox-/);
    await jdoe.checkin(id);
  });

  it('bounds DurationMinutes by the integration\'s checkoutRequestTime and expires requests', async () => {
    const jdoe = await signedIn('CORP\\jdoe');
    const row = (await jdoe.managedAccounts({ systemName: 'WEB01' })).find((r) => r.CredentialName === 'web-deploy')!;
    assert.equal(row.MaximumReleaseDuration, 120);
    await rejectsWith(jdoe.createRequest({ systemId: row.SystemId, accountId: row.AccountId, durationMinutes: 121 }), 'http', /exceeds the integration's checkout request time \(120 minutes\)/);
    await rejectsWith(jdoe.createRequest({ systemId: row.SystemId, accountId: row.AccountId, durationMinutes: 0 }), 'http', /1 to 525600/);
    const id = await jdoe.createRequest({ systemId: row.SystemId, accountId: row.AccountId, durationMinutes: 30 });
    const keep = now;
    now += 31 * 60_000;
    try {
      await rejectsWith(jdoe.credentials(id), 'forbidden', /expired/);
      assert.equal(sb.activeRequests().length, 0);
      await jdoe.checkin(id); // checking in an expired request is allowed
    } finally {
      now = keep;
    }
  });

  it('refuses what no policy allows, a Restricted credential on a system it is not assigned to, and bad input', async () => {
    const bwayne = await signedIn('CORP\\bwayne');
    const jdoe = await signedIn('CORP\\jdoe');
    const web01admin = (await jdoe.managedAccounts({ systemName: 'WEB01' })).find((r) => r.CredentialName === 'web01-admin')!;
    await rejectsWith(bwayne.createRequest({ systemId: web01admin.SystemId, accountId: web01admin.AccountId, durationMinutes: 5 }), 'forbidden', /no credential policy/);
    const web02 = (await jdoe.managedAccounts({ systemName: 'WEB02' }))[0];
    await rejectsWith(jdoe.createRequest({ systemId: web02.SystemId, accountId: web01admin.AccountId, durationMinutes: 5 }), 'http', /not assigned/);
    await rejectsWith(jdoe.createRequest({ systemId: web01admin.SystemId, accountId: 12345, durationMinutes: 5 }), 'not-found');
    await rejectsWith(jdoe.checkin(999999), 'not-found');
  });

  it('signs in again once after the session idles out', async () => {
    const c = await signedIn('CORP\\jdoe');
    const keep = now;
    now += 61_000;
    try {
      const before = calls.filter((x) => x.startsWith('POST Auth/SignAppin')).length;
      assert.ok((await c.managedAccounts()).length > 0);
      assert.equal(calls.filter((x) => x.startsWith('POST Auth/SignAppin')).length, before + 1);
    } finally {
      now = keep;
    }
    const noReauth = new VaultClient({ hostname: sb.url, ca: sb.caPem, reauth: false });
    clients.push(noReauth);
    await noReauth.signIn(TEST_KEY, 'CORP\\jdoe');
    now += 61_000;
    try {
      await rejectsWith(noReauth.managedAccounts(), 'auth');
    } finally {
      now = keep;
    }
  });

  it('never puts the key into an error', async () => {
    const c = client();
    await rejectsWith(c.signIn(TEST_KEY + 'x', 'CORP\\jdoe'), 'auth', /does not|refused/);
    await rejectsWith(c.signIn(TEST_KEY, 'CORP\\ghost'), 'auth', /no user ghost/);
  });

  it('shares one Agent between clients (one session per run-as user)', async () => {
    const agent = createVaultAgent({ ca: sb.caPem });
    const a = new VaultClient({ hostname: sb.url, dispatcher: agent });
    const b = new VaultClient({ hostname: sb.url, dispatcher: agent });
    await a.signIn(TEST_KEY, 'CORP\\jdoe');
    await b.signIn(TEST_KEY, 'EMEA\\asmith');
    assert.ok(names(await b.managedAccounts()).includes('db01-sa'));
    assert.ok(!names(await a.managedAccounts()).includes('db01-sa'));
    await a.signOut();
    await b.signOut();
    await a.close(); // leaves the shared agent alone
    await agent.close();
  });
});
