/**
 * A real faulty Vault for the hardening tests: a TLS proxy on 127.0.0.1 in front of the sandbox Vault.
 * It terminates TLS with the sandbox's own server certificate (issued by the sandbox CA, so clients trust it
 * exactly as they trust the sandbox), forwards every HTTP request to the sandbox over verified TLS, and can
 * misbehave on demand, at the layer where a real failure happens:
 *
 *   TCP:  `refuse`  nothing listens (connection refused)          `drop`  accepts, then never sends a byte
 *         `reset`   accepts, then resets the connection
 *   TLS:  `self-signed`  presents a self-signed certificate for the same names
 *   HTTP: `delay`   answers N ms late                              `hang`  reads the request, never answers
 *         `cut`     sends the first K bytes of the answer, then resets the connection
 *         `status`  answers with an injected HTTP status (5xx, 401…) without asking the sandbox
 *         `rewrite` forwards the request with its path (query included) rewritten (a server that ignores a parameter)
 *
 * HTTP faults may be limited to the requests whose path matches `match` (e.g. only `Credentials/`), and to
 * the first `times` of those; the others pass. Changing the mode closes the connections clients hold open, as a Vault that restarts or
 * fails does, so the next request meets the new behaviour.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { selfSignedCert, SANDBOX_NAMES, type CertBundle } from '../../server/src/net/certs';

export type FaultMode =
  | { kind: 'pass' }
  | { kind: 'refuse' }
  | { kind: 'drop' }
  | { kind: 'reset' }
  | { kind: 'self-signed' }
  | { kind: 'delay'; ms: number; match?: RegExp; times?: number }
  | { kind: 'hang'; match?: RegExp; times?: number }
  | { kind: 'cut'; bytes: number; match?: RegExp; times?: number }
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string>; match?: RegExp; times?: number }
  | { kind: 'rewrite'; path: (path: string) => string; match?: RegExp; times?: number };

export interface FaultProxyOptions {
  /** The sandbox's URL (`https://127.0.0.1:PORT`). */
  upstream: string;
  /** The sandbox CA (to verify the sandbox) and the server certificate the proxy presents (the sandbox's own). */
  caPem: string;
  cert: CertBundle;
}

export interface FaultProxy {
  url: string;
  port: number;
  mode(): FaultMode;
  /** Switches the behaviour; open client connections are closed first (resolves once they are gone). */
  set(mode: FaultMode): Promise<void>;
  /** Requests seen per path (`METHOD path`), passed or faulted. */
  seen: string[];
  close(): Promise<void>;
}

let selfSigned: CertBundle | undefined;

export async function startFaultProxy(o: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(o.upstream);
  const agent = new HttpsAgent({ ca: o.caPem, keepAlive: true, minVersion: 'TLSv1.2' });
  let mode: FaultMode = { kind: 'pass' };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const seen: string[] = [];
  /** HTTP faults dealt under the current mode (for `times`). */
  let faulted = 0;

  // TLS is ended here, on each accepted TCP socket, with the current certificate; HTTP is served by a
  // never-listening http.Server fed the TLS sockets.
  const good = createSecureContext({ key: o.cert.keyPem, cert: o.cert.certPem, minVersion: 'TLSv1.2' });
  let context: SecureContext = good;
  const http: HttpServer = createHttpServer((req, res) => handle(req, res));
  http.keepAliveTimeout = 30_000;
  /** TLS socket → the TCP socket under it (to reset the connection itself, which a TLS socket cannot). */
  const raws = new WeakMap<Socket, Socket>();

  const applies = (m: FaultMode, path: string): boolean => !('match' in m) || !m.match || m.match.test(path);

  function later(ms: number, fn: () => void): void {
    const t = setTimeout(() => { timers.delete(t); fn(); }, ms);
    timers.add(t);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    seen.push(`${req.method} ${path}`);
    const m = mode;
    if (!applies(m, path) || ('times' in m && m.times !== undefined && faulted >= m.times)) return forward(req, res, (head, body) => { res.writeHead(head.status, head.headers); res.end(body); });
    faulted++;
    switch (m.kind) {
      case 'delay':
        // The Vault acts on the request at once; its answer is late (as when a check-out is slow to come back).
        forward(req, res, (head, body) => later(m.ms, () => { if (!res.destroyed) { res.writeHead(head.status, head.headers); res.end(body); } }));
        return;
      case 'hang':
        req.resume(); // read the request, say nothing
        return;
      case 'rewrite':
        req.url = m.path(path);
        forward(req, res, (head, body) => { res.writeHead(head.status, head.headers); res.end(body); });
        return;
      case 'status': {
        req.resume();
        const body = m.body ?? JSON.stringify(`injected HTTP ${m.status}`);
        res.writeHead(m.status, { ...m.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      case 'cut':
        forward(req, res, (head, body) => {
          const raw = Buffer.concat([Buffer.from(rawHead(head)), body]);
          const socket = req.socket as Socket;
          const tcp = raws.get(socket);
          socket.write(raw.subarray(0, Math.min(m.bytes, raw.length - 1)), () => setImmediate(() => (tcp ? tcp.resetAndDestroy() : socket.destroy())));
        });
        return;
      default:
        // pass, and TCP/TLS modes on a connection that was already open when the mode changed
        forward(req, res, (head, body) => { res.writeHead(head.status, head.headers); res.end(body); });
    }
  }

  /** Sends the request to the sandbox and hands the whole answer to `answer` (a local 502 if the sandbox fails). */
  function forward(req: IncomingMessage, res: ServerResponse, answer: (head: { status: number; headers: Record<string, string | string[]> }, body: Buffer) => void): void {
    // X-Forwarded-Host: a server that writes absolute URLs (the PA sandbox's Link header) names the proxy.
    const headers = { ...req.headers, host: upstream.host, 'x-forwarded-host': req.headers.host ?? '' };
    const up = httpsRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent }, (ur) => {
      const chunks: Buffer[] = [];
      ur.on('data', (c: Buffer) => chunks.push(c));
      ur.on('end', () => {
        if (res.destroyed) return;
        const h: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(ur.headers)) if (v !== undefined && k !== 'connection' && k !== 'keep-alive' && k !== 'transfer-encoding') h[k] = v;
        const body = Buffer.concat(chunks);
        h['content-length'] = String(body.length);
        answer({ status: ur.statusCode ?? 502, headers: h }, body);
      });
      ur.on('error', () => res.destroy());
    });
    up.on('error', () => { if (!res.headersSent) { res.writeHead(502); res.end(); } });
    req.pipe(up);
  }

  // The TCP side: decides per connection, before TLS, what the client meets.
  const tcp: NetServer = createNetServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    switch (mode.kind) {
      case 'drop': return; // accepted; not a byte, ever
      case 'reset': s.once('data', () => s.resetAndDestroy()); return; // the client's TLS hello meets a reset
      case 'refuse': s.destroy(); return; // raced the listener closing
      default: {
        const t = new TLSSocket(s, { isServer: true, secureContext: context });
        t.on('error', () => undefined);
        raws.set(t, s);
        http.emit('connection', t);
      }
    }
  });

  let port = 0;
  const listenOnce = (): Promise<void> => new Promise((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, '127.0.0.1', () => { tcp.off('error', reject); port = (tcp.address() as AddressInfo).port; resolve(); });
  });
  // Back on the same port; an outgoing connection may hold that port number for a moment (EADDRINUSE).
  const listen = async (): Promise<void> => {
    for (let i = 0; ; i++) {
      try { return await listenOnce(); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || i > 50) throw e; }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await listen();

  const dropAll = async (): Promise<void> => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    const closing = [...sockets].map((s) => new Promise<void>((r) => { if (s.destroyed) r(); else { s.once('close', () => r()); s.destroy(); } }));
    await Promise.all(closing);
  };

  return {
    get url() { return `https://127.0.0.1:${port}`; },
    get port() { return port; },
    seen,
    mode: () => mode,
    async set(next: FaultMode) {
      const wasRefusing = mode.kind === 'refuse';
      mode = next;
      faulted = 0;
      if (next.kind === 'self-signed') {
        selfSigned ??= selfSignedCert({ commonName: 'localhost', altNames: SANDBOX_NAMES });
        context = createSecureContext({ key: selfSigned.keyPem, cert: selfSigned.certPem, minVersion: 'TLSv1.2' });
      } else {
        context = good;
      }
      const stopped = next.kind === 'refuse' && !wasRefusing ? new Promise<void>((r) => tcp.close(() => r())) : undefined;
      await dropAll();
      await stopped;
      if (next.kind !== 'refuse' && wasRefusing) await listen(); // the same port again: the Vault is back
      // The clients (often in this very process) learn of the closed connections on their next turn of the loop.
      await new Promise((r) => setTimeout(r, 30));
    },
    async close() {
      await dropAll();
      if (tcp.listening) await new Promise<void>((r) => tcp.close(() => r()));
      agent.destroy();
    },
  };
}

function rawHead(head: { status: number; headers: Record<string, string | string[]> }): string {
  const lines = [`HTTP/1.1 ${head.status} X`];
  for (const [k, v] of Object.entries(head.headers)) for (const x of [v].flat()) lines.push(`${k}: ${x}`);
  return lines.join('\r\n') + '\r\n\r\n';
}
