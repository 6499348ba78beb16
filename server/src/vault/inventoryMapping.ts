/**
 * How the Password Safe v3 read endpoints and a `*.vault.yaml` inventory correspond, both ways, in one place:
 * `…FromApi` turns API rows into the file's plain objects (`ecmkit pull vault`), `…ToApi` turns the file into
 * the rows the sandbox serves. docs/pull-vault.md is the prose of this file, with the vendor page of each field.
 *
 * Where the models differ: a Password Safe account belongs to one managed system, so a credential usable on
 * several endpoints is one account (one ManagedAccountID) listed under each of their systems; a Shared
 * credential (not tied to endpoints) is an account of a directory managed system, which is not an endpoint.
 * Roles, endpoint groups, networks, credential types, passwords and check-outs are not in these endpoints:
 * the file keeps its own.
 */
import { createHash } from 'node:crypto';
import {
  list, type VaultCredential, type VaultEndpoint, type VaultGroup, type VaultInventory, type VaultPermission,
  type VaultPolicy, type VaultSecurityProvider, type VaultUser,
} from '../model/inventory';
import { stableId } from '../domain/ids';
import { credentialEndpoints, isActive, isRestricted, sameName } from '../domain/permissions';
import type { PsManagedSystem, PsPlatform, PsSystemAccount, PsUser, PsUserGroup } from './inventoryApi';

// ——— users and groups ———

/** A user row and its groups → a file user; undefined for API application users and nameless rows. */
export function userFromApi(row: PsUser, groups: PsUserGroup[]): VaultUser | undefined {
  if (sameName(row.UserType, 'Application') || !text(row.UserName)) return undefined;
  // "Some usernames may be in the format hostname\username" (GET Users): the part before \ names the provider.
  const [prefix, bare] = splitQualified(row.UserName!.trim());
  const fullName = [text(row.FirstName), text(row.LastName)].filter(Boolean).join(' ');
  return compact({
    username: bare,
    fullName: fullName || undefined,
    status: row.IsQuarantined ? 'Inactive' : 'Active',
    securityProvider: text(row.DomainName) ?? prefix,
    groups: groups.filter((g) => g.IsActive !== false && text(g.Name)).map((g) => g.Name!.trim()),
    email: text(row.EmailAddress),
  });
}

/** A group row → a file group; undefined for an inactive group (it grants nothing; the file has no status). */
export function groupFromApi(row: PsUserGroup): VaultGroup | undefined {
  return row.IsActive === false || !text(row.Name) ? undefined : { name: row.Name!.trim() };
}

/** The security providers the users name (the PROVIDER of their run-as identity), in first-seen order. */
export function providersFromUsers(users: Iterable<VaultUser>): VaultSecurityProvider[] {
  const seen = new Map<string, VaultSecurityProvider>();
  for (const u of users) {
    const name = u.securityProvider;
    if (name && !seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), { name, type: 'activeDirectory' });
  }
  return [...seen.values()];
}

export function userToApi(u: VaultUser): PsUser {
  const [first, ...rest] = (u.fullName ?? '').trim().split(/\s+/);
  return {
    UserID: userId(u.username ?? ''),
    UserName: u.username ?? '',
    DomainName: u.securityProvider ?? '',
    DistinguishedName: '',
    FirstName: first ?? '',
    LastName: rest.join(' '),
    EmailAddress: u.email ?? '',
    IsQuarantined: !isActive(u.status),
    UserType: 'User',
  };
}

/** The sandbox's id of a user: the same one its Auth/SignAppin answers. */
export function userId(username: string): number {
  return stableId('account', `user:${username}`);
}

export function groupToApi(g: VaultGroup): PsUserGroup {
  return { GroupID: stableId('account', `group:${g.name ?? ''}`), Name: g.name ?? '', DistinguishedName: '', Description: '', GroupType: 'BeyondInsight', IsActive: true };
}

// ——— managed systems ———

/** Assets and databases are what a jump client connects to; directories and cloud systems are not endpoints. */
export function isEndpointSystem(row: PsManagedSystem): boolean {
  return row.DirectoryID == null && row.CloudID == null;
}

export function endpointFromApi(row: PsManagedSystem, platformNames: ReadonlyMap<number, string>): VaultEndpoint {
  return compact({
    name: row.SystemName ?? '',
    description: text(row.Description),
    type: row.PlatformID !== undefined ? platformNames.get(row.PlatformID) : undefined,
    ip: text(row.IPAddress),
  });
}

/** Platform ids of the sandbox: one per distinct endpoint type, and the directory platform. */
export const DIRECTORY_PLATFORM = 'Active Directory';
export function platformId(name: string): number {
  return stableId('system', `platform:${name}`);
}
export function platformsToApi(inv: VaultInventory): PsPlatform[] {
  const names = new Set<string>([DIRECTORY_PLATFORM]);
  for (const e of list<VaultEndpoint>(inv.endpoints)) if (text(e.type)) names.add(e.type!.trim());
  return [...names].map((Name) => ({ PlatformID: platformId(Name), Name, ShortName: Name }));
}

export function endpointToApi(e: VaultEndpoint): PsManagedSystem {
  const id = stableId('system', e.name ?? '');
  return {
    ManagedSystemID: id, AssetID: id, DatabaseID: null, DirectoryID: null, CloudID: null,
    SystemName: e.name ?? '', PlatformID: text(e.type) ? platformId(e.type!.trim()) : 0,
    NetBiosName: e.name ?? '', Description: e.description ?? '', IPAddress: e.ip ?? '', HostName: e.name ?? '', DNSName: '',
  };
}

/** The directory system that holds the Shared credentials of one domain (the sandbox's only non-endpoint systems). */
export function directoryToApi(domain: string): PsManagedSystem {
  const id = stableId('system', `directory:${domain}`);
  return {
    ManagedSystemID: id, AssetID: null, DatabaseID: null, DirectoryID: id, CloudID: null,
    SystemName: domain, PlatformID: platformId(DIRECTORY_PLATFORM), NetBiosName: '', Description: '', IPAddress: '', HostName: '', DNSName: domain,
  };
}

/** Which directory a Shared credential is served under: its domain, else the Vault's, else a fixed name. */
export function sharedDirectory(inv: VaultInventory, c: VaultCredential): string {
  return text(c.domain) ?? text(inv.domain) ?? 'directory';
}

/** The sandbox's managed systems: every endpoint, then one directory per domain holding Shared credentials. */
export function systemsToApi(inv: VaultInventory): PsManagedSystem[] {
  const out = list<VaultEndpoint>(inv.endpoints).filter((e) => text(e.name)).map(endpointToApi);
  const dirs = new Set(list<VaultCredential>(inv.credentials).filter((c) => !isRestricted(c)).map((c) => sharedDirectory(inv, c)));
  return out.concat([...dirs].map(directoryToApi));
}

/** The accounts the sandbox lists under each of its systems, by ManagedSystemID (every system present). */
export function accountsBySystemToApi(inv: VaultInventory, systems: PsManagedSystem[], accountIds: ReadonlyMap<string, number>): Map<number, PsSystemAccount[]> {
  const out = new Map<number, PsSystemAccount[]>(systems.map((s) => [s.ManagedSystemID, []]));
  const byName = new Map(systems.map((s) => [`${s.DirectoryID != null ? 'dir' : 'sys'}:${s.SystemName}`, s.ManagedSystemID]));
  for (const c of list<VaultCredential>(inv.credentials)) {
    const id = typeof c.name === 'string' ? accountIds.get(c.name) : undefined;
    if (id === undefined) continue;
    const where = isRestricted(c) ? credentialEndpoints(inv, c).map((e) => `sys:${e}`) : [`dir:${sharedDirectory(inv, c)}`];
    for (const key of where) {
      const systemId = byName.get(key);
      if (systemId === undefined) continue;
      out.get(systemId)!.push({
        ManagedAccountID: id, ManagedSystemID: systemId, DomainName: c.domain ?? '', AccountName: c.username ?? c.name!,
        DistinguishedName: '', Description: c.description ?? '', ApiEnabled: true,
      });
    }
  }
  return out;
}

// ——— managed accounts → credentials ———

/** One managed account as read, with every system it was listed under. */
export interface LiveAccount {
  id: number;
  username: string;
  domain?: string;
  description?: string;
  /** Listed under a directory or cloud system: not tied to endpoints (Shared). */
  shared: boolean;
  systems: string[];
}

/** Adds one row of ManagedSystems/{id}/ManagedAccounts to the accounts read so far (keyed by ManagedAccountID). */
export function addAccountRow(into: Map<number, LiveAccount>, system: PsManagedSystem, row: PsSystemAccount): void {
  const name = system.SystemName ?? '';
  const known = into.get(row.ManagedAccountID);
  if (known) {
    if (!known.systems.includes(name)) known.systems.push(name);
    return;
  }
  into.set(row.ManagedAccountID, compact({
    id: row.ManagedAccountID,
    username: row.AccountName ?? '',
    domain: text(row.DomainName),
    description: text(row.Description),
    shared: !isEndpointSystem(system),
    systems: [name],
  }));
}

/**
 * The file's credentials for the accounts read. An account that is already in the file (same username and
 * access type, on the same endpoints, else on some of them) keeps its name and whatever the file says that
 * the API does not; a new one is named `username@system`. Endpoints that the credential's endpoint groups
 * (kept from the file) already cover are not repeated in `endpoints`.
 */
export function credentialsFromApi(accounts: Iterable<LiveAccount>, current: VaultInventory = {}): { credential: VaultCredential; account: LiveAccount }[] {
  const existing = list<VaultCredential>(current.credentials);
  const used = new Set<VaultCredential>();
  // A new account never takes the name of a file credential, matched or not: an unmatched one is about to
  // be removed, and taking its name would hand the new account its password reference.
  const names = new Set<string>(existing.map((c) => c.name).filter((n): n is string => typeof n === 'string').map((n) => n.toLowerCase()));
  const out: { credential: VaultCredential; account: LiveAccount; match?: VaultCredential }[] = [];
  for (const account of accounts) {
    const match = matchCredential(existing, used, account, current);
    if (match) used.add(match);
    out.push({ credential: {}, account, match });
  }
  for (const o of out) {
    const a = o.account;
    const name = o.match?.name ?? unique(`${a.username}@${a.systems[0] ?? ''}`, names);
    const covered = coveredByGroups(current, o.match);
    o.credential = compact({
      name,
      accessType: a.shared ? 'Shared' : 'Restricted',
      endpoints: a.shared ? [] : a.systems.filter((s) => !covered.has(s)),
      domain: a.domain,
      description: a.description,
      username: a.username,
    });
  }
  return out.map(({ credential, account }) => ({ credential, account }));
}

function matchCredential(existing: VaultCredential[], used: Set<VaultCredential>, a: LiveAccount, inv: VaultInventory): VaultCredential | undefined {
  const live = new Set(a.systems);
  let best: VaultCredential | undefined;
  let bestScore = 0;
  for (const c of existing) {
    if (used.has(c) || typeof c.name !== 'string' || !sameName(c.username, a.username) || isRestricted(c) === a.shared) continue;
    // Where it is usable decides (the same endpoints, else some of them); description and domain break ties.
    let place: number;
    if (a.shared) place = sameName(sharedDirectory(inv, c), a.systems[0]) ? 8 : 4;
    else {
      const eps = credentialEndpoints(inv, c);
      place = eps.length === live.size && eps.every((e) => live.has(e)) ? 8 : eps.some((e) => live.has(e)) ? 4 : 0;
    }
    if (!place) continue;
    const score = place + (sameText(c.description, a.description) ? 2 : 0) + (sameText(c.domain, a.domain) ? 1 : 0);
    if (score > bestScore) [best, bestScore] = [c, score];
  }
  return best;
}

function sameText(a: unknown, b: unknown): boolean {
  return (text(a) ?? '') === (text(b) ?? '');
}

/** Endpoints reached through the endpoint groups a file credential lists (groups are the file's, not the API's). */
function coveredByGroups(inv: VaultInventory, c: VaultCredential | undefined): Set<string> {
  const groups = Array.isArray(c?.endpointGroups) ? c!.endpointGroups.filter((g): g is string => typeof g === 'string') : [];
  if (!groups.length) return new Set();
  return new Set(list<VaultEndpoint>(inv.endpoints)
    .filter((e) => typeof e.name === 'string' && Array.isArray(e.groups) && e.groups.some((g) => groups.some((x) => sameName(x, g))))
    .map((e) => e.name!));
}

// ——— per-user grants → credential policies ———

/**
 * Credential policies from what each user may request (GET ManagedAccounts signed in as that user): one
 * policy per distinct set of users, granting checkout to each `user:NAME`; every credential names the
 * policy of exactly the users who may request it ("checkout: nobody" when none may).
 */
export function grantPolicies(credentials: { credential: VaultCredential; account: LiveAccount }[], grants: ReadonlyMap<number, Iterable<string>>): VaultPolicy[] {
  const policies = new Map<string, VaultPolicy>();
  for (const { credential, account } of credentials) {
    const users = [...new Set(grants.get(account.id) ?? [])].sort((a, b) => a.localeCompare(b));
    const name = grantPolicyName(users);
    if (!policies.has(name)) {
      policies.set(name, { name, permissions: users.map((u): VaultPermission => ({ principal: `user:${u}`, actions: ['checkout'] })) });
    }
    // `policy` right after `name`, where a hand-written credential has it.
    const { name: credentialName, ...rest } = credential;
    for (const k of Object.keys(credential)) delete (credential as Record<string, unknown>)[k];
    Object.assign(credential, { name: credentialName, policy: name, ...rest });
  }
  return [...policies.values()];
}

export function grantPolicyName(users: string[]): string {
  if (users.length === 0) return 'checkout: nobody';
  if (users.length <= 3) return `checkout: ${users.join(', ')}`;
  // Long sets are shortened; the hash keeps two sets that start alike apart.
  const hash = createHash('sha256').update(users.join('\0')).digest('hex').slice(0, 6);
  return `checkout: ${users.slice(0, 2).join(', ')} +${users.length - 2} (${hash})`;
}

// ——— helpers ———

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

function splitQualified(name: string): [string | undefined, string] {
  const i = name.indexOf('\\');
  return i > 0 && i < name.length - 1 ? [name.slice(0, i), name.slice(i + 1)] : [undefined, name];
}

function unique(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base} (${n})`;
  taken.add(name.toLowerCase());
  return name;
}

/** The object without its undefined fields (so a field the API does not give is absent, not `undefined`). */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
