/**
 * What the PA sandbox serves, from a workspace's PA file: each list as the Configuration API's resources
 * (vendor spec schemas SecurityProvider / LDAPSecurityProvider, User, JumpGroup, JumpClient, ApiAccount),
 * ids numbered in file order. The inverse of pull/pa.ts, so a pull of the sandbox gives the file back.
 * Where the file says less than the API would, the sandbox fills in what a fresh site reports.
 */
import { list, type PaApiAccount, type PaInventory, type PaJumpClient, type PaJumpGroup, type PaSecurityProvider, type PaUser } from '../../model/inventory';
import { findFiles, Workspace } from '../../model/workspace';
import { classify } from '../../model/fileKind';

export type Resource = Record<string, unknown> & { id: number };

export interface PaSandboxModel {
  /** The PA file served (absent: an empty site). */
  file?: string;
  site?: string;
  providers: Resource[];
  /** GET /security-provider/{id}: the type-specific resource. */
  providerDetails: Map<number, Resource>;
  users: Resource[];
  jumpGroups: Resource[];
  jumpClients: Resource[];
  apiAccounts: Resource[];
  warnings: string[];
}

const STAMP = '2026-12-01T08:00:00+00:00';
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
const OS_TEXT: Record<string, string> = { windows: 'Windows Server 2022 Standard (x64)', linux: 'Ubuntu 22.04.4 LTS (x86_64)', macos: 'macOS 14.5 Sonoma (arm64)' };

/** Reads only the workspace's PA files (the Vault inventory beside them may be large and is not needed). */
export async function loadPaModel(dir: string): Promise<PaSandboxModel> {
  const files = (await findFiles([dir])).filter((f) => classify(f)?.kind === 'pa');
  const ws = await Workspace.load(files);
  const entries = ws.of('pa');
  const warnings: string[] = [];
  if (!entries.length) warnings.push(`No PA file (*.pa.yaml) in ${dir}: the sandbox serves an empty site.`);
  if (entries.length > 1) warnings.push(`Several PA files in ${dir}; the sandbox serves the first, ${entries[0].file.uri}.`);
  const m = buildPaModel(entries[0]?.value ?? {}, warnings);
  m.file = entries[0]?.file.uri;
  return m;
}

export function buildPaModel(pa: PaInventory, warnings: string[] = []): PaSandboxModel {
  const providers: Resource[] = [];
  const providerDetails = new Map<number, Resource>();
  const providerIds = new Map<string, number>();
  list<PaSecurityProvider>(pa.securityProviders).forEach((p, i) => {
    const id = i + 1;
    const type = p.type === 'activeDirectory' || p.type === undefined ? 'ldap' : p.type;
    const base: Resource = { id, type, name: String(p.name ?? `provider ${id}`), enabled: true, user_authentication: true, group_lookup: type === 'ldap' };
    providers.push(base);
    if (typeof p.name === 'string') providerIds.set(p.name.toLowerCase(), id);
    const extended: Resource = { ...base, priority: i + 1, default_policy: 1 };
    if (type === 'ldap') {
      const domain = p.fqdn ?? (typeof p.name === 'string' && DOMAIN.test(p.name) ? p.name : undefined);
      const dn = ['OU=Users', ...(domain ? domain.split('.').map((d) => `DC=${d}`) : [])].join(',');
      Object.assign(extended, {
        auth_provider: true, ldap_cache: false, anonymous_bind: false, ldap_search: 1, proxy: false, search_base_dn: dn,
        user_query: '(&(objectClass=user)(sAMAccountName=*))', browse_query: '', unique_id: ['objectGUID'], display_name: ['displayName'], email: ['mail'],
        username: 'svc-pa-bind', hostname: domain ?? 'ldap.invalid', port: 389, encryption: 2, recursive_groups: true, object_classes: ['user'],
        group_relationships: ['user:memberOf = group:distinguishedName'], photo: [], group_schema_object_classes: ['group'], group_schema_browse_query: [],
        group_schema_base_dn: dn, group_display_name: ['cn'], sync_display_name: true,
      });
    }
    providerDetails.set(id, extended);
  });
  const localId = providers.find((p) => p.type === 'local')?.id;

  const users: Resource[] = list<PaUser>(pa.users).map((u, i) => {
    let spId = typeof u.securityProvider === 'string' ? providerIds.get(u.securityProvider.toLowerCase()) : undefined;
    if (spId === undefined) {
      if (typeof u.securityProvider === 'string') warnings.push(`User ${u.username}: security provider ${u.securityProvider} is not in securityProviders; served under ${localId ? 'the local provider' : 'provider 1'}.`);
      spId = localId ?? 1;
    }
    return {
      id: i + 1, security_provider_id: spId, username: String(u.username ?? `user${i + 1}`), public_display_name: String(u.username ?? `User ${i + 1}`),
      ...(typeof u.email === 'string' && u.email.length >= 3 ? { email_address: u.email } : {}),
      preferred_email_language: 'en-us', two_factor_required: false, enabled: u.enabled ?? true, last_authentication: STAMP, failed_logins: 0,
    };
  });

  const groupIds = new Map<string, number>();
  const jumpGroups: Resource[] = list<PaJumpGroup>(pa.jumpGroups).map((g, i) => {
    const name = String(g.name ?? `Jump group ${i + 1}`);
    groupIds.set(name, i + 1);
    return { id: i + 1, name, code_name: name.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 64) || `group_${i + 1}`, comments: null, ...ecmGroup(g.ecmGroup, `Jump group ${name}`, warnings) };
  });

  const jumpClients: Resource[] = list<PaJumpClient>(pa.jumpClients).map((j, i) => {
    const group = typeof j.jumpGroup === 'string' ? groupIds.get(j.jumpGroup) : undefined;
    if (typeof j.jumpGroup === 'string' && group === undefined) warnings.push(`Jump client ${j.name}: jump group ${j.jumpGroup} is not in jumpGroups; served in a personal jump group.`);
    const os = typeof j.os === 'string' ? OS_TEXT[j.os] : undefined;
    return {
      id: i + 1,
      // No shared jump group: the sandbox serves it as a personal one (owned by user 1), which a pull writes without jumpGroup.
      jump_group_id: group ?? 1, jump_group_type: group === undefined ? 'personal' : 'shared',
      name: String(j.name ?? `jump client ${i + 1}`),
      ...(typeof j.hostname === 'string' && j.hostname ? { hostname: j.hostname } : {}),
      ...(typeof j.fqdn === 'string' && j.fqdn ? { fqdn: j.fqdn } : {}),
      tag: '', comments: '', jump_policy_id: null, session_policy_id: null, install_mode: 'service', connection_type: 'active',
      last_connect_timestamp: STAMP, is_lost: false, needs_update: false, unavailable_reason: 'none',
      ...(os ? { operating_system: os } : {}),
      max_offline_minutes: 0, endpoint_agreement_policy: 'no_prompt',
    };
  });

  const apiAccounts: Resource[] = list<PaApiAccount>(pa.apiAccounts).map((a, i) => ({
    id: i + 1, name: String(a.name ?? `API account ${i + 1}`), comments: '', enabled: a.enabled ?? true,
    ip_addresses: Array.isArray(a.ipAddresses) ? a.ipAddresses.filter((x) => typeof x === 'string').join('\n') : '',
    ...(typeof a.clientId === 'string' ? { client_id: a.clientId.slice(0, 40) } : {}),
    failed_login_attempts: 0, ...ecmGroup(a.ecmGroup, `API account ${a.name}`, warnings),
    perm_command: 'deny', perm_reporting_support: false, perm_reporting_license: false, perm_reporting_vault: false, perm_reporting_jump_item: false,
    perm_reporting_syslog: false, perm_backup: false, perm_vault_backup: false, perm_ecm: a.ecmAccess ?? false, perm_scim: false,
    perm_configuration: false, perm_configuration_vault_account: false,
  }));

  return { site: pa.site, providers, providerDetails, users, jumpGroups, jumpClients, apiAccounts, warnings };
}

/** `ecm_group_id` from the file's `ecmGroup` ("2"); a value that is not a site id cannot be served. */
function ecmGroup(v: unknown, what: string, warnings: string[]): { ecm_group_id?: number } {
  if (v === undefined) return {};
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= 2147483647) return { ecm_group_id: n };
  warnings.push(`${what}: ecmGroup ${JSON.stringify(v)} is not an ECM group id (a number as a string, e.g. "2"); served without one.`);
  return {};
}
