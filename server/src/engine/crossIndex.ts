/**
 * The cross-file index: every ECM, integration, Vault and PA inventory of the workspace, with their
 * names looked up by key. Built once per workspace generation and shared by the cross-file rules,
 * navigation, completion, code lenses and quick fixes, so they all agree on what a name points at.
 * Parts are built lazily: an edit pays only for what the rules ask for.
 */
import type { ParsedFile } from '../model/document';
import { list, type VaultCredential, type VaultInventory, type VaultPolicy, type VaultUser } from '../model/inventory';
import type { Entry, Workspace } from '../model/workspace';
import { isRestricted, principalsOf } from '../vault/permissions';
import { forEachName, nameKey, type NameKind, type Occurrence } from './names';
import { mapProvider, type ProviderMapping } from './provider';
import { bindEcm, siteKey, siteOfPa, type EcmBinding } from './site';

export { siteKey };

export interface VaultUserRef { vault: Entry<'vault'>; index: number; user: VaultUser }

export class CrossIndex {
  readonly ecms: Entry<'ecm'>[];
  readonly integrations: Entry<'integration'>[];
  readonly vaults: Entry<'vault'>[];
  readonly pas: Entry<'pa'>[];
  /** Vault inventories where endpoints matter (Vault Go! needs none). */
  readonly endpointVaults: Entry<'vault'>[];
  private readonly declCache = new Map<NameKind, Map<string, Occurrence[]>>();
  private variantCache?: { full: Map<string, Occurrence[]>; label: Map<string, Occurrence[]> };
  private usersCache?: Map<string, VaultUserRef[]>;
  private mergedCache?: VaultInventory;
  private granteesCache?: Set<string>;
  private credentialRefCache?: Map<string, number>;
  private readonly bindings = new Map<Entry<'pa'> | undefined, EcmBinding | undefined>();

  constructor(readonly ws: Workspace) {
    this.ecms = ws.of('ecm');
    this.integrations = ws.of('integration');
    this.vaults = ws.of('vault');
    this.pas = ws.of('pa');
    this.endpointVaults = this.vaults.filter((v) => !(typeof v.value.edition === 'string' && v.value.edition.trim().toLowerCase() === 'go'));
  }

  /** Declarations of one kind by name key, over the whole workspace. */
  decls(kind: NameKind): Map<string, Occurrence[]> {
    let m = this.declCache.get(kind);
    if (!m) {
      m = new Map();
      const add = (o: Occurrence): void => {
        const k = nameKey(kind, o.name);
        const at = m!.get(k);
        if (at) at.push(o); else m!.set(k, [o]);
      };
      for (const file of this.filesDeclaring(kind)) forEachName(file, add, { kind, role: 'decl' });
      this.declCache.set(kind, m);
    }
    return m;
  }

  declsOf(kind: NameKind, name: string): Occurrence[] {
    return this.decls(kind).get(nameKey(kind, name)) ?? [];
  }

  private filesDeclaring(kind: NameKind): ParsedFile[] {
    switch (kind) {
      case 'ecm': return this.ecms.map((e) => e.file);
      case 'integration': return this.integrations.map((e) => e.file);
      case 'paProvider': return this.pas.map((e) => e.file);
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
    const out = new Set<Occurrence>();
    const look = (n: string): void => {
      const k = loose(n);
      if (!k) return;
      for (const o of full.get(k) ?? []) out.add(o);
      if (!hasDomain(n)) for (const o of label.get(k) ?? []) out.add(o);
      else for (const o of full.get(loose(firstLabel(n))) ?? []) if (!hasDomain(o.name)) out.add(o);
    };
    look(name);
    if (typeof hostname === 'string' && hostname.trim()) look(hostname);
    return [...out].filter((o) => o.name !== name);
  }

  private variants(): { full: Map<string, Occurrence[]>; label: Map<string, Occurrence[]> } {
    if (!this.variantCache) {
      const full = new Map<string, Occurrence[]>(), label = new Map<string, Occurrence[]>();
      const push = (m: Map<string, Occurrence[]>, k: string, o: Occurrence): void => { const a = m.get(k); if (a) a.push(o); else m.set(k, [o]); };
      for (const decls of this.decls('endpoint').values()) {
        for (const o of decls) {
          push(full, loose(o.name), o);
          if (hasDomain(o.name)) push(label, loose(firstLabel(o.name)), o);
        }
      }
      this.variantCache = { full, label };
    }
    return this.variantCache;
  }

  /** How many credentials list this endpoint by name in `endpoints` (a rename must update them all). */
  credentialRefs(endpoint: string): number {
    if (!this.credentialRefCache) {
      const m = new Map<string, number>();
      for (const v of this.endpointVaults) {
        for (const c of list<VaultCredential>(v.value.credentials)) {
          if (!Array.isArray(c.endpoints)) continue;
          for (const e of new Set(c.endpoints)) if (typeof e === 'string') m.set(e, (m.get(e) ?? 0) + 1);
        }
      }
      this.credentialRefCache = m;
    }
    return this.credentialRefCache.get(endpoint) ?? 0;
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
    const b = this.binding(pa);
    const name = typeof paProvider === 'string' && paProvider.trim() ? paProvider.trim() : 'local';
    return b && mapProvider(b, name);
  }

  /** The integration an ECM signs in with: the one `vault.integration` names, else the only one. */
  integrationOf(ecm: Entry<'ecm'>): Entry<'integration'> | undefined {
    const name = ecm.value.vault?.integration;
    if (typeof name === 'string' && name.trim()) return this.integrations.find((i) => typeof i.value.name === 'string' && nameKey('integration', i.value.name) === nameKey('integration', name));
    return this.integrations.length === 1 ? this.integrations[0] : undefined;
  }

  /** Vault users by username (case-insensitive), with the inventory and list position of each. */
  vaultUsers(username: string): VaultUserRef[] {
    if (!this.usersCache) {
      const m = new Map<string, VaultUserRef[]>();
      for (const vault of this.vaults) {
        list<VaultUser>(vault.value.users).forEach((user, index) => {
          if (typeof user.username !== 'string' || !user.username.trim()) return;
          const k = nameKey('user', user.username);
          const a = m.get(k);
          if (a) a.push({ vault, index, user }); else m.set(k, [{ vault, index, user }]);
        });
      }
      this.usersCache = m;
    }
    return this.usersCache.get(nameKey('user', username)) ?? [];
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
  canCheckOutAny(user: VaultUser): boolean {
    if (!this.granteesCache) this.granteesCache = usableGrantees(this.vault, this.endpointVaults.length === 0 && this.vaults.length > 0);
    for (const p of principalsOf(this.vault, user)) if (this.granteesCache.has(p)) return true;
    return false;
  }
}

function usableGrantees(inv: VaultInventory, anyEndpoint: boolean): Set<string> {
  const usablePolicies = new Set<string>();
  for (const c of list<VaultCredential>(inv.credentials)) {
    if (typeof c.policy !== 'string') continue;
    const assigned = !isRestricted(c) || anyEndpoint || nonEmpty(c.endpoints) || nonEmpty(c.endpointGroups);
    if (assigned) usablePolicies.add(c.policy.trim().toLowerCase());
  }
  const out = new Set<string>();
  for (const p of list<VaultPolicy>(inv.credentialPolicies)) {
    if (typeof p.name !== 'string' || !usablePolicies.has(p.name.trim().toLowerCase())) continue;
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

const cache = new WeakMap<Workspace, { generation: number; index: CrossIndex }>();

/** The index for the workspace's current generation (rebuilt after any change). */
export function crossIndex(ws: Workspace): CrossIndex {
  const hit = cache.get(ws);
  if (hit && hit.generation === ws.generation) return hit.index;
  const index = new CrossIndex(ws);
  cache.set(ws, { generation: ws.generation, index });
  return index;
}
