/**
 * The cross-file index: every ECM, integration, Vault and PA inventory of the workspace, with their
 * names looked up by key. Built once per workspace generation and shared by the cross-file rules,
 * navigation, completion, code lenses and quick fixes, so they all agree on what a name points at.
 * Parts are built lazily: an edit pays only for what the rules ask for.
 */
import type { ParsedFile } from '../model/document';
import type { JsonPath } from '../model/tree';
import { list, type VaultCredential, type VaultGroup, type VaultInventory, type VaultPolicy, type VaultUser } from '../model/inventory';
import type { Entry, Workspace } from '../model/workspace';
import { isRestricted } from './permissions';
import { listEditOf } from '../model/parse/incremental';
import { Memo } from './memo';
import { closest } from './closest';
import { ChunkedMap, type ReadonlyNameMap } from './chunkedMap';
import { declSites, forEachNameValue, nameKey, occurrenceAtPath, type NameKind, type Occurrence } from './names';
import { mapProvider, type ProviderMapping } from './provider';
import { bindEcm, siteKey, siteOfPa, type EcmBinding } from './site';

export { siteKey };

export interface VaultUserRef { vault: Entry<'vault'>; index: number; user: VaultUser }

/** A declared name: where it is, not yet looked up in the tree. */
export interface DeclRef { file: ParsedFile; name: string; path: JsonPath }
interface NamePlace { name: string; path: JsonPath | number }

type NameMap = ChunkedMap<NamePlace[]>;
const listNames = new WeakMap<object, Map<string, NameMap>>();
/** For a name map patched from the previous one: which names left and which arrived (for patching what depends on it). */
const mapPatches = new WeakMap<NameMap, { prev?: NameMap; removed: string[]; added: string[] }>();
/** How many patch steps back a name map keeps its ancestors (for caches not asked on every edit). */
const PATCH_STEPS = 8;

/**
 * The names a declaration site holds (`['endpoints', '*', 'name']` → each endpoint's name), by key. For
 * a list, cached on the list's value, which stays the same object while nothing in the list changes.
 */
function namesOfSite(file: ParsedFile, pattern: JsonPath, kind: NameKind): NameMap {
  const value = file.value as Record<string, unknown> | null;
  const list = value && typeof value === 'object' ? value[pattern[0] as string] : undefined;
  const cacheable = pattern.length === 3 && pattern[1] === '*' && Array.isArray(list);
  const field = String(pattern[2]);
  let byField = cacheable ? listNames.get(list as object) : undefined;
  const hit = byField?.get(field);
  if (hit) return hit;
  if (cacheable) {
    const items = list as unknown[];
    const nameOf = (i: number, from: unknown[] = items): string | undefined => {
      const it = from[i];
      if (!it || typeof it !== 'object' || Array.isArray(it)) return undefined;
      const v = (it as Record<string, unknown>)[field];
      if (typeof v !== 'string' || !v.trim()) return undefined;
      return kind === 'endpoint' ? v : v.trim();
    };
    // After an edit that replaced items in place (same count), patch the previous list's map.
    const edit = listEditOf(items);
    const before = edit?.prev && edit.added === edit.removed ? listNames.get(edit.prev)?.get(field) : undefined;
    let map: NameMap;
    if (edit && before) {
      map = before.copy();
      const removed: string[] = [], added: string[] = [];
      for (let i = edit.first; i < edit.first + edit.removed; i++) {
        const name = nameOf(i, edit.prev!);
        if (name === undefined) continue;
        const key = nameKey(kind, name);
        const rest = (map.get(key) ?? []).filter((p) => p.path !== i);
        if (rest.length) map.set(key, rest); else { map.delete(key); removed.push(name); }
      }
      for (let i = edit.first; i < edit.first + edit.added; i++) {
        const name = nameOf(i);
        if (name === undefined) continue;
        const key = nameKey(kind, name);
        const at = map.get(key);
        if (at) map.set(key, [...at, { name, path: i }]); else { map.set(key, [{ name, path: i }]); added.push(name); }
      }
      // A few steps back are kept (a cache patched only now and then walks them); older maps may go.
      let cut = mapPatches.get(before);
      for (let n = 1; cut && n < PATCH_STEPS; n++) cut = cut.prev && mapPatches.get(cut.prev);
      if (cut) cut.prev = undefined;
      mapPatches.set(map, { prev: before, removed, added });
    } else {
      // A list of records: each item's `field`, with its index (the path is built when asked for).
      map = ChunkedMap.empty();
      for (let i = 0; i < items.length; i++) {
        const name = nameOf(i);
        if (name === undefined) continue;
        const key = nameKey(kind, name);
        const at = map.get(key);
        if (at) at.push({ name, path: i }); else map.set(key, [{ name, path: i }]);
      }
    }
    if (!byField) listNames.set(list as object, (byField = new Map()));
    byField.set(field, map);
    return map;
  }
  const map: NameMap = ChunkedMap.empty();
  forEachNameValue(file.kind, file.value, (_k, name, _role, path) => {
    const p = path();
    if (p[0] !== pattern[0] || (pattern.length > 1 && p.length !== pattern.length) || (pattern.length === 3 && p[2] !== pattern[2])) return;
    const key = nameKey(kind, name);
    const at = map.get(key);
    if (at) at.push({ name, path: p }); else map.set(key, [{ name, path: p }]);
  }, { kind, role: 'decl' });
  return map;
}

/** The patches from `from` to `to`, oldest first, when `to` was patched from it within PATCH_STEPS; else undefined. */
function patchesSince(from: NameMap, to: NameMap): { removed: string[]; added: string[] }[] | undefined {
  const steps: { removed: string[]; added: string[] }[] = [];
  for (let m: NameMap | undefined = to; m && steps.length <= PATCH_STEPS; ) {
    if (m === from) return steps.reverse();
    const p = mapPatches.get(m);
    if (!p) return undefined;
    steps.push(p);
    m = p.prev;
  }
  return undefined;
}

/** The name keys that differ between two name maps when one was patched from the other, else undefined. */
export function patchedKeys(kind: NameKind, before: unknown, after: unknown): string[] | undefined {
  const p = mapPatches.get(after as NameMap);
  return p && p.prev === before ? [...p.removed, ...p.added].map((n) => nameKey(kind, n)) : undefined;
}

/** A declaration's path: stored as the list index for list items. */
function placePath(pattern: JsonPath, p: NamePlace): JsonPath {
  return typeof p.path === 'number' ? [pattern[0], p.path, pattern[2]] : p.path;
}

const materialize = (d: DeclRef): Occurrence | undefined => occurrenceAtPath(d.file, d.path);

export class CrossIndex {
  readonly ecms: Entry<'ecm'>[];
  readonly integrations: Entry<'integration'>[];
  readonly vaults: Entry<'vault'>[];
  readonly pas: Entry<'pa'>[];
  /** Vault inventories where endpoints matter (Vault Go! needs none). */
  readonly endpointVaults: Entry<'vault'>[];
  private readonly declCache = new Map<NameKind, { file: ParsedFile; pattern: JsonPath; map: NameMap }[]>();
  private variantCache?: Variants;
  private readonly skeletonCache = new Map<NameKind, ReadonlyNameMap<string[]>>();
  private mergedCache?: VaultInventory;
  private granteesCache?: Set<string>;
  private readonly bindings = new Map<Entry<'pa'> | undefined, EcmBinding | undefined>();
  private readonly identities = new Map<Entry<'pa'> | undefined, Map<string, ProviderMapping | undefined>>();
  private groupRolesCache?: Map<string, string[]>;

  /** `carry`: what the previous index of the same workspace leaves for this one to patch (never another workspace's). */
  constructor(readonly ws: Workspace, private readonly carry: Carry = {}) {
    this.ecms = ws.of('ecm');
    this.integrations = ws.of('integration');
    this.vaults = ws.of('vault');
    this.pas = ws.of('pa');
    this.endpointVaults = this.vaults.filter((v) => !(typeof v.value.edition === 'string' && v.value.edition.trim().toLowerCase() === 'go'));
  }

  /**
   * Where each name of a kind is declared (name key → file and path), read from the files' values.
   * The map of each declaring list is cached on the list's value, which an edit of another list leaves
   * as it was (incremental.ts): editing a credential does not re-read 10,000 endpoints.
   */
  private declLists(kind: NameKind): { file: ParsedFile; pattern: JsonPath; map: NameMap }[] {
    let lists = this.declCache.get(kind);
    if (!lists) {
      lists = [];
      for (const file of this.filesDeclaring(kind)) {
        for (const site of declSites(file.kind)) {
          if (site.kind !== kind) continue;
          lists.push({ file, pattern: site.pattern, map: namesOfSite(file, site.pattern, kind) });
        }
      }
      this.declCache.set(kind, lists);
    }
    return lists;
  }

  /** The name maps behind `has` for a kind: the same objects while no declaring list changed (for Memo deps). */
  declMaps(kind: NameKind): ReadonlyNameMap<unknown>[] {
    return this.declLists(kind).map((l) => l.map);
  }

  /** How many distinct names of a kind are declared. */
  declaredCount(kind: NameKind): number {
    let n = 0;
    for (const { map } of this.declLists(kind)) n += map.size;
    return n;
  }

  /** Every declaration of a kind, by name key (for completion, symbols and suggestions). */
  declared(kind: NameKind): Map<string, DeclRef[]> {
    const lists = this.declLists(kind);
    const out = new Map<string, DeclRef[]>();
    for (const { file, pattern, map } of lists) {
      for (const [key, places] of map) {
        const refs = places.map((p) => ({ file, name: p.name, path: placePath(pattern, p) }));
        const at = out.get(key);
        if (at) at.push(...refs); else out.set(key, refs);
      }
    }
    return out;
  }

  /**
   * The declared name `name` most likely meant, for "did you mean" and to find a renamed declaration: an
   * endpoint's case/whitespace/NetBIOS↔FQDN variant, else a name equal but for case and punctuation
   * (`SRV-00001` for `SRV00001`), else the closest by edit distance (up to MAX_FUZZY declared names).
   * One answer for every rule, so their messages agree.
   */
  nearName(kind: NameKind, name: string): string | undefined {
    if (kind === 'endpoint') {
      const v = this.endpointVariants(name)[0];
      if (v) return v.name;
    }
    const skeletons = this.skeletons(kind);
    const same = skeletons.get(skeleton(name))?.find((n) => n !== name);
    if (same) return same;
    if (this.declaredCount(kind) > MAX_FUZZY) return undefined;
    return closest(name, [...this.declared(kind).values()].map((d) => d[0].name).filter((n) => n !== name));
  }

  /**
   * Declared names by skeleton, patched from the previous index of the workspace when one Vault file's
   * names changed by a few (an edit renaming one endpoint of 10,000 must not rebuild it).
   */
  private skeletons(kind: NameKind): ReadonlyNameMap<string[]> {
    let m = this.skeletonCache.get(kind);
    if (m) return m;
    const maps = this.declLists(kind).map((l) => l.map);
    const last = this.carry.skeletons?.get(kind);
    const patch = maps.length === 1 ? mapPatches.get(maps[0]) : undefined;
    if (last && last.maps.length === maps.length && last.maps.every((x, i) => x === maps[i])) m = last.map;
    else if (last && patch && last.maps.length === 1 && patchesSince(last.maps[0], maps[0])) {
      const next = last.map.copy();
      const edit = (name: string, add: boolean): void => {
        const k = skeleton(name);
        const rest = (next.get(k) ?? []).filter((n) => n !== name);
        if (add) rest.push(name);
        if (rest.length) next.set(k, rest); else next.delete(k);
      };
      for (const step of patchesSince(last.maps[0], maps[0])!) {
        for (const name of step.removed) edit(name, false);
        for (const name of step.added) edit(name, true);
      }
      m = next;
    } else {
      const fresh = ChunkedMap.empty<string[]>();
      for (const map of maps) {
        for (const places of map.values()) {
          const name = places[0].name;
          const k = skeleton(name);
          const at = fresh.get(k);
          if (!at) fresh.set(k, [name]); else if (!at.includes(name)) fresh.set(k, [...at, name]);
        }
      }
      m = fresh;
    }
    (this.carry.skeletons ??= new Map()).set(kind, { maps, map: m as ChunkedMap<string[]> });
    this.skeletonCache.set(kind, m);
    return m;
  }

  /** Whether any file declares this name. */
  has(kind: NameKind, name: string): boolean {
    const key = nameKey(kind, name);
    for (const { map } of this.declLists(kind)) if (map.has(key)) return true;
    return false;
  }

  /** Declarations of one kind by name key, as occurrences with their place in the text. */
  decls(kind: NameKind): Map<string, Occurrence[]> {
    const out = new Map<string, Occurrence[]>();
    for (const [key, refs] of this.declared(kind)) {
      const occs = refs.map(materialize).filter((o): o is Occurrence => !!o);
      if (occs.length) out.set(key, occs);
    }
    return out;
  }

  declsOf(kind: NameKind, name: string): Occurrence[] {
    const key = nameKey(kind, name);
    const out: Occurrence[] = [];
    for (const { file, pattern, map } of this.declLists(kind)) {
      for (const p of map.get(key) ?? []) {
        const o = occurrenceAtPath(file, placePath(pattern, p));
        if (o) out.push(o);
      }
    }
    return out;
  }

  private filesDeclaring(kind: NameKind): ParsedFile[] {
    switch (kind) {
      case 'ecm': return this.ecms.map((e) => e.file);
      case 'integration': return this.integrations.map((e) => e.file);
      case 'paProvider': case 'jumpGroup': case 'apiAccount': return this.pas.map((e) => e.file);
      case 'endpoint': return this.endpointVaults.map((e) => e.file);
      default: return this.vaults.map((e) => e.file);
    }
  }

  /**
   * Vault endpoints that are a case, whitespace or NetBIOS↔FQDN variant of `name` (or of the jump
   * client's `hostname`), excluding exact matches. A NetBIOS name matches an FQDN by its first label.
   */
  endpointVariants(name: string, hostname?: unknown): Occurrence[] {
    const { full, label } = this.variants();
    const out = new Set<string>();
    const look = (n: string): void => {
      const k = loose(n);
      if (!k) return;
      for (const o of full.get(k) ?? []) out.add(o);
      if (!hasDomain(n)) for (const o of label.get(k) ?? []) out.add(o);
      else for (const o of full.get(loose(firstLabel(n))) ?? []) if (!hasDomain(o)) out.add(o);
    };
    look(name);
    if (typeof hostname === 'string' && hostname.trim()) look(hostname);
    out.delete(name);
    return [...out].flatMap((n) => this.declsOf('endpoint', n));
  }

  private variants(): Variants {
    if (!this.variantCache) {
      const maps = this.declLists('endpoint').map((l) => l.map);
      this.variantCache = variantMemo.get(maps[0] ?? variantMemo, maps, () => {
        // One Vault file whose endpoint names changed by a few: patch the previous variant maps.
        const patch = maps.length === 1 ? mapPatches.get(maps[0]) : undefined;
        const last = this.carry.variants;
        const prev = patch && last?.source === patch.prev ? last : undefined;
        let full: ChunkedMap<string[]>, label: ChunkedMap<string[]>;
        const push = (m: ChunkedMap<string[]>, k: string, n: string): void => { m.set(k, [...(m.get(k) ?? []), n]); };
        const drop = (m: ChunkedMap<string[]>, k: string, n: string): void => {
          const rest = (m.get(k) ?? []).filter((x) => x !== n);
          if (rest.length) m.set(k, rest); else m.delete(k);
        };
        if (patch && prev) {
          full = prev.full.copy();
          label = prev.label.copy();
          for (const name of patch.removed) { drop(full, loose(name), name); if (hasDomain(name)) drop(label, loose(firstLabel(name)), name); }
          for (const name of patch.added) { push(full, loose(name), name); if (hasDomain(name)) push(label, loose(firstLabel(name)), name); }
        } else {
          full = ChunkedMap.empty();
          label = ChunkedMap.empty();
          for (const map of maps) {
            for (const name of map.keys()) {
              push(full, loose(name), name);
              if (hasDomain(name)) push(label, loose(firstLabel(name)), name);
            }
          }
        }
        if (maps.length === 1) this.carry.variants = { source: maps[0], full, label };
        return { full, label };
      });
    }
    return this.variantCache;
  }

  /**
   * The ECMs of a PA inventory's site, in routing order (engine/site.ts: the broker's view of a site).
   * Without a PA inventory: every ECM.
   */
  ecmsOf(pa: Entry<'pa'> | undefined): Entry<'ecm'>[] {
    if (!pa) return this.ecms;
    const site = siteOfPa(this.ws, pa.file.uri);
    if (site) return [...site.ecms, ...site.extraEcms];
    // A second PA file of one site (site.ts binds the first): the ECMs naming the same site.
    const key = siteKey(pa.value.site);
    return this.ecms.filter((e) => siteKey(e.value.site) === key);
  }

  /** What the site's first ECM (the one requests go to) is bound to: its Vault, integration and PA inventory. */
  binding(pa: Entry<'pa'> | undefined): EcmBinding | undefined {
    if (!this.bindings.has(pa)) {
      const ecm = this.ecmsOf(pa)[0];
      this.bindings.set(pa, ecm && { ...bindEcm(this.ws, ecm), pa });
    }
    return this.bindings.get(pa);
  }

  /** The Vault provider a PA user is looked up under: the broker's own mapping (engine/provider.ts). */
  identity(pa: Entry<'pa'> | undefined, paProvider: string | undefined): ProviderMapping | undefined {
    const name = typeof paProvider === 'string' && paProvider.trim() ? paProvider.trim() : 'local';
    // 5,000 users share a handful of providers: map each once.
    let byName = this.identities.get(pa);
    if (!byName) this.identities.set(pa, (byName = new Map()));
    if (!byName.has(name)) {
      const b = this.binding(pa);
      byName.set(name, b && mapProvider(b, name));
    }
    return byName.get(name);
  }

  /** The integration an ECM signs in with: the one `vault.integration` names, else the only one. */
  integrationOf(ecm: Entry<'ecm'>): Entry<'integration'> | undefined {
    const name = ecm.value.vault?.integration;
    if (typeof name === 'string' && name.trim()) return this.integrations.find((i) => typeof i.value.name === 'string' && nameKey('integration', i.value.name) === nameKey('integration', name));
    return this.integrations.length === 1 ? this.integrations[0] : undefined;
  }

  /** Vault users by username (case-insensitive), with the inventory and list position of each. */
  vaultUsers(username: string): VaultUserRef[] {
    const key = nameKey('user', username);
    const out: VaultUserRef[] = [];
    for (const vault of this.vaults) {
      for (const index of usersByName(vault.value.users).get(key) ?? []) out.push({ vault, index, user: (vault.value.users as VaultUser[])[index] });
    }
    return out;
  }

  /**
   * One Vault inventory for the semantics of permissions (groups, policies, credentials): the only
   * Vault file's value, or the lists of several files concatenated (a Vault described in parts).
   */
  get vault(): VaultInventory {
    if (!this.mergedCache) {
      if (this.vaults.length === 1) this.mergedCache = this.vaults[0].value;
      else {
        const merged: Record<string, unknown> = { ...(this.vaults[0]?.value ?? {}) };
        for (const key of ['securityProviders', 'roles', 'groups', 'users', 'endpointGroups', 'endpoints', 'credentialPolicies', 'credentials'] as const) {
          merged[key] = this.vaults.flatMap((v) => list(v.value[key]));
        }
        this.mergedCache = merged as VaultInventory;
      }
    }
    return this.mergedCache;
  }

  /**
   * Whether a Vault user may check out at least one credential that the ECM could ever return: one with
   * a policy granting them `checkout` (directly, via a group or a role) that is Shared or assigned to an
   * endpoint. Precomputed as the set of principals holding such a grant, so 5,000 users cost one pass.
   */
  /** The principals holding a usable check-out grant: the same Set object while policies and usable credentials are unchanged. */
  grantees(): Set<string> {
    if (!this.granteesCache) {
      const inv = this.vault;
      const anyEndpoint = this.endpointVaults.length === 0 && this.vaults.length > 0;
      const usable = usablePolicies(Array.isArray(inv.credentials) ? inv.credentials : [], anyEndpoint, this.carry);
      const policies = Array.isArray(inv.credentialPolicies) ? inv.credentialPolicies : [];
      this.granteesCache = granteeMemo.get(policies, [usable], () => usableGrantees(inv, usable));
    }
    return this.granteesCache;
  }

  canCheckOutAny(user: VaultUser): boolean {
    const grantees = this.grantees();
    if (!grantees.size) return false;
    const key = (s: unknown): string | undefined => (typeof s === 'string' && s.trim() ? s.trim().toLowerCase() : undefined);
    // The principals vault/permissions.ts principalsOf gives (user, roles, groups, the groups' roles).
    const u = key(user.username);
    if (u && grantees.has(`user:${u}`)) return true;
    for (const r of Array.isArray(user.roles) ? user.roles : []) { const k = key(r); if (k && grantees.has(`role:${k}`)) return true; }
    const groupRoles = this.groupRoles();
    for (const g of Array.isArray(user.groups) ? user.groups : []) {
      const k = key(g);
      if (!k) continue;
      if (grantees.has(`group:${k}`)) return true;
      for (const r of groupRoles.get(k) ?? []) if (grantees.has(`role:${r}`)) return true;
    }
    return false;
  }

  /** Each group's roles (lower-cased), for principals; the first group of a name wins, as in principalsOf. */
  private groupRoles(): Map<string, string[]> {
    if (!this.groupRolesCache) {
      const m = new Map<string, string[]>();
      for (const g of list<VaultGroup>(this.vault.groups)) {
        if (typeof g.name !== 'string' || m.has(g.name.trim().toLowerCase())) continue;
        m.set(g.name.trim().toLowerCase(), (Array.isArray(g.roles) ? g.roles : []).filter((r): r is string => typeof r === 'string' && !!r.trim()).map((r) => r.trim().toLowerCase()));
      }
      this.groupRolesCache = m;
    }
    return this.groupRolesCache;
  }
}

/** Endpoint names by loose form (`full`) and by loose first DNS label of FQDNs (`label`). */
interface Variants { full: ChunkedMap<string[]>; label: ChunkedMap<string[]> }
const variantMemo = new Memo<Variants>();
/** Past this many declared names, no edit-distance suggestion (quadratic per name); skeletons still match. */
const MAX_FUZZY = 2000;
/** A name without case and punctuation: `SRV-00001`, `srv 00001` and `SRV00001` are one skeleton. */
const skeleton = (name: string): string => name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
/** Results one index of a workspace hands to the next, to patch instead of rebuild after a small edit. */
interface Carry {
  variants?: { source: NameMap; full: ChunkedMap<string[]>; label: ChunkedMap<string[]> };
  /** The last usable-policy set, returned again (same object) while an edit leaves it equal. */
  usable?: Set<string>;
  /** Declared names by skeleton per kind, and the name maps they were built from. */
  skeletons?: Map<NameKind, { maps: NameMap[]; map: ChunkedMap<string[]> }>;
}
const usersIndex = new WeakMap<object, Map<string, number[]>>();

/** Positions of the users of a `users` list by name key, cached on the list's value. */
function usersByName(users: unknown): Map<string, number[]> {
  if (!Array.isArray(users)) return new Map();
  let m = usersIndex.get(users);
  if (!m) {
    m = new Map();
    for (let i = 0; i < users.length; i++) {
      const u = users[i] as VaultUser | null;
      if (!u || typeof u.username !== 'string' || !u.username.trim()) continue;
      const k = nameKey('user', u.username);
      const a = m.get(k);
      if (a) a.push(i); else m.set(k, [i]);
    }
    usersIndex.set(users, m);
  }
  return m;
}

const policyUse = new WeakMap<object, Set<string>>();
const granteeMemo = new Memo<Set<string>>();

/**
 * The policies (lower-cased) of a credentials list that govern a credential the ECM could return;
 * cached on the list, and the previous Set object returned when an edit left the set as it was.
 */
function usablePolicies(creds: unknown[], anyEndpoint: boolean, carry: Carry): Set<string> {
  const hit = !anyEndpoint ? policyUse.get(creds) : undefined;
  if (hit) return hit;
  const fresh = computeUsable(creds, anyEndpoint);
  const last = carry.usable;
  const out = last && last.size === fresh.size && [...fresh].every((x) => last.has(x)) ? last : fresh;
  carry.usable = out;
  if (!anyEndpoint) policyUse.set(creds, out);
  return out;
}

function computeUsable(creds: unknown[], anyEndpoint: boolean): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < creds.length; i++) {
    const c = creds[i] as VaultCredential | null;
    if (!c || typeof c.policy !== 'string') continue;
    const restricted = c.accessType === 'Restricted' || isRestricted(c);
    if (!restricted || anyEndpoint || nonEmpty(c.endpoints) || nonEmpty(c.endpointGroups)) out.add(c.policy.trim().toLowerCase());
  }
  return out;
}

function usableGrantees(inv: VaultInventory, usable: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const p of list<VaultPolicy>(inv.credentialPolicies)) {
    if (typeof p.name !== 'string' || !usable.has(p.name.trim().toLowerCase())) continue;
    for (const perm of list<{ principal?: unknown; actions?: unknown }>(p.permissions)) {
      if (typeof perm.principal !== 'string' || !Array.isArray(perm.actions)) continue;
      if (!perm.actions.some((a) => typeof a === 'string' && a.trim().toLowerCase() === 'checkout')) continue;
      const m = /^\s*(user|group|role)\s*:\s*(.+?)\s*$/i.exec(perm.principal);
      if (m) out.add(`${m[1].toLowerCase()}:${m[2].toLowerCase()}`);
    }
  }
  return out;
}

function nonEmpty(v: unknown): boolean {
  return Array.isArray(v) && v.some((x) => typeof x === 'string' && x.trim());
}

/** Case and whitespace do not make a different machine. */
export function loose(name: string): string {
  return name.replace(/\s+/g, '').toLowerCase();
}

export function firstLabel(name: string): string {
  return name.trim().split('.')[0];
}

/** An FQDN (not an IP address, whose first "label" means nothing). */
export function hasDomain(name: string): boolean {
  const n = name.trim();
  return n.includes('.') && !/^[\d.]+$/.test(n) && !n.includes(':');
}

const cache = new WeakMap<Workspace, { generation: number; index: CrossIndex; carry: Carry }>();

/** The index for the workspace's current generation (rebuilt after any change). */
export function crossIndex(ws: Workspace): CrossIndex {
  const hit = cache.get(ws);
  if (hit && hit.generation === ws.generation) return hit.index;
  const carry = hit?.carry ?? {};
  const index = new CrossIndex(ws, carry);
  cache.set(ws, { generation: ws.generation, index, carry });
  return index;
}
