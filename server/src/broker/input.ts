/**
 * The bodies the broker's routes accept (docs/broker-api.md), checked into typed requests: a field that is
 * missing, empty or not a string, or a credential id the broker never handed out, is a 400 that says which.
 */
import type { CheckoutRequest, FindRequest } from '../../../protocol/broker';
import { parseCredentialId } from '../engine/injection';
import { BrokerError } from './errors';

const FIND_FIELDS = ['user', 'securityProvider', 'endpoint'] as const;

export interface CheckoutBody extends CheckoutRequest {
  /** The Vault system (the endpoint) and account the id names. */
  systemId: number;
  accountId: number;
}

/** POST /v1/credentials/find: who asks, for which jump client. */
export function findBody(body: unknown): FindRequest {
  return fields(body, FIND_FIELDS);
}

/** POST /v1/credentials/checkout: a find request plus an id a find returned (`SYSTEMID-ACCOUNTID`). */
export function checkoutBody(body: unknown): CheckoutBody {
  const req = fields(body, [...FIND_FIELDS, 'credentialId'] as const);
  const ids = parseCredentialId(req.credentialId);
  if (!ids) throw new BrokerError(400, 'bad-request', `credentialId "${req.credentialId.slice(0, 40)}" is not an id returned by /v1/credentials/find (SYSTEMID-ACCOUNTID).`);
  return { ...req, ...ids };
}

/** The request's string fields, trimmed; anything missing or not a non-empty string is a bad request. */
function fields<K extends string>(body: unknown, keys: readonly K[]): Record<K, string> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BrokerError(400, 'bad-request', `The body must be a JSON object with ${keys.join(', ')}.`);
  const b = body as Record<string, unknown>;
  const missing = keys.filter((k) => typeof b[k] !== 'string' || !(b[k] as string).trim());
  if (missing.length) throw new BrokerError(400, 'bad-request', `Missing or empty field${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (strings, as PA sends them).`);
  const out = {} as Record<K, string>;
  for (const k of keys) out[k] = (b[k] as string).trim();
  return out;
}
