// The pure resolution (engine/injection.ts) and the code-lens summary on examples/ and variants of it.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveInjection, type Resolution } from '../../server/src/engine/injection';
import { jumpClientCountsFor, jumpClientSummaries } from '../../server/src/engine/injectionSummary';
import { Workspace } from '../../server/src/model/workspace';
import { copyExamples, EXAMPLES } from '../support/fixtures';

const names = (r: Resolution) => r.credentials.map((c) => c.name);
const step = (r: Resolution, s: string) => r.trace.find((t) => t.step === s);
const credStep = (r: Resolution, name: string) => r.trace.find((t) => t.step === 'credential' && t.credential === name);

/** A copy of examples/ with text replacements applied to the named files. */
async function variant(edits: Record<string, [string | RegExp, string][]>): Promise<Workspace> {
  const { dir, cleanup } = copyExamples();
  cleanups.push(cleanup);
  for (const [file, reps] of Object.entries(edits)) {
    let text = readFileSync(path.join(dir, file), 'utf8');
    for (const [from, to] of reps) {
      const next = text.replace(from, to);
      assert.notEqual(next, text, `edit ${String(from)} changed nothing in ${file}`);
      text = next;
    }
    writeFileSync(path.join(dir, file), text);
  }
  return Workspace.load([dir]);
}
const cleanups: (() => void)[] = [];
after(() => { for (const c of cleanups) c(); });

describe('resolveInjection on examples/', async () => {
  const ws = await Workspace.load([EXAMPLES]);

  it('maps an AD domain through its mapping line and gathers direct, group and Shared credentials', () => {
    const r = resolveInjection(ws, { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' });
    assert.equal(r.failure, undefined);
    assert.equal(r.ecm, 'ecm-01');
    assert.equal(r.runAs, 'CORP\\jdoe');
    assert.deepEqual(names(r), ['web01-admin', 'web-deploy', 'helpdesk-shared']);
    assert.deepEqual(r.credentials.map((c) => c.via.kind), ['endpoint', 'endpointGroup', 'shared']);
    const p = step(r, 'provider')!;
    assert.equal(p.outcome, 'pass');
    assert.match(p.detail, /corp\.example\.com maps to CORP/);
    assert.ok(p.source!.uri.endsWith('prod.ecm.yaml'));
    assert.equal(p.source!.range.start.line, 16, 'links to the mapping line (0-based)');
    const db = credStep(r, 'db01-sa')!;
    assert.equal(db.outcome, 'drop');
    assert.match(db.detail, /assigned to endpoint db01\.corp\.example\.com/);
    assert.equal(step(r, 'result')!.outcome, 'pass');
    // Every step and every credential is accounted for.
    assert.equal(r.trace.filter((t) => t.step === 'credential').length, 4);
    assert.ok(r.trace.every((t) => ['pass', 'drop', 'fail'].includes(t.outcome) && t.detail));
  });

  it('counts the roles of the user\'s groups (asmith: DBA through Database team)', () => {
    const r = resolveInjection(ws, { user: 'asmith', securityProvider: 'emea.corp.example.com', endpoint: 'db01.corp.example.com' });
    assert.equal(r.runAs, 'EMEA\\asmith');
    assert.deepEqual(names(r), ['db01-sa', 'helpdesk-shared']);
    assert.match(credStep(r, 'db01-sa')!.detail, /role:DBA by policy Databases/);
  });

  it('uses the default provider for a local account and drops what the policy does not grant', () => {
    const r = resolveInjection(ws, { user: 'bwayne', securityProvider: 'local', endpoint: 'WEB02' });
    assert.equal(r.runAs, 'CORP\\bwayne');
    assert.match(step(r, 'provider')!.detail, /local PA account: the ECM uses the default security provider CORP/);
    assert.equal(step(r, 'provider')!.source!.range.start.line, 14, 'links to defaultSecurityProvider');
    assert.deepEqual(names(r), ['helpdesk-shared']);
    const d = credStep(r, 'web-deploy')!;
    assert.equal(d.outcome, 'drop');
    assert.match(d.detail, /Policy Windows servers grants check-out only to group:Support, group:Database team/);
  });

  it('needs the exact endpoint name: a case variant only gets Shared credentials, with a hint', () => {
    const r = resolveInjection(ws, { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'web01' });
    const e = step(r, 'endpoint')!;
    assert.equal(e.outcome, 'fail');
    assert.match(e.detail, /Vault has WEB01/);
    assert.deepEqual(names(r), ['helpdesk-shared']);
    const fqdn = resolveInjection(ws, { user: 'asmith', securityProvider: 'emea.corp.example.com', endpoint: 'DB01' });
    assert.match(step(fqdn, 'endpoint')!.detail, /db01\.corp\.example\.com/);
    assert.deepEqual(names(fqdn), ['helpdesk-shared']);
  });

  it('stops where the ECM would: unknown user, injection off, unknown endpoint', () => {
    const u = resolveInjection(ws, { user: 'nobody', securityProvider: 'corp.example.com', endpoint: 'WEB01' });
    assert.equal(u.failure?.code, 'user-not-found');
    assert.deepEqual(u.credentials, []);
    assert.equal(step(u, 'user')!.outcome, 'fail');
    const k = resolveInjection(ws, { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'KIOSK-7' });
    assert.equal(k.failure?.code, 'injection-off');
    const kioskLine = readFileSync(path.join(EXAMPLES, 'site.pa.yaml'), 'utf8').split('\n').findIndex((l) => l.includes('name: KIOSK-7'));
    assert.equal(k.trace.find((t) => t.step === 'jump-client')!.source!.range.start.line, kioskLine);
    const e = resolveInjection(ws, { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'NOPE99' });
    assert.equal(e.failure?.code, 'endpoint-not-found');
    const w = resolveInjection(ws, { user: 'asmith', securityProvider: 'corp.example.com', endpoint: 'WEB01' });
    assert.equal(w.failure?.code, 'user-not-found');
    assert.match(step(w, 'user')!.detail, /belongs to security provider EMEA, not CORP/);
  });

  it('summarises each jump client for the code lens like resolveInjection over every PA user', () => {
    const paUri = ws.of('pa')[0].file.uri;
    const sums = jumpClientSummaries(ws, paUri);
    const users = [['jdoe', 'corp.example.com'], ['asmith', 'emea.corp.example.com'], ['bwayne', 'local']];
    for (const jc of ['WEB01', 'WEB02', 'db01.corp.example.com', 'KIOSK-7']) {
      const creds = new Set<string>();
      let n = 0;
      for (const [user, sp] of users) {
        const r = resolveInjection(ws, { user, securityProvider: sp, endpoint: jc });
        for (const c of r.credentials) creds.add(c.name);
        if (r.credentials.length) n++;
      }
      assert.deepEqual({ c: sums.get(jc)!.credentials, u: sums.get(jc)!.users }, { c: creds.size, u: n }, jc);
    }
    assert.deepEqual([sums.get('WEB01')!.credentials, sums.get('WEB01')!.users], [3, 3]);
    assert.equal(sums.get('KIOSK-7')!.reason, 'credential injection is off');
  });
});

describe('resolveInjection: ECM options and Vault policy', () => {
  it('drops a credential held by another user unless Include Unavailable is on', async () => {
    const held = await variant({ 'corp.vault.yaml': [[/username: administrator, password: "\$\{secret:web01-admin\}", checkedOutBy: null/, 'username: administrator, password: "${secret:web01-admin}", checkedOutBy: "CORP\\\\asmith"']] });
    const off = resolveInjection(held, { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' });
    assert.deepEqual(names(off), ['web-deploy', 'helpdesk-shared']);
    assert.match(credStep(off, 'web01-admin')!.detail, /Checked out by CORP\\asmith; Include Unavailable Credentials is off/);
    assert.deepEqual(off.vaultOffers, ['web01-admin', 'web-deploy', 'helpdesk-shared'], 'the Vault still lists it');
    const mine = resolveInjection(held, { user: 'asmith', securityProvider: 'emea.corp.example.com', endpoint: 'WEB01' });
    assert.ok(!names(mine).includes('web01-admin'), 'held by CORP\\asmith, not EMEA\\asmith');
    const on = await variant({
      'corp.vault.yaml': [[/checkedOutBy: null/, 'checkedOutBy: "CORP\\\\asmith"']],
      'prod.ecm.yaml': [['includeUnavailableCredentials: false', 'includeUnavailableCredentials: true']],
    });
    const r = resolveInjection(on, { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' });
    assert.deepEqual(r.credentials.map((c) => [c.name, c.available]), [['web01-admin', false], ['web-deploy', true], ['helpdesk-shared', true]]);
    assert.equal(credStep(r, 'web01-admin')!.outcome, 'pass');
    // The live holder (the Vault's or the broker's check-out) counts like checkedOutBy.
    const live = resolveInjection(await Workspace.load([EXAMPLES]), { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' }, { liveHolder: (n) => (n === 'web-deploy' ? 'EMEA\\asmith' : undefined) });
    assert.deepEqual(names(live), ['web01-admin', 'helpdesk-shared']);
  });

  it('withholds foreign-domain Restricted credentials under Domain Matching only', async () => {
    const edits: [string | RegExp, string][] = [[/\{ name: web01-admin, type: windowsLocal, policy: Windows servers, domain: corp\.example\.com/, '{ name: web01-admin, type: windowsLocal, policy: Windows servers, domain: other.example.org']];
    const off = await variant({ 'corp.vault.yaml': edits });
    assert.deepEqual(names(resolveInjection(off, { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' })), ['web01-admin', 'web-deploy', 'helpdesk-shared']);
    const on = await variant({ 'corp.vault.yaml': edits, 'prod.ecm.yaml': [['enableDomainMatching: false', 'enableDomainMatching: true']] });
    const r = resolveInjection(on, { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' });
    assert.deepEqual(names(r), ['web-deploy', 'helpdesk-shared']);
    const d = credStep(r, 'web01-admin')!;
    assert.equal(d.outcome, 'drop');
    assert.match(d.detail, /domain other\.example\.org, not the Vault host's domain corp\.example\.com/);
  });

  it('grants check-out to a user principal; an unmapped domain goes to Vault unchanged', async () => {
    const ws = await variant({
      'corp.vault.yaml': [['- { principal: "role:DBA", actions: [checkout, modify] }', '- { principal: "role:DBA", actions: [checkout, modify] }\n      - { principal: "user:bwayne", actions: [checkout] }']],
      'prod.ecm.yaml': [['    emea.corp.example.com=EMEA\n', '']],
    });
    const b = resolveInjection(ws, { user: 'bwayne', securityProvider: 'local', endpoint: 'db01.corp.example.com' });
    assert.deepEqual(names(b), ['db01-sa', 'helpdesk-shared']);
    assert.match(credStep(b, 'db01-sa')!.detail, /user:bwayne by policy Databases/);
    const a = resolveInjection(ws, { user: 'asmith', securityProvider: 'emea.corp.example.com', endpoint: 'db01.corp.example.com' });
    // The Vault has no provider named by the FQDN: the provider step fails, before any user look-up.
    assert.equal(step(a, 'provider')!.outcome, 'fail');
    assert.match(step(a, 'provider')!.detail, /no mapping line, so the ECM passes the FQDN to Vault unchanged.* But the Vault has no security provider emea\.corp\.example\.com \(it has CORP, EMEA\)/);
    assert.equal(a.runAs, 'emea.corp.example.com\\asmith');
    assert.equal(a.failure?.code, 'provider-unknown');
    assert.equal(step(a, 'user'), undefined);
  });

  it('a mapping to a provider the Vault lacks fails at the provider step, naming the mapping line', async () => {
    const ws = await variant({ 'prod.ecm.yaml': [['corp.example.com=CORP\n', 'corp.example.com=CORPX\n']] });
    const r = resolveInjection(ws, { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' });
    assert.equal(r.failure?.code, 'provider-unknown');
    const p = step(r, 'provider')!;
    assert.equal(p.outcome, 'fail');
    assert.match(p.detail, /maps to CORPX \(mapping line `corp\.example\.com=CORPX`\)\. But the Vault has no security provider CORPX \(it has CORP, EMEA\), so the ECM's sign-in as CORPX\\jdoe fails: correct the mapping line \(prod\.ecm\.yaml line 17\)/);
    assert.equal(p.source!.range.start.line, 16, 'links to the mapping line');
    assert.deepEqual(r.trace.map((t) => t.step), ['ecm', 'jump-client', 'provider', 'result'], 'nothing after the provider step but the result');
    // The default provider the same way.
    const d = await variant({ 'prod.ecm.yaml': [['defaultSecurityProvider: CORP', 'defaultSecurityProvider: LOCALS']] });
    const l = resolveInjection(d, { user: 'bwayne', securityProvider: 'local', endpoint: 'WEB01' });
    assert.equal(l.failure?.code, 'provider-unknown');
    assert.match(step(l, 'provider')!.detail, /correct vault\.defaultSecurityProvider \(prod\.ecm\.yaml line 15\)/);
  });

  it('names the principals a user acts as with the file\'s spelling', async () => {
    const r = resolveInjection(await Workspace.load([EXAMPLES]), { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'db01.corp.example.com' });
    assert.match(credStep(r, 'db01-sa')!.detail, /CORP\\jdoe acts as user:jdoe, role:Rep, group:Support\./);
  });

  it('counts one user\'s credentials per jump client as resolveInjection gives them (the Simulate picker)', async () => {
    const variants = [
      await Workspace.load([EXAMPLES]),
      await variant({ 'prod.ecm.yaml': [['corp.example.com=CORP\n', 'corp.example.com=CORPX\n']] }),
      await variant({ 'corp.vault.yaml': [['- { principal: "group:Support", actions: [checkout] }', '- { principal: "group:Support", actions: [modify] }']] }),
    ];
    for (const ws of variants) {
      const pa = ws.of('pa')[0];
      for (const u of [{ username: 'jdoe', p: 'corp.example.com' }, { username: 'asmith', p: 'emea.corp.example.com' }, { username: 'bwayne', p: 'local' }, { username: 'nobody', p: 'local' }]) {
        const counts = jumpClientCountsFor(ws, pa.file.uri, u.username, u.p);
        assert.deepEqual([...counts.keys()], ['WEB01', 'WEB02', 'db01.corp.example.com', 'KIOSK-7']);
        for (const [jc, c] of counts) {
          const r = resolveInjection(ws, { user: u.username, securityProvider: u.p, endpoint: jc });
          assert.equal(c.credentials, r.credentials.length, `${u.username} on ${jc}`);
          if (c.credentials === 0) assert.ok(c.reason || r.trace.some((t) => t.outcome === 'drop'), `${u.username} on ${jc}: 0 says why`);
        }
      }
    }
    const off = jumpClientCountsFor(variants[0], variants[0].of('pa')[0].file.uri, 'jdoe', 'corp.example.com').get('KIOSK-7');
    assert.deepEqual(off, { credentials: 0, reason: 'credential injection is off' });
    const corpx = jumpClientCountsFor(variants[1], variants[1].of('pa')[0].file.uri, 'jdoe', 'corp.example.com').get('WEB01');
    assert.deepEqual(corpx, { credentials: 0, reason: 'the Vault has no security provider CORPX' });
  });

  it('follows the sign-in facts of the integration', async () => {
    const ws = await variant({ 'ecm.integration.yaml': [['status: Active', 'status: Inactive']] });
    const r = resolveInjection(ws, { user: 'jdoe', securityProvider: 'corp.example.com', endpoint: 'WEB01' });
    assert.equal(r.failure?.code, 'integration');
    assert.equal(step(r, 'sign-in')!.outcome, 'fail');
    const sums = jumpClientSummaries(ws, ws.of('pa')[0].file.uri);
    assert.equal(sums.get('WEB01')!.credentials, 0);
  });
});
