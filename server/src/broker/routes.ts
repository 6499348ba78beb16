/**
 * The broker's routes (docs/broker-api.md) as one table of method, path pattern and handler: a request is
 * matched against it, a known path with another method is a 405, and the 404 lists the table.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { drain, readJson } from './body';
import type { Broker } from './broker';
import { BrokerError } from './errors';
import { RawJson, withTrace } from './json';
import type { BrokerLog } from './log';

/** What a route answers: a status and a body (JSON value, or bytes already serialized), or an error thrown. */
export interface Answer { status: number; body?: unknown }

/** One request as a route handler sees it. */
export interface RouteCall {
  broker: Broker;
  log: BrokerLog;
  maxBodyBytes: number;
  req: IncomingMessage;
  res: ServerResponse;
  /** The request's number in the log. */
  id: number;
  /** The request's body, for the request log (describe(), endpointOf()), which reads it only when someone listens. */
  setBody(body: unknown): void;
}

interface Route {
  method: 'GET' | 'POST';
  /** The path as the 404 message lists it: `{name}` is one path segment, `a|b` one of the two words. */
  pattern: string;
  handle(call: RouteCall, params: string[]): Promise<Answer>;
}

/** The broker's routes (docs/broker-api.md#routes). */
const ROUTES: Route[] = [
  { method: 'GET', pattern: '/v1/health', handle: async ({ broker }) => ({ status: 200, body: await broker.health() }) },
  { method: 'POST', pattern: '/v1/credentials/find', handle: find },
  { method: 'POST', pattern: '/v1/credentials/checkout', handle: checkout },
  {
    method: 'POST', pattern: '/v1/leases/{id}/checkin',
    handle: async ({ broker, req, maxBodyBytes }, [leaseId]) => {
      await drain(req, maxBodyBytes);
      await broker.checkin(pathId(leaseId, 'lease id'));
      return { status: 204 };
    },
  },
  {
    method: 'GET', pattern: '/v1/leases',
    handle: async ({ broker }) => ({ status: 200, body: { leases: broker.leases.open().map((l) => ({ ...l, createdAt: new Date(l.createdAt).toISOString(), expiresAt: new Date(l.expiresAt).toISOString() })) } }),
  },
  { method: 'GET', pattern: '/v1/ecms', handle: async ({ broker }) => ({ status: 200, body: broker.ecms() }) },
  {
    method: 'POST', pattern: '/v1/ecms/{name}/connect|disconnect',
    handle: async ({ broker, req, maxBodyBytes }, [name, action]) => {
      await drain(req, maxBodyBytes);
      return { status: 200, body: broker.setConnected(pathId(name, 'ECM name'), action === 'connect') };
    },
  },
];

const ROUTE_PATHS = ROUTES.map((r) => ({ route: r, regex: patternRegex(r.pattern) }));
const ROUTE_LIST = ROUTES.map((r) => `${r.method} ${r.pattern}`).join(', ');

/** `{name}` captures one path segment, `a|b` captures one of the words; the rest is literal. */
function patternRegex(pattern: string): RegExp {
  const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const segments = pattern.split('/').map((seg) => {
    if (/^\{\w+\}$/.test(seg)) return '([^/]+)';
    if (seg.includes('|')) return `(${seg.split('|').map(literal).join('|')})`;
    return literal(seg);
  });
  return new RegExp(`^${segments.join('/')}$`);
}

/** The route for a request; 405 when the path is known with another method, 404 (listing the routes) when not. */
export function findRoute(method: string, path: string): { route: Route; params: string[] } {
  let other: Route | undefined;
  for (const { route, regex } of ROUTE_PATHS) {
    const m = regex.exec(path);
    if (!m) continue;
    if (route.method === method) return { route, params: m.slice(1) };
    other ??= route;
  }
  if (other) throw new BrokerError(405, 'method-not-allowed', `Use ${other.method} for ${path}.`);
  throw new BrokerError(404, 'not-found', `No route ${method} ${path}. Routes: ${ROUTE_LIST}.`);
}

async function find({ broker, log, maxBodyBytes, req, id, setBody }: RouteCall): Promise<Answer> {
  const body = await readJson(req, maxBodyBytes);
  setBody(body);
  const r = await broker.find(body);
  if (log.enabled) log.emit({ type: 'trace', id, ecm: r.ecm, runAs: r.runAs, endpoint: endpointOf(body), steps: r.trace });
  const json = withTrace(`{"credentials":${JSON.stringify(r.credentials)},"trace":`, r.trace, `,"ecm":${JSON.stringify(r.ecm)},"runAs":${JSON.stringify(r.runAs ?? null)}}`);
  return { status: 200, body: new RawJson(json) };
}

async function checkout({ broker, log, maxBodyBytes, req, res, id, setBody }: RouteCall): Promise<Answer> {
  const body = await readJson(req, maxBodyBytes);
  setBody(body);
  const r = await broker.checkout(body);
  log.emit({ type: 'trace', id, ecm: r.lease.ecm, runAs: r.lease.runAs, endpoint: r.lease.endpoint, steps: r.trace });
  // A caller that went away before the answer reached it never learns the lease: check it in at once
  // rather than hold the credential until the lease expires.
  let gone = false;
  const vanished = (): void => {
    if (gone) return;
    gone = true;
    log.emit({ type: 'warning', message: `The caller of request #${id} went away before the check-out reached it: checking ${r.lease.credential} in.` });
    broker.checkin(r.leaseId).catch((e: Error) => log.emit({ type: 'warning', message: `Check-in of ${r.lease.credential} after the caller went away failed: ${e.message}; the lease ends at ${r.expiresAt}.` }));
  };
  if (res.destroyed || req.socket.destroyed) {
    vanished();
    throw new BrokerError(499 as number, 'bad-request', 'The caller went away.');
  }
  res.once('close', () => { if (!res.writableFinished) vanished(); });
  // Written is not read: a client that closes its connection with the answer unread makes its TCP stack
  // reset the connection. A reset before the client's next request means the answer was never taken.
  const socket = req.socket;
  const onClose = (hadError: boolean): void => { if (hadError) vanished(); };
  const stopWatching = (): void => { socket.off('close', onClose); socket.off('data', stopWatching); clearTimeout(timer); };
  const timer = setTimeout(stopWatching, 10_000);
  timer.unref();
  socket.once('close', onClose);
  socket.once('data', stopWatching);
  // The password leaves the broker here, once, to its caller; nothing else records it.
  return { status: 200, body: { leaseId: r.leaseId, username: r.username, password: r.password, expiresAt: r.expiresAt } };
}

/** An id from the path, percent-decoded; a malformed or absurdly long one is a bad request, not a crash. */
function pathId(raw: string, what: string): string {
  if (raw.length > 512) throw new BrokerError(400, 'bad-request', `The ${what} in the path is ${raw.length} characters long; ids are short.`);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BrokerError(400, 'bad-request', `The ${what} in the path is not valid percent-encoded UTF-8.`);
  }
}

/** `jdoe@corp.example.com → WEB01` for the request log (no secret is ever in these fields). */
export function describe(body: unknown): string {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const s = (k: string) => (typeof b[k] === 'string' ? (b[k] as string).slice(0, 80) : '?');
  return `${s('user')}@${s('securityProvider')} → ${s('endpoint')}${typeof b.credentialId === 'string' ? ` [${s('credentialId')}]` : ''}`;
}

export function endpointOf(body: unknown): string {
  const e = (body as { endpoint?: unknown } | null)?.endpoint;
  return typeof e === 'string' ? e.slice(0, 80) : '';
}
