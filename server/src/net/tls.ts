/**
 * The one TLS trust set-up of every outgoing connection (Vault, PA site): the system roots plus a CA the
 * admin names explicitly (--ca, ecmkit.vault.caFile). Verification is never switched off.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

/** System roots plus the given CA(s) (and NODE_EXTRA_CA_CERTS, which an explicit `ca` would otherwise drop). */
export function trustedCas(extra?: string | Buffer | (string | Buffer)[]): (string | Buffer)[] | undefined {
  if (!extra || (Array.isArray(extra) && extra.length === 0)) return undefined;
  const out: (string | Buffer)[] = [...rootCertificates];
  const envFile = process.env.NODE_EXTRA_CA_CERTS;
  if (envFile) try { out.push(readFileSync(envFile)); } catch { /* Node warned about it already */ }
  return out.concat(extra);
}

const contexts = new Map<string, SecureContext>();

/**
 * A TLS context trusting the system roots plus `extra`, built once per distinct CA set: parsing the
 * ~150 system roots costs tens of ms, too much to repeat on every connection. Undefined: Node's default.
 */
export function secureContextFor(extra?: string | Buffer | (string | Buffer)[]): SecureContext | undefined {
  const ca = trustedCas(extra);
  if (!ca) return undefined;
  const h = createHash('sha256');
  for (const c of [extra].flat()) h.update(c ?? '').update('\0');
  const id = h.digest('hex');
  let ctx = contexts.get(id);
  if (!ctx) {
    ctx = createSecureContext({ ca, minVersion: 'TLSv1.2' });
    if (contexts.size > 32) contexts.clear();
    contexts.set(id, ctx);
  }
  return ctx;
}
