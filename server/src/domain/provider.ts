/**
 * Step 2 of an injection: the ECM turns the PA security provider into the Vault security provider it runs
 * as. AD domains (FQDN) go through the mapping lines (an unmapped one passes unchanged); local and RADIUS
 * accounts get the default security provider.
 */
import { list, parseMappings, type PaSecurityProvider, type VaultInventory, type VaultSecurityProvider } from '../model/inventory';
import type { Entry } from '../model/workspace';
import { mappingLines } from './mappingLines';
import { sameName } from './permissions';
import { sourceAt, type EcmBinding, type SourceRef } from './site';

export type ProviderKind = 'activeDirectory' | 'local' | 'radius';

export interface ProviderMapping {
  ok: boolean;
  /** The Vault security provider (NetBIOS name) to run as. */
  provider?: string;
  kind: ProviderKind;
  how: 'mapping' | 'default' | 'unmapped' | 'none';
  detail: string;
  source?: SourceRef;
}

/** What kind of provider PA reports: from the PA inventory, else by its shape (an FQDN is AD). */
export function providerKind(pa: Entry<'pa'> | undefined, name: string): ProviderKind {
  const def = list<PaSecurityProvider>(pa?.value.securityProviders).find((p) => sameName(p.name, name));
  if (def && typeof def.type === 'string') {
    if (sameName(def.type, 'local')) return 'local';
    if (sameName(def.type, 'radius')) return 'radius';
    if (sameName(def.type, 'activeDirectory') || sameName(def.type, 'ldap')) return 'activeDirectory';
  }
  if (sameName(name, 'local')) return 'local';
  return name.includes('.') ? 'activeDirectory' : 'radius';
}

/** The ECM's provider mapping: AD FQDN → NetBIOS by the mapping lines (unmapped: unchanged); local/RADIUS → default. */
export function mapProvider(b: EcmBinding, paProvider: string): ProviderMapping {
  const v = b.ecm.value.vault ?? {};
  const file = b.ecm.file;
  const kind = providerKind(b.pa, paProvider);
  const def = typeof v.defaultSecurityProvider === 'string' && v.defaultSecurityProvider.trim() ? v.defaultSecurityProvider.trim() : undefined;
  const defSource = sourceAt(file, ['vault', 'defaultSecurityProvider']);
  if (kind === 'activeDirectory') {
    const mapped = parseMappings(v.securityProviderMappings).get(paProvider.trim().toLowerCase());
    if (mapped) {
      const line = mappingLines(file).find((l) => l.fqdn && sameName(l.fqdn, paProvider));
      return {
        ok: true, provider: mapped, kind, how: 'mapping',
        detail: `AD domain ${paProvider} maps to ${mapped} (mapping line \`${line?.text ?? `${paProvider}=${mapped}`}\`).`,
        source: line ? { uri: file.uri, range: line.range } : sourceAt(file, ['vault', 'securityProviderMappings']),
      };
    }
    // Like the ECM (and engine/identity.ts, which the rules use): an unmapped FQDN goes to Vault unchanged;
    // the default provider is only for local and RADIUS accounts.
    return {
      ok: true, provider: paProvider.trim(), kind, how: 'unmapped',
      detail: `AD domain ${paProvider} has no mapping line, so the ECM passes the FQDN to Vault unchanged; Vault providers are NetBIOS names: add \`${paProvider}=NETBIOS\` to securityProviderMappings (mapping/unmapped-domain).`,
      source: sourceAt(file, ['vault', 'securityProviderMappings']) ?? defSource,
    };
  }
  const what = kind === 'local' ? 'a local PA account' : `RADIUS provider ${paProvider}`;
  if (def) return { ok: true, provider: def, kind, how: 'default', detail: `${paProvider} is ${what}: the ECM uses the default security provider ${def}.`, source: defSource };
  return { ok: false, kind, how: 'none', detail: `${paProvider} is ${what} and the ECM has no default security provider (vault.defaultSecurityProvider).`, source: sourceAt(file, ['vault']) };
}


/**
 * Whether the Vault has the security provider a mapping chose, when its inventory lists providers at all
 * (no list: nothing to check against). The ECM would sign in under a provider the Vault does not know.
 */
export function missingVaultProvider(inv: VaultInventory | undefined, provider: string): { known: string[] } | undefined {
  if (!inv || !Array.isArray(inv.securityProviders)) return undefined;
  const known = list<VaultSecurityProvider>(inv.securityProviders).map((p) => p.name).filter((n): n is string => typeof n === 'string' && !!n.trim());
  return known.some((n) => sameName(n, provider)) ? undefined : { known };
}
