/**
 * Typed errors of the PA Configuration API client. Each says what happened in the vendor's meaning and
 * what to do; none carries the client secret or a token (server text is redacted before it gets here).
 */
import { classifyTlsError, type TlsCase } from '../net/tlsErrors';

export type PaErrorKind =
  | 'config'        // the site URL, client id or secret is unusable
  | 'unreachable'   // DNS, refused, or a connection dropped more often than the retries allow
  | 'tls'           // certificate or protocol problem
  | 'timeout'       // no answer within the time limit
  | 'sign-in'       // POST /oauth2/token refused the client id / secret
  | 'token'         // a fresh token was refused too
  | 'query'         // 401 on a GET: an unrecognised query parameter (the vendor's meaning)
  | 'forbidden'     // 403: the API account lacks Configuration API permission
  | 'rate-limit'    // 429s did not stop, or the hourly budget would run out
  | 'http'          // another unexpected status (5xx after the retries)
  | 'bad-response'; // the body is not what the API documents

export class PaError extends Error {
  override readonly name = 'PaError';
  constructor(readonly kind: PaErrorKind, message: string, readonly details: { status?: number; code?: string; hint?: string } = {}) {
    super(message);
  }
  get hint(): string | undefined { return this.details.hint; }
}

const CA_HINT = 'If the site uses a private CA, give its certificate with --ca FILE (PEM); verification is never switched off.';

/** A TLS failure said for the PA site; undefined when the error is not a TLS one. */
export function paTlsError(err: { code?: string; message?: string }, host: string): PaError | undefined {
  const c: TlsCase | undefined = classifyTlsError(err);
  if (!c) return undefined;
  const code = err.code ?? '';
  const say: Record<TlsCase, [string, string]> = {
    'self-signed': [`The certificate of the PA site ${host} is self-signed and not trusted here.`, CA_HINT],
    'unknown-issuer': [`The certificate of the PA site ${host} is issued by a CA that is not trusted here (${code}).`, CA_HINT],
    expired: [`The certificate of the PA site ${host} has expired.`, 'Renew the site\'s certificate (/appliance > Security > Certificates).'],
    'not-yet-valid': [`The certificate of the PA site ${host} is not valid yet.`, 'Check the clock of this machine and of the site.'],
    'hostname-mismatch': [`The certificate of the PA site does not name ${host}.`, 'Use the host name the site\'s certificate was issued for in --site.'],
    'old-protocol': [`The PA site ${host} offers only an old TLS version; TLS 1.2 or newer is required.`, 'Enable TLS 1.2 or 1.3 on the site.'],
    'not-tls': [`${host} does not speak TLS on this port.`, 'Check the port in --site: the Configuration API is served over https, normally on 443.'],
    handshake: [`The TLS handshake with the PA site ${host} failed (${code}).`, 'Check the site\'s certificate and TLS settings.'],
  };
  const [sentence, hint] = say[c];
  return new PaError('tls', sentence, { code, hint });
}
