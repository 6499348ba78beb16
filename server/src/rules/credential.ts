import { crossIndex } from '../domain/crossIndex';
import { Memo } from '../domain/memo';
import { vaultUrlKey } from './ecm';
import { domainMatching } from './causes';
import type { VaultCredential } from '../model/inventory';
import type { Entry } from '../model/workspace';
import { isRestricted } from '../domain/permissions';
import { ecmFilter, ecmFilterSettings } from '../domain/ecmFilter';
import { eachItem, has, names, relatedAt, str } from './crossHelpers';
import type { Related, WorkspaceRule } from './types';

/** Indexes of Restricted credentials with no endpoint and no group; cached on the credentials list. */
const unassigned = new Memo<number[]>();

function unassignedRestricted(creds: unknown[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < creds.length; i++) {
    const c = creds[i] as VaultCredential | null;
    if (c && typeof c === 'object' && !nonEmpty(c.endpoints) && !nonEmpty(c.endpointGroups) && isRestricted(c)) out.push(i);
  }
  return out;
}

function nonEmpty(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] === 'string' && v[i].trim()) return true;
  return false;
}

/** `credential/no-endpoint`: a Restricted credential is only returned for its endpoints; with none it is never returned. */
export const credentialEndpointRule: WorkspaceRule = {
  reads: ['vault'],
  check(ws, report) {
    for (const vault of crossIndex(ws).endpointVaults) {
      const creds = Array.isArray(vault.value.credentials) ? vault.value.credentials : [];
      for (const i of unassigned.get(creds, [], () => unassignedRestricted(creds))) {
        const c = creds[i] as VaultCredential;
        report({
          uri: vault.file.uri,
          code: 'credential/no-endpoint',
          range: vault.file.rangeAt(['credentials', i, 'accessType']),
          message: `Restricted credential \`${str(c.name) ?? `#${i + 1}`}\` is assigned to no endpoint or endpoint group, so the ECM never returns it: list its endpoints in \`endpoints\` (or groups in \`endpointGroups\`), or make it Shared.`,
        });
      }
    }
  },
};

/**
 * `credential/domain-filtered`: with Domain Matching on, the ECM withholds a Restricted credential whose
 * domain is not the Vault host's own. Reported once per credential, naming every ECM that filters it.
 */
export const credentialDomainRule: WorkspaceRule = {
  reads: ['vault', 'ecm'],
  check(ws, report) {
    const index = crossIndex(ws);
    const matching = index.ecms.filter((e) => ecmFilterSettings(e.value).domainMatching);
    if (!matching.length) return;
    for (const vault of index.vaults) {
      const domain = str(vault.value.domain)?.trim().toLowerCase();
      if (!domain) continue;
      const ecms = matching.filter((e) => servesVault(e, vault, index.vaults.length));
      if (!ecms.length) continue;
      let related: Related[] | undefined; // built on the first report (a range in a large file costs its line table)
      const relatedOnce = (): Related[] => (related ??= [
        ...ecms.map((e) => relatedAt(e.file, ['vault', 'enableDomainMatching'], `Domain Matching is on in ECM ${str(e.value.name) ?? ''}`)),
        relatedAt(vault.file, has(vault.file, ['domain']) ? ['domain'] : [], `the Vault host's domain, ${domain}`),
      ]);
      const filter = ecmFilterSettings(ecms[0].value);
      // One switch, one finding: the root sits on the switch and counts the credentials; each credential's
      // own finding stays as a hint (the detail, out of the Problems panel).
      const key = domainMatching(vault.file.uri);
      let withheld = 0;
      eachItem<VaultCredential>(vault.value.credentials, (c, i) => {
        // Only a credential that names its domain is reported: the message says which domain it is.
        if (!str(c.domain) || ecmFilter(filter, domain, { accessType: c.accessType, domain: c.domain }).kept) return;
        withheld++;
        report({
          uri: vault.file.uri,
          code: 'credential/domain-filtered',
          range: vault.file.rangeAt(['credentials', i, 'domain']),
          message: `Domain Matching is on in ${names(ecms.map((e) => str(e.value.name) ?? '?'))}, and this Restricted credential is from \`${c.domain}\`, not the Vault's domain \`${domain}\`: the ECM withholds it. Move it to ${domain}, make it Shared, or turn enableDomainMatching off.`,
          related: relatedOnce(),
          cause: { key, noun: 'Restricted credential', subject: `\`${str(c.name) ?? `credential ${i + 1}`}\``, keep: 'hint' },
        });
      });
      if (withheld) {
        const [first, ...others] = ecms;
        report({
          uri: first.file.uri,
          code: 'credential/domain-filtered',
          range: first.file.rangeAt(['vault', 'enableDomainMatching']),
          message: `Domain Matching is on: the ECM withholds every Restricted credential not from the Vault's domain \`${domain}\`. Turn enableDomainMatching off, or move those credentials to ${domain} (or make them Shared).`,
          related: [...others.map((e) => relatedAt(e.file, ['vault', 'enableDomainMatching'], `Domain Matching is on in ECM ${str(e.value.name) ?? ''} too`)), relatedAt(vault.file, has(vault.file, ['domain']) ? ['domain'] : [], `the Vault host's domain, ${domain}`)],
          rootOf: key,
        });
      }
    }
  },
};

/** An ECM serves the Vault its `vault.hostname` names, or the only Vault when it names none that exists. */
function servesVault(ecm: Entry<'ecm'>, vault: Entry<'vault'>, vaultCount: number): boolean {
  const mine = vaultUrlKey(ecm.value.vault?.hostname);
  const theirs = vaultUrlKey(vault.value.hostname);
  if (mine && theirs) return mine === theirs || vaultCount === 1;
  return true;
}
