/**
 * The ECM's own filter on the credentials the Vault lets a user check out, from two settings of its Vault
 * plugin (docs/domain.md, "The Vault plugin"): with Include Unavailable Credentials off it leaves out a
 * credential someone else has checked out; with Enable Domain Matching on it withholds a Restricted
 * credential whose domain is not the Vault host's. Written once, so the resolution (engine/injection.ts),
 * the code lens (engine/injectionSummary.ts), the broker (broker/vaultRows.ts) and the
 * `credential/domain-filtered` rule cannot disagree. Pure: facts in, a verdict out; each caller words its
 * own trace step or diagnostic around the verdict's reason.
 */
import type { EcmConfig } from '../model/inventory';
import { isRestricted, isSameHolder, sameName, type RunAs } from './permissions';

export interface EcmFilterSettings {
  /** Include Unavailable Credentials: list credentials someone else holds too, as unavailable. */
  includeUnavailable: boolean;
  /** Enable Domain Matching: withhold Restricted credentials from a domain other than the Vault host's. */
  domainMatching: boolean;
}

/** The filter settings of an ECM file; each is on only when set to `true` (the ECM Configurator's default is off). */
export function ecmFilterSettings(ecm: EcmConfig | undefined): EcmFilterSettings {
  const v = ecm?.vault;
  return { includeUnavailable: v?.includeUnavailableCredentials === true, domainMatching: v?.enableDomainMatching === true };
}

/** What the filter looks at in one credential (from the Vault file, or from the Vault's answer). */
export interface CredentialFacts {
  /** `Restricted` or `Shared` (any case). */
  accessType?: string;
  domain?: string;
  /** Who has it checked out, if anyone: a username or `PROVIDER\username`. */
  holder?: string;
  /** The Vault itself says it is not available, whoever holds it. */
  unavailable?: boolean;
}

export type EcmFilterVerdict =
  | { kept: true; available: boolean }
  /** `because`: the clause a caller puts after its own "checked out by …" / "… Restricted credential". */
  | { kept: false; reason: 'held-by-other'; setting: 'includeUnavailableCredentials'; because: string }
  | { kept: false; reason: 'foreign-domain'; setting: 'enableDomainMatching'; because: string };

const AVAILABLE: EcmFilterVerdict = Object.freeze({ kept: true, available: true });
const UNAVAILABLE: EcmFilterVerdict = Object.freeze({ kept: true, available: false });
const HELD: EcmFilterVerdict = Object.freeze({
  kept: false, reason: 'held-by-other', setting: 'includeUnavailableCredentials',
  because: 'Include Unavailable Credentials is off, so the ECM leaves it out',
});

/**
 * Whether the ECM returns a credential to `runAs` (omitted: to anyone but its holder), and if not, why.
 * A credential the holder asks for is theirs, not unavailable; a held one is left out before the domain
 * is looked at, as the ECM does.
 */
export function ecmFilter(settings: EcmFilterSettings, vaultDomain: unknown, facts: CredentialFacts, runAs?: RunAs): EcmFilterVerdict {
  const held = facts.unavailable === true || (!!facts.holder && !(runAs && isSameHolder(facts.holder, runAs)));
  if (held && !settings.includeUnavailable) return HELD;
  if (settings.domainMatching && isRestricted(facts) && !sameName(facts.domain, vaultDomain)) {
    return {
      kept: false, reason: 'foreign-domain', setting: 'enableDomainMatching',
      because: `from domain ${facts.domain ?? '(none)'}, not the Vault host's domain ${vaultDomain ?? '(none)'}; Domain Matching is on, so the ECM withholds it`,
    };
  }
  return held ? UNAVAILABLE : AVAILABLE;
}
