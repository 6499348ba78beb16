// The broker's HTTP API (docs/broker-api.md) against the real sandbox Vault: every injection step, check-out,
// check-in, expiry, refusals, auth and bad input, Vault failures, sessions. Real HTTP, no mocks.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startBroker } from '../../server/src/broker/start';
import { BrokerLog } from '../../server/src/broker/log';
import { VaultClient } from '../../server/src/vault/client';
import { startSandbox } from '../../server/src/vault/sandbox';
import { agreed, assertNoSecret, broker, CERT_DIR, closeAll, names, PASSWORDS, SHARED_KEY, secrets, stepOf, workspace, type TestBroker } from './helpers';

after(closeAll);

const JDOE = ['jdoe', 'corp.example.com'] as const;
const ASMITH = ['asmith', 'emea.corp.example.com'] as const;
const BWAYNE = ['bwayne', 'local'] as const;
const held = (name: string, by: string): [RegExp, string] => [new RegExp(`(\\{ name: ${name},[\\s\\S]*?checkedOutBy: )null`), `$1"${by.replace(/\\/g, '\\\\')}"`];

describe('broker: the injection steps, answered by the sandbox and explained by the files', () => {
  let b: TestBroker;
  before(async () => { b = await broker(); });

  it('maps an AD domain through its mapping line and signs in as PROVIDER\\user', async () => {
    const r = await b.find(...JDOE, 'WEB01');
    assert.equal(r.status, 200);
    assert.equal(r.body.runAs, 'CORP\\jdoe');
    assert.match(stepOf(r.body, 'provider').detail, /corp\.example\.com maps to CORP/);
    assert.match(stepOf(r.body, 'vault-sign-in').detail, /Signed in to the Vault at https:\/\/127\.0\.0\.1:\d+ as CORP\\jdoe/);
    assert.deepEqual(names(r.body), ['web01-admin', 'web-deploy', 'helpdesk-shared']);
    for (const c of r.body.credentials) {
      assert.deepEqual(Object.keys(c).sort(), ['available', 'id', 'name', 'type', 'username']);
      assert.match(c.id, /^\d+-\d+$/);
    }
    assert.deepEqual(r.body.credentials[0], { id: r.body.credentials[0].id, name: 'web01-admin', username: 'administrator', type: 'windowsLocal', available: true });
    agreed(r.body);
    for (const t of r.body.trace) assert.ok(['pass', 'drop', 'fail'].includes(t.outcome) && typeof t.step === 'string' && t.detail);
  });

  it('uses the default provider for a local account; the role grants the Shared credential only', async () => {
    const r = await b.find(...BWAYNE, 'WEB02');
    assert.equal(r.body.runAs, 'CORP\\bwayne');
    assert.match(stepOf(r.body, 'provider').detail, /default security provider CORP/);
    assert.deepEqual(names(r.body), ['helpdesk-shared']);
    assert.match(stepOf(r.body, 'credential', 'web-deploy').detail, /grants check-out only to group:Support, group:Database team/);
    agreed(r.body);
  });

  it('gathers Restricted credentials directly and through endpoint groups, plus Shared ones', async () => {
    const r = await b.find(...JDOE, 'WEB02');
    assert.deepEqual(names(r.body), ['web-deploy', 'helpdesk-shared']);
    assert.match(stepOf(r.body, 'credential', 'web-deploy').detail, /through endpoint group Web servers/);
    assert.match(stepOf(r.body, 'credential', 'helpdesk-shared').detail, /^Shared credential/);
    assert.equal(stepOf(r.body, 'credential', 'web01-admin').outcome, 'drop');
    assert.match(stepOf(r.body, 'credential', 'web01-admin').detail, /assigned to endpoint WEB01; WEB02 is not among them/);
    agreed(r.body);
  });

  it('grants by group role (asmith is DBA through Database team) on the FQDN endpoint', async () => {
    const r = await b.find(...ASMITH, 'db01.corp.example.com');
    assert.deepEqual(names(r.body), ['db01-sa', 'helpdesk-shared']);
    assert.match(stepOf(r.body, 'credential', 'db01-sa').detail, /role:DBA by policy Databases/);
    agreed(r.body);
  });

  it('asks for the exact endpoint name: a NetBIOS/case variant gets only Shared credentials', async () => {
    const r = await b.find(...ASMITH, 'DB01');
    assert.equal(r.status, 200);
    assert.equal(stepOf(r.body, 'endpoint').outcome, 'fail');
    assert.match(stepOf(r.body, 'endpoint').detail, /Vault has db01\.corp\.example\.com/);
    assert.deepEqual(names(r.body), ['helpdesk-shared']);
    agreed(r.body);
  });

  it('answers user-not-found and endpoint-not-found with the trace', async () => {
    const u = await b.find('nobody', 'corp.example.com', 'WEB01');
    assert.equal(u.status, 404);
    assert.equal(u.body.error.code, 'user-not-found');
    assert.match(u.body.error.message, /no user nobody/);
    assert.equal(stepOf(u.body, 'vault-sign-in').outcome, 'fail');
    const e = await b.find(...JDOE, 'NOPE99');
    assert.equal(e.status, 404);
    assert.equal(e.body.error.code, 'endpoint-not-found');
    assert.equal(stepOf(e.body, 'endpoint').outcome, 'fail');
  });

  it('returns no credentials for a jump client with injection off, and says why', async () => {
    const r = await b.find(...JDOE, 'KIOSK-7');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.credentials, []);
    assert.match(stepOf(r.body, 'jump-client').detail, /credential injection turned off/);
  });

  it('keeps one Vault session per run-as user', async () => {
    const before = b.events.filter((e) => e.type === 'vault' && e.path === 'Auth/SignAppin').length;
    await b.find(...JDOE, 'WEB01');
    await b.find(...JDOE, 'WEB02');
    const r = await b.find(...JDOE, 'WEB01');
    assert.match(stepOf(r.body, 'vault-sign-in').detail, /Reused the open session/);
    assert.equal(b.events.filter((e) => e.type === 'vault' && e.path === 'Auth/SignAppin').length, before);
  });
});

describe('broker: every PA user on every jump client of examples/', () => {
  it('answers like the files say (cross-check passes) and gives a reason for every credential left out', async () => {
    const b = await broker();
    const users: (readonly [string, string])[] = [JDOE, ASMITH, BWAYNE];
    const endpoints = ['WEB01', 'WEB02', 'db01.corp.example.com', 'KIOSK-7', 'web01', 'DB01'];
    const all = ['web01-admin', 'web-deploy', 'db01-sa', 'helpdesk-shared'];
    for (const u of users) {
      for (const e of endpoints) {
        const r = await b.find(u[0], u[1], e);
        const what = `${u[0]} on ${e}`;
        assert.equal(r.status, 200, `${what}: ${r.body?.error?.message}`);
        const got = names(r.body);
        if (e === 'KIOSK-7') {
          assert.deepEqual(got, [], what);
          assert.equal(stepOf(r.body, 'jump-client').outcome, 'fail', what);
          continue;
        }
        agreed(r.body);
        for (const c of all) {
          const s = stepOf(r.body, 'credential', c);
          assert.ok(s, `${what}: a trace step for ${c}`);
          assert.equal(s.outcome, got.includes(c) ? 'pass' : 'drop', `${what}: ${c} ${s.detail}`);
          assert.ok(s.detail.length > 20 && s.source?.uri, `${what}: ${c} has a reason and a source`);
        }
        assert.equal(stepOf(r.body, 'result').outcome, got.length ? 'pass' : 'fail', what);
      }
    }
  });
});

describe('broker: the answers, against a table written by hand from docs/domain.md', () => {
  // Independent of the engine (which the sandbox and the broker share): jdoe is Support (Rep), asmith is
  // Database team (Rep, DBA), bwayne logs in locally and is found under the default provider CORP with Rep
  // only. Windows servers: groups Support and Database team; Databases: role DBA; Helpdesk: role Rep.
  // web01-admin is on WEB01, web-deploy on the Web servers group (WEB01, WEB02), db01-sa on
  // db01.corp.example.com; helpdesk-shared is Shared. A name not exactly a Vault endpoint gets Shared only;
  // KIOSK-7 has injection off.
  const H = 'helpdesk-shared';
  const expected: Record<string, [string, Record<string, string[]>]> = {
    jdoe: ['corp.example.com', { WEB01: ['web01-admin', 'web-deploy', H], WEB02: ['web-deploy', H], 'db01.corp.example.com': [H], 'KIOSK-7': [], web01: [H], DB01: [H] }],
    asmith: ['emea.corp.example.com', { WEB01: ['web01-admin', 'web-deploy', H], WEB02: ['web-deploy', H], 'db01.corp.example.com': ['db01-sa', H], 'KIOSK-7': [], web01: [H], DB01: [H] }],
    bwayne: ['local', { WEB01: [H], WEB02: [H], 'db01.corp.example.com': [H], 'KIOSK-7': [], web01: [H], DB01: [H] }],
  };

  it('returns exactly the expected credentials for every user on every endpoint', async () => {
    const b = await broker();
    for (const [user, [provider, byEndpoint]] of Object.entries(expected)) {
      for (const [endpoint, want] of Object.entries(byEndpoint)) {
        const r = await b.find(user, provider, endpoint);
        assert.equal(r.status, 200, `${user} on ${endpoint}: ${r.body?.error?.message}`);
        assert.deepEqual(names(r.body).sort(), [...want].sort(), `${user} on ${endpoint}`);
      }
    }
  });

  it('maps a RADIUS provider to the default provider, as a local one', async () => {
    const b = await broker({ edits: { 'site.pa.yaml': [['  - { name: local, type: local }', '  - { name: local, type: local }\n  - { name: radius1, type: radius }'], ['securityProvider: corp.example.com }', 'securityProvider: radius1 }']] } });
    const r = await b.find('jdoe', 'radius1', 'WEB01');
    assert.equal(r.status, 200, r.body?.error?.message);
    assert.deepEqual(names(r.body).sort(), ['helpdesk-shared', 'web-deploy', 'web01-admin']);
    assert.match(stepOf(r.body, 'provider').detail, /RADIUS provider radius1: the ECM uses the default security provider CORP/);
    assert.match(stepOf(r.body, 'identity').detail, /CORP\\jdoe/);
    agreed(r.body);
  });
});

describe('broker: the ECM options and policies, on and off', () => {
  it('drops a credential held by another user; Include Unavailable returns it as unavailable', async () => {
    const edits = { 'corp.vault.yaml': [held('web01-admin', 'EMEA\\asmith')] };
    const off = await broker({ edits });
    const r = await off.find(...JDOE, 'WEB01');
    assert.deepEqual(names(r.body), ['web-deploy', 'helpdesk-shared']);
    assert.match(stepOf(r.body, 'credential', 'web01-admin').detail, /Checked out by EMEA\\asmith; Include Unavailable Credentials is off/);
    agreed(r.body);
    const on = await broker({ edits: { ...edits, 'prod.ecm.yaml': [['includeUnavailableCredentials: false', 'includeUnavailableCredentials: true']] } });
    const r2 = await on.find(...JDOE, 'WEB01');
    assert.deepEqual(r2.body.credentials.map((c: any) => [c.name, c.available]), [['web01-admin', false], ['web-deploy', true], ['helpdesk-shared', true]]);
    agreed(r2.body);
    const co = await on.call('POST', '/v1/credentials/checkout', { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01', credentialId: r2.body.credentials[0].id });
    assert.equal(co.status, 409);
    assert.equal(co.body.error.code, 'credential-unavailable');
  });

  it('withholds foreign-domain Restricted credentials under Domain Matching only', async () => {
    const foreign: [RegExp, string] = [/(\{ name: web01-admin, type: windowsLocal, policy: Windows servers, domain: )corp\.example\.com/, '$1other.example.org'];
    const off = await broker({ edits: { 'corp.vault.yaml': [foreign] } });
    const r = await off.find(...JDOE, 'WEB01');
    assert.deepEqual(names(r.body), ['web01-admin', 'web-deploy', 'helpdesk-shared']);
    agreed(r.body);
    const on = await broker({ edits: { 'corp.vault.yaml': [foreign], 'prod.ecm.yaml': [['enableDomainMatching: false', 'enableDomainMatching: true']] } });
    const r2 = await on.find(...JDOE, 'WEB01');
    assert.deepEqual(names(r2.body), ['web-deploy', 'helpdesk-shared']);
    assert.match(stepOf(r2.body, 'credential', 'web01-admin').detail, /Domain Matching is on/);
    agreed(r2.body);
  });

  it('explains a credential only the Vault lists and the ECM filter drops (the Vault and the files disagree)', async () => {
    // The sandbox's inventory has one more credential on WEB01, checked out by asmith; the broker's files do not.
    const extra = '  - { name: extra-admin, type: windowsLocal, policy: Windows servers, domain: corp.example.com,\n      accessType: Restricted, endpoints: [WEB01], endpointGroups: [], description: x,\n      username: extra, password: "${secret:web01-admin}", checkedOutBy: "EMEA\\\\asmith" }\n';
    const sb = await startSandbox({ workspace: workspace({ 'corp.vault.yaml': [[/credentials:\n/, `credentials:\n${extra}`]] }), secrets, certDir: CERT_DIR, watch: false });
    const r = await startBroker({ workspace: workspace(), vaultUrl: sb.url, ca: sb.caPem, secrets, watch: false });
    try {
      const res = await fetch(`${r.url}/v1/credentials/find`, { method: 'POST', headers: { authorization: `Bearer ${r.token}` }, body: JSON.stringify({ user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' }) });
      const body = (await res.json()) as any;
      assert.deepEqual(names(body), ['web01-admin', 'web-deploy', 'helpdesk-shared']);
      assert.match(stepOf(body, 'vault-query').detail, /extra-admin/);
      const step = stepOf(body, 'credential', 'extra-admin');
      assert.ok(step, 'a trace step for the credential the filter dropped');
      assert.equal(step.outcome, 'drop');
      assert.match(step.detail, /checked out by EMEA\\asmith; Include Unavailable Credentials is off/);
      assert.match(step.source.uri, /prod\.ecm\.yaml$/);
      const line = readFileSync(path.join(new URL(step.source.uri).pathname), 'utf8').split('\n')[step.source.range.start.line];
      assert.match(line, /includeUnavailableCredentials/);
      assert.equal(stepOf(body, 'cross-check').outcome, 'fail');
    } finally {
      await r.close();
      await sb.close();
    }
  });

  it('does not offer a Restricted credential on an endpoint the Vault no longer has (renamed), files and sandbox alike', async () => {
    const b = await broker({ edits: { 'corp.vault.yaml': [['{ name: WEB01,', '{ name: WEBX1,']] } });
    const r = await b.find(...JDOE, 'WEB01');
    assert.deepEqual(names(r.body), ['helpdesk-shared']);
    assert.match(stepOf(r.body, 'credential', 'web01-admin').detail, /no endpoint named exactly WEB01/);
    agreed(r.body);
  });

  it('grants check-out to a user principal', async () => {
    const b = await broker({ edits: { 'corp.vault.yaml': [['- { principal: "role:DBA", actions: [checkout, modify] }', '- { principal: "role:DBA", actions: [checkout, modify] }\n      - { principal: "user:bwayne", actions: [checkout] }']] } });
    const r = await b.find(...BWAYNE, 'db01.corp.example.com');
    assert.deepEqual(names(r.body), ['db01-sa', 'helpdesk-shared']);
    assert.match(stepOf(r.body, 'credential', 'db01-sa').detail, /user:bwayne by policy Databases/);
    agreed(r.body);
  });
});

describe('broker: check-out, check-in, expiry', () => {
  let b: TestBroker;
  before(async () => { b = await broker(); });
  const checkout = (who: readonly [string, string], endpoint: string, credentialId: string) =>
    b.call('POST', '/v1/credentials/checkout', { user: who[0], securityProvider: who[1], endpoint, credentialId });

  it('checks out with the integration\'s duration, returns the password once, checks in', async () => {
    const f = await b.find(...JDOE, 'WEB01');
    const id = f.body.credentials.find((c: any) => c.name === 'web01-admin').id;
    const before = Date.now();
    const co = await checkout(JDOE, 'WEB01', id);
    assert.equal(co.status, 200, co.text);
    assert.deepEqual(Object.keys(co.body).sort(), ['expiresAt', 'leaseId', 'password', 'username']);
    assert.equal(co.body.username, 'administrator');
    assert.equal(co.body.password, PASSWORDS['web01-admin']);
    const ttl = Date.parse(co.body.expiresAt) - before;
    assert.ok(ttl > 59 * 60_000 && ttl <= 61 * 60_000, `checkoutRequestTime 1 h, got ${ttl} ms`);
    assert.equal(b.sandbox!.activeRequests().length, 1);
    assert.equal(b.sandbox!.activeRequests()[0].credentialName, 'web01-admin');

    // Now held: the next find lists it for nobody else, and a second user is refused.
    const other = await b.find(...ASMITH, 'WEB01');
    assert.ok(!names(other.body).includes('web01-admin'));
    agreed(other.body);

    const ci = await b.call('POST', `/v1/leases/${co.body.leaseId}/checkin`);
    assert.equal(ci.status, 204);
    assert.equal(ci.text, '');
    assert.equal(b.sandbox!.activeRequests().length, 0);
    const again = await b.call('POST', `/v1/leases/${co.body.leaseId}/checkin`);
    assert.equal(again.status, 409);
    const unknown = await b.call('POST', '/v1/leases/no-such-lease/checkin');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'lease-not-found');
    // The password went to its caller once: no log line, trace or other response holds it.
    assertNoSecret(b.transcript().replace(co.text, ''), [b.token]);
  });

  it('takes the lease length from the integration\'s checkoutRequestTime (4 h here)', async () => {
    const four = await broker({ edits: { 'ecm.integration.yaml': [[/checkoutRequestTime: \d+/, 'checkoutRequestTime: 4']] } });
    const f = await four.find(...JDOE, 'WEB01');
    const before = Date.now();
    const co = await four.call('POST', '/v1/credentials/checkout', { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01', credentialId: f.body.credentials[0].id });
    assert.equal(co.status, 200, co.text);
    const ttl = Date.parse(co.body.expiresAt) - before;
    assert.ok(ttl > 239 * 60_000 && ttl <= 241 * 60_000, `checkoutRequestTime 4 h, got ${ttl} ms`);
    assert.equal(four.sandbox!.activeRequests().length, 1);
    assert.equal((await four.call('POST', `/v1/leases/${co.body.leaseId}/checkin`)).status, 204);
  });

  it('refuses a second user\'s check-out of a held credential (broker side and Vault side)', async () => {
    const f = await b.find(...JDOE, 'WEB01');
    const deploy = f.body.credentials.find((c: any) => c.name === 'web-deploy').id;
    const mine = await checkout(JDOE, 'WEB01', deploy);
    assert.equal(mine.status, 200);
    const theirs = await checkout(ASMITH, 'WEB01', deploy);
    assert.equal(theirs.status, 409);
    assert.equal(theirs.body.error.code, 'credential-unavailable');
    assert.match(theirs.body.error.message, /Checked out by CORP\\jdoe/);
    assert.equal((await b.call('POST', `/v1/leases/${mine.body.leaseId}/checkin`)).status, 204);

    // A check-out the broker did not make (another ECM, the Vault UI): the Vault refuses, the broker says so.
    const direct = new VaultClient({ hostname: b.sandbox!.url, ca: b.sandbox!.caPem });
    await direct.signIn(SHARED_KEY, 'EMEA\\asmith');
    const [sys, acc] = deploy.split('-').map(Number);
    const req = await direct.createRequest({ systemId: sys, accountId: acc, durationMinutes: 30 });
    const refused = await checkout(JDOE, 'WEB01', deploy);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'credential-unavailable');
    assert.match(refused.body.error.message, /checked out by another user/);
    const seen = await b.find(...JDOE, 'WEB01');
    assert.match(stepOf(seen.body, 'credential', 'web-deploy').detail, /Checked out by EMEA\\asmith/);
    agreed(seen.body);
    await direct.checkin(req);
    await direct.signOut();
    await direct.close();
  });

  it('shares one Vault request between two leases of the same user', async () => {
    const id = (await b.find(...JDOE, 'WEB01')).body.credentials[0].id;
    const a = await checkout(JDOE, 'WEB01', id);
    const c = await checkout(JDOE, 'WEB01', id);
    assert.equal(a.status, 200);
    assert.equal(c.status, 200);
    assert.notEqual(a.body.leaseId, c.body.leaseId);
    assert.equal(b.sandbox!.activeRequests().length, 1);
    await b.call('POST', `/v1/leases/${a.body.leaseId}/checkin`);
    assert.equal(b.sandbox!.activeRequests().length, 1, 'still held by the second lease');
    await b.call('POST', `/v1/leases/${c.body.leaseId}/checkin`);
    assert.equal(b.sandbox!.activeRequests().length, 0);
  });

  it('checks a lease in when it expires, and says so to a late check-in', async () => {
    const short = await broker({ leaseMs: 400 });
    const id = (await short.find(...JDOE, 'WEB01')).body.credentials[0].id;
    const co = await short.call('POST', '/v1/credentials/checkout', { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01', credentialId: id });
    assert.equal(co.status, 200);
    assert.equal(short.sandbox!.activeRequests().length, 1);
    await waitFor(() => short.events.some((e) => e.type === 'lease' && e.action === 'expired'));
    assert.equal(short.sandbox!.activeRequests().length, 0);
    const late = await short.call('POST', `/v1/leases/${co.body.leaseId}/checkin`);
    assert.equal(late.status, 410);
    assert.equal(late.body.error.code, 'lease-expired');
  });

  it('checks every open lease in on shutdown', async () => {
    const s = await broker();
    const f = await s.find(...JDOE, 'WEB01');
    for (const c of f.body.credentials) assert.equal((await s.call('POST', '/v1/credentials/checkout', { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01', credentialId: c.id })).status, 200);
    assert.equal(s.sandbox!.activeRequests().length, 3);
    await s.broker.close();
    assert.equal(s.sandbox!.activeRequests().length, 0);
    assert.equal(s.events.filter((e) => e.type === 'lease' && e.action === 'shutdown-checkin').length, 3);
    assert.equal((await s.find(...JDOE, 'WEB01')).body.error.code, 'shutting-down');
    await s.close();
  });
});

describe('broker: auth and bad input', () => {
  let b: TestBroker;
  before(async () => { b = await broker(); });

  it('writes the token to a file only the user can read and refuses requests without it', async () => {
    assert.equal(statSync(b.tokenPath).mode & 0o777, 0o600);
    for (const headers of [{ authorization: '' }, { authorization: 'Bearer wrong-token' }, { authorization: `Basic ${b.token}` }]) {
      const r = await b.call('GET', '/v1/health', undefined, headers);
      assert.equal(r.status, 401);
      assert.deepEqual(Object.keys(r.body), ['error']);
      assert.equal(r.body.error.code, 'unauthorized');
    }
    const ok = await b.call('GET', '/v1/health');
    assert.deepEqual(ok.body, { status: 'ok', ecm: 'ecm-01', vault: { reachable: true, url: b.sandbox!.url } });
  });

  it('a --token-file in folders that do not exist yet: made 0700, and removed with the token at close', async () => {
    const base = path.join(path.dirname(workspace()), 'tok-' + Date.now());
    const file = path.join(base, 'a', 'b', 'token');
    const t = await broker({ tokenFile: file });
    assert.equal(statSync(path.join(base, 'a')).mode & 0o777, 0o700);
    assert.equal(readFileSync(file, 'utf8').trim(), t.token);
    await t.close();
    assert.equal(existsSync(base), false, 'the folders made for the token are gone');
  });

  it('refuses a foreign Host (DNS rebinding) and listens on loopback only', async () => {
    // fetch() will not send a foreign Host header; node:http will, like a rebound browser would.
    const r = await new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = httpRequest(`${b.url}/v1/health`, { headers: { host: 'evil.example.com', authorization: `Bearer ${b.token}` } }, (res) => {
        let text = '';
        res.on('data', (c) => { text += c; });
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'forbidden-host');
    assert.match(b.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers bad JSON, missing fields and wrong shapes with 400 bad-request', async () => {
    const cases: [string, unknown][] = [
      ['/v1/credentials/find', '{"user": "jdoe",'],
      ['/v1/credentials/find', ''],
      ['/v1/credentials/find', '[1,2]'],
      ['/v1/credentials/find', { user: 'jdoe', endpoint: 'WEB01' }],
      ['/v1/credentials/find', { user: 'jdoe', securityProvider: 7, endpoint: 'WEB01' }],
      ['/v1/credentials/checkout', { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' }],
      ['/v1/credentials/checkout', { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01', credentialId: 'web01-admin' }],
    ];
    for (const [route, body] of cases) {
      const r = await b.call('POST', route, body);
      assert.equal(r.status, 400, `${route} ${JSON.stringify(body)}`);
      assert.equal(r.body.error.code, 'bad-request');
      assert.ok(r.body.error.message.length > 10);
    }
    const missing = await b.call('POST', '/v1/credentials/find', { user: 'jdoe' });
    assert.match(missing.body.error.message, /securityProvider, endpoint/);
    assert.equal((await b.call('GET', '/v1/credentials/find')).body.error.code, 'method-not-allowed');
    assert.equal((await b.call('GET', '/v1/nope')).body.error.code, 'not-found');
    const big = await b.call('POST', '/v1/credentials/find', JSON.stringify({ user: 'x'.repeat(70_000), securityProvider: 'a', endpoint: 'b' }));
    assert.equal(big.status, 413);
  });
});

describe('broker: Vault failures', () => {
  it('vault-unreachable when nothing listens, vault-tls when the CA is not trusted', async () => {
    const port = await closedPort();
    const down = await broker({ sandbox: false, vaultUrl: `https://127.0.0.1:${port}` });
    const r = await down.find(...JDOE, 'WEB01');
    assert.equal(r.status, 502);
    assert.equal(r.body.error.code, 'vault-unreachable');
    assert.equal(stepOf(r.body, 'vault-sign-in').outcome, 'fail');
    assert.equal((await down.call('GET', '/v1/health')).body.vault.reachable, false);

    const real = await broker();
    const untrusted = await broker({ sandbox: false, vaultUrl: real.sandbox!.url });
    const t = await untrusted.find(...JDOE, 'WEB01');
    assert.equal(t.body.error.code, 'vault-tls');
    assert.match(t.body.error.message, /certificate/i);
  });

  it('vault-ip-not-allowed when 127.0.0.1 is not in the integration\'s allowed IPs', async () => {
    const b = await broker({ edits: { 'ecm.integration.yaml': [['  - 127.0.0.1       # the ecmkit sandbox and broker on this machine\n', '']] } });
    const r = await b.find(...JDOE, 'WEB01');
    assert.equal(r.status, 502);
    assert.equal(r.body.error.code, 'vault-ip-not-allowed');
  });

  it('vault-auth-failed when the ECM\'s key is not the integration\'s', async () => {
    const b = await broker({
      edits: { 'prod.ecm.yaml': [['sharedKey: ${secret:vault.sharedKey}', 'sharedKey: ${secret:old.sharedKey}']] },
      secrets: (n) => (n === 'old.sharedKey' ? 'an-old-regenerated-key' : secrets(n)),
    });
    const r = await b.find(...JDOE, 'WEB01');
    assert.equal(r.status, 502);
    assert.equal(r.body.error.code, 'vault-auth-failed');
    assert.equal(stepOf(r.body, 'sign-in').outcome, 'fail', 'the files already say why');
    assertNoSecret(b.transcript(), ['an-old-regenerated-key']);
  });

  it('health keeps its shape when the ECM\'s shared key is not available: the Vault is probed, the problem said', async () => {
    const sb = await startSandbox({ workspace: workspace(), secrets, certDir: CERT_DIR, watch: false });
    const r = await startBroker({ workspace: workspace(), vaultUrl: sb.url, ca: sb.caPem, secrets: () => undefined, watch: false });
    try {
      const res = await fetch(`${r.url}/v1/health`, { headers: { authorization: `Bearer ${r.token}` } });
      assert.equal(res.status, 200);
      const body = (await res.json()) as any;
      assert.equal(body.status, 'ok');
      assert.equal(body.ecm, 'ecm-01');
      assert.equal(body.vault.reachable, true);
      assert.equal(body.vault.problem.code, 'vault-auth-failed');
      assert.match(body.vault.problem.message, /shared key is not available/);
    } finally {
      await r.close();
      await sb.close();
    }
  });

  it('signs in again on its own after a session was idle for sessionIdleMs, before the Vault idles it out', async () => {
    const b = await broker({ sessionIdleMs: 300 });
    const signIns = () => b.events.filter((e) => e.type === 'vault' && e.path === 'Auth/SignAppin').length;
    assert.equal((await b.find(...JDOE, 'WEB01')).status, 200);
    const first = signIns();
    const reused = await b.find(...JDOE, 'WEB01');
    assert.match(stepOf(reused.body, 'vault-sign-in').detail, /Reused the open session/);
    await new Promise((res) => setTimeout(res, 450));
    const renewed = await b.find(...JDOE, 'WEB01');
    assert.match(stepOf(renewed.body, 'vault-sign-in').detail, /Signed in to the Vault/);
    assert.equal(signIns(), first + 1);
    assert.equal(b.events.filter((e) => e.type === 'vault' && e.status === 401).length, 0, 'no 401 was needed');
  });

  it('signs in again when the Vault session idled out (401 → new session)', async () => {
    const dir = workspace();
    const sb = await startSandbox({ workspace: dir, secrets, certDir: CERT_DIR, watch: false, sessionIdleMs: 1000 });
    const log = new BrokerLog();
    const signIns: string[] = [];
    log.on((e) => { if (e.type === 'vault' && e.path === 'Auth/SignAppin') signIns.push(String(e.status)); });
    const r = await startBroker({ workspace: dir, vaultUrl: sb.url, ca: sb.caPem, secrets, watch: false, log });
    try {
      const call = () => fetch(`${r.url}/v1/credentials/find`, { method: 'POST', headers: { authorization: `Bearer ${r.token}` }, body: JSON.stringify({ user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' }) });
      assert.equal((await call()).status, 200);
      const before = signIns.length;
      await new Promise((res) => setTimeout(res, 1300));
      const again = await call();
      assert.equal(again.status, 200);
      assert.equal(((await again.json()) as any).credentials.length, 3);
      assert.ok(signIns.length > before && signIns.every((x) => x === '200'), `signed in again: ${signIns.join(',')}`);
    } finally {
      await r.close();
      await sb.close();
    }
  });
});

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('broker: follows the files', () => {
  it('answers from the edited files on the next request (broker and sandbox both re-read them)', async () => {
    const dir = workspace();
    const b = await broker({ workspace: dir, watch: true });
    assert.deepEqual(names((await b.find(...BWAYNE, 'WEB01')).body), ['helpdesk-shared']);
    // Give bwayne the Support group: web01-admin and web-deploy become his on WEB01.
    const file = path.join(dir, 'corp.vault.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('roles: [Rep], groups: [], email: bwayne@example.com', 'roles: [Rep], groups: [Support], email: bwayne@example.com'));
    await waitFor(() => b.events.some((e) => e.type === 'info' && e.message === 're-read the workspace files'));
    const r = await b.find(...BWAYNE, 'WEB01');
    assert.deepEqual(names(r.body), ['web01-admin', 'web-deploy', 'helpdesk-shared']);
    agreed(r.body);
  });
});
