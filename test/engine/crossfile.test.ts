import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkWorkspace, diagnoseWorkspace } from '../../server/src/engine/check';
import { Workspace } from '../../server/src/model/workspace';
import type { Finding } from '../../server/src/rules/types';
import { textAt } from '../support/fixtures';
import { BASE, sub, workspace, type Edit } from '../support/editedExamples';

interface Seen { file: string; code: string; text: string; message: string; f: Finding }

function crossFindings(ws: Workspace): Seen[] {
  const out: Seen[] = [];
  for (const [uri, list] of checkWorkspace(ws)) {
    const file = ws.get(uri)!;
    for (const f of list) out.push({ file: uri.replace('file:///ws/', ''), code: f.code, text: textAt(file, f.range), message: f.message, f });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.f.range.start.line - b.f.range.start.line);
}

function only(edits: Edit, code: string): Seen[] {
  return crossFindings(workspace(edits)).filter((s) => s.code === code);
}

/** Where a related entry points: `file:text`. */
function relatedTexts(ws: Workspace, f: Finding): string[] {
  return (f.related ?? []).map((r) => `${r.uri.replace('file:///ws/', '')}:${textAt(ws.get(r.uri)!, r.range)}`);
}

describe('cross-file rules: examples', () => {
  it('produce no cross-file finding', () => {
    assert.deepEqual(crossFindings(workspace()).map((s) => `${s.file} ${s.code} ${s.text}`), []);
  });
  it('every diagnostic of the examples workspace is empty', () => {
    for (const [uri, d] of diagnoseWorkspace(workspace())) assert.deepEqual(d, [], uri);
  });
});

describe('integration/inactive', () => {
  it('fires on the status value, related to the ECMs using it', () => {
    const ws = workspace({ 'ecm.integration.yaml': sub('status: Active', 'status: Inactive') });
    const [f, ...rest] = crossFindings(ws).filter((s) => s.code === 'integration/inactive');
    assert.equal(rest.length, 0);
    assert.equal(f.text, 'Inactive');
    assert.match(f.message, /Set `status: Active`/);
    assert.deepEqual(relatedTexts(ws, f.f), ['prod.ecm.yaml:ecm-integration', 'standby.ecm.json:"ecm-integration"']);
  });
  it('is quiet for Active', () => assert.deepEqual(only({}, 'integration/inactive'), []));
});

describe('integration/auth-type', () => {
  it('fires on a windows integration', () => {
    const r = only({ 'ecm.integration.yaml': sub('authentication: application', 'authentication: windows') }, 'integration/auth-type');
    assert.deepEqual(r.map((s) => s.text), ['windows']);
  });
  it('is quiet without the field and with application', () => {
    assert.deepEqual(only({ 'ecm.integration.yaml': sub(/^authentication: .*\n/m, '') }, 'integration/auth-type'), []);
    assert.deepEqual(only({}, 'integration/auth-type'), []);
  });
});

describe('integration/ip-not-allowed', () => {
  it('fires on the ECM host missing from allowedIps, related to the list', () => {
    const ws = workspace({ 'ecm.integration.yaml': sub('  - 10.20.0.16      # ecm-02\n', '') });
    const r = crossFindings(ws).filter((s) => s.code === 'integration/ip-not-allowed');
    assert.deepEqual(r.map((s) => [s.file, s.text]), [['standby.ecm.json', '"10.20.0.16"']]);
    assert.deepEqual(relatedTexts(ws, r[0].f), ['ecm.integration.yaml:allowedIps']);
    assert.match(r[0].message, /Add `10\.20\.0\.16` to allowedIps/);
  });
  it('accepts CIDR ranges (IPv4 and IPv6)', () => {
    const cidr = sub(/allowedIps:\n(  - .*\n)+/, 'allowedIps: [10.20.0.0/24, "fd00:20::/64"]\n');
    assert.deepEqual(only({ 'ecm.integration.yaml': cidr }, 'integration/ip-not-allowed'), []);
    const v6 = only({ 'ecm.integration.yaml': cidr, 'prod.ecm.yaml': sub('host: 10.20.0.15', 'host: "fd00:20::15"') }, 'integration/ip-not-allowed');
    assert.deepEqual(v6, []);
    const outside = only({ 'ecm.integration.yaml': cidr, 'prod.ecm.yaml': sub('host: 10.20.0.15', 'host: "fd00:21::15"') }, 'integration/ip-not-allowed');
    assert.deepEqual(outside.map((s) => s.text), ['"fd00:21::15"']);
  });
  it('an empty list allows nothing', () => {
    const r = only({ 'ecm.integration.yaml': sub(/allowedIps:\n(  - .*\n)+/, 'allowedIps: []\n') }, 'integration/ip-not-allowed');
    assert.equal(r.length, 2);
    assert.match(r[0].message, /the list is empty/);
  });
});

describe('ecm/dynamic-host', () => {
  it('fires on a DNS name and on a missing host', () => {
    assert.deepEqual(only({ 'prod.ecm.yaml': sub('host: 10.20.0.15', 'host: ecm01.corp.example.com') }, 'ecm/dynamic-host').map((s) => s.text), ['ecm01.corp.example.com']);
    const missing = only({ 'prod.ecm.yaml': sub(/^host: .*\n/m, '') }, 'ecm/dynamic-host');
    assert.deepEqual(missing.map((s) => s.text), ['name']);
    assert.match(missing[0].message, /no `host`/);
  });
  it('is quiet for IP literals', () => assert.deepEqual(only({}, 'ecm/dynamic-host'), []));
});

describe('ecm/too-many', () => {
  const ecm = (i: number) => BASE['prod.ecm.yaml'].replace('name: ecm-01', `name: ecm-1${i}`);
  it('fires on every ECM of an ECM group with six (the examples\' PA file says the groups)', () => {
    const edits: Edit = {};
    for (let i = 0; i < 4; i++) edits[`extra${i}.ecm.yaml`] = ecm(i);
    const r = only(edits, 'ecm/too-many');
    assert.equal(r.length, 6);
    assert.ok(r.every((s) => s.text === 'support.example.com' || s.text === '"support.example.com"'));
    assert.match(r[0].message, /6 ECMs are in ECM group 1 of site support\.example\.com .*remove 1/);
  });
  it('allows five, and counts sites apart (case and URL form do not make a new site)', () => {
    const edits: Edit = {};
    for (let i = 0; i < 3; i++) edits[`extra${i}.ecm.yaml`] = ecm(i);
    assert.deepEqual(only(edits, 'ecm/too-many'), []);
    edits['other.ecm.yaml'] = ecm(7).replace('site: support.example.com', 'site: other.example.com');
    assert.deepEqual(only(edits, 'ecm/too-many'), []);
    edits['same.ecm.yaml'] = ecm(8).replace('site: support.example.com', 'site: https://Support.Example.com');
    assert.equal(only(edits, 'ecm/too-many').length, 6);
  });
});

describe('ECM names are unique in the workspace (schema/type)', () => {
  it('fires on both files of a copied ECM that kept its name, each pointing at the other', () => {
    const ws = workspace({ 'copy.ecm.yaml': BASE['prod.ecm.yaml'].replace('name: ecm-01', 'name: ECM-01') });
    const r = crossFindings(ws).filter((s) => s.code === 'schema/type');
    assert.deepEqual(r.map((s) => `${s.file} ${s.text}`), ['copy.ecm.yaml ECM-01', 'prod.ecm.yaml ecm-01']);
    assert.match(r[1].message, /ECM name `ecm-01` is used by 1 other ECM file; each ECM needs a name of its own/);
    assert.deepEqual(relatedTexts(ws, r[1].f), ['copy.ecm.yaml:ECM-01']);
  });
  it('is quiet for distinct names (the examples\' ecm-01 and ecm-02)', () => {
    assert.deepEqual(only({}, 'schema/type'), []);
  });
});

describe('ecm/unknown-integration', () => {
  it('fires with a suggestion', () => {
    const r = only({ 'prod.ecm.yaml': sub('integration: ecm-integration', 'integration: ecm-integratoin') }, 'ecm/unknown-integration');
    assert.deepEqual(r.map((s) => s.text), ['ecm-integratoin']);
    assert.match(r[0].message, /did you mean `ecm-integration`/);
    assert.deepEqual(r[0].f.data, { replaceWith: 'ecm-integration' });
  });
  it('is quiet when no integration is described at all (a file checked alone)', () => {
    assert.deepEqual(only({ 'ecm.integration.yaml': null }, 'ecm/unknown-integration'), []);
  });
  it('concludes nothing from an integration file that does not parse (an unclosed quote ran over the rest of it)', () => {
    const ws = workspace({ 'ecm.integration.yaml': sub('name: ecm-integration', 'name: "ecm-integration') });
    assert.deepEqual(crossFindings(ws).map((s) => s.code), [], 'no finding elsewhere: the integration is unknown until it parses');
  });
  it('quotes names on one short line', () => {
    const r = only({ 'prod.ecm.yaml': sub('integration: ecm-integration', 'integration: "ecm-integration\\nand more text"') }, 'ecm/unknown-integration');
    assert.ok(r.length > 0);
    for (const f of r) assert.ok(!f.message.includes('\n') && f.message.length < 300, f.message);
  });
  it('names the integrations that exist when none is close', () => {
    const r = only({ 'prod.ecm.yaml': sub('integration: ecm-integration', 'integration: something-else') }, 'ecm/unknown-integration');
    assert.match(r[0].message, /the workspace has `ecm-integration`/);
  });
});

describe('ecm/shared-key-mismatch', () => {
  it('fires when the references differ, related to the credential', () => {
    const ws = workspace({ 'prod.ecm.yaml': sub('sharedKey: ${secret:vault.sharedKey}', 'sharedKey: ${secret:other.key}') });
    const r = crossFindings(ws).filter((s) => s.code === 'ecm/shared-key-mismatch');
    assert.deepEqual(r.map((s) => s.text), ['${secret:other.key}']);
    assert.deepEqual(relatedTexts(ws, r[0].f), ['ecm.integration.yaml:${secret:vault.sharedKey}']);
  });
  it('compares literals without ever printing them', () => {
    const r = only({
      'prod.ecm.yaml': sub('sharedKey: ${secret:vault.sharedKey}', 'sharedKey: s3cret-one'),
      'ecm.integration.yaml': sub('authenticationCredential: ${secret:vault.sharedKey}', 'authenticationCredential: s3cret-two'),
    }, 'ecm/shared-key-mismatch');
    assert.equal(r.length, 1);
    assert.ok(!/s3cret/.test(r[0].message));
    assert.deepEqual(only({
      'prod.ecm.yaml': sub('sharedKey: ${secret:vault.sharedKey}', 'sharedKey: same-literal'),
      'ecm.integration.yaml': sub('authenticationCredential: ${secret:vault.sharedKey}', 'authenticationCredential: same-literal'),
    }, 'ecm/shared-key-mismatch'), []);
  });
});

describe('ecm/vault-hostname-mismatch', () => {
  it('fires on another host, related to the inventory hostname', () => {
    const ws = workspace({ 'prod.ecm.yaml': sub('hostname: https://vault.example.com', 'hostname: https://vault2.example.com') });
    const r = crossFindings(ws).filter((s) => s.code === 'ecm/vault-hostname-mismatch');
    assert.deepEqual(r.map((s) => s.text), ['https://vault2.example.com']);
    assert.deepEqual(relatedTexts(ws, r[0].f), ['corp.vault.yaml:https://vault.example.com']);
  });
  it('ignores case and a trailing slash', () => {
    assert.deepEqual(only({ 'prod.ecm.yaml': sub('hostname: https://vault.example.com', 'hostname: https://VAULT.example.com/') }, 'ecm/vault-hostname-mismatch'), []);
  });
});

describe('mapping/unknown-provider', () => {
  it('fires on a mapping target and the default provider', () => {
    const r = only({ 'prod.ecm.yaml': (t) => sub('corp.example.com=CORP', 'corp.example.com=CROP')(t).replace('defaultSecurityProvider: CORP', 'defaultSecurityProvider: LOCALS') }, 'mapping/unknown-provider');
    assert.deepEqual(r.map((s) => s.text).sort(), ['CROP', 'LOCALS']);
    assert.match(r.find((s) => s.text === 'CROP')!.message, /did you mean `CORP`/);
  });
  it('fires in a JSON list of mappings, at the NetBIOS part', () => {
    const r = only({ 'standby.ecm.json': sub('"emea.corp.example.com=EMEA"', '"emea.corp.example.com=EMEA2"') }, 'mapping/unknown-provider');
    assert.deepEqual(r.map((s) => s.text), ['EMEA2']);
  });
  it('compares case-insensitively, as Vault does', () => {
    assert.deepEqual(only({ 'prod.ecm.yaml': sub('corp.example.com=CORP', 'corp.example.com=corp') }, 'mapping/unknown-provider'), []);
  });
});

describe('mapping/unmapped-domain', () => {
  it('fires once per domain on the PA provider, naming the ECMs that lack it', () => {
    const ws = workspace({ 'prod.ecm.yaml': sub('    emea.corp.example.com=EMEA\n', '') });
    const r = crossFindings(ws).filter((s) => s.code === 'mapping/unmapped-domain');
    assert.deepEqual(r.map((s) => [s.file, s.text]), [['site.pa.yaml', 'emea.corp.example.com']]);
    assert.match(r[0].message, /ECM `ecm-01` has no mapping/);
    assert.match(r[0].message, /Add `emea\.corp\.example\.com=EMEA`/);
    assert.deepEqual(relatedTexts(ws, r[0].f), ['prod.ecm.yaml:securityProviderMappings', 'site.pa.yaml:asmith']);
    assert.deepEqual(r[0].f.data, { fqdn: 'emea.corp.example.com', netbios: 'EMEA', ecmUris: ['file:///ws/prod.ecm.yaml'] });
  });
  it('says when the NetBIOS name it suggests is not a Vault provider yet (the mapping alone would not do)', () => {
    const r = only({
      'site.pa.yaml': (t) => sub('  - { name: local, type: local }', '  - { name: local, type: local }\n  - { name: apac.corp.example.com, type: activeDirectory }')(t).replace('securityProvider: corp.example.com }', 'securityProvider: apac.corp.example.com }'),
    }, 'mapping/unmapped-domain');
    assert.match(r[0].message, /Add `apac\.corp\.example\.com=APAC` to securityProviderMappings\. The Vault has no provider APAC yet: add it to the Vault inventory's securityProviders too/);
    const known = only({ 'prod.ecm.yaml': sub('    emea.corp.example.com=EMEA\n', '') }, 'mapping/unmapped-domain');
    assert.doesNotMatch(known[0].message, /has no provider/);
  });
  it('does not ask local users for a mapping', () => {
    assert.deepEqual(only({ 'prod.ecm.yaml': (t) => sub('    corp.example.com=CORP\n', '')(t).replace('    emea.corp.example.com=EMEA\n', '') }, 'mapping/unmapped-domain').map((s) => s.text), ['corp.example.com', 'emea.corp.example.com']);
  });
});

describe('endpoint/name-mismatch', () => {
  it('case variant', () => {
    const ws = workspace({ 'site.pa.yaml': sub('- { name: WEB01,', '- { name: web01,') });
    const r = crossFindings(ws).filter((s) => s.code === 'endpoint/name-mismatch');
    assert.deepEqual(r.map((s) => s.text), ['web01']);
    assert.deepEqual(relatedTexts(ws, r[0].f), ['corp.vault.yaml:WEB01']);
    assert.match(r[0].message, /Rename the Vault endpoint \(and the credentials that list it\) to `web01`, or the jump client to `WEB01`/);
  });
  it('NetBIOS in PA, FQDN in Vault', () => {
    const r = only({ 'site.pa.yaml': sub('- { name: db01.corp.example.com,', '- { name: DB01,') }, 'endpoint/name-mismatch');
    assert.deepEqual(r.map((s) => s.text), ['DB01']);
    assert.equal(r[0].f.data?.endpoint, 'db01.corp.example.com');
  });
  it('FQDN in PA, NetBIOS in Vault', () => {
    const r = only({ 'site.pa.yaml': sub('- { name: WEB02,', '- { name: web02.corp.example.com,') }, 'endpoint/name-mismatch');
    assert.deepEqual(r.map((s) => [s.text, s.f.data?.endpoint]), [['web02.corp.example.com', 'WEB02']]);
  });
  it('through the jump client hostname, and a whitespace variant', () => {
    const byHost = only({ 'site.pa.yaml': sub('- { name: WEB02, hostname: web02.corp.example.com', '- { name: Web front 2, hostname: web02.corp.example.com') }, 'endpoint/name-mismatch');
    assert.deepEqual(byHost.map((s) => s.f.data?.endpoint), ['WEB02']);
    const space = only({ 'site.pa.yaml': sub('- { name: WEB02,', '- { name: "WEB 02",') }, 'endpoint/name-mismatch');
    assert.deepEqual(space.map((s) => s.text), ['"WEB 02"']);
  });
  it('is quiet for Vault Go!, for exact names, and without injection', () => {
    assert.deepEqual(only({ 'site.pa.yaml': sub('- { name: WEB01,', '- { name: web01,'), 'corp.vault.yaml': sub('edition: standard', 'edition: go') }, 'endpoint/name-mismatch'), []);
    assert.deepEqual(only({}, 'endpoint/name-mismatch'), []);
    assert.deepEqual(only({ 'site.pa.yaml': sub('- { name: WEB01, hostname: web01.corp.example.com, os: windows, credentialInjection: true }', '- { name: web01, os: windows, credentialInjection: false }') }, 'endpoint/name-mismatch'), []);
  });
});

describe('endpoint/not-in-vault', () => {
  it('fires for an injection-enabled jump client with no similar endpoint', () => {
    const ws = workspace({ 'site.pa.yaml': sub('credentialInjection: false', 'credentialInjection: true') });
    const r = crossFindings(ws).filter((s) => s.code === 'endpoint/not-in-vault');
    assert.deepEqual(r.map((s) => s.text), ['KIOSK-7']);
    assert.deepEqual(relatedTexts(ws, r[0].f), ['corp.vault.yaml:endpoints']);
  });
  it('treats a missing credentialInjection as on (the schema default)', () => {
    assert.equal(only({ 'site.pa.yaml': sub(', credentialInjection: false', '') }, 'endpoint/not-in-vault').length, 1);
  });
  it('is quiet for Vault Go!, and when no Vault is described', () => {
    const on = sub('credentialInjection: false', 'credentialInjection: true');
    assert.deepEqual(only({ 'site.pa.yaml': on, 'corp.vault.yaml': sub('edition: standard', 'edition: go') }, 'endpoint/not-in-vault'), []);
    assert.deepEqual(only({ 'site.pa.yaml': on, 'corp.vault.yaml': null }, 'endpoint/not-in-vault'), []);
  });
});

describe('user/not-in-vault', () => {
  it('fires for a PA user Vault lacks, naming the run-as identity', () => {
    const r = only({ 'site.pa.yaml': sub('username: bwayne', 'username: zed') }, 'user/not-in-vault');
    assert.deepEqual(r.map((s) => s.text), ['zed']);
    assert.match(r[0].message, /signs in as CORP\\zed/);
  });
  it('fires when Vault has the username only under another provider than the mapping gives', () => {
    const r = only({ 'corp.vault.yaml': sub('{ username: asmith, fullName: Alex Smith, status: Active, securityProvider: EMEA', '{ username: asmith, fullName: Alex Smith, status: Active, securityProvider: CORP') }, 'user/not-in-vault');
    assert.deepEqual(r.map((s) => s.text), ['asmith']);
    assert.match(r[0].message, /EMEA\\asmith.*only has `CORP\\asmith`/);
  });
  it('matches usernames case-insensitively', () => {
    assert.deepEqual(only({ 'site.pa.yaml': sub('username: jdoe', 'username: JDoe') }, 'user/not-in-vault'), []);
  });
});

describe('user/inactive', () => {
  it('fires on the Vault user status, related to the PA user', () => {
    const ws = workspace({ 'corp.vault.yaml': sub('{ username: jdoe, fullName: Jane Doe, status: Active', '{ username: jdoe, fullName: Jane Doe, status: Inactive') });
    const r = crossFindings(ws).filter((s) => s.code === 'user/inactive');
    assert.deepEqual(r.map((s) => [s.file, s.text]), [['corp.vault.yaml', 'Inactive']]);
    assert.deepEqual(relatedTexts(ws, r[0].f), ['site.pa.yaml:jdoe']);
  });
  it('is quiet for inactive Vault users PA does not use', () => {
    const extra = sub('users:\n', 'users:\n  - { username: old, status: Inactive, securityProvider: CORP }\n');
    assert.deepEqual(only({ 'corp.vault.yaml': extra }, 'user/inactive'), []);
  });
});

describe('user/email-mismatch', () => {
  it('fires on the Vault email', () => {
    const r = only({ 'corp.vault.yaml': sub('email: jdoe@example.com', 'email: jane@example.com') }, 'user/email-mismatch');
    // Both sides say it: either may be the one to change, and the line the user edited must show it.
    assert.deepEqual(r.map((s) => [s.file, s.text]), [['corp.vault.yaml', 'jane@example.com'], ['site.pa.yaml', 'jdoe@example.com']]);
    assert.deepEqual(r[0].f.data, { replaceWith: 'jdoe@example.com' });
    assert.match(r[1].message, /PA user `jdoe` has email `jdoe@example.com`, Vault has `jane@example.com`/);
  });
  it('ignores case', () => {
    assert.deepEqual(only({ 'corp.vault.yaml': sub('email: jdoe@example.com', 'email: JDoe@Example.com') }, 'user/email-mismatch'), []);
  });
});

describe('user/no-checkout', () => {
  it('fires for a user no policy grants checkout (no direct, group or role grant)', () => {
    const r = only({ 'corp.vault.yaml': sub('{ username: bwayne, fullName: Bruce Wayne, status: Active, securityProvider: CORP,\n      roles: [Rep]', '{ username: bwayne, fullName: Bruce Wayne, status: Active, securityProvider: CORP,\n      roles: []') }, 'user/no-checkout');
    assert.deepEqual(r.map((s) => s.text), ['bwayne']);
  });
  it('counts a direct user grant, a group grant and a role grant', () => {
    const noRole = sub('roles: [Rep], groups: [], email: bwayne', 'roles: [], groups: [], email: bwayne');
    const direct = (t: string) => noRole(t).replace('      - { principal: "role:Rep", actions: [checkout] }', '      - { principal: "user:bwayne", actions: [checkout] }');
    assert.deepEqual(only({ 'corp.vault.yaml': direct }, 'user/no-checkout'), []);
    const group = (t: string) => noRole(t).replace('roles: [], groups: [], email: bwayne', 'roles: [], groups: [Support], email: bwayne');
    assert.deepEqual(only({ 'corp.vault.yaml': group }, 'user/no-checkout'), []);
    // A role held through a group: Database team holds DBA, which the Databases policy grants.
    const viaGroupRole = (t: string) => noRole(t).replace('roles: [], groups: [], email: bwayne', 'roles: [], groups: [Database team], email: bwayne');
    assert.deepEqual(only({ 'corp.vault.yaml': viaGroupRole }, 'user/no-checkout'), []);
  });
  it('a grant without checkout, or on credentials the ECM never returns, does not count', () => {
    const modifyOnly = (t: string) => t.replace('roles: [Rep], groups: [], email: bwayne', 'roles: [DBA], groups: [], email: bwayne').replace('{ principal: "role:DBA", actions: [checkout, modify] }', '{ principal: "role:DBA", actions: [modify] }');
    assert.deepEqual(only({ 'corp.vault.yaml': modifyOnly }, 'user/no-checkout').map((s) => s.text), ['bwayne']);
  });
});

describe('credential/no-endpoint', () => {
  it('fires on a Restricted credential without endpoints', () => {
    const r = only({ 'corp.vault.yaml': sub('endpoints: [WEB01], endpointGroups: []', 'endpoints: [], endpointGroups: []') }, 'credential/no-endpoint');
    assert.deepEqual(r.map((s) => s.text), ['Restricted']);
    assert.match(r[0].message, /web01-admin/);
  });
  it('is quiet for Shared credentials, for group assignments and on Vault Go!', () => {
    assert.deepEqual(only({}, 'credential/no-endpoint'), []);
    const none = sub('endpoints: [WEB01], endpointGroups: []', 'endpoints: [], endpointGroups: []');
    assert.deepEqual(only({ 'corp.vault.yaml': (t) => none(t).replace('edition: standard', 'edition: go') }, 'credential/no-endpoint'), []);
  });
});

describe('credential/domain-filtered', () => {
  it('fires under Domain Matching for a Restricted credential of another domain', () => {
    const ws = workspace({
      'prod.ecm.yaml': sub('enableDomainMatching: false', 'enableDomainMatching: true'),
      'corp.vault.yaml': sub('policy: Databases, domain: corp.example.com', 'policy: Databases, domain: emea.corp.example.com'),
    });
    const r = crossFindings(ws).filter((s) => s.code === 'credential/domain-filtered');
    // One switch, one finding: the root on the switch, each credential as its detail.
    assert.deepEqual(r.map((s) => [s.file, s.text]), [['corp.vault.yaml', 'emea.corp.example.com'], ['prod.ecm.yaml', 'true']]);
    assert.deepEqual(relatedTexts(ws, r[0].f), ['prod.ecm.yaml:true', 'corp.vault.yaml:corp.example.com']);
    const shown = diagnoseWorkspace(ws);
    const onSwitch = shown.get(r[1].f.uri)!.filter((d) => d.code === 'credential/domain-filtered');
    assert.equal(onSwitch.length, 1);
    assert.equal(onSwitch[0].severity, 2);
    assert.match(String(onSwitch[0].message), /Affects 1 Restricted credential, e\.g\. `db01-sa`/);
    assert.deepEqual(shown.get(r[0].f.uri)!.filter((d) => d.code === 'credential/domain-filtered').map((d) => d.severity), [4], 'the credential itself: a hint');
  });
  it('is quiet with Domain Matching off, and for Shared credentials', () => {
    assert.deepEqual(only({ 'corp.vault.yaml': sub('policy: Databases, domain: corp.example.com', 'policy: Databases, domain: emea.corp.example.com') }, 'credential/domain-filtered'), []);
    assert.deepEqual(only({
      'prod.ecm.yaml': sub('enableDomainMatching: false', 'enableDomainMatching: true'),
      'corp.vault.yaml': sub('policy: Helpdesk, domain: corp.example.com', 'policy: Helpdesk, domain: other.example.com'),
    }, 'credential/domain-filtered'), []);
  });
});

describe('ref/unknown', () => {
  it('fires on each undefined policy, endpoint, group, role and provider with a suggestion', () => {
    const r = only({
      'corp.vault.yaml': (t) => t
        .replace('policy: Databases, domain', 'policy: Database, domain')
        .replace('endpoints: [WEB01], endpointGroups: []', 'endpoints: [web01], endpointGroups: []')
        .replace('endpointGroups: [Web servers], description: Deployment', 'endpointGroups: [Web server], description: Deployment')
        .replace('roles: [Rep], groups: [Support]', 'roles: [Repp], groups: [Suport]')
        .replace('"group:Database team"', '"group:Database teams"')
        .replace('securityProvider: EMEA,', 'securityProvider: EMEAA,'),
      'site.pa.yaml': sub('securityProvider: emea.corp.example.com }', 'securityProvider: emea.corp.exampel.com }'),
    }, 'ref/unknown');
    assert.deepEqual(r.map((s) => [s.file, s.text, s.f.data?.replaceWith]), [
      ['corp.vault.yaml', 'Repp', 'Rep'],
      ['corp.vault.yaml', 'Suport', 'Support'],
      ['corp.vault.yaml', 'EMEAA', 'EMEA'],
      ['corp.vault.yaml', 'Database teams', 'Database team'],
      ['corp.vault.yaml', 'web01', 'WEB01'],
      ['corp.vault.yaml', 'Web server', 'Web servers'],
      ['corp.vault.yaml', 'Database', 'Databases'],
      ['site.pa.yaml', 'emea.corp.exampel.com', 'emea.corp.example.com'],
    ]);
  });
  it('resolves names across split Vault files', () => {
    const vault = BASE['corp.vault.yaml'];
    const cut = vault.indexOf('credentialPolicies:');
    const head = vault.slice(0, cut), tail = 'hostname: https://vault.example.com\n' + vault.slice(cut);
    assert.deepEqual(crossFindings(workspace({ 'corp.vault.yaml': head, 'creds.vault.yaml': tail })).map((s) => s.code), []);
  });
  it('a principal naming no user is reported at the name only', () => {
    const r = only({ 'corp.vault.yaml': sub('"role:Rep", actions: [checkout]', '"user:nobody", actions: [checkout]') }, 'ref/unknown');
    assert.deepEqual(r.map((s) => s.text), ['nobody']);
  });
});
