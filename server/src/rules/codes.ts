/** Every rule code of docs/rules.md with its default severity. The one list settings and docs refer to. */
import { closest } from '../domain/closest';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type SeveritySetting = Severity | 'off';

export const RULES = {
  'syntax': { severity: 'error', summary: 'the file does not parse' },
  'schema/required': { severity: 'error', summary: 'a required field is missing' },
  'schema/type': { severity: 'error', summary: 'wrong type, enum value, format or range' },
  'schema/unknown-field': { severity: 'warning', summary: 'a field the kind does not define' },
  'secret/plaintext': { severity: 'warning', summary: 'a secret field holds a literal instead of a reference' },
  'vault/https-required': { severity: 'error', summary: 'a Vault hostname that is not an https URL' },
  'mapping/syntax': { severity: 'error', summary: 'a mapping line that is not fqdn=NETBIOS' },
  'mapping/netbios-invalid': { severity: 'error', summary: 'NetBIOS part longer than 15 chars or with invalid characters' },
  'mapping/duplicate': { severity: 'error', summary: 'the same FQDN mapped twice' },
  'mapping/unknown-provider': { severity: 'error', summary: 'a mapping target or the default provider is not a Vault security provider' },
  'mapping/unmapped-domain': { severity: 'warning', summary: "a PA user's AD provider has no mapping" },
  'integration/inactive': { severity: 'warning', summary: 'integration status is not Active' },
  'integration/auth-type': { severity: 'error', summary: 'integration authentication is not application' },
  'integration/ip-not-allowed': { severity: 'error', summary: "an ECM's host is not covered by its integration's allowedIps" },
  'ecm/dynamic-host': { severity: 'warning', summary: 'ECM host missing or not an IP literal' },
  'ecm/too-many': { severity: 'error', summary: 'more than five ECMs for one site (or one ECM group of it)' },
  'ecm/unknown-integration': { severity: 'error', summary: 'vault.integration names no integration in the workspace' },
  'ecm/shared-key-mismatch': { severity: 'error', summary: "ECM sharedKey differs from its integration's authenticationCredential" },
  'ecm/vault-hostname-mismatch': { severity: 'warning', summary: "ECM vault.hostname differs from the Vault inventory's hostname" },
  'endpoint/not-in-vault': { severity: 'error', summary: 'an injection-enabled PA jump client has no Vault endpoint of any similar name' },
  'endpoint/name-mismatch': { severity: 'error', summary: 'only a case, NetBIOS↔FQDN or whitespace variant exists' },
  'user/not-in-vault': { severity: 'error', summary: 'a PA user has no Vault user of the same username' },
  'user/inactive': { severity: 'error', summary: 'that Vault user is not Active' },
  'user/email-mismatch': { severity: 'warning', summary: 'Vault email differs from PA email' },
  'user/no-checkout': { severity: 'warning', summary: 'a PA user may check out no credential on any endpoint' },
  'credential/no-endpoint': { severity: 'error', summary: 'a Restricted credential assigned to no endpoint or endpoint group' },
  'credential/domain-filtered': { severity: 'warning', summary: 'domain matching is on and this Restricted credential is from another domain' },
  'ref/unknown': { severity: 'error', summary: 'a reference to an undefined policy, endpoint, group, role, provider or jump group' },
  'ecm/api-account-unknown': { severity: 'error', summary: "the PA file lists API accounts and none has the ECM's clientId" },
  'ecm/api-account-no-ecm': { severity: 'error', summary: "the ECM's API account is disabled or lacks ECM access (ecmAccess)" },
  'ecm/api-account-ip': { severity: 'error', summary: "the ECM's host is not in its API account's ipAddresses (when that list is not empty)" },
  'jumpgroup/no-ecm': { severity: 'error', summary: "an injection-enabled jump client's jump group routes to an ECM group that no ECM of the workspace serves" },
  'file/too-large': { severity: 'warning', summary: 'the file is larger than ecmkit checks' },
  'file/checked-alone': { severity: 'information', summary: 'a file open outside the workspace folders is checked alone: the cross-file checks did not run' },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type RuleCode = keyof typeof RULES;

/** `ecmkit.rules`: a severity per code, overriding the default. */
export type Overrides = Partial<Record<RuleCode, SeveritySetting>>;

export function isRuleCode(code: string): code is RuleCode {
  return Object.prototype.hasOwnProperty.call(RULES, code);
}

const SETTINGS: readonly string[] = ['error', 'warning', 'information', 'hint', 'off'];

/**
 * The rule code a mistyped one most likely means: the same code in other case, the one code of that name
 * in any family (`dynamic-host`, `ecm/dynamic-hosts`' family typo), else the closest by edit distance.
 */
export function closestRuleCode(word: string): RuleCode | undefined {
  const codes = Object.keys(RULES) as RuleCode[];
  const lower = word.trim().toLowerCase();
  const same = codes.find((c) => c.toLowerCase() === lower);
  if (same) return same;
  const name = (c: string) => c.slice(c.indexOf('/') + 1);
  const byName = codes.filter((c) => name(c) === name(lower));
  if (byName.length === 1) return byName[0];
  return closest(lower, codes) as RuleCode | undefined;
}

/** The severity setting meant by `word`: a prefix (`warn`, `info`) or a near miss (`eror`). */
function closestSetting(word: string): string | undefined {
  const lower = word.trim().toLowerCase();
  return (lower.length >= 2 ? SETTINGS.find((s) => s.startsWith(lower)) : undefined) ?? closest(lower, SETTINGS);
}

const didYouMean = (s: string | undefined): string => (s ? `; did you mean "${s}"?` : '.');

/**
 * Validates an `ecmkit.rules` object; unknown codes and values are returned as problems (with the closest
 * code or value), not thrown. `source` names where the object came from in those messages.
 */
export function parseOverrides(raw: unknown, source = 'ecmkit.rules'): { overrides: Partial<Record<RuleCode, SeveritySetting>>; problems: string[] } {
  const overrides: Partial<Record<RuleCode, SeveritySetting>> = {};
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { overrides, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { overrides, problems: [`${source} must be an object of rule code → severity.`] };
  for (const [code, sev] of Object.entries(raw as Record<string, unknown>)) {
    if (!isRuleCode(code)) problems.push(`${source}: unknown rule code "${code}"${didYouMean(closestRuleCode(code))}`);
    else if (typeof sev !== 'string' || !SETTINGS.includes(sev)) problems.push(`${source}: "${code}" must be one of ${SETTINGS.join(', ')}${typeof sev === 'string' && closestSetting(sev) ? ` (did you mean "${closestSetting(sev)}"?)` : ''}.`);
    else overrides[code] = sev as SeveritySetting;
  }
  return { overrides, problems };
}
