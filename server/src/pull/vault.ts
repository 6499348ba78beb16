/**
 * Reads a Vault (Password Safe API v3) into the plain objects of a `*.vault.yaml` inventory: users and their
 * groups, user groups, managed systems as endpoints, their managed accounts as credentials, and with
 * `grants: 'per-user'` what each active user may request, as credential policies. Read-only; every session
 * it opens is signed out, whatever happens. Pages are turned into file items as they arrive.
 */
import type { Dispatcher } from 'undici';
import type { VaultEndpoint, VaultGroup, VaultInventory, VaultPolicy, VaultUser } from '../model/inventory';
import { formatRunAs } from '../domain/permissions';
import { apiBaseUrl, createVaultAgent, VaultClient, type CallOptions } from '../vault/client';
import { VaultError } from '../vault/errors';
import * as api from '../vault/inventoryApi';
import {
  addAccountRow, credentialsFromApi, endpointFromApi, grantPolicies, groupFromApi, isEndpointSystem, providersFromUsers,
  userFromApi, type LiveAccount,
} from '../vault/inventoryMapping';

export type Grants = 'none' | 'per-user';

export interface VaultPullOptions {
  /** The Vault URL (`--vault`). */
  vault: string;
  /** The run-as identity `PROVIDER\username` (`--user`). */
  runAs: string;
  /** The API key (env ECMKIT_VAULT_KEY); never logged. */
  key: string;
  /** Extra CA (PEM) trusted beside the system roots. */
  ca?: string | Buffer;
  grants?: Grants;
  /** The file being updated, if any: credentials already in it keep their names (see credentialsFromApi). */
  current?: VaultInventory;
  timeoutMs?: number;
  pageSize?: number;
  signal?: AbortSignal;
  /** Progress: a phase and the number of items read so far in it. */
  onProgress?: (phase: string, count: number) => void;
}

export interface VaultPullResult {
  /** The inventory as read, in the file's shape (only what the API gives). */
  inventory: VaultInventory;
  /** Things worth saying that did not stop the pull (users that could not be signed in as…). */
  notes: string[];
}

/** Users looked up per page at once (one Users/{id}/UserGroups call each). */
const GROUP_LOOKUPS_AT_ONCE = 4;

export async function pullVault(o: VaultPullOptions): Promise<VaultPullResult> {
  const agent = createVaultAgent({ ca: o.ca, connectTimeoutMs: o.timeoutMs });
  const call: CallOptions = { timeoutMs: o.timeoutMs, signal: o.signal };
  const page: api.PageOptions = { ...call, pageSize: o.pageSize };
  const notes: string[] = [];
  try {
    const read = await withSession(agent, o, o.runAs, (client) => readInventory(client, page, call, o.onProgress));
    let policies: VaultPolicy[] | undefined;
    const credentials = credentialsFromApi(read.accounts.values(), o.current);
    if ((o.grants ?? 'none') === 'per-user') {
      const grants = await readGrants(agent, o, read.users, page, notes);
      policies = grantPolicies(credentials, grants);
    }
    const inventory: VaultInventory = {
      hostname: vaultHostname(o.vault),
      securityProviders: providersFromUsers(read.users),
      groups: read.groups,
      users: read.users,
      endpoints: read.endpoints,
      ...(policies ? { credentialPolicies: policies } : {}),
      credentials: credentials.map((c) => c.credential),
    };
    return { inventory, notes };
  } finally {
    await agent.destroy().catch(() => undefined);
  }
}

/** `https://host[:port]` of the --vault URL: the inventory's `hostname`. */
export function vaultHostname(vault: string): string {
  return apiBaseUrl(vault).origin;
}

interface Read { users: VaultUser[]; groups: VaultGroup[]; endpoints: VaultEndpoint[]; accounts: Map<number, LiveAccount> }

async function readInventory(client: VaultClient, page: api.PageOptions, call: CallOptions, progress?: (phase: string, n: number) => void): Promise<Read> {
  const groups: VaultGroup[] = [];
  await api.userGroups(client, (rows) => {
    for (const r of rows) { const g = groupFromApi(r); if (g) groups.push(g); }
    progress?.('user groups', groups.length);
  }, page);

  const users: VaultUser[] = [];
  await api.users(client, async (rows) => {
    for (let i = 0; i < rows.length; i += GROUP_LOOKUPS_AT_ONCE) {
      const batch = rows.slice(i, i + GROUP_LOOKUPS_AT_ONCE);
      const memberships = await Promise.all(batch.map((r) => api.groupsOfUser(client, r.UserID, call)));
      batch.forEach((r, j) => { const u = userFromApi(r, memberships[j]); if (u) users.push(u); });
    }
    progress?.('users', users.length);
  }, page);

  // Platforms name the endpoints' type; a Vault that will not say is read without types.
  const platformNames = new Map<number, string>();
  try {
    for (const p of await api.platforms(client, call)) if (p.Name) platformNames.set(p.PlatformID, p.Name);
  } catch (e) {
    if (!(e instanceof VaultError && (e.kind === 'forbidden' || e.kind === 'not-found'))) throw e;
  }

  const endpoints: VaultEndpoint[] = [];
  const accounts = new Map<number, LiveAccount>();
  await api.managedSystems(client, async (rows) => {
    for (const system of rows) {
      if (isEndpointSystem(system)) endpoints.push(endpointFromApi(system, platformNames));
      await api.accountsOfSystem(client, system.ManagedSystemID, (accs) => { for (const a of accs) addAccountRow(accounts, system, a); }, page);
    }
    progress?.('endpoints', endpoints.length);
  }, page);
  progress?.('credentials', accounts.size);
  return { users, groups, endpoints, accounts };
}

/**
 * What each active user may request, by ManagedAccountID → usernames: signed in as that user with the same
 * key, as the ECM does. A user the Vault will not sign in as (401) may request nothing; that is said in notes.
 */
async function readGrants(agent: Dispatcher, o: VaultPullOptions, users: VaultUser[], page: api.PageOptions, notes: string[]): Promise<Map<number, string[]>> {
  const grants = new Map<number, string[]>();
  const refused: string[] = [];
  let done = 0;
  for (const u of users) {
    if (u.status !== 'Active' || !u.securityProvider || !u.username) continue;
    const runAs = formatRunAs({ provider: u.securityProvider, username: u.username });
    try {
      await withSession(agent, o, runAs, (client) => api.requestableAccounts(client, (rows) => {
        for (const r of rows) {
          const list = grants.get(r.AccountId) ?? [];
          if (!list.includes(u.username!)) list.push(u.username!);
          grants.set(r.AccountId, list);
        }
      }, page));
    } catch (e) {
      if (!(e instanceof VaultError && e.kind === 'auth')) throw e;
      refused.push(runAs);
    }
    o.onProgress?.('grants', ++done);
  }
  if (refused.length) {
    notes.push(`${refused.length} active user(s) could not be signed in as, so they may request nothing: ${refused.slice(0, 5).join(', ')}${refused.length > 5 ? ', …' : ''}. Each needs a group with the API registration and the Requestor role.`);
  }
  return grants;
}

/** Signs in as `runAs`, runs `work`, and signs out whatever happened (a sign-out failure never hides `work`'s). */
async function withSession<T>(agent: Dispatcher, o: VaultPullOptions, runAs: string, work: (c: VaultClient) => Promise<T>): Promise<T> {
  const client = new VaultClient({ hostname: o.vault, dispatcher: agent, timeoutMs: o.timeoutMs });
  const call: CallOptions = { timeoutMs: o.timeoutMs, signal: o.signal };
  try {
    await client.signIn(o.key, runAs, undefined, call);
    return await work(client);
  } finally {
    if (client.signedIn) await client.signOut({ timeoutMs: o.timeoutMs }).catch(() => undefined);
  }
}
