/**
 * Why the broker refuses a find or check-out, as an HTTP error with the trace so far: a failure the files
 * decide alone (no Vault call would change it), or a Vault call that failed.
 */
import type { TraceStep } from '../../../protocol/trace';
import type { Resolution } from '../engine/injection';
import { BrokerError, fromVaultError } from './errors';
import { vaultFailedTrace } from './trace';

/**
 * The refusal the files alone decide for this route, if any. Injection off is a valid find answer (no
 * credentials, the trace says why) but refuses a check-out; an unknown user, an integration or a missing
 * Vault file is left to the Vault, which has the last word (the files may be out of date); so is a
 * provider the Vault file lacks.
 */
export function refusalByFiles(r: Resolution, route: 'find' | 'checkout'): BrokerError | undefined {
  const f = r.failure;
  if (!f) return undefined;
  switch (f.code) {
    case 'injection-off': return route === 'find' ? undefined : new BrokerError(409, 'credential-unavailable', f.message, r.trace);
    case 'endpoint-not-found': return new BrokerError(404, 'endpoint-not-found', f.message, r.trace);
    case 'provider-unmapped': return new BrokerError(404, 'user-not-found', f.message, r.trace);
    case 'no-ecm': return new BrokerError(503, 'no-ecm-connected', f.message, r.trace);
    default: return undefined;
  }
}

/**
 * A Vault call of `step` failed: the error with the files' trace, the Vault steps that passed before it
 * and the failed one. When the files already said why the Vault refuses, their more precise code is kept.
 */
export function vaultFailure(e: unknown, resolution: Resolution, step: string, what: string, passed: TraceStep[] = []): BrokerError {
  let refusal = fromVaultError(e);
  if (refusal.code === 'vault-auth-failed' && (resolution.failure?.code === 'user-not-found' || resolution.failure?.code === 'provider-unknown')) refusal = new BrokerError(404, 'user-not-found', `${resolution.failure.message} (${refusal.message})`);
  refusal.trace = vaultFailedTrace(resolution.trace, passed, step, `${what}: ${refusal.message}`);
  return refusal;
}
