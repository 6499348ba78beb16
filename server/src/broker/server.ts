/**
 * The broker's HTTP API (docs/broker-api.md) on loopback: bearer token on every route, a Host check against
 * DNS rebinding, bounded JSON bodies, `{"error":{"code","message"}}` on every failure. Request logs name
 * the route, the user and the endpoint, never the token or a password.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Broker } from './broker';
import { BrokerError } from './errors';
import { withTrace } from './json';
import type { BrokerLog } from './log';

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

  async function handle(req: IncomingMessage, path: string, setSummary: (s: string, endpoint: string) => void, id: number, res: ServerResponse): Promise<{ status: number; body?: unknown }> {
    checkHost(req, port());
    checkToken(req, tokenDigest);
    const method = req.method ?? 'GET';
    const only = (m: string) => { if (method !== m) throw new BrokerError(405, 'method-not-allowed', `Use ${m} for ${path}.`); };
    if (path === '/v1/health') {
      only('GET');
      return { status: 200, body: await broker.health() };
    }
    if (path === '/v1/credentials/find') {
      only('POST');
      const body = await readJson(req, lim.maxBodyBytes);
      setSummary(describe(body), endpointOf(body));
      const r = await broker.find(body);
      log.emit({ type: 'trace', id, ecm: r.ecm, runAs: r.runAs, endpoint: endpointOf(body), steps: r.trace });
      const json = withTrace(`{"credentials":${JSON.stringify(r.credentials)},"trace":`, r.trace, `,"ecm":${JSON.stringify(r.ecm)},"runAs":${JSON.stringify(r.runAs ?? null)}}`);
      return { status: 200, body: new RawJson(json) };
    }
    if (path === '/v1/credentials/checkout') {
      only('POST');
      const body = await readJson(req, lim.maxBodyBytes);
      setSummary(describe(body), endpointOf(body));
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
    let m = /^\/v1\/leases\/([^/]+)\/checkin$/.exec(path);
    if (m) {
      only('POST');
      await drain(req, lim.maxBodyBytes);
      await broker.checkin(pathId(m[1], 'lease id'));
      return { status: 204 };
    }
    if (path === '/v1/leases') {
      only('GET');
      return { status: 200, body: { leases: broker.leases.open().map((l) => ({ ...l, createdAt: new Date(l.createdAt).toISOString(), expiresAt: new Date(l.expiresAt).toISOString() })) } };
    }
    if (path === '/v1/ecms') {
      only('GET');
      return { status: 200, body: broker.ecms() };
    }
    m = /^\/v1\/ecms\/([^/]+)\/(connect|disconnect)$/.exec(path);
    if (m) {
      only('POST');
      await drain(req, lim.maxBodyBytes);
      return { status: 200, body: broker.setConnected(pathId(m[1], 'ECM name'), m[2] === 'connect') };
    }
    throw new BrokerError(404, 'not-found', `No route ${method} ${path}. Routes: GET /v1/health, POST /v1/credentials/find, POST /v1/credentials/checkout, POST /v1/leases/{id}/checkin, GET /v1/leases, GET /v1/ecms, POST /v1/ecms/{name}/connect|disconnect.`);
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

/** An id from the path, percent-decoded; a malformed or absurdly long one is a bad request, not a crash. */
function pathId(raw: string, what: string): string {
  if (raw.length > 512) throw new BrokerError(400, 'bad-request', `The ${what} in the path is ${raw.length} characters long; ids are short.`);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BrokerError(400, 'bad-request', `The ${what} in the path is not valid percent-encoded UTF-8.`);
  }
}

/** Bodies are JSON (the ECM's), or text a plain fetch labels text/plain; forms, files and compressed bodies are refused. */
function checkBodyHeaders(req: IncomingMessage, max: number): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type && type !== 'application/json' && !type.endsWith('+json') && type !== 'text/plain') {
    throw new BrokerError(415, 'bad-request', `Content-Type ${type.slice(0, 60)} is not accepted; send application/json.`);
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') throw new BrokerError(415, 'bad-request', `Content-Encoding ${encoding.slice(0, 30)} is not accepted; send the JSON as is.`);
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > max) throw new BrokerError(413, 'too-large', `The body is over ${Math.round(max / 1024)} KB.`);
}

/** The whole body, at most `max` bytes. Plain stream events: an async iterator per request costs more than the read. */
function readBody(req: IncomingMessage, max: number): Promise<string> {
  checkBodyHeaders(req, max);
  if (req.complete && req.readableLength === 0) { req.resume(); return Promise.resolve(''); }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (e?: Error): void => {
      req.off('data', onData).off('end', onEnd).off('error', done).off('close', onClose);
      if (e) reject(e);
      else resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > max) { req.pause(); done(new BrokerError(413, 'too-large', `The body is over ${Math.round(max / 1024)} KB.`)); return; }
      chunks.push(c);
    };
    const onEnd = (): void => done();
    // The caller went away before the body was complete (for await would reject with a premature close).
    const onClose = (): void => { if (!req.complete) done(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })); };
    req.on('data', onData).on('end', onEnd).on('error', done).on('close', onClose);
  });
}

async function drain(req: IncomingMessage, max: number): Promise<void> {
  await readBody(req, max);
}

async function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  const text = await readBody(req, max);
  if (!text.trim()) throw new BrokerError(400, 'bad-request', 'The body is empty; send a JSON object.');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BrokerError(400, 'bad-request', `The body is not JSON: ${(e as Error).message}.`);
  }
}

/** `jdoe@corp.example.com → WEB01` for the request log (no secret is ever in these fields). */
function describe(body: unknown): string {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const s = (k: string) => (typeof b[k] === 'string' ? (b[k] as string).slice(0, 80) : '?');
  return `${s('user')}@${s('securityProvider')} → ${s('endpoint')}${typeof b.credentialId === 'string' ? ` [${s('credentialId')}]` : ''}`;
}

function endpointOf(body: unknown): string {
  const e = (body as { endpoint?: unknown } | null)?.endpoint;
  return typeof e === 'string' ? e.slice(0, 80) : '';
}

/** A body already serialized to UTF-8 (see json.ts). */
class RawJson {
  constructor(readonly bytes: Buffer) {}
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
