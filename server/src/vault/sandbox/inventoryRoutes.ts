/**
 * The sandbox's read endpoints for `ecmkit pull vault` (Users, UserGroups, Users/{id}/UserGroups,
 * ManagedSystems, ManagedSystems/{id}/ManagedAccounts, Platforms), served from the workspace's Vault file
 * in the shapes the real API gives: with `limit` a page `{TotalCount, Data}`, without it a bare array.
 * `UserGroups/{id}/Users` is refused and remembered: on a real Password Safe it starts a directory sync.
 */
import { list, type VaultGroup, type VaultInventory, type VaultUser } from '../../model/inventory';
import type { PsManagedSystem, PsSystemAccount, PsUser } from '../inventoryApi';
import { accountsBySystemToApi, groupToApi, platformsToApi, systemsToApi, userId, userToApi } from '../inventoryMapping';
import type { SandboxModel } from './model';

export class RouteError extends Error {
  constructor(readonly status: number, message: string, readonly reason: string) { super(message); }
}

/** The answer to a read route, or undefined when the route is not one of these. */
/** `UserGroups/{id}/Users` (lower-cased route): starts a directory membership sync on a real Password Safe. */
export const DIRECTORY_SYNC_ROUTE = /^usergroups\/[^/]+\/users$/;

export function inventoryRoute(route: string, q: URLSearchParams, model: SandboxModel): unknown {
  const inv = model.inventory;
  if (route === 'users') return page(view(model).users, q);
  if (route === 'usergroups') return page(declaredGroups(inv).map(groupToApi), q);
  if (route === 'managedsystems') return page(view(model).systems, q);
  if (route === 'platforms') return platformsToApi(inv);
  let m = /^users\/([^/]+)\/usergroups$/.exec(route);
  if (m) {
    const user = view(model).userById.get(m[1]);
    if (!user) throw new RouteError(404, `No user with id ${m[1].slice(0, 20)}.`, 'user-not-found');
    const mine = new Set((Array.isArray(user.groups) ? user.groups : []).filter((g): g is string => typeof g === 'string').map((g) => g.toLowerCase()));
    return declaredGroups(inv).filter((g) => mine.has(g.name!.toLowerCase())).map(groupToApi);
  }
  if (DIRECTORY_SYNC_ROUTE.test(route)) {
    throw new RouteError(400, 'ecmkit never calls UserGroups/{id}/Users: on a real Password Safe it starts a directory membership sync. Read Users/{id}/UserGroups instead.', 'starts-directory-sync');
  }
  m = /^managedsystems\/(\d{1,10})\/managedaccounts$/.exec(route);
  if (m) {
    const rows = view(model).accounts.get(Number(m[1]));
    if (!rows) throw new RouteError(404, `No managed system with id ${m[1]}.`, 'system-not-found');
    return page(rows, q);
  }
  return undefined;
}

interface View { users: PsUser[]; userById: Map<string, VaultUser>; systems: PsManagedSystem[]; accounts: Map<number, PsSystemAccount[]> }

/** The rows of one model, built on its first read (a workspace edit makes a new model). */
const views = new WeakMap<SandboxModel, View>();
function view(model: SandboxModel): View {
  let v = views.get(model);
  if (!v) {
    const named = list<VaultUser>(model.inventory.users).filter((u): u is VaultUser & { username: string } => typeof u.username === 'string');
    const systems = systemsToApi(model.inventory);
    v = {
      users: named.map(userToApi),
      userById: new Map(named.map((u) => [String(userId(u.username)), u])),
      systems,
      accounts: accountsBySystemToApi(model.inventory, systems, model.accountIds),
    };
    views.set(model, v);
  }
  return v;
}

function declaredGroups(inv: VaultInventory): VaultGroup[] {
  return list<VaultGroup>(inv.groups).filter((g) => typeof g.name === 'string' && g.name.trim());
}

/** `limit`/`offset` as Password Safe documents them: offset only with limit; with limit, `{TotalCount, Data}`. */
export function page<T>(rows: T[], q: URLSearchParams): T[] | { TotalCount: number; Data: T[] } {
  const limit = q.get('limit');
  const offset = q.get('offset');
  if (limit === null) {
    if (offset !== null) throw new RouteError(400, 'offset can only be used with limit.', 'bad-request');
    return rows;
  }
  const n = /^\d{1,9}$/.test(limit) ? Number(limit) : NaN;
  const skip = offset === null ? 0 : /^\d{1,9}$/.test(offset) ? Number(offset) : NaN;
  if (!(n >= 1) || !(skip >= 0)) throw new RouteError(400, 'limit must be a whole number of at least 1 and offset one of at least 0.', 'bad-request');
  return { TotalCount: rows.length, Data: rows.slice(skip, skip + n) };
}
