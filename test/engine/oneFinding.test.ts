// docs/rules.md#one-mistake-one-finding, chain by chain on the examples: each mistake is reported once, at its
// root, which says how many items it affects and links the first; nothing is concluded from a file that does
// not parse; one finding per range. Each test fails without the mechanism it names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderForReport, settle, settleWorkspace, type Settled } from '../../server/src/engine/check';
import type { Finding } from '../../server/src/rules/types';
import { sub, workspace, type Edit } from '../support/editedExamples';

/** Errors and warnings as reported (hints and information are out of the Problems panel): `file line code`. */
function reported(edits: Edit): { all: Settled[]; lines: string[] } {
  const all = orderForReport(settleWorkspace(workspace(edits)));
  const lines = all.filter((s) => (s.diagnostic.severity ?? 1) <= 2)
    .map((s) => `${s.uri.replace('file:///ws/', '')}:${s.diagnostic.range.start.line + 1} ${s.diagnostic.code}`);
  return { all, lines };
}

describe('a file that does not parse is unknown to the cross-file rules', () => {
  it('a missing colon in the Vault file: its syntax error only, no PA user "not in Vault"', () => {
    const { lines, all } = reported({ 'corp.vault.yaml': sub('\nusers:\n', '\nusers\n') });
    assert.ok(lines.length >= 1 && lines.length <= 3, lines.join('\n'));
    assert.ok(lines.every((l) => l.startsWith('corp.vault.yaml:') && l.endsWith(' syntax')), lines.join('\n'));
    assert.match(String(all[0].diagnostic.message), /Until it parses, ecmkit draws no conclusion from this file/);
  });
  it('one space less before a list item of the Vault file: no user/no-checkout elsewhere, no raw parser words', () => {
    const { lines, all } = reported({ 'corp.vault.yaml': sub('  - name: Databases', ' - name: Databases') });
    assert.deepEqual(lines.filter((l) => !l.startsWith('corp.vault.yaml:')), []);
    assert.ok(lines.length <= 3, lines.join('\n'));
    for (const s of all) assert.doesNotMatch(String(s.diagnostic.message), /implicit map key|Implicit keys|compact mappings/);
  });
  it('an unclosed quote in the integration: no ecm/unknown-integration suggesting the rest of the file', () => {
    const { lines } = reported({ 'ecm.integration.yaml': sub('name: ecm-integration', 'name: "ecm-integration') });
    assert.deepEqual(lines.map((l) => l.split(' ')[1]), ['syntax']);
  });
  it('a mis-indented allowedIps item: no integration/ip-not-allowed', () => {
    const { lines } = reported({ 'ecm.integration.yaml': sub(/allowedIps:.*\n/, 'allowedIps:\n  - 10.20.0.15\n - 10.20.0.16\n') });
    assert.ok(!lines.some((l) => l.includes('ip-not-allowed')), lines.join('\n'));
  });
});

describe('a finding explained by another is counted in its root', () => {
  it('a mapping typo: one mapping/unknown-provider that counts the users it affects', () => {
    const { lines, all } = reported({ 'prod.ecm.yaml': sub('emea.corp.example.com=EMEA', 'emea.corp.example.com=EMAE') });
    assert.deepEqual(lines, ['prod.ecm.yaml:18 mapping/unknown-provider']);
    assert.match(String(all[0].diagnostic.message), /Affects 1 PA user, e\.g\. `asmith`\./);
    assert.equal(all[0].root, true);
    assert.match(all[0].diagnostic.relatedInformation![0].location.uri, /site\.pa\.yaml$/);
  });
  it('an invalid NetBIOS name: one finding on that range (not also unknown-provider), the users counted in it', () => {
    const { lines } = reported({ 'prod.ecm.yaml': sub('emea.corp.example.com=EMEA', 'emea.corp.example.com=EMEA_REGION_SERVERS') });
    assert.deepEqual(lines, ['prod.ecm.yaml:18 mapping/netbios-invalid']);
  });
  it('a renamed role: one finding on the renamed declaration, counting every reference', () => {
    const { lines, all } = reported({ 'corp.vault.yaml': sub('  - name: Rep\n', '  - name: Rpe\n') });
    assert.deepEqual(lines, ['corp.vault.yaml:10 ref/unknown']);
    assert.match(String(all[0].diagnostic.message), /`Rpe` is referred to nowhere, and `Rep` is referred to but declared nowhere.*Affects \d+ references/);
  });
  it('a renamed endpoint: one verdict, the jump client and the credentials counted in it', () => {
    const { lines, all } = reported({ 'corp.vault.yaml': sub('name: WEB01,', 'name: WEB-01,') });
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(String(all[0].diagnostic.message), /`WEB-01` is referred to nowhere, and `WEB01` is referred to/);
  });
  it('Domain Matching switched on: one warning on the switch, each credential a hint', () => {
    const { lines, all } = reported({
      'prod.ecm.yaml': sub('enableDomainMatching: false', 'enableDomainMatching: true'),
      'standby.ecm.json': sub('"enableDomainMatching": false', '"enableDomainMatching": true'),
      'corp.vault.yaml': sub('policy: Databases, domain: corp.example.com', 'policy: Databases, domain: emea.corp.example.com'),
    });
    assert.deepEqual(lines, ['prod.ecm.yaml:14 credential/domain-filtered']);
    assert.ok(all.some((s) => s.diagnostic.code === 'credential/domain-filtered' && s.diagnostic.severity === 4), 'the credential itself, as a hint');
  });
  it('without a root, the first of a cause is reported and counts the others (a name missing in several places)', () => {
    const f = (line: number, subject: string): Finding => ({ uri: 'file:///ws/a.vault.yaml', code: 'ref/unknown', range: { start: { line, character: 0 }, end: { line, character: 3 } }, message: 'No role is named `X`.', cause: { key: 'k', noun: 'reference', subject } });
    const out = settle([f(9, '`b`'), f(3, '`a`'), f(5, '`c`')]);
    assert.equal(out.length, 1);
    assert.equal(out[0].diagnostic.range.start.line, 3);
    assert.match(String(out[0].diagnostic.message), /Affects 3 references in all, e\.g\. `c`\./);
  });
  it('a root turned off by the user roots nothing: its dependents are reported', () => {
    const root: Finding = { uri: 'file:///ws/p.ecm.yaml', code: 'mapping/unknown-provider', range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } }, message: 'm', rootOf: 'k' };
    const dep: Finding = { uri: 'file:///ws/s.pa.yaml', code: 'user/not-in-vault', range: { start: { line: 2, character: 0 }, end: { line: 2, character: 4 } }, message: 'u', cause: { key: 'k', noun: 'PA user', subject: '`u`' } };
    assert.deepEqual(settle([root, dep], { 'mapping/unknown-provider': 'off' }).map((s) => s.diagnostic.code), ['user/not-in-vault']);
    assert.deepEqual(settle([root, dep]).map((s) => s.diagnostic.code), ['mapping/unknown-provider']);
  });
});

describe('one finding per range', () => {
  it('authentication: password is integration/auth-type only (not also schema/type)', () => {
    const { lines } = reported({ 'ecm.integration.yaml': sub('authentication: application', 'authentication: password') });
    assert.deepEqual(lines, ['ecm.integration.yaml:5 integration/auth-type']);
  });
});

describe('messages that match the value and sit where the user edited', () => {
  it('status: active (lower case) is not called active', () => {
    const { all } = reported({ 'ecm.integration.yaml': sub('status: Active', 'status: active') });
    const msgs = all.map((s) => String(s.diagnostic.message));
    assert.equal(msgs.length, 1, msgs.join('\n'));
    assert.match(msgs[0], /`active`, which is not `Active` \(the status is case-sensitive\)/);
  });
  it('an email changed in the PA file is flagged in the PA file too', () => {
    const { lines } = reported({ 'site.pa.yaml': sub('email: jdoe@example.com', 'email: jdoe@example.org') });
    assert.ok(lines.some((l) => l.startsWith('site.pa.yaml:') && l.endsWith('user/email-mismatch')), lines.join('\n'));
  });
  it('ref/unknown and endpoint/not-in-vault agree on the near name', () => {
    // Only the jump client names the old name (no credential does): its own finding, with the same suggestion.
    const { all } = reported({ 'corp.vault.yaml': sub('{ name: WEB02,', '{ name: WEB-02,'), 'site.pa.yaml': (t) => t });
    const jc = all.find((s) => s.diagnostic.code === 'endpoint/not-in-vault' || s.diagnostic.code === 'endpoint/name-mismatch');
    if (jc) assert.doesNotMatch(String(jc.diagnostic.message), /nor any similar name/);
  });
});
