/**
 * One PA site as the broker sees it: its ECM set (every ECM file naming the site, at most five per ECM group serve),
 * the Vault inventory and integration the ECMs sign in to, and the PA inventory of the site. Pure and
 * cached per workspace generation, so the broker, the code lens and the simulate command share one view.
 */
import type { ParsedFile } from '../model/document';
import type { EcmConfig, Integration, PaInventory, VaultInventory } from '../model/inventory';
import type { Entry, Workspace } from '../model/workspace';
import { ecmGroupOfEcm, ecmGroups } from './routing';

/** At most five ECMs serve one site, or one ECM group of it (the appliance ignores a sixth). */
export const MAX_ECMS = 5;

export interface Site {
  /** The PA site hostname the ECMs name (lower-cased, without scheme or path). */
  site: string;
  /** The site's ECMs in connect order (workspace order: file path), at most MAX_ECMS per ECM group. */
  ecms: Entry<'ecm'>[];
  /** ECM files of the site (or of its ECM group) beyond the fifth: they never serve. */
  extraEcms: Entry<'ecm'>[];
  pa?: Entry<'pa'>;
}

export interface EcmBinding {
  ecm: Entry<'ecm'>;
  vault?: Entry<'vault'>;
  integration?: Entry<'integration'>;
  pa?: Entry<'pa'>;
}

/** `https://support.example.com/x` and `Support.Example.com` both name `support.example.com`. */
export function siteKey(site: unknown): string {
  if (typeof site !== 'string') return '';
  const s = site.trim().toLowerCase();
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//.test(s)) return new URL(s).hostname;
  } catch { /* not a URL: use as is */ }
  return s.replace(/\/.*$/, '').replace(/:\d+$/, '');
}

function vaultKey(hostname: unknown): string {
  if (typeof hostname !== 'string') return '';
  try {
    return new URL(hostname.trim()).host.toLowerCase();
  } catch {
    return hostname.trim().toLowerCase();
  }
}

const cache = new WeakMap<Workspace, { generation: number; sites: Site[] }>();

/** Every site of the workspace (one per distinct ECM `site`, plus PA-only sites), in workspace order. */
export function sitesOf(ws: Workspace): Site[] {
  const hit = cache.get(ws);
  if (hit && hit.generation === ws.generation) return hit.sites;
  const bySite = new Map<string, Site>();
  const get = (key: string): Site => {
    let s = bySite.get(key);
    if (!s) bySite.set(key, (s = { site: key, ecms: [], extraEcms: [] }));
    return s;
  };
  const all = new Map<Site, Entry<'ecm'>[]>();
  for (const e of ws.of('ecm')) {
    const s = get(siteKey(e.value.site));
    const at = all.get(s);
    if (at) at.push(e); else all.set(s, [e]);
  }
  const pas = ws.of('pa');
  for (const p of pas) {
    const s = bySite.get(siteKey(p.value.site)) ?? (pas.length === 1 && bySite.size === 1 ? [...bySite.values()][0] : get(siteKey(p.value.site)));
    s.pa ??= p;
  }
  for (const [s, ecms] of all) {
    for (const group of ecmsByGroup(s.pa, ecms).values()) {
      group.forEach((e, i) => (i < MAX_ECMS ? s.ecms : s.extraEcms).push(e));
    }
    // Back in workspace order: the connect order.
    const order = new Map(ecms.map((e, i) => [e, i]));
    s.ecms.sort((a, b) => order.get(a)! - order.get(b)!);
    s.extraEcms.sort((a, b) => order.get(a)! - order.get(b)!);
  }
  const sites = [...bySite.values()];
  cache.set(ws, { generation: ws.generation, sites });
  return sites;
}

/**
 * A site's ECMs by what the five-ECM limit counts: their ECM group when the PA file says the groups
 * (domain/routing.ts; `''` for ECMs of no known group), else all of them together under `''`.
 */
export function ecmsByGroup(pa: Entry<'pa'> | undefined, ecms: Entry<'ecm'>[]): Map<string, Entry<'ecm'>[]> {
  return ecmGroups(ecms, (e) => ecmGroupOfEcm(pa, e) ?? '');
}

/** The site an ECM (by name, or the first ECM of the workspace) belongs to. */
export function siteOfEcm(ws: Workspace, ecmName?: string): Site | undefined {
  const sites = sitesOf(ws);
  if (ecmName === undefined) return sites.find((s) => s.ecms.length > 0);
  return sites.find((s) => [...s.ecms, ...s.extraEcms].some((e) => e.value.name === ecmName));
}

/** The site whose PA inventory is this file. */
export function siteOfPa(ws: Workspace, paUri: string): Site | undefined {
  return sitesOf(ws).find((s) => s.pa?.file.uri === paUri);
}

/**
 * What one ECM works with: its Vault inventory (the one whose hostname matches `vault.hostname`, else the
 * only one), its integration (by `vault.integration`, else the only one) and the site's PA inventory.
 */
export function bindEcm(ws: Workspace, ecm: Entry<'ecm'>, site?: Site): EcmBinding {
  const vaults = ws.of('vault');
  const want = vaultKey(ecm.value.vault?.hostname);
  const vault = vaults.find((v) => want && vaultKey(v.value.hostname) === want) ?? (vaults.length ? vaults[0] : undefined);
  const integrations = ws.of('integration');
  const iname = ecm.value.vault?.integration;
  const integration = typeof iname === 'string'
    ? integrations.find((i) => i.value.name === iname)
    : integrations.length === 1 ? integrations[0] : undefined;
  const s = site ?? sitesOf(ws).find((x) => x.ecms.includes(ecm) || x.extraEcms.includes(ecm));
  return { ecm, vault, integration, pa: s?.pa };
}

import type { SourceRef } from '../../../protocol/trace';
export type { SourceRef };

export function sourceAt(file: ParsedFile | undefined, path: (string | number)[], prefer: 'value' | 'key' = 'value'): SourceRef | undefined {
  return file ? { uri: file.uri, range: file.rangeAt(path, prefer) } : undefined;
}

export type { EcmConfig, Integration, PaInventory, VaultInventory };
