/**
 * The PA site read into a PA site file (FORMATS.md §6; the field mapping is documented in docs/pull.md).
 * Lists are read in the file's section order, so a new file is streamed out as pages arrive; the
 * id → name maps kept for the references (providers, jump groups) are the only state that grows, and
 * with those lists, not with users or jump clients.
 */
import type { PaClient } from '../pa/client';
import type { Item, PullTarget } from './updateFile';

export interface PaProgress { section: string; count: number; done: boolean }

type Raw = Record<string, unknown>;

/** Progress is told once per page's worth of items (the API's pages hold 100). */
const PAGE = 100;

export async function pullPa(client: PaClient, target: PullTarget, onProgress?: (p: PaProgress) => void): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const put = (section: string, item: Item): void => {
    target.put(section, compact(item));
    counts[section] = (counts[section] ?? 0) + 1;
    if (counts[section] % PAGE === 0) onProgress?.({ section, count: counts[section], done: false });
  };
  const done = (section: string): void => onProgress?.({ section, count: counts[section] ?? 0, done: true });

  target.setTop('site', client.site.host);

  // Providers first: users name them. An LDAP provider's domain is in its own resource only.
  const providers = new Map<number, string>();
  const listed: Raw[] = [];
  for await (const page of client.pages('security-provider', { after: 4 })) for (const p of page) listed.push(p);
  for (const p of listed) {
    if (typeof p.id === 'number' && typeof p.name === 'string') providers.set(p.id, p.name);
    const detail = p.type === 'ldap' && typeof p.id === 'number' ? await client.one(`security-provider/${p.id}`) : undefined;
    put('securityProviders', { name: p.name, type: p.type, fqdn: detail ? domainOfDn(detail.search_base_dn) : undefined });
  }
  done('securityProviders');

  for await (const page of client.pages('user', { after: 3 })) {
    for (const u of page) {
      put('users', {
        username: u.username,
        email: typeof u.email_address === 'string' && u.email_address ? u.email_address : undefined,
        securityProvider: typeof u.security_provider_id === 'number' ? providers.get(u.security_provider_id) : undefined,
        enabled: typeof u.enabled === 'boolean' ? u.enabled : undefined,
      });
    }
  }
  done('users');

  const groups = new Map<number, string>();
  for await (const page of client.pages('jump-group', { after: 2 })) {
    for (const g of page) {
      if (typeof g.id === 'number' && typeof g.name === 'string') groups.set(g.id, g.name);
      put('jumpGroups', { name: g.name, ecmGroup: idString(g.ecm_group_id) });
    }
  }
  done('jumpGroups');

  for await (const page of client.pages('jump-client', { after: 1 })) {
    for (const j of page) {
      // A personal jump group's id is its owner's user id: such a jump client has no jumpGroup.
      const shared = (j.jump_group_type ?? 'shared') === 'shared';
      put('jumpClients', {
        name: j.name,
        hostname: nonEmpty(j.hostname),
        fqdn: nonEmpty(j.fqdn),
        os: osFamily(j.operating_system),
        credentialInjection: true, // only for a new jump client: the file's own value is kept
        jumpGroup: shared && typeof j.jump_group_id === 'number' ? groups.get(j.jump_group_id) : undefined,
      });
    }
  }
  done('jumpClients');

  for await (const page of client.pages('api-account')) {
    for (const a of page) {
      put('apiAccounts', {
        name: a.name,
        clientId: nonEmpty(a.client_id),
        enabled: typeof a.enabled === 'boolean' ? a.enabled : undefined,
        ecmAccess: typeof a.perm_ecm === 'boolean' ? a.perm_ecm : undefined,
        ecmGroup: idString(a.ecm_group_id),
        ipAddresses: typeof a.ip_addresses === 'string' ? a.ip_addresses.split(/[\s,]+/).filter(Boolean) : undefined,
      });
    }
  }
  done('apiAccounts');
  return counts;
}

/** `OU=Users,DC=corp,DC=example,DC=com` → `corp.example.com` (undefined without DC= parts). */
export function domainOfDn(dn: unknown): string | undefined {
  if (typeof dn !== 'string') return undefined;
  const parts = dn.split(/(?<!\\),/).map((p) => /^\s*dc\s*=\s*(.*?)\s*$/i.exec(p)?.[1]).filter((p): p is string => !!p);
  return parts.length ? parts.join('.').toLowerCase() : undefined;
}

/** The file's `os` (windows | linux | macos) from PA's "name, version and platform" text; undefined when unknown. */
export function osFamily(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (/windows/i.test(v)) return 'windows';
  if (/mac ?os|os x|darwin/i.test(v)) return 'macos';
  if (/linux|ubuntu|debian|red ?hat|rhel|centos|suse|fedora|rocky|alma/i.test(v)) return 'linux';
  return undefined;
}

function idString(v: unknown): string | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? String(v) : undefined;
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v : undefined;
}

/** The item without its undefined fields (the API did not give them). */
function compact(item: Item): Item {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (v !== undefined) out[k] = v;
  return out;
}
