/** Every rule code of docs/rules.md with its default severity. The one list settings and docs refer to. */
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
  'ecm/too-many': { severity: 'error', summary: 'more than five ECMs for one site' },
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
  'ref/unknown': { severity: 'error', summary: 'a reference to an undefined policy, endpoint, group, role or provider' },
  'file/too-large': { severity: 'warning', summary: 'the file is larger than ecmkit checks' },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type RuleCode = keyof typeof RULES;

export function isRuleCode(code: string): code is RuleCode {
  return Object.prototype.hasOwnProperty.call(RULES, code);
}

const SETTINGS: readonly string[] = ['error', 'warning', 'information', 'hint', 'off'];

/** Validates an `ecmkit.rules` object; unknown codes and values are returned as problems, not thrown. */
export function parseOverrides(raw: unknown): { overrides: Partial<Record<RuleCode, SeveritySetting>>; problems: string[] } {
  const overrides: Partial<Record<RuleCode, SeveritySetting>> = {};
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { overrides, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { overrides, problems: ['ecmkit.rules must be an object of rule code → severity.'] };
  for (const [code, sev] of Object.entries(raw as Record<string, unknown>)) {
    if (!isRuleCode(code)) problems.push(`ecmkit.rules: unknown rule code "${code}".`);
    else if (typeof sev !== 'string' || !SETTINGS.includes(sev)) problems.push(`ecmkit.rules: "${code}" must be one of ${SETTINGS.join(', ')}.`);
    else overrides[code] = sev as SeveritySetting;
  }
  return { overrides, problems };
}
