/**
 * The Vault's ManagedAccounts rows as the ECM returns them to PA: each row through the ECM's filter
 * (domain/ecmFilter.ts), with the facts the Vault left out (access type, domain) taken from the files.
 */
import type { CredentialAnswer, TraceStep } from '../../../protocol/trace';
import { ecmFilter, ecmFilterSettings } from '../domain/ecmFilter';
import type { RunAs } from '../domain/permissions';
import { sourceAt, type EcmBinding } from '../domain/site';
import type { VaultCredential } from '../model/inventory';
import type { ManagedAccount } from '../vault/client';

/** The name a row goes by: the credential's (the sandbox says it), else the account's. */
export function rowName(r: ManagedAccount): string {
  return r.CredentialName || r.AccountName;
}

/** Who the Vault says holds each row it lists as unavailable, by row name. */
export function vaultHolders(rows: ManagedAccount[]): Map<string, string> {
  const holders = new Map<string, string>();
  for (const r of rows) if (r.CheckedOutBy && r.IsAvailable === false) holders.set(rowName(r), r.CheckedOutBy);
  return holders;
}

/**
 * The credentials the ECM returns from the Vault's rows, and a `credential` drop step for each row its
 * filter leaves out. `leaseHolder`: who holds a credential through this broker's own leases.
 */
export function filterRows(
  rows: ManagedAccount[], b: EcmBinding, files: Map<string | undefined, VaultCredential>, runAs: RunAs,
  leaseHolder: (credential: string) => string | undefined,
): { credentials: CredentialAnswer[]; drops: TraceStep[] } {
  const settings = ecmFilterSettings(b.ecm.value);
  const vaultDomain = b.vault?.value.domain;
  const credentials: CredentialAnswer[] = [];
  const drops: TraceStep[] = [];
  const sources = new Map<string, TraceStep['source']>();
  const drop = (credential: string, detail: string, setting: string) => {
    if (!sources.has(setting)) sources.set(setting, sourceAt(b.ecm.file, ['vault', setting]));
    drops.push({ step: 'credential', credential, outcome: 'drop', detail, source: sources.get(setting) });
  };
  for (const r of rows) {
    const name = rowName(r);
    const file = files.get(name);
    const vaultHolder = r.CheckedOutBy ?? (r.IsAvailable === false ? 'another user' : undefined);
    const holder = vaultHolder ?? leaseHolder(name);
    const verdict = ecmFilter(settings, vaultDomain, {
      accessType: r.AccessType ?? file?.accessType, domain: r.DomainName ?? file?.domain, holder, unavailable: r.IsAvailable === false,
    }, runAs);
    if (!verdict.kept) {
      if (verdict.reason === 'held-by-other') {
        const who = vaultHolder ? `The Vault lists ${name} as checked out by ${holder}` : `${name} is checked out by ${holder} through this broker`;
        drop(name, `${who}; ${verdict.because}.`, verdict.setting);
      } else {
        drop(name, `The Vault lists ${name} as a Restricted credential ${verdict.because}.`, verdict.setting);
      }
      continue;
    }
    credentials.push({ id: `${r.SystemId}-${r.AccountId}`, name, username: r.AccountName, type: r.CredentialType ?? file?.type ?? '', available: verdict.available });
  }
  return { credentials, drops };
}
