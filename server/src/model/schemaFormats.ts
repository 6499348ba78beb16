/**
 * The string formats the schemas use, in one place for the schema compiler (scripts/gen-validators.ts)
 * and the validators it generates (generated/validators.js requires this module at run time).
 */
import { isIP } from 'node:net';
import { fullFormats } from 'ajv-formats/dist/formats';

export function isIpOrCidr(s: string): boolean {
  const [addr, prefix, ...rest] = s.split('/');
  const v = isIP(addr);
  if (!v || rest.length) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (v === 4 ? 32 : 128);
}

/** A PA site: a hostname, or an https URL with nothing but a host (and port). */
export function isSite(s: string): boolean {
  const host = /^https:\/\//i.test(s) ? safeHost(s) : s;
  return !!host && (/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(host) || isIP(host) > 0);
}

/** A PA file's `site`: as `site`, or a host followed by `:PORT` (`ecmkit pull pa` writes the host of --site, port included). */
export function isSiteWithPort(s: string): boolean {
  const m = /^(.*):(\d{1,5})$/.exec(s);
  return isSite(s) || (!!m && !/^https:/i.test(s) && Number(m[2]) >= 1 && Number(m[2]) <= 65535 && isSite(m[1].replace(/^\[(.*)\]$/, '$1')));
}

function safeHost(s: string): string | undefined {
  try {
    const u = new URL(s);
    return u.pathname === '/' && !u.search ? u.hostname : undefined;
  } catch {
    return undefined;
  }
}

type StringFormat = RegExp | ((s: string) => boolean) | { type: 'string'; validate: (s: string) => boolean };

export const formats: Record<string, StringFormat> = {
  email: fullFormats.email as RegExp,
  hostname: fullFormats.hostname as RegExp,
  ipv4: fullFormats.ipv4 as RegExp,
  ipv6: fullFormats.ipv6 as RegExp,
  uri: fullFormats.uri as (s: string) => boolean,
  ip: { type: 'string', validate: (s: string) => isIP(s) > 0 },
  'ip-or-cidr': { type: 'string', validate: isIpOrCidr },
  site: { type: 'string', validate: isSite },
  'site-with-port': { type: 'string', validate: isSiteWithPort },
};
