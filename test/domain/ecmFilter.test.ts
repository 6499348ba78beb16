// The ECM's filter (domain/ecmFilter.ts): Include Unavailable Credentials and Enable Domain Matching, as
// the resolution, the code lens, the broker and the credential/domain-filtered rule all apply it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ecmFilter, ecmFilterSettings, type EcmFilterSettings } from '../../server/src/domain/ecmFilter';

const OFF: EcmFilterSettings = { includeUnavailable: false, domainMatching: false };
const INCLUDE: EcmFilterSettings = { includeUnavailable: true, domainMatching: false };
const MATCH: EcmFilterSettings = { includeUnavailable: false, domainMatching: true };
const BOTH: EcmFilterSettings = { includeUnavailable: true, domainMatching: true };
const JDOE = { provider: 'CORP', username: 'jdoe' };

describe('ecmFilterSettings', () => {
  it('turns a setting on only when it is true', () => {
    assert.deepEqual(ecmFilterSettings({ vault: { includeUnavailableCredentials: true, enableDomainMatching: true } }), BOTH);
    assert.deepEqual(ecmFilterSettings({ vault: { includeUnavailableCredentials: false } }), OFF);
    assert.deepEqual(ecmFilterSettings({ vault: { enableDomainMatching: 'true' as unknown as boolean } }), OFF);
    assert.deepEqual(ecmFilterSettings({}), OFF);
    assert.deepEqual(ecmFilterSettings(undefined), OFF);
  });
});

describe('ecmFilter: Include Unavailable Credentials', () => {
  it('keeps a credential nobody holds, available', () => {
    assert.deepEqual(ecmFilter(OFF, 'corp.example.com', { accessType: 'Shared' }, JDOE), { kept: true, available: true });
  });

  it('leaves out one another user holds while the setting is off', () => {
    const v = ecmFilter(OFF, undefined, { holder: 'CORP\\asmith' }, JDOE);
    assert.equal(v.kept, false);
    assert.ok(!v.kept && v.reason === 'held-by-other' && v.setting === 'includeUnavailableCredentials');
    assert.ok(!v.kept && /Include Unavailable Credentials is off/.test(v.because));
  });

  it('keeps it, unavailable, while the setting is on', () => {
    assert.deepEqual(ecmFilter(INCLUDE, undefined, { holder: 'CORP\\asmith' }, JDOE), { kept: true, available: false });
  });

  it('keeps a credential the asking user holds, available (any case, with or without the provider)', () => {
    for (const holder of ['CORP\\jdoe', 'corp\\JDOE', 'jdoe', ' JDoe ']) {
      assert.deepEqual(ecmFilter(OFF, undefined, { holder }, JDOE), { kept: true, available: true }, holder);
    }
  });

  it('counts a holder of the same name under another provider as another user', () => {
    assert.equal(ecmFilter(OFF, undefined, { holder: 'OTHER\\jdoe' }, JDOE).kept, false);
  });

  it('without a run-as user, any holder is someone else', () => {
    assert.equal(ecmFilter(OFF, undefined, { holder: 'jdoe' }).kept, false);
    assert.deepEqual(ecmFilter(INCLUDE, undefined, { holder: 'jdoe' }), { kept: true, available: false });
  });

  it('takes the Vault\'s word that a credential is unavailable, whoever it names as holder', () => {
    assert.equal(ecmFilter(OFF, undefined, { unavailable: true, holder: 'CORP\\jdoe' }, JDOE).kept, false);
    assert.deepEqual(ecmFilter(INCLUDE, undefined, { unavailable: true }, JDOE), { kept: true, available: false });
  });

  it('ignores an empty holder', () => {
    assert.deepEqual(ecmFilter(OFF, undefined, { holder: '' }, JDOE), { kept: true, available: true });
  });
});

describe('ecmFilter: Enable Domain Matching', () => {
  it('withholds a Restricted credential from another domain, naming both domains', () => {
    const v = ecmFilter(MATCH, 'corp.example.com', { accessType: 'Restricted', domain: 'lab.example.com' }, JDOE);
    assert.ok(!v.kept && v.reason === 'foreign-domain' && v.setting === 'enableDomainMatching');
    assert.ok(!v.kept && v.because === "from domain lab.example.com, not the Vault host's domain corp.example.com; Domain Matching is on, so the ECM withholds it");
  });

  it('compares domains and the access type without case or surrounding space', () => {
    assert.equal(ecmFilter(MATCH, 'corp.example.com', { accessType: 'restricted', domain: ' CORP.example.com ' }).kept, true);
    assert.equal(ecmFilter(MATCH, 'corp.example.com', { accessType: 'RESTRICTED', domain: 'lab' }).kept, false);
  });

  it('never withholds a Shared credential', () => {
    assert.equal(ecmFilter(MATCH, 'corp.example.com', { accessType: 'Shared', domain: 'lab.example.com' }).kept, true);
    assert.equal(ecmFilter(MATCH, 'corp.example.com', { domain: 'lab.example.com' }).kept, true);
  });

  it('withholds a Restricted credential with no domain, or when the Vault host has none', () => {
    const none = ecmFilter(MATCH, 'corp.example.com', { accessType: 'Restricted' });
    assert.ok(!none.kept && none.because.startsWith('from domain (none),'));
    const noVaultDomain = ecmFilter(MATCH, undefined, { accessType: 'Restricted', domain: 'corp.example.com' });
    assert.ok(!noVaultDomain.kept && /the Vault host's domain \(none\)/.test(noVaultDomain.because));
  });

  it('is not applied while the setting is off', () => {
    assert.deepEqual(ecmFilter(OFF, 'corp.example.com', { accessType: 'Restricted', domain: 'lab.example.com' }), { kept: true, available: true });
  });
});

describe('ecmFilter: both settings', () => {
  it('a held credential is left out for being held before its domain is looked at', () => {
    const v = ecmFilter(MATCH, 'corp', { accessType: 'Restricted', domain: 'lab', holder: 'asmith' }, JDOE);
    assert.ok(!v.kept && v.reason === 'held-by-other');
  });

  it('with Include Unavailable on, a held foreign Restricted credential is withheld for its domain', () => {
    const v = ecmFilter(BOTH, 'corp', { accessType: 'Restricted', domain: 'lab', holder: 'asmith' }, JDOE);
    assert.ok(!v.kept && v.reason === 'foreign-domain');
  });

  it('a held credential from the right domain is listed as unavailable', () => {
    assert.deepEqual(ecmFilter(BOTH, 'corp', { accessType: 'Restricted', domain: 'CORP', holder: 'asmith' }, JDOE), { kept: true, available: false });
  });
});
