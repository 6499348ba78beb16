/**
 * The integration's allowed-IP list: addresses and CIDR ranges, IPv4 and IPv6. Built on net.BlockList so
 * ranges are matched by the same code Node uses; IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) count as IPv4.
 */
import { BlockList, isIP } from 'node:net';

export interface AllowList {
  allows(address: string): boolean;
  /** Entries that are neither an address nor a CIDR range (ignored when matching). */
  invalid: string[];
}

export function normalizeAddress(address: string): string {
  const a = address.trim().replace(/^\[|\]$/g, '');
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return m ? m[1] : a.replace(/%.*$/, '');
}

export function allowList(entries: unknown): AllowList {
  const list = new BlockList();
  const invalid: string[] = [];
  for (const raw of Array.isArray(entries) ? entries : []) {
    if (typeof raw !== 'string') { invalid.push(String(raw)); continue; }
    const [addr, bits, extra] = raw.trim().split('/');
    const ip = normalizeAddress(addr ?? '');
    const family = isIP(ip);
    const prefix = bits === undefined ? undefined : Number(bits);
    if (!family || extra !== undefined || (prefix !== undefined && (!/^\d+$/.test(bits!) || prefix > (family === 4 ? 32 : 128)))) {
      invalid.push(raw);
      continue;
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, prefix, type);
  }
  return {
    invalid,
    allows(address: string): boolean {
      const ip = normalizeAddress(address);
      const family = isIP(ip);
      return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

export function isIpLiteral(host: string | undefined): boolean {
  return typeof host === 'string' && isIP(normalizeAddress(host)) !== 0;
}
