/**
 * "Which credentials may run-as user U check out, and on which endpoint?" as pure functions over a Vault
 * inventory. The sandbox serves its API from these, and the broker reuses them to explain each drop, so
 * both always agree. Names of users, providers, groups, roles and policies compare case-insensitively
 * (as Vault does); endpoint names compare exactly, because the ECM asks for the name PA shows.
 */
import { list, type VaultCredential, type VaultGroup, type VaultInventory, type VaultPolicy, type VaultUser, type VaultEndpoint } from '../model/inventory';

export interface RunAs { provider: string; username: string }

/** `PROVIDER\username` → parts; undefined when it is not of that shape. */
export function parseRunAs(s: string | undefined): RunAs | undefined {
  const m = /^\s*([^\\\s][^\\]*)\\([^\\]*[^\\\s])\s*$/.exec(s ?? '');
  return m ? { provider: m[1].trim(), username: m[2].trim() } : undefined;
}

export function formatRunAs(r: RunAs): string {
  return `${r.provider}\\${r.username}`;
}

export function sameName(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();
}

export function isActive(status: unknown): boolean {
  return sameName(status, 'Active');
}

export type UserLookup =
  | { ok: true; user: VaultUser }
  | { ok: false; reason: 'not-found' | 'wrong-provider' | 'inactive'; user?: VaultUser; message: string };

/** Finds the Vault user a run-as identity names; says why not when there is none usable. */
export function findRunAsUser(inv: VaultInventory, runAs: RunAs): UserLookup {
  const byName = list<VaultUser>(inv.users).filter((u) => sameName(u.username, runAs.username));
  const user = byName.find((u) => sameName(u.securityProvider, runAs.provider));
  if (!user) {
    if (byName.length) {
      return { ok: false, reason: 'wrong-provider', user: byName[0], message: `Vault user ${runAs.username} belongs to security provider ${byName[0].securityProvider ?? '(none)'}, not ${runAs.provider}.` };
    }
    return { ok: false, reason: 'not-found', message: `Vault has no user ${runAs.username}.` };
  }
  if (!isActive(user.status)) return { ok: false, reason: 'inactive', user, message: `Vault user ${formatRunAs(runAs)} is not Active (status ${user.status ?? 'missing'}).` };
  return { ok: true, user };
}

/** The first Active user as `PROVIDER\username` (vault-test's default run-as identity). */
export function firstActiveRunAs(inv: VaultInventory): RunAs | undefined {
  const u = list<VaultUser>(inv.users).find((x) => isActive(x.status) && typeof x.username === 'string' && typeof x.securityProvider === 'string');
  return u ? { provider: u.securityProvider!, username: u.username! } : undefined;
}

/**
 * Principals a user acts as (`user:x`, `group:y`, `role:z`; roles of the user's groups count), keyed
 * lower-cased for matching, each with the spelling of the file that declares it (`role:Rep`) for display.
 */
export function principalsOf(inv: VaultInventory, user: VaultUser): Principals {
  const out: Principals = new Map();
  const add = (kind: string, name: unknown): void => {
    if (typeof name !== 'string' || !name.trim()) return;
    const key = `${kind}:${name.trim().toLowerCase()}`;
    if (!out.has(key)) out.set(key, `${kind}:${name.trim()}`);
  };
  add('user', user.username);
  for (const r of strings(user.roles)) add('role', roleName(inv, r));
  const groups = list<VaultGroup>(inv.groups);
  for (const g of strings(user.groups)) {
    const def = groups.find((x) => sameName(x.name, g));
    add('group', def?.name ?? g);
    for (const r of strings(def?.roles)) add('role', roleName(inv, r));
  }
  return out;
}

/** Lower-cased `kind:name` → the name as the file spells it. */
export type Principals = Map<string, string>;

/** A role as the Vault file's roles list spells it (a group or user may write it in another case). */
function roleName(inv: VaultInventory, role: string): string {
  return list<{ name?: string }>(inv.roles).find((r) => sameName(r.name, role))?.name ?? role;
}

export interface Grant { policy: string; principal: string }

/** The permission that lets the user check the credential out, or undefined (no policy, or no check-out for them). */
export function checkoutGrant(inv: VaultInventory, user: VaultUser, cred: VaultCredential, principals = principalsOf(inv, user)): Grant | undefined {
  const policy = list<VaultPolicy>(inv.credentialPolicies).find((p) => sameName(p.name, cred.policy));
  if (!policy) return undefined;
  for (const perm of list<{ principal?: string; actions?: string[] }>(policy.permissions)) {
    if (typeof perm.principal !== 'string') continue;
    const m = /^\s*(user|group|role)\s*:\s*(.+?)\s*$/i.exec(perm.principal);
    if (!m || !principals.has(`${m[1].toLowerCase()}:${m[2].toLowerCase()}`)) continue;
    if (strings(perm.actions).some((a) => sameName(a, 'checkout'))) return { policy: policy.name ?? '', principal: perm.principal.trim() };
  }
  return undefined;
}

export function isRestricted(cred: VaultCredential): boolean {
  return sameName(cred.accessType, 'Restricted');
}

/** How a credential reaches an endpoint. */
export type Assignment =
  | { kind: 'shared' }                                        // Shared: not tied to endpoints
  | { kind: 'endpoint'; endpoint: string }                    // Restricted, listed directly
  | { kind: 'endpointGroup'; endpoint: string; group: string } // Restricted, via an endpoint group
  | { kind: 'any-endpoint' };                                 // Vault Go!: endpoint rules do not apply

/** Whether the credential applies to the endpoint named exactly `endpoint` (case and form as PA shows it). */
export function assignmentOn(inv: VaultInventory, cred: VaultCredential, endpoint: string): Assignment | undefined {
  if (!isRestricted(cred)) return { kind: 'shared' };
  if (sameName(inv.edition, 'go')) return { kind: 'any-endpoint' };
  // No managed system of that name, no Restricted account on it: a credential still listing a renamed or
  // deleted endpoint (ref/unknown) is not offered there.
  const ep = findEndpoint(inv, endpoint);
  if (!ep) return undefined;
  if (strings(cred.endpoints).includes(endpoint)) return { kind: 'endpoint', endpoint };
  const credGroups = strings(cred.endpointGroups);
  const g = strings(ep.groups).find((x) => credGroups.some((c) => sameName(c, x)));
  return g !== undefined ? { kind: 'endpointGroup', endpoint, group: g } : undefined;
}

/** The Vault endpoint with exactly this name. */
export function findEndpoint(inv: VaultInventory, name: string): VaultEndpoint | undefined {
  return list<VaultEndpoint>(inv.endpoints).find((e) => e.name === name);
}

/** Every endpoint a Restricted credential is usable on (direct ones first, then via groups); [] for Shared. */
export function credentialEndpoints(inv: VaultInventory, cred: VaultCredential): string[] {
  if (!isRestricted(cred)) return [];
  const out = new Set(strings(cred.endpoints));
  const credGroups = strings(cred.endpointGroups);
  for (const ep of list<VaultEndpoint>(inv.endpoints)) {
    if (typeof ep.name === 'string' && strings(ep.groups).some((g) => credGroups.some((c) => sameName(c, g)))) out.add(ep.name);
  }
  return [...out];
}

/** Whether `holder` (a username or `PROVIDER\username`) is this run-as user. */
export function isSameHolder(holder: string, runAs: RunAs): boolean {
  const parsed = parseRunAs(holder);
  return parsed ? sameName(parsed.username, runAs.username) && sameName(parsed.provider, runAs.provider) : sameName(holder, runAs.username);
}

/** Who holds the credential if not this user (from the inventory's `checkedOutBy`, or a live check-out). */
export function heldByOther(cred: VaultCredential, runAs: RunAs, liveHolder?: string): string | undefined {
  for (const h of [liveHolder, cred.checkedOutBy]) {
    if (typeof h === 'string' && h.trim() && !isSameHolder(h, runAs)) return h.trim();
  }
  return undefined;
}

export interface CredentialDecision {
  credential: VaultCredential;
  /** Position in the inventory's `credentials` list (for ranges and stable ordering). */
  index: number;
  /** Undefined: the user's policies give no check-out on it. */
  grant?: Grant;
  /** Undefined: it does not apply to the endpoint asked for (only set when an endpoint was given). */
  assignment?: Assignment;
  /** Set when another user has it checked out. */
  heldBy?: string;
}

/**
 * Every credential of the inventory, with the facts that decide whether `user` gets it on `endpoint`
 * (omit `endpoint` to ask about all endpoints). A credential is offered when `grant` is set and, if an
 * endpoint was given, `assignment` too; `heldBy` then says whether it is available.
 */
export function decideCredentials(
  inv: VaultInventory,
  user: VaultUser,
  runAs: RunAs,
  endpoint?: string,
  liveHolder: (cred: VaultCredential) => string | undefined = () => undefined,
): CredentialDecision[] {
  const principals = principalsOf(inv, user);
  return list<VaultCredential>(inv.credentials).map((credential, index) => ({
    credential,
    index,
    grant: checkoutGrant(inv, user, credential, principals),
    assignment: endpoint === undefined ? undefined : assignmentOn(inv, credential, endpoint),
    heldBy: heldByOther(credential, runAs, liveHolder(credential)),
  }));
}

/** The decisions the Vault would return to the user: permitted and (when asked) on that endpoint. */
export function offered(decisions: CredentialDecision[], endpointGiven: boolean): CredentialDecision[] {
  return decisions.filter((d) => d.grant && (!endpointGiven || d.assignment));
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
