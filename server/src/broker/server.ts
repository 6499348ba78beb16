/**
 * The broker's HTTP API (docs/broker-api.md) on loopback: bearer token on every route, a Host check against
 * DNS rebinding, bounded JSON bodies, `{"error":{"code","message"}}` on every failure. Request logs name
 * the route, the user and the endpoint, never the token or a password.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Broker } from './broker';
import { BrokerError } from './errors';
import { RawJson } from './json';
import type { BrokerLog } from './log';
import { describe, endpointOf, findRoute, type Answer } from './routes';

const MAX_BODY = 64 * 1024;

/**
 * What a client may take of the broker (hostile or broken clients: slowloris, header floods, endless bodies).
 * Every request the ECM sends is small and quick; anything beyond these gets a 4xx or a closed connection.
 */
export interface HttpLimits {
  /** Largest request body (bytes); a larger one gets 413 and the connection is closed. */
  maxBodyBytes: number;
  /** All request headers must arrive within this time (ms), else 408 and close. */
  headersTimeoutMs: number;
  /** The whole request (headers and body) must arrive within this time (ms), else 408 and close. */
  requestTimeoutMs: number;
  /** How often those two time limits are checked (ms). */
  checkIntervalMs: number;
  /** Largest request line + headers (bytes), else 431. */
  maxHeaderBytes: number;
  /** Headers beyond this count are ignored. */
  maxHeadersCount: number;
  keepAliveTimeoutMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxBodyBytes: MAX_BODY,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  checkIntervalMs: 1000,
  maxHeaderBytes: 16 * 1024,
  maxHeadersCount: 64,
  keepAliveTimeoutMs: 30_000,
};

export function createBrokerServer(broker: Broker, token: string, log: BrokerLog, port: () => number, limits: Partial<HttpLimits> = {}): Server {
  const lim: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...limits };
  const isToken = tokenCheck(token);
  const isLoopback = loopbackHosts(port);
  let seq = 0;
  const server = createServer({
    maxHeaderSize: lim.maxHeaderBytes,
    headersTimeout: lim.headersTimeoutMs,
    requestTimeout: lim.requestTimeoutMs,
    connectionsCheckingInterval: lim.checkIntervalMs,
  }, (req, res) => {
    const id = ++seq;
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0];
    let body: unknown;
    const logged = (code?: string): void => {
      if (!log.enabled) return;
      log.emit({ type: 'request', id, method: req.method ?? 'GET', path: path.length > 300 ? path.slice(0, 299) + '…' : path, status: res.statusCode, ms: performance.now() - started, code, summary: body === undefined ? undefined : describe(body) });
    };
    const failed = (e: unknown): void => {
      const be = e instanceof BrokerError ? e : new BrokerError(500, 'internal', `The broker failed on this request: ${(e as Error)?.message ?? e}`);
      if (be.trace) log.emit({ type: 'trace', id, endpoint: endpointOf(body), steps: be.trace });
      // The rest of an oversized or refused body is not read: the connection ends with the answer.
      if (be.status === 413 || be.status === 415 || !req.complete) res.setHeader('connection', 'close');
      send(res, be.status, be.body());
      logged(be.code);
    };
    let answer: Promise<Answer>;
    try {
      checkHost(req, isLoopback);
      checkToken(req, isToken);
      const { route, params } = findRoute(req.method ?? 'GET', path);
      answer = route.handle({ broker, log, maxBodyBytes: lim.maxBodyBytes, req, res, id, setBody: (b) => { body = b; } }, params);
    } catch (e) {
      // Answered a turn later, as a route's failure is: by then a body-less request is complete, so
      // its connection stays open for the next one.
      answer = Promise.reject(e);
    }
    // One promise reaction per request: the answer is sent, or the failure, then the request is logged.
    answer.then((out) => {
      try {
        send(res, out.status, out.body);
      } catch (e) {
        failed(e);
        return;
      }
      logged();
    }, failed);
  });
  server.keepAliveTimeout = lim.keepAliveTimeoutMs;
  server.maxHeadersCount = lim.maxHeadersCount;
  return server;
}

/** Whether a Host header names the broker's loopback address (its port is known once it listens). */
function loopbackHosts(port: () => number): (host: string) => boolean {
  let names: string[] = [];
  let namesOf = -1;
  return (host) => {
    const p = port();
    if (p !== namesOf) { names = [`127.0.0.1:${p}`, `localhost:${p}`, `[::1]:${p}`]; namesOf = p; }
    return names.includes(host);
  };
}

/** Only loopback names reach the broker: a web page that rebinds its DNS name to 127.0.0.1 is refused. */
function checkHost(req: IncomingMessage, isLoopback: (host: string) => boolean): void {
  const host = (req.headers.host ?? '').toLowerCase();
  // One Host header only (RFC 9112 §3.2); Node keeps the first of several, which must not decide alone.
  // Counted in rawHeaders: req.headersDistinct would build a second copy of every header per request.
  if (hostCount(req.rawHeaders) > 1) throw new BrokerError(400, 'bad-request', 'The request carries more than one Host header.');
  if (!isLoopback(host)) throw new BrokerError(403, 'forbidden-host', `Host "${host.slice(0, 60)}" is not the broker's loopback address.`);
}

function hostCount(raw: string[]): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 4 && raw[i].toLowerCase() === 'host') n++;
  return n;
}

function checkToken(req: IncomingMessage, isToken: (given: string) => boolean): void {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m || !isToken(m[1])) {
    throw new BrokerError(401, 'unauthorized', 'Missing or wrong bearer token: send "Authorization: Bearer TOKEN" with the token from the file the broker printed.');
  }
}

/**
 * Whether a guess is the token, in time that does not depend on how much of it is right: the guess is
 * copied into a buffer of the token's length (cut or zero-padded) and compared in constant time, and its
 * length is checked apart. (A SHA-256 of every guess did the same at ten times the cost per request.)
 */
function tokenCheck(token: string): (given: string) => boolean {
  const want = Buffer.from(token, 'utf8');
  const scratch = Buffer.alloc(want.length); // used synchronously: no two checks share it at once
  return (given) => {
    scratch.fill(0);
    scratch.write(given, 'utf8');
    const same = timingSafeEqual(scratch, want);
    return Buffer.byteLength(given, 'utf8') === want.length && same;
  };
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  if (status === 204 || body === undefined) {
    res.writeHead(status, { 'cache-control': 'no-store' });
    res.end();
    return;
  }
  const data = body instanceof RawJson ? body.bytes : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(data), 'cache-control': 'no-store' });
  res.end(data);
}
