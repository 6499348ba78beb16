/**
 * How the appliance routes a credential request (docs/formats.md#ecm-groups-and-routing): an ECM belongs to
 * the ECM group of the PA API account whose `clientId` it uses; a jump client's requests go to the ECM group
 * of its jump group; within that group the ECM connected the longest serves. The one place this is decided:
 * the rules, the broker, Simulate and the code lens all ask here.
 *
 * Routing by group applies only where the PA file says both ends: it lists `apiAccounts` (so each ECM's
 * group is known) and the jump client names a declared jump group. Otherwise every ECM of the site may
 * serve, as in a file written before these fields existed.
 */
import type { PaApiAccount, PaJumpClient, PaJumpGroup } from '../model/inventory';
import type { Entry } from '../model/workspace';

/** The group of an API account or jump group without `ecmGroup`: the site's default ECM group. */
export const DEFAULT_ECM_GROUP = 'default';

/** An `ecmGroup` value as a group key: trimmed, lower-cased; absent or empty is the default group. */
export function ecmGroupKey(v: unknown): string {
  return typeof v === 'string' && v.trim() ? v.trim().toLowerCase() : DEFAULT_ECM_GROUP;
}

/** How a group is named in messages. */
export function groupLabel(group: string): string {
  return group === DEFAULT_ECM_GROUP ? 'the default ECM group' : `ECM group ${group}`;
}

/** A client id as compared: OAuth client ids are hex strings, so case and stray spaces do not count. */
export const clientIdKey = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim().toLowerCase() : undefined);

/** Whether the PA file says which ECM group each ECM is in: it lists the site's API accounts. */
export function routesByGroup(pa: Entry<'pa'> | undefined): boolean {
  return !!pa && Array.isArray(pa.value.apiAccounts);
}

/** Positions of a list's items by a key, first item of a key first; cached on the list, which an edit of another list leaves as it was. */
const positions = new WeakMap<object, Map<string, Map<string, number>>>();
function indexBy(items: unknown, field: string, key: (v: unknown) => string | undefined): Map<string, number> {
  if (!Array.isArray(items)) return new Map();
  let byField = positions.get(items);
  if (!byField) positions.set(items, (byField = new Map()));
  let m = byField.get(field);
  if (!m) {
    m = new Map();
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (!it || typeof it !== 'object' || Array.isArray(it)) continue;
      const k = key((it as Record<string, unknown>)[field]);
      if (k !== undefined && !m.has(k)) m.set(k, i);
    }
    byField.set(field, m);
  }
  return m;
}

const nameKeyOf = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim().toLowerCase() : undefined);
const exactName = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

export interface ApiAccountRef { index: number; account: PaApiAccount }

/** The API account an ECM signs in with: the one of the PA file whose `clientId` is the ECM's. */
export function apiAccountOf(pa: Entry<'pa'> | undefined, ecm: Entry<'ecm'>): ApiAccountRef | undefined {
  const id = clientIdKey(ecm.value.clientId);
  if (!pa || id === undefined) return undefined;
  const index = indexBy(pa.value.apiAccounts, 'clientId', clientIdKey).get(id);
  return index === undefined ? undefined : { index, account: (pa.value.apiAccounts as PaApiAccount[])[index] };
}

/** The ECM group an ECM is in; undefined when the PA file does not say (no API accounts, or none with its client id). */
export function ecmGroupOfEcm(pa: Entry<'pa'> | undefined, ecm: Entry<'ecm'>): string | undefined {
  if (!routesByGroup(pa)) return undefined;
  const ref = apiAccountOf(pa, ecm);
  return ref ? ecmGroupKey(ref.account.ecmGroup) : undefined;
}

export interface JumpGroupRef { index: number; group: PaJumpGroup; name: string }

/** A jump group of the PA file by name (case-insensitive, as PA compares names). */
export function jumpGroupNamed(pa: Entry<'pa'> | undefined, name: unknown): JumpGroupRef | undefined {
  const key = nameKeyOf(name);
  if (!pa || key === undefined) return undefined;
  const index = indexBy(pa.value.jumpGroups, 'name', nameKeyOf).get(key);
  if (index === undefined) return undefined;
  const group = (pa.value.jumpGroups as PaJumpGroup[])[index];
  return { index, group, name: String(group.name).trim() };
}

/** A jump client of the PA file by its exact name (the name PA sends), with its position. */
export function jumpClientNamed(pa: Entry<'pa'> | undefined, name: string): { index: number; jumpClient: PaJumpClient } | undefined {
  if (!pa) return undefined;
  const index = indexBy(pa.value.jumpClients, 'name', exactName).get(name);
  return index === undefined ? undefined : { index, jumpClient: (pa.value.jumpClients as PaJumpClient[])[index] };
}

/** Where a jump client's credential requests go: the ECM group of its jump group. */
export interface Route {
  /** The ECM group's key (DEFAULT_ECM_GROUP when the jump group names none). */
  group: string;
  jumpGroup: JumpGroupRef;
}

/** The route of a jump client's requests; undefined when the files do not say (then every ECM of the site may serve). */
export function routeOf(pa: Entry<'pa'> | undefined, jumpClient: PaJumpClient | undefined): Route | undefined {
  return jumpClient ? routeOfJumpGroup(pa, jumpClient.jumpGroup) : undefined;
}

/** Where the requests of a jump group's jump clients go; undefined when the files do not say. */
export function routeOfJumpGroup(pa: Entry<'pa'> | undefined, name: unknown): Route | undefined {
  if (!routesByGroup(pa)) return undefined;
  const jumpGroup = jumpGroupNamed(pa, name);
  return jumpGroup && { group: ecmGroupKey(jumpGroup.group.ecmGroup), jumpGroup };
}

/** The route of the jump client PA shows under `name`. */
export function routeOfName(pa: Entry<'pa'> | undefined, name: string): Route | undefined {
  return routeOf(pa, jumpClientNamed(pa, name)?.jumpClient);
}

/**
 * Which ECM serves a request: among `ecms` of the route's group (all of them without a route), the one
 * connected the longest. `since` says when each connected (undefined: not connected); with the files alone,
 * connect order is the order of `ecms`.
 */
export function servingOf<T>(ecms: readonly T[], route: Route | undefined, groupOf: (e: T) => string | undefined, since: (e: T, i: number) => number | undefined = (_e, i) => i): T | undefined {
  let best: T | undefined;
  let bestSince = Infinity;
  ecms.forEach((e, i) => {
    if (route && groupOf(e) !== route.group) return;
    const t = since(e, i);
    if (t !== undefined && t < bestSince) { best = e; bestSince = t; }
  });
  return best;
}

/** The ECMs of `ecms` a route may reach (all of them without a route), in their order. */
export function candidatesOf<T>(ecms: readonly T[], route: Route | undefined, groupOf: (e: T) => string | undefined): T[] {
  return route ? ecms.filter((e) => groupOf(e) === route.group) : [...ecms];
}

/** The ECM groups of the site's ECMs, each with its ECMs in the given order; ECMs of no known group are left out. */
export function ecmGroups<T>(ecms: readonly T[], groupOf: (e: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const e of ecms) {
    const g = groupOf(e);
    if (g === undefined) continue;
    const at = out.get(g);
    if (at) at.push(e); else out.set(g, [e]);
  }
  return out;
}
