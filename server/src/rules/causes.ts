/**
 * The keys that tie a finding to its cause (docs/rules.md#one-mistake-one-finding): one function per kind
 * of cause, so the rule that reports the root and the rules that report its consequences name it alike.
 */
import { nameKey, type NameKind } from '../domain/names';

/** Every reference to an undeclared name, and a jump client that names an endpoint Vault lacks. */
export const unknownName = (kind: NameKind, name: string): string => `unknown:${kind}:${nameKey(kind, name)}`;

/** A provider the ECM signs users in under that Vault does not have (a mapping target or the default). */
export const unknownVaultProvider = (name: string): string => `vault-provider:${name.trim().toLowerCase()}`;

/** Domain Matching of the ECMs serving one Vault inventory. */
export const domainMatching = (vaultUri: string): string => `domain-matching:${vaultUri}`;

/** An ECM whose client id is no API account of its site: it serves nothing. */
export const apiAccountUnknown = (ecmUri: string): string => `api-account-unknown:${ecmUri}`;

/** A jump group whose ECM group no ECM of the site is in. */
export const jumpGroupUnserved = (paUri: string, jumpGroup: string): string => `jump-group-unserved:${paUri}:${nameKey('jumpGroup', jumpGroup)}`;
