/**
 * Typed Vault errors. Every one carries a sentence an admin can act on; none ever carries the shared key,
 * a password or a session cookie (messages from the server are redacted before they get here).
 */
export type VaultErrorKind =
  | 'config'          // the URL or options are unusable (not https, bad CA file…)
  | 'unreachable'     // DNS failure, connection refused/reset before TLS
  | 'tls'             // certificate or protocol problem; `tlsCase` says which
  | 'timeout'         // no answer within the call's time limit
  | 'auth'            // 401 at sign-in or on a call (key, run-as user, integration)
  | 'ip-not-allowed'  // 401 because the source address is not in the integration's allowed IPs
  | 'not-found'       // 404: unknown managed system, account or request
  | 'conflict'        // 409: the account is checked out by someone else / a request exists
  | 'forbidden'       // 403: not allowed (e.g. another user's request)
  | 'http'            // any other unexpected status
  | 'bad-response';   // the body is not what the API documents

import type { TlsCase } from '../net/tlsErrors';

export type { TlsCase } from '../net/tlsErrors';

export class VaultError extends Error {
  override readonly name = 'VaultError';
  constructor(
    readonly kind: VaultErrorKind,
    message: string,
    readonly details: { status?: number; code?: string; tlsCase?: TlsCase; hint?: string; reason?: string } = {},
  ) {
    super(message);
  }
  get status(): number | undefined { return this.details.status; }
  get hint(): string | undefined { return this.details.hint; }
}

export function isVaultError(e: unknown): e is VaultError {
  return e instanceof VaultError;
}
