/**
 * The Password Safe v3 read endpoints `ecmkit pull vault` uses, on a signed-in VaultClient (its TLS, session,
 * re-sign-in and error mapping). Lists are read in `limit`/`offset` pages and handed over page by page, so
 * memory does not grow with the Vault. Field names are the vendor's (docs/pull-vault.md cites each page).
 *
 * Group members are only ever read as `Users/{id}/UserGroups`: `UserGroups/{id}/Users` starts a directory
 * membership sync on a real Password Safe, which a read must never cause.
 */
import { badResponse, type CallOptions, type ManagedAccount, type VaultClient } from './client';
import { VaultError } from './errors';

/** GET Users (BeyondInsight "Users"). `UserType` is "Application" for API application users. */
export interface PsUser {
  UserID: number;
  UserName?: string;
  DomainName?: string | null;
  DistinguishedName?: string | null;
  FirstName?: string | null;
  LastName?: string | null;
  EmailAddress?: string | null;
  IsQuarantined?: boolean;
  UserType?: string;
}

/** GET UserGroups and GET Users/{id}/UserGroups. */
export interface PsUserGroup {
  GroupID: number;
  Name?: string;
  DistinguishedName?: string | null;
  Description?: string | null;
  GroupType?: string;
  IsActive?: boolean;
}

/** GET ManagedSystems. Exactly one of AssetID, DatabaseID, DirectoryID, CloudID says what the system is. */
export interface PsManagedSystem {
  ManagedSystemID: number;
  AssetID?: number | null;
  DatabaseID?: number | null;
  DirectoryID?: number | null;
  CloudID?: number | null;
  SystemName?: string;
  PlatformID?: number;
  NetBiosName?: string | null;
  Description?: string | null;
  IPAddress?: string | null;
  HostName?: string | null;
  DNSName?: string | null;
}

/** GET ManagedSystems/{id}/ManagedAccounts (the permission-based view: every account of the system). */
export interface PsSystemAccount {
  ManagedAccountID: number;
  ManagedSystemID?: number;
  DomainName?: string | null;
  AccountName?: string;
  DistinguishedName?: string | null;
  Description?: string | null;
  ApiEnabled?: boolean;
}

/** GET Platforms. */
export interface PsPlatform { PlatformID: number; Name?: string; ShortName?: string }

export interface PageOptions extends CallOptions {
  /** Rows asked for per request (`limit`); default 100. */
  pageSize?: number;
}

export const DEFAULT_PAGE_SIZE = 100;

type OnPage<T> = (rows: T[]) => void | Promise<void>;

/**
 * Reads a list with `limit`/`offset` until it is complete, calling `onPage` with each page before asking for
 * the next. The documented shape with `limit` is `{TotalCount, Data}`; an endpoint that does not page answers
 * a bare array, which is then the whole list (or, when exactly `limit` long, read on until a short page, and
 * dropped when the server repeats its first page, i.e. ignores `offset`).
 */
export async function readPages<T>(
  client: VaultClient, path: string, what: string, isRow: (r: unknown) => r is T, onPage: OnPage<T>, o: PageOptions = {},
): Promise<number> {
  const limit = Math.max(1, Math.floor(o.pageSize ?? DEFAULT_PAGE_SIZE));
  let offset = 0;
  let firstRow: string | undefined;
  for (;;) {
    const body = await client.getJson(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}&offset=${offset}`, o);
    let rows: unknown[];
    let total: number | undefined;
    if (Array.isArray(body)) rows = body;
    else if (body && typeof body === 'object' && Array.isArray((body as { Data?: unknown }).Data) && Number.isInteger((body as { TotalCount?: unknown }).TotalCount)) {
      rows = (body as { Data: unknown[] }).Data;
      total = (body as { TotalCount: number }).TotalCount;
    } else throw badResponse(what, 'a list or {TotalCount, Data}');
    if (!rows.every(isRow)) throw badResponse(what, `a list of ${what} rows with their id`);
    if (total === undefined) {
      const head = rows.length ? JSON.stringify(rows[0]) : undefined;
      if (offset > 0 && head !== undefined && head === firstRow) return offset; // offset ignored: already read
      firstRow ??= head;
    }
    if (rows.length) await onPage(rows);
    offset += rows.length;
    const done = total !== undefined ? rows.length === 0 || offset >= total : rows.length < limit;
    if (done) return offset;
  }
}

const hasInt = (k: string) => (r: unknown): boolean => !!r && typeof r === 'object' && Number.isInteger((r as Record<string, unknown>)[k]);
const isUser = hasInt('UserID') as (r: unknown) => r is PsUser;
const isGroup = hasInt('GroupID') as (r: unknown) => r is PsUserGroup;
const isSystem = hasInt('ManagedSystemID') as (r: unknown) => r is PsManagedSystem;
const isSystemAccount = hasInt('ManagedAccountID') as (r: unknown) => r is PsSystemAccount;
const isPlatform = hasInt('PlatformID') as (r: unknown) => r is PsPlatform;
const isRequestable = ((r: unknown) => hasInt('SystemId')(r) && hasInt('AccountId')(r)) as (r: unknown) => r is ManagedAccount;

/** 403s already said with their permission (a page handler's own call may fail inside an outer list). */
const explained = new WeakSet<VaultError>();

/** A 403 said with the permission the vendor documents for the endpoint. */
async function needs<T>(permission: string, what: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (!(e instanceof VaultError) || e.kind !== 'forbidden' || explained.has(e)) throw e;
    const said = new VaultError('forbidden', e.message, { ...e.details, hint: `Reading ${what} needs ${permission}: give it to a group of the run-as user (read only is enough).` });
    explained.add(said);
    throw said;
  }
}

const USERS_READ = 'User Accounts Management (Read)';
const SYSTEMS_READ = 'Password Safe System Management (Read)';
const ACCOUNTS_READ = 'Password Safe Account Management (Read)';

/** GET Users, page by page. Needs User Accounts Management (Read). */
export function users(client: VaultClient, onPage: OnPage<PsUser>, o?: PageOptions): Promise<number> {
  return needs(USERS_READ, 'users', readPages(client, 'Users', 'Users', isUser, onPage, o));
}

/** GET UserGroups (every group, active or not), page by page. Needs User Accounts Management (Read). */
export function userGroups(client: VaultClient, onPage: OnPage<PsUserGroup>, o?: PageOptions): Promise<number> {
  return needs(USERS_READ, 'user groups', readPages(client, 'UserGroups', 'UserGroups', isGroup, onPage, o));
}

/** GET Users/{id}/UserGroups: the groups one user belongs to (never UserGroups/{id}/Users; see above). */
export async function groupsOfUser(client: VaultClient, userId: number, o?: CallOptions): Promise<PsUserGroup[]> {
  const what = 'Users/{id}/UserGroups';
  const body = await needs(USERS_READ, 'group memberships', client.getJson(`Users/${encodeURIComponent(String(userId))}/UserGroups`, o));
  if (!Array.isArray(body) || !body.every(isGroup)) throw badResponse(what, 'a list of user groups with GroupID');
  return body;
}

/** GET ManagedSystems, page by page. Needs Password Safe System Management (Read). */
export function managedSystems(client: VaultClient, onPage: OnPage<PsManagedSystem>, o?: PageOptions): Promise<number> {
  return needs(SYSTEMS_READ, 'managed systems', readPages(client, 'ManagedSystems', 'ManagedSystems', isSystem, onPage, o));
}

/** GET ManagedSystems/{id}/ManagedAccounts, page by page. Needs Password Safe Account Management (Read). */
export function accountsOfSystem(client: VaultClient, systemId: number, onPage: OnPage<PsSystemAccount>, o?: PageOptions): Promise<number> {
  return needs(ACCOUNTS_READ, 'managed accounts', readPages(client, `ManagedSystems/${encodeURIComponent(String(systemId))}/ManagedAccounts`, 'ManagedSystems/{id}/ManagedAccounts', isSystemAccount, onPage, o));
}

/** GET Platforms: platform names for the systems' PlatformID. */
export async function platforms(client: VaultClient, o?: CallOptions): Promise<PsPlatform[]> {
  const body = await client.getJson('Platforms', o);
  if (!Array.isArray(body) || !body.every(isPlatform)) throw badResponse('Platforms', 'a list of platforms with PlatformID');
  return body;
}

/** GET ManagedAccounts, page by page: what the signed-in (run-as) user may request — the ECM's own view. */
export function requestableAccounts(client: VaultClient, onPage: OnPage<ManagedAccount>, o?: PageOptions): Promise<number> {
  return readPages(client, 'ManagedAccounts', 'ManagedAccounts', isRequestable, onPage, o);
}
