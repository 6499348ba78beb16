/**
 * "3 credentials · 4 users" for each PA jump client: how many distinct credentials the site's PA users
 * would get there through the ECM its requests are routed to (domain/routing.ts), and how many of those
 * users get at least one. Same decisions as resolveInjection
 * (provider mapping, Vault user, sign-in, endpoint assignment, policy, availability, domain matching),
 * but indexed so a whole PA file of jump clients costs about one pass over the credentials:
 * users are grouped by the set of policies that let them check out, and Shared credentials (the same on
 * every endpoint) are counted once per group, not once per jump client.
 */
import { list, type PaJumpClient, type PaUser, type VaultCredential, type VaultEndpoint, type VaultPolicy } from '../model/inventory';
import type { Entry, Workspace } from '../model/workspace';
import { checkoutGrant, findRunAsUser, isRestricted, isSameHolder, principalsOf, sameName, type RunAs } from '../domain/permissions';
import { ecmFilter, ecmFilterSettings } from '../domain/ecmFilter';
import { signInCheck } from './injection';
import { mapProvider, missingVaultProvider } from '../domain/provider';
import { bindEcm, sitesOf, type Site } from '../domain/site';
import { ecmGroupOfEcm, groupLabel, routeOf, servingOf } from '../domain/routing';

export interface JumpClientSummary {
  jumpClient: string;
  /** Distinct credentials returned to at least one PA user of the site. */
  credentials: number;
  /** PA users of the site who would get at least one credential. */
  users: number;
  /** Why the counts are 0 for every user, when it is one reason (injection off, no ECM, sign-in refused…). */
  reason?: string;
}

interface UserInfo { runAs: RunAs }
/** Where a PA user landed in an index: their group, or why they get nothing anywhere. */
type UserPlace = { group: Group; user: UserInfo } | { reason: string };
interface Group { policies: Set<string>; users: UserInfo[]; globalBase: Set<number>; globalHeld: number[] }
interface CredInfo {
  index: number;
  policy: string;
  /** Offered to this user only: they hold it and the ECM leaves it out for everyone else (Include Unavailable off). */
  onlyFor?: string;
}

interface SiteIndex {
  reason?: string;
  groups: Group[];
  creds: CredInfo[];
  /** Credentials every endpoint gets (Shared; all of them on Vault Go!), by index in `creds`. */
  global: number[];
  direct: Map<string, number[]>;
  byGroup: Map<string, number[]>;
  endpoints: Map<string, VaultEndpoint>;
  globalUnion: Set<number>;
  /** Each PA user by `userKey`. */
  users: Map<string, UserPlace>;
}

/** Per PA file: the index of each serving ECM (a jump client's requests go to its ECM group's ECM), and the summaries. */
interface PaSummaries {
  site: Site;
  byEcm: Map<Entry<'ecm'> | undefined, SiteIndex>;
  summaries: Map<string, JumpClientSummary>;
  /** The index each jump client was summarized with (its serving ECM's), by name. */
  indexOf: Map<string, SiteIndex>;
}
const cache = new WeakMap<Workspace, { generation: number; byPa: Map<string, PaSummaries> }>();

/** Summary for one jump client of a PA file (by exact name); undefined if the file or name is unknown. */
export function jumpClientSummary(ws: Workspace, paUri: string, jumpClient: string): JumpClientSummary | undefined {
  return jumpClientSummaries(ws, paUri).get(jumpClient);
}

/** Summaries for every jump client of a PA file, keyed by name; cached until the workspace changes. */
export function jumpClientSummaries(ws: Workspace, paUri: string): Map<string, JumpClientSummary> {
  return paSummaries(ws, paUri)?.summaries ?? new Map();
}

function paSummaries(ws: Workspace, paUri: string): PaSummaries | undefined {
  let c = cache.get(ws);
  if (!c || c.generation !== ws.generation) cache.set(ws, (c = { generation: ws.generation, byPa: new Map() }));
  let per = c.byPa.get(paUri);
  if (!per) {
    const site = sitesOf(ws).find((s) => s.pa?.file.uri === paUri);
    if (!site) return undefined;
    c.byPa.set(paUri, (per = { site, byEcm: new Map(), summaries: new Map(), indexOf: new Map() }));
  }
  const { site, byEcm, summaries, indexOf } = per;
  for (const jc of list<PaJumpClient>(site.pa!.value.jumpClients)) {
    if (typeof jc.name !== 'string' || summaries.has(jc.name)) continue;
    // The ECM the appliance sends this jump client's requests to (domain/routing.ts), first in connect order.
    const route = routeOf(site.pa, jc);
    const ecm = servingOf(site.ecms, route, (e) => ecmGroupOfEcm(site.pa, e));
    if (route && !ecm && site.ecms.length && jc.credentialInjection !== false) {
      summaries.set(jc.name, { jumpClient: jc.name, credentials: 0, users: 0, reason: `no ECM is in ${groupLabel(route.group)}, where jump group ${route.jumpGroup.name} sends its requests` });
      continue;
    }
    let idx = byEcm.get(ecm);
    if (!idx) byEcm.set(ecm, (idx = buildIndex(ws, site, ecm)));
    indexOf.set(jc.name, idx);
    summaries.set(jc.name, summarize(idx, jc));
  }
  return per;
}

function buildIndex(ws: Workspace, site: Site, ecm: Entry<'ecm'> | undefined): SiteIndex {
  const idx: SiteIndex = { groups: [], creds: [], global: [], direct: new Map(), byGroup: new Map(), endpoints: new Map(), globalUnion: new Set(), users: new Map() };
  if (!ecm) return { ...idx, reason: `no ECM serves site ${site.site}` };
  const b = bindEcm(ws, ecm, site);
  if (!b.vault) return { ...idx, reason: 'no Vault inventory in the workspace' };
  const inv = b.vault.value;
  const filter = ecmFilterSettings(ecm.value);
  const go = sameName(inv.edition, 'go');
  const signIn = signInCheck(b, '');
  if (!signIn.ok) return { ...idx, reason: 'the Vault refuses the ECM\'s sign-in' };

  // Users → the set of policies that give them check-out; grouped by that set.
  const policies = list<VaultPolicy>(inv.credentialPolicies).filter((p) => typeof p.name === 'string');
  const groups = new Map<string, Group>();
  for (const pu of list<PaUser>(site.pa?.value.users)) {
    if (typeof pu.username !== 'string' || typeof pu.securityProvider !== 'string') continue;
    const who = userKey(pu.username, pu.securityProvider);
    const m = mapProvider(b, pu.securityProvider);
    if (!m.ok) { idx.users.set(who, { reason: m.detail }); continue; }
    if (missingVaultProvider(inv, m.provider!)) { idx.users.set(who, { reason: `the Vault has no security provider ${m.provider}` }); continue; }
    const runAs = { provider: m.provider!, username: pu.username.trim() };
    const found = findRunAsUser(inv, runAs);
    if (!found.ok) { idx.users.set(who, { reason: found.message }); continue; }
    const principals = principalsOf(inv, found.user);
    const allowed = policies.filter((p) => checkoutGrant(inv, found.user, { policy: p.name }, principals)).map((p) => p.name!.trim().toLowerCase()).sort();
    const key = allowed.join('\n');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { policies: new Set(allowed), users: [], globalBase: new Set(), globalHeld: [] }));
    const info = { runAs };
    g.users.push(info);
    idx.users.set(who, { group: g, user: info });
  }
  idx.groups = [...groups.values()];

  // Credentials through the ECM filter, then indexed by where they apply.
  const raw = Array.isArray(inv.credentials) ? inv.credentials : [];
  raw.forEach((c: VaultCredential | null, index) => {
    if (!c || typeof c !== 'object' || typeof c.name !== 'string' || typeof c.policy !== 'string') return;
    const facts = { accessType: c.accessType, domain: c.domain };
    // As its holder sees it (their own check-out does not count): left out here, it is left out for everyone.
    if (!ecmFilter(filter, inv.domain, facts).kept) return;
    const holder = typeof c.checkedOutBy === 'string' && c.checkedOutBy.trim() ? c.checkedOutBy.trim() : undefined;
    const onlyFor = holder !== undefined && !ecmFilter(filter, inv.domain, { ...facts, holder }).kept ? holder : undefined;
    const restricted = isRestricted(c);
    const i = idx.creds.push({ index, policy: c.policy.trim().toLowerCase(), onlyFor }) - 1;
    if (!restricted || go) { idx.global.push(i); return; }
    for (const e of Array.isArray(c.endpoints) ? c.endpoints : []) if (typeof e === 'string') push(idx.direct, e, i);
    for (const g of Array.isArray(c.endpointGroups) ? c.endpointGroups : []) if (typeof g === 'string') push(idx.byGroup, g.trim().toLowerCase(), i);
  });
  for (const e of list<VaultEndpoint>(inv.endpoints)) if (typeof e.name === 'string' && !idx.endpoints.has(e.name)) idx.endpoints.set(e.name, e);
  for (const g of idx.groups) {
    split(idx, g, idx.global, g.globalBase, g.globalHeld);
    for (const i of g.globalBase) idx.globalUnion.add(i);
  }
  return idx;
}

function summarize(idx: SiteIndex, jc: PaJumpClient): JumpClientSummary {
  const name = jc.name!;
  if (jc.credentialInjection === false) return { jumpClient: name, credentials: 0, users: 0, reason: 'credential injection is off' };
  if (idx.reason) return { jumpClient: name, credentials: 0, users: 0, reason: idx.reason };
  const localList = localCredentials(idx, name);
  const creds = new Set(idx.globalUnion);
  let users = 0;
  for (const g of idx.groups) {
    const base = new Set<number>();
    const held: number[] = [...g.globalHeld];
    split(idx, g, localList, base, held);
    for (const i of base) creds.add(i);
    if (g.globalBase.size + base.size > 0) { users += g.users.length; }
    // A credential someone holds is still offered to the holder.
    for (const u of g.users) {
      const mine = held.filter((i) => isSameHolder(idx.creds[i].onlyFor!, u.runAs));
      for (const i of mine) creds.add(i);
      if (g.globalBase.size + base.size === 0 && mine.length) users++;
    }
  }
  return { jumpClient: name, credentials: creds.size, users };
}

/** Restricted credentials on this exact endpoint name: listed directly, or through one of its groups. */
function localCredentials(idx: SiteIndex, name: string): number[] {
  const local = new Set(idx.direct.get(name) ?? []);
  for (const g of idx.endpoints.get(name)?.groups ?? []) if (typeof g === 'string') for (const i of idx.byGroup.get(g.trim().toLowerCase()) ?? []) local.add(i);
  return [...local];
}

/**
 * How many credentials one PA user would get on each jump client of a PA file (the Simulate picker for
 * that user), through each jump client's serving ECM, by name, with why it is 0 when one reason says it.
 */
export function jumpClientCountsFor(ws: Workspace, paUri: string, username: string, securityProvider: string): Map<string, { credentials: number; reason?: string }> {
  const out = new Map<string, { credentials: number; reason?: string }>();
  const per = paSummaries(ws, paUri);
  if (!per) return out;
  const key = userKey(username, securityProvider);
  for (const [name, sum] of per.summaries) {
    const idx = per.indexOf.get(name);
    const place = idx?.users.get(key);
    if (sum.reason || !idx) out.set(name, { credentials: 0, reason: sum.reason });
    else if (!place) out.set(name, { credentials: 0, reason: `${username} is not a PA user of this site under ${securityProvider}` });
    else if ('reason' in place) out.set(name, { credentials: 0, reason: place.reason });
    else {
      const base = new Set<number>(place.group.globalBase);
      const held: number[] = [...place.group.globalHeld];
      split(idx, place.group, localCredentials(idx, name), base, held);
      const mine = held.filter((i) => isSameHolder(idx.creds[i].onlyFor!, place.user.runAs)).length;
      out.set(name, { credentials: base.size + mine });
    }
  }
  return out;
}

function userKey(username: string, securityProvider: string): string {
  return `${username.trim().toLowerCase()}\n${securityProvider.trim().toLowerCase()}`;
}

/** Credentials of `list` the group may check out: offered to all, or (held, Include Unavailable off) to the holder only. */
function split(idx: SiteIndex, g: Group, list: number[], base: Set<number>, held: number[]): void {
  for (const i of list) {
    const c = idx.creds[i];
    if (!g.policies.has(c.policy)) continue;
    if (c.onlyFor) held.push(i);
    else base.add(i);
  }
}

function push(m: Map<string, number[]>, k: string, v: number): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}
