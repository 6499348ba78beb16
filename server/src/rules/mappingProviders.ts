import { crossIndex, firstLabel } from '../domain/crossIndex';
import { providerKind } from '../domain/provider';
import { nameKey } from '../domain/names';
import { list, parseMappings, type EcmConfig, type PaSecurityProvider, type PaUser, type VaultSecurityProvider } from '../model/inventory';
import type { Entry } from '../model/workspace';
import { closest } from '../domain/closest';
import { eachItem, has, MAX_RELATED, names, plural, relatedAt, str } from './crossHelpers';
import { mappingLines } from '../domain/mappingLines';
import type { WorkspaceRule } from './types';
import { unknownVaultProvider } from './causes';

/**
 * `mapping/unknown-provider`: every mapping target and the default provider must be a Vault security
 * provider, or the ECM signs users in under a provider Vault does not know.
 */
export const mappingProviderRule: WorkspaceRule = {
  reads: ['ecm', 'vault'],
  check(ws, report) {
    const index = crossIndex(ws);
    if (!index.vaults.length) return;
    const providers = index.declared('vaultProvider');
    const known = [...providers.values()].map((d) => d[0].name);
    const home = index.vaults.find((v) => has(v.file, ['securityProviders'])) ?? index.vaults[0];
    // Built only when something is reported: a range in a 17 MB file costs its line table.
    const related = () => [relatedAt(home.file, has(home.file, ['securityProviders']) ? ['securityProviders'] : [], 'securityProviders of the Vault inventory', 'key')];
    const problem = (name: string): { message: string; data?: Record<string, unknown> } | undefined => {
      if (providers.has(nameKey('vaultProvider', name))) return undefined;
      const suggestion = closest(name, known);
      return {
        message: known.length
          ? `Vault has no security provider \`${name}\`${suggestion ? `: did you mean \`${suggestion}\`?` : ` (it has ${names(known)}).`} The ECM would sign users in under a provider Vault does not know.`
          : `Vault has no security provider \`${name}\`: add it to securityProviders of the Vault inventory (the AD domain's NetBIOS name).`,
        data: suggestion ? { replaceWith: suggestion } : undefined,
      };
    };
    for (const ecm of index.ecms) {
      for (const line of mappingLines(ecm.file)) {
        if (!line.netbios || !line.netbiosRange) continue;
        const p = problem(line.netbios);
        if (p) report({ uri: ecm.file.uri, code: 'mapping/unknown-provider', range: line.netbiosRange, related: related(), rootOf: unknownVaultProvider(line.netbios), ...p });
      }
      const def = str(ecm.value.vault?.defaultSecurityProvider)?.trim();
      const p = def && problem(def);
      if (p) report({ uri: ecm.file.uri, code: 'mapping/unknown-provider', range: ecm.file.rangeAt(['vault', 'defaultSecurityProvider']), related: related(), rootOf: unknownVaultProvider(def), ...p });
    }
  },
};

/**
 * `mapping/unmapped-domain`: a PA user of an AD provider whose FQDN an ECM of the site does not map is
 * looked up in Vault under the FQDN itself, which Vault (knowing NetBIOS names) does not know.
 * One diagnostic per domain, on the PA provider, naming the ECMs that lack the line.
 */
export const unmappedDomainRule: WorkspaceRule = {
  reads: ['ecm', 'pa', 'vault'],
  check(ws, report) {
    const index = crossIndex(ws);
    for (const pa of index.pas) {
      const ecms = index.ecmsOf(pa);
      if (!ecms.length) continue;
      const byDomain = new Map<string, { fqdn: string; users: number[]; missing: Set<Entry<'ecm'>> }>();
      const kinds = new Map<string, string>();
      const kindOf = (p: string): string => { let k = kinds.get(p); if (!k) kinds.set(p, (k = providerKind(pa, p))); return k; };
      eachItem<PaUser>(pa.value.users, (u, i) => {
        const p = str(u.securityProvider)?.trim();
        if (!p || kindOf(p) !== 'activeDirectory') return;
        const key = p.toLowerCase();
        const missing = ecms.filter((e) => !mappingsOf(e.value).has(key));
        if (!missing.length) return;
        const d = byDomain.get(key) ?? { fqdn: p, users: [], missing: new Set() };
        d.users.push(i);
        missing.forEach((e) => d.missing.add(e));
        byDomain.set(key, d);
      });
      for (const [key, d] of byDomain) {
        const providers = list<PaSecurityProvider>(pa.value.securityProviders);
        const declared = providers.findIndex((p) => typeof p.name === 'string' && p.name.trim().toLowerCase() === key);
        const at = declared >= 0 ? ['securityProviders', declared, 'name'] : ['users', d.users[0], 'securityProvider'];
        const missing = [...d.missing];
        const netbios = netbiosFor(index.vault.securityProviders, d.fqdn);
        const firstUser = String((pa.value.users as PaUser[])[d.users[0]].username);
        const vaultKnowsFqdn = index.has('vaultProvider', d.fqdn);
        // The NetBIOS name comes from a Vault provider of that FQDN; a guessed one needs the provider too.
        const guessed = !index.has('vaultProvider', netbios);
        const also = guessed ? ` The Vault has no provider ${netbios} yet: add it to the Vault inventory's securityProviders too (with its users), or map to the provider those users are under.` : '';
        report({
          uri: pa.file.uri,
          code: 'mapping/unmapped-domain',
          range: pa.file.rangeAt(at),
          message: `${plural(d.users.length, 'PA user')} (e.g. \`${firstUser}\`) log${d.users.length === 1 ? 's' : ''} in with ${d.fqdn}, but ECM ${names(missing.map((e) => str(e.value.name) ?? '?'))} ha${missing.length === 1 ? 's' : 've'} no mapping for it: Vault is asked for ${d.fqdn}\\${firstUser}${vaultKnowsFqdn ? '' : ' and knows no such provider'}. Add \`${d.fqdn}=${netbios}\` to securityProviderMappings.${also}`,
          related: [
            ...missing.slice(0, MAX_RELATED).map((e) => relatedAt(e.file, has(e.file, ['vault', 'securityProviderMappings']) ? ['vault', 'securityProviderMappings'] : has(e.file, ['vault']) ? ['vault'] : [], `mappings of ECM ${str(e.value.name) ?? ''}`, 'key')),
            ...d.users.slice(0, 3).map((i) => relatedAt(pa.file, ['users', i, 'username'], `PA user of ${d.fqdn}`)),
          ],
          data: { fqdn: d.fqdn, netbios, ecmUris: missing.map((e) => e.file.uri) },
        });
      }
    }
  },
};

const mappingCache = new WeakMap<object, Map<string, string>>();

/** An ECM's mappings (lower-cased FQDN → NetBIOS), parsed once per ECM value rather than once per user. */
function mappingsOf(ecm: EcmConfig): Map<string, string> {
  const v = ecm.vault && typeof ecm.vault === 'object' ? ecm.vault : undefined;
  if (!v) return new Map();
  let m = mappingCache.get(v);
  if (!m) mappingCache.set(v, (m = parseMappings(v.securityProviderMappings)));
  return m;
}

/** The NetBIOS name a mapping of `fqdn` should name: Vault's provider for that FQDN, else its first label. */
export function netbiosFor(vaultProviders: VaultSecurityProvider[] | undefined, fqdn: string): string {
  const p = list<VaultSecurityProvider>(vaultProviders).find((x) => typeof x.fqdn === 'string' && x.fqdn.trim().toLowerCase() === fqdn.trim().toLowerCase() && str(x.name));
  return p ? String(p.name).trim() : firstLabel(fqdn).toUpperCase().slice(0, 15);
}
