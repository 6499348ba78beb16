// The PA side of the ECMs (docs/rules.md#pa-routing-and-api-accounts) on edited examples: the API account each
// ECM signs in with, the ECM group it puts the ECM in, and the jump groups routed there. Each mistake is
// reported once (docs/rules.md#one-mistake-one-finding).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkWorkspace, orderForReport, settleWorkspace } from '../../server/src/engine/check';
import type { Workspace } from '../../server/src/model/workspace';
import type { Finding } from '../../server/src/rules/types';
import { textAt } from '../support/fixtures';
import { BASE, sub, workspace, type Edit } from '../support/editedExamples';

interface Seen { file: string; code: string; text: string; message: string; f: Finding }

function findings(ws: Workspace, code: string): Seen[] {
  const out: Seen[] = [];
  for (const [uri, list] of checkWorkspace(ws)) {
    for (const f of list) if (f.code === code) out.push({ file: uri.replace('file:///ws/', ''), code: f.code, text: textAt(ws.get(uri)!, f.range), message: f.message, f });
  }
  return out;
}
const only = (edits: Edit, code: string): Seen[] => findings(workspace(edits), code);
const relatedTexts = (ws: Workspace, f: Finding): string[] => (f.related ?? []).map((r) => `${r.uri.replace('file:///ws/', '')}:${textAt(ws.get(r.uri)!, r.range)}`);

/** Errors and warnings as reported after the one-finding policy: `file code covered-text`, and the messages. */
function reported(edits: Edit): { lines: string[]; messages: string[] } {
  const ws = workspace(edits);
  const all = orderForReport(settleWorkspace(ws)).filter((s) => (s.diagnostic.severity ?? 1) <= 2);
  return {
    lines: all.map((s) => `${s.uri.replace('file:///ws/', '')} ${s.diagnostic.code} ${textAt(ws.get(s.uri)!, s.diagnostic.range)}`),
    messages: all.map((s) => String(s.diagnostic.message)),
  };
}

const PROD_ID = '4b1d7c2e-9a0f-4d61-8e3b-5f2a1c9d0e74';
const STANDBY_ID = '0e8f3a91-2b7c-4c55-9d10-7a6e4b3f2c18';
const account = (name: string, from: string, to: string) => sub(new RegExp(`(\\{ name: ${name}, [^\\n]*)${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), `$1${to}`);

describe('ecm/api-account-unknown', () => {
  it('one finding per ECM, on its clientId; a typo of an account\'s client id gets the fix', () => {
    const ws = workspace({ 'prod.ecm.yaml': sub(PROD_ID, PROD_ID.replace('4b1d', '4b1e')) });
    const r = findings(ws, 'ecm/api-account-unknown');
    assert.deepEqual(r.map((s) => [s.file, s.text]), [['prod.ecm.yaml', PROD_ID.replace('4b1d', '4b1e')]]);
    assert.match(r[0].message, /No API account of site support\.example\.com has client ID .*: the site refuses the ECM's sign-in, so ecm-01 serves no request\. Did you mean `4b1d7c2e-.*` \(API account `ECM prod`\)\?/);
    assert.deepEqual(r[0].f.data, { replaceWith: PROD_ID });
    assert.deepEqual(relatedTexts(ws, r[0].f), ['site.pa.yaml:apiAccounts']);
  });
  it('a client id like none of them: no guess, says where to find one', () => {
    const r = only({ 'standby.ecm.json': sub(STANDBY_ID, 'ffffffff-ffff-ffff-ffff-ffffffffffff') }, 'ecm/api-account-unknown');
    assert.deepEqual(r.map((s) => s.file), ['standby.ecm.json']);
    assert.match(r[0].message, /API Configuration/);
    assert.equal(r[0].f.data, undefined);
  });
  it('is quiet when the PA file lists no API accounts (an older file), and case does not make another client id', () => {
    assert.deepEqual(only({ 'site.pa.yaml': sub(/\n# The ECMs sign in[\s\S]*$/, '\n'), 'prod.ecm.yaml': sub(PROD_ID, 'not-an-account') }, 'ecm/api-account-unknown'), []);
    assert.deepEqual(only({ 'prod.ecm.yaml': sub(PROD_ID, PROD_ID.toUpperCase()) }, 'ecm/api-account-unknown'), []);
  });
});

describe('ecm/api-account-no-ecm', () => {
  it('a disabled account: one finding on `enabled`, naming its ECM', () => {
    const ws = workspace({ 'site.pa.yaml': account('ECM prod', 'enabled: true', 'enabled: false') });
    const r = findings(ws, 'ecm/api-account-no-ecm');
    assert.deepEqual(r.map((s) => [s.file, s.text]), [['site.pa.yaml', 'false']]);
    assert.match(r[0].message, /API account `ECM prod` is disabled, but ECM `ecm-01` signs in with it: the site refuses the ECM.*enable the account, then run `ecmkit pull pa`/);
    assert.deepEqual(relatedTexts(ws, r[0].f), [`prod.ecm.yaml:${PROD_ID}`]);
  });
  it('no ECM access (false or absent), on `ecmAccess` or the account\'s name; both faults in one finding', () => {
    const off = only({ 'site.pa.yaml': account('ECM standby', 'ecmAccess: true', 'ecmAccess: false') }, 'ecm/api-account-no-ecm');
    assert.deepEqual(off.map((s) => s.text), ['false']);
    assert.match(off[0].message, /lacks "Endpoint Credential Manager API: Allow Access" \(`ecmAccess`\)/);
    const absent = only({ 'site.pa.yaml': account('ECM standby', 'ecmAccess: true, ', '') }, 'ecm/api-account-no-ecm');
    assert.deepEqual(absent.map((s) => s.text), ['ECM standby']);
    const both = only({ 'site.pa.yaml': (t) => account('ECM prod', 'ecmAccess: true', 'ecmAccess: false')(account('ECM prod', 'enabled: true', 'enabled: false')(t)) }, 'ecm/api-account-no-ecm');
    assert.equal(both.length, 1);
    assert.match(both[0].message, /is disabled and lacks .*enable the account and allow it Endpoint Credential Manager API access/);
  });
  it('two ECMs on one account: one finding for the account, naming both', () => {
    const ws = workspace({ 'standby.ecm.json': sub(STANDBY_ID, PROD_ID), 'site.pa.yaml': (t) => account('ECM prod', 'ipAddresses: [10.20.0.15]', 'ipAddresses: [10.20.0.15, 10.20.0.16]')(account('ECM prod', 'enabled: true', 'enabled: false')(t)) });
    const r = findings(ws, 'ecm/api-account-no-ecm');
    assert.equal(r.length, 1);
    assert.match(r[0].message, /ECMs `ecm-01` and `ecm-02` sign in with it/);
    assert.equal(r[0].f.related?.length, 2);
  });
});

describe('ecm/api-account-ip', () => {
  it('the ECM host outside the account\'s allow list: on the list in the PA file, not on the host (integration/ip-not-allowed is there)', () => {
    const edits = { 'prod.ecm.yaml': sub('host: 10.20.0.15', 'host: 10.20.0.77') };
    const { lines } = reported(edits);
    assert.deepEqual(lines.sort(), ['prod.ecm.yaml integration/ip-not-allowed 10.20.0.77', 'site.pa.yaml ecm/api-account-ip [10.20.0.15]'].sort());
    const ws = workspace(edits);
    const [f] = findings(ws, 'ecm/api-account-ip');
    assert.match(f.message, /API account `ECM prod` may only be used from `10\.20\.0\.15`, but ECM ecm-01 runs on 10\.20\.0\.77: the site refuses its sign-in\. In PA, add `10\.20\.0\.77`/);
    assert.deepEqual(relatedTexts(ws, f.f), ['prod.ecm.yaml:10.20.0.77']);
  });
  it('an empty list allows every address; CIDR ranges count; a host name is ecm/dynamic-host\'s', () => {
    assert.deepEqual(only({ 'site.pa.yaml': account('ECM prod', 'ipAddresses: [10.20.0.15]', 'ipAddresses: [10.20.0.0/24]'), 'prod.ecm.yaml': sub('host: 10.20.0.15', 'host: 10.20.0.77') }, 'ecm/api-account-ip'), []);
    assert.deepEqual(only({ 'site.pa.yaml': account('ECM prod', 'ipAddresses: [10.20.0.15]', 'ipAddresses: []'), 'prod.ecm.yaml': sub('host: 10.20.0.15', 'host: 10.20.0.77') }, 'ecm/api-account-ip'), []);
    assert.deepEqual(only({ 'prod.ecm.yaml': sub('host: 10.20.0.15', 'host: ecm01.corp.example.com') }, 'ecm/api-account-ip'), []);
  });
});

/** `n` more injection-enabled jump clients of jump group Servers, each with its Vault endpoint. */
function manyServers(n: number): Edit {
  const names = Array.from({ length: n }, (_, i) => `SRV${String(i).padStart(4, '0')}`);
  return {
    'site.pa.yaml': sub('\n# The ECMs sign in', `\n${names.map((x) => `  - { name: ${x}, hostname: ${x.toLowerCase()}, os: windows, credentialInjection: true, jumpGroup: Servers }`).join('\n')}\n\n# The ECMs sign in`),
    'corp.vault.yaml': sub(/(\nendpoints:\n)/, `$1${names.map((x) => `  - { name: ${x}, description: Server, type: Windows, network: LAN, ip: 10.9.0.1, groups: [] }`).join('\n')}\n`),
  };
}

describe('jumpgroup/no-ecm', () => {
  it('one finding on the jump group\'s ecmGroup for 1,200 jump clients, which it counts', () => {
    const edits = manyServers(1199);
    const pa = edits['site.pa.yaml'] as (t: string) => string;
    edits['site.pa.yaml'] = (t) => sub('{ name: Servers, ecmGroup: "1" }', '{ name: Servers, ecmGroup: "2" }')(pa(t));
    const { lines, messages } = reported(edits);
    assert.deepEqual(lines, ['site.pa.yaml jumpgroup/no-ecm "2"']);
    assert.match(messages[0], /^Jump group `Servers` sends its credential requests to ECM group 2, but no ECM of site support\.example\.com is in that group \(the ECMs' API accounts put them in `ECM group 1`\): its jump clients get no credentials\..* Affects 1,200 jump clients, e\.g\. `WEB02`\.$/);
  });
  it('a jump group without ecmGroup routes to the default group; only injection-enabled jump clients count', () => {
    const r = only({ 'site.pa.yaml': sub('{ name: Servers, ecmGroup: "1" }', '{ name: Servers }') }, 'jumpgroup/no-ecm');
    assert.deepEqual(r.map((s) => [s.text, !!s.f.rootOf]), [['Servers', true], ['Servers', false]]);
    assert.match(r[0].message, /to the default ECM group/);
    // Kiosks has only KIOSK-7, which has injection off: nothing to route.
    assert.deepEqual(only({ 'site.pa.yaml': sub('{ name: Kiosks, ecmGroup: "1" }', '{ name: Kiosks, ecmGroup: "5" }') }, 'jumpgroup/no-ecm'), []);
  });
  it('an ECM\'s client id mistyped for an account of that group: the ECM\'s api-account-unknown is the root, counting the jump clients', () => {
    const { lines, messages } = reported({
      'standby.ecm.json': sub(STANDBY_ID, STANDBY_ID.replace('0e8f', '0e9f')),
      'site.pa.yaml': (t) => account('ECM standby', 'ecmGroup: "1"', 'ecmGroup: "2"')(sub('{ name: Servers, ecmGroup: "1" }', '{ name: Servers, ecmGroup: "2" }')(t)),
    });
    assert.deepEqual(lines, [`standby.ecm.json ecm/api-account-unknown "${STANDBY_ID.replace('0e8f', '0e9f')}"`]);
    assert.match(messages[0], /Did you mean `0e8f3a91-.*Affects 1 jump client, e\.g\. `WEB02`\.$/);
  });
  it('is quiet without API accounts (the ECMs\' groups are unknown) and for the examples', () => {
    assert.deepEqual(only({ 'site.pa.yaml': (t) => sub(/\n# The ECMs sign in[\s\S]*$/, '\n')(sub('{ name: Servers, ecmGroup: "1" }', '{ name: Servers, ecmGroup: "2" }')(t)) }, 'jumpgroup/no-ecm'), []);
    assert.deepEqual(only({}, 'jumpgroup/no-ecm'), []);
  });
});

describe('ref/unknown: a jump client\'s jump group', () => {
  it('names an undeclared jump group: one finding with the near name, however many jump clients name it', () => {
    const r = only({ 'site.pa.yaml': sub('jumpGroup: Servers }', 'jumpGroup: Severs }') }, 'ref/unknown');
    assert.deepEqual(r.map((s) => s.text), ['Severs']);
    assert.match(r[0].message, /No jump group is named `Severs`: did you mean `Servers`\?/);
    assert.deepEqual(r[0].f.data, { replaceWith: 'Servers' });
    const edits = manyServers(3);
    const pa = edits['site.pa.yaml'] as (t: string) => string;
    edits['site.pa.yaml'] = (t) => pa(t).replaceAll('jumpGroup: Servers }', 'jumpGroup: Servrs }');
    const { lines, messages } = reported(edits);
    assert.deepEqual(lines, ['site.pa.yaml ref/unknown Servrs']);
    assert.match(messages[0], /Affects 4 references in all/);
  });
  it('is quiet when the PA file lists no jump groups', () => {
    assert.deepEqual(only({ 'site.pa.yaml': (t) => sub(/\njumpGroups:\n.*\n.*\n/, '\n')(t) }, 'ref/unknown'), []);
  });
});

describe('ecm/too-many counts per ECM group', () => {
  const copy = (i: number, id: string) => BASE['prod.ecm.yaml'].replace('name: ecm-01', `name: ecm-1${i}`).replace(PROD_ID, id);
  it('six ECMs of a site in two groups of three: none too many; without API accounts, per site', () => {
    const edits: Edit = { 'site.pa.yaml': account('ECM standby', 'ecmGroup: "1"', 'ecmGroup: "2"') };
    edits['a.ecm.yaml'] = copy(1, PROD_ID);
    edits['b.ecm.yaml'] = copy(2, PROD_ID);
    edits['c.ecm.yaml'] = copy(3, STANDBY_ID);
    edits['d.ecm.yaml'] = copy(4, STANDBY_ID);
    assert.deepEqual(only(edits, 'ecm/too-many'), []);
    const ungrouped = { ...edits, 'site.pa.yaml': sub(/\n# The ECMs sign in[\s\S]*$/, '\n') };
    const r = only(ungrouped, 'ecm/too-many');
    assert.equal(r.length, 6);
    assert.match(r[0].message, /6 ECMs name site support\.example\.com, but at most 5 may serve one site/);
  });
});
