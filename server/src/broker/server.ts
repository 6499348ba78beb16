/**
 * The broker's HTTP API (docs/broker-api.md) on loopback: bearer token on every route, a Host check against
 * DNS rebinding, bounded JSON bodies, `{"error":{"code","message"}}` on every failure. Request logs name
 * the route, the user and the endpoint, never the token or a password.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Broker } from './broker';
import { BrokerError } from './errors';
import { RawJson } from './json';
import type { BrokerLog } from './log';
import { findRoute, type Answer } from './routes';

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
  const tokenDigest = createHash('sha256').update(token).digest();
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
    let summary: string | undefined;
    let endpoint = '';
    handle(req, path, (s, e) => { summary = s; endpoint = e; }, id, res)
      .then((out) => send(res, out.status, out.body))
      .catch((e: unknown) => {
        const be = e instanceof BrokerError ? e : new BrokerError(500, 'internal', `The broker failed on this request: ${(e as Error)?.message ?? e}`);
        if (be.trace) log.emit({ type: 'trace', id, endpoint, steps: be.trace });
        // The rest of an oversized or refused body is not read: the connection ends with the answer.
        if (be.status === 413 || be.status === 415 || !req.complete) res.setHeader('connection', 'close');
        send(res, be.status, be.body());
        return be.code;
      })
      .then((code) => {
        log.emit({ type: 'request', id, method: req.method ?? 'GET', path: path.length > 300 ? path.slice(0, 299) + '…' : path, status: res.statusCode, ms: performance.now() - started, code: typeof code === 'string' ? code : undefined, summary });
      });
  });
  server.keepAliveTimeout = lim.keepAliveTimeoutMs;
  server.maxHeadersCount = lim.maxHeadersCount;

  async function handle(req: IncomingMessage, path: string, setSummary: (s: string, endpoint: string) => void, id: number, res: ServerResponse): Promise<Answer> {
    checkHost(req, port());
    checkToken(req, tokenDigest);
    const { route, params } = findRoute(req.method ?? 'GET', path);
    return route.handle({ broker, log, maxBodyBytes: lim.maxBodyBytes, req, res, id, setSummary }, params);
  }

  return server;
}

/** Only loopback names reach the broker: a web page that rebinds its DNS name to 127.0.0.1 is refused. */
function checkHost(req: IncomingMessage, port: number): void {
  const host = (req.headers.host ?? '').toLowerCase();
  // One Host header only (RFC 9112 §3.2); Node keeps the first of several, which must not decide alone.
  // Counted in rawHeaders: req.headersDistinct would build a second copy of every header per request.
  if (hostCount(req.rawHeaders) > 1) throw new BrokerError(400, 'bad-request', 'The request carries more than one Host header.');
  const ok = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host);
  if (!ok) throw new BrokerError(403, 'forbidden-host', `Host "${host.slice(0, 60)}" is not the broker's loopback address.`);
}

function hostCount(raw: string[]): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 4 && raw[i].toLowerCase() === 'host') n++;
  return n;
}

function checkToken(req: IncomingMessage, digest: Buffer): void {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  // Compare digests, so the comparison takes the same time whatever the length of the guess.
  if (!m || !timingSafeEqual(createHash('sha256').update(m[1]).digest(), digest)) {
    throw new BrokerError(401, 'unauthorized', 'Missing or wrong bearer token: send "Authorization: Bearer TOKEN" with the token from the file the broker printed.');
  }
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
