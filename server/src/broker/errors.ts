/**
 * The broker's HTTP errors (docs/broker-api.md): `{"error":{"code","message"}}`, plus the trace when the
 * failure happened during an injection, so "why no credentials?" is answered on errors too.
 */
import { isVaultError } from '../vault/errors';
import type { TraceStep } from '../engine/injection';

import type { BrokerErrorCode } from '../../../protocol/broker';
export type { BrokerErrorCode };

export class BrokerError extends Error {
  constructor(readonly status: number, readonly code: BrokerErrorCode, message: string, public trace?: TraceStep[]) {
    super(message);
  }

  body(): { error: { code: string; message: string }; trace?: TraceStep[] } {
    return this.trace ? { error: { code: this.code, message: this.message }, trace: this.trace } : { error: { code: this.code, message: this.message } };
  }
}

/** A Vault failure as the broker reports it. The VaultError's message is already free of secrets. */
export function fromVaultError(e: unknown): BrokerError {
  if (e instanceof BrokerError) return e;
  if (!isVaultError(e)) return new BrokerError(500, 'internal', `The broker failed: ${(e as Error)?.message ?? e}`);
  const msg = e.hint ? `${e.message} ${e.hint}` : e.message;
  switch (e.kind) {
    case 'unreachable': return new BrokerError(502, 'vault-unreachable', msg);
    case 'timeout': return new BrokerError(504, 'vault-unreachable', msg);
    case 'tls': return new BrokerError(502, 'vault-tls', msg);
    case 'ip-not-allowed': return new BrokerError(502, 'vault-ip-not-allowed', msg);
    case 'auth':
      // The sandbox says why a sign-in was refused; a real Vault only says 401.
      if (e.details.reason === 'user-not-found' || e.details.reason === 'user-inactive') return new BrokerError(404, 'user-not-found', msg);
      return new BrokerError(502, 'vault-auth-failed', msg);
    case 'conflict': return new BrokerError(409, 'credential-unavailable', msg);
    case 'forbidden': return new BrokerError(403, 'credential-unavailable', msg);
    case 'not-found': return new BrokerError(404, 'credential-not-found', msg);
    case 'config': return new BrokerError(502, 'vault-unreachable', msg);
    default: return new BrokerError(502, 'vault-error', msg);
  }
}
