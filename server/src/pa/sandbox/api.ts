/**
 * The PA sandbox's HTTP side: the Configuration API subset ecmkit reads, as the vendor's spec describes it.
 * - `POST /oauth2/token`: HTTP Basic client id:secret, `grant_type=client_credentials` → a bearer token of
 *   `tokenSeconds` (3600); at most 30 live tokens per account, a 31st invalidates the oldest.
 * - `GET /api/config/v1/{security-provider,user,jump-group,jump-client,api-account}[/{id}]`: lists paged by
 *   `per_page` (5–100, default 100) and `current_page`, with the `Link` and `X-BT-Pagination-*` headers;
 *   the documented filters; an unknown query parameter gets 401 (the vendor's meaning), no permission 403.
 * - a rate limit of `perSecond` (20) and `perHour` (15,000) requests, `X-RateLimit-Limit/-Remaining` on
 *   every API answer, 429 with `Retry-After` past either.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PaSandboxModel, Resource } from './model';

export interface PaSandboxAccount { clientId: string; clientSecret: string }

export interface PaApiOptions {
  account: PaSandboxAccount;
  perSecond?: number;
  perHour?: number;
  tokenSeconds?: number;
  now?: () => number;
  onLog?: (e: PaLogEntry) => void;
}

export interface PaLogEntry { method: string; path: string; status: number; ms: number }

export interface PaApiStats { requests: number; throttled: number; tokens: number }

const API = '/api/config/v1/';
const MAX_TOKENS = 30;

/** Each list: its model field and the query filters the spec documents for it (matched case-insensitively). */
const LISTS: Record<string, { of: keyof Pick<PaSandboxModel, 'providers' | 'users' | 'jumpGroups' | 'jumpClients' | 'apiAccounts'>; filters: string[] }> = {
  'security-provider': { of: 'providers', filters: [] },
  user: { of: 'users', filters: ['security_provider_id', 'username', 'email_address'] },
  'jump-group': { of: 'jumpGroups', filters: ['name', 'code_name'] },
  'jump-client': { of: 'jumpClients', filters: ['name', 'hostname', 'fqdn', 'tag', 'jump_group_id', 'jump_group_type', 'console_user', 'public_ip', 'private_ip', 'connection_type'] },
  'api-account': { of: 'apiAccounts', filters: ['name'] },
};

export class PaSandboxApi {
  readonly stats: PaApiStats = { requests: 0, throttled: 0, tokens: 0 };
  /** token digest → expiry (ms); insertion order is issue order. */
  private tokens = new Map<string, number>();
  private secretDigest: Buffer;
  private readonly second: number[] = [];
  private hourStart = 0;
  private hourCount = 0;
  private readonly now: () => number;
  /** False: the account lacks Configuration API permission (every API call gets 403). */
  configurationPermission = true;

  constructor(private readonly model: () => PaSandboxModel, private readonly opts: PaApiOptions) {
    this.secretDigest = digest(opts.account.clientSecret);
    this.now = opts.now ?? Date.now;
  }

  /** Every token stops working (as when the account's secret is regenerated, or the tokens are revoked). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** A new client secret; the old one and every token issued with it stop working. */
  regenerateSecret(secret: string): void {
    this.secretDigest = digest(secret);
    this.revokeTokens();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'https://sandbox.invalid');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
      res.end(req.method === 'HEAD' ? undefined : text);
      this.opts.onLog?.({ method: req.method ?? '?', path: url.pathname + url.search, status, ms: performance.now() - started });
    };
    try {
      if (url.pathname === '/oauth2/token') return send(...(await this.token(req)));
      if (!url.pathname.startsWith(API)) return send(404, { message: 'Not found.' });
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { message: `${req.method} is not allowed here.` }, { allow: 'GET,HEAD' });
      req.resume();
      // "for GET and DELETE requests, you must include an Accept header with the value application/json"
      if (!/application\/json|\*\/\*/.test(req.headers.accept ?? '')) return send(406, { message: 'Send Accept: application/json.' });
      if (!this.authorized(req.headers.authorization)) return send(401, { error: 'access_denied', message: 'The resource owner or authorization server denied the request.' });
      const limited = this.rateLimit();
      if (limited) {
        this.stats.throttled++;
        return send(429, { message: 'Too many requests.' }, limited);
      }
      this.stats.requests++;
      const rate = this.rateHeaders();
      if (!this.configurationPermission) return send(403, { message: 'This API account does not have permission to use the Configuration API.' }, rate);
      // Link URLs name the host the client asked for (a proxy in front says which in X-Forwarded-Host).
      const host = String(req.headers['x-forwarded-host'] ?? req.headers.host ?? this.host);
      const [status, body, headers] = this.route(url, host);
      return send(status, body, { ...rate, ...headers });
    } catch {
      if (!res.headersSent) send(500, { message: 'Internal error.' });
    }
  }

  private route(url: URL, host: string): [number, unknown, Record<string, string>?] {
    const parts = url.pathname.slice(API.length).replace(/\/+$/, '').split('/');
    const m = this.model();
    if (parts.length === 1 && LISTS[parts[0]]) return this.list(url, host, m[LISTS[parts[0]].of], LISTS[parts[0]].filters);
    if (parts.length === 2 && LISTS[parts[0]]) {
      if ([...url.searchParams.keys()].length) return [401, { message: `Unrecognized query parameter: ${[...url.searchParams.keys()][0]}.` }];
      const id = Number(parts[1]);
      if (!/^\d+$/.test(parts[1]) || id < 1 || id > 2147483647) return [422, { message: 'The given data was invalid.', errors: { id: ['The id must be an integer from 1 to 2147483647.'] } }];
      const found = parts[0] === 'security-provider' ? m.providerDetails.get(id) : m[LISTS[parts[0]].of].find((r) => r.id === id);
      return found ? [200, found] : [404, { message: 'Not found.' }];
    }
    return [404, { message: 'Not found.' }];
  }

  private list(url: URL, host: string, items: Resource[], filters: string[]): [number, unknown, Record<string, string>?] {
    for (const k of url.searchParams.keys()) {
      if (k !== 'per_page' && k !== 'current_page' && !filters.includes(k)) return [401, { message: `Unrecognized query parameter: ${k}.` }];
    }
    const perText = url.searchParams.get('per_page');
    const pageText = url.searchParams.get('current_page');
    const perPage = perText === null ? 100 : Number(perText);
    const page = pageText === null ? 1 : Number(pageText);
    const errors: Record<string, string[]> = {};
    if (!Number.isInteger(perPage) || perPage < 5 || perPage > 100) errors.per_page = ['The per page must be between 5 and 100.'];
    if (!Number.isInteger(page) || page < 1) errors.current_page = ['The current page must be at least 1.'];
    if (Object.keys(errors).length) return [422, { message: 'The given data was invalid.', errors }];
    let rows = items;
    for (const f of filters) {
      const want = url.searchParams.get(f);
      if (want !== null) rows = rows.filter((r) => r[f] !== undefined && r[f] !== null && String(r[f]).toLowerCase() === want.toLowerCase());
    }
    const last = Math.max(1, Math.ceil(rows.length / perPage));
    const at = (p: number): string => {
      const u = new URL(url.pathname, `https://${host}`);
      for (const [k, v] of url.searchParams) if (k !== 'current_page') u.searchParams.set(k, v);
      u.searchParams.set('per_page', String(perPage));
      u.searchParams.set('current_page', String(p));
      return u.href;
    };
    const links = [`<${at(1)}>; rel="first"`];
    if (page > 1) links.push(`<${at(Math.min(page - 1, last))}>; rel="previous"`);
    if (page < last) links.push(`<${at(page + 1)}>; rel="next"`);
    links.push(`<${at(last)}>; rel="last"`);
    return [200, rows.slice((page - 1) * perPage, page * perPage), {
      link: links.join(', '),
      'x-bt-pagination-current-page': String(page),
      'x-bt-pagination-per-page': String(perPage),
      'x-bt-pagination-last-page': String(last),
      'x-bt-pagination-total': String(rows.length),
    }];
  }

  /** The host Link URLs name when the request does not say (set by the server once it listens). */
  host = '127.0.0.1';

  private async token(req: IncomingMessage): Promise<[number, unknown]> {
    if (req.method !== 'POST') {
      req.resume();
      return [405, { message: 'Use POST.' }];
    }
    const body = await readBody(req, 4096);
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const pair = basic ? Buffer.from(basic[1], 'base64').toString('utf8') : '';
    const colon = pair.indexOf(':');
    const id = colon >= 0 ? pair.slice(0, colon) : '';
    const secret = colon >= 0 ? pair.slice(colon + 1) : '';
    if (id !== this.opts.account.clientId || !timingSafeEqual(digest(secret), this.secretDigest)) {
      return [401, { error: 'invalid_client', message: 'Client authentication failed.' }];
    }
    if (new URLSearchParams(body).get('grant_type') !== 'client_credentials') return [400, { error: 'unsupported_grant_type', message: 'The authorization grant type is not supported.' }];
    const token = randomBytes(32).toString('base64url');
    const life = this.opts.tokenSeconds ?? 3600;
    this.tokens.set(digest(token).toString('hex'), this.now() + life * 1000);
    while (this.tokens.size > MAX_TOKENS) this.tokens.delete(this.tokens.keys().next().value!); // the oldest goes
    this.stats.tokens++;
    return [200, { access_token: token, token_type: 'Bearer', expires_in: life }];
  }

  private authorized(header: string | undefined): boolean {
    const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!m) return false;
    const key = digest(m[1]).toString('hex');
    const until = this.tokens.get(key);
    if (until === undefined) return false;
    if (until <= this.now()) {
      this.tokens.delete(key);
      return false;
    }
    return true;
  }

  /** Headers of a 429 when a limit is reached, else undefined (and the request is counted). */
  private rateLimit(): Record<string, string> | undefined {
    const now = this.now();
    const perSecond = this.opts.perSecond ?? 20;
    const perHour = this.opts.perHour ?? 15_000;
    if (now - this.hourStart >= 3_600_000) {
      this.hourStart = now;
      this.hourCount = 0;
    }
    while (this.second.length && this.second[0] <= now - 1000) this.second.shift();
    if (this.hourCount >= perHour) return { ...this.rateHeaders(), 'retry-after': String(Math.ceil((this.hourStart + 3_600_000 - now) / 1000)) };
    if (this.second.length >= perSecond) return { ...this.rateHeaders(), 'retry-after': '1' };
    this.second.push(now);
    this.hourCount++;
    return undefined;
  }

  private rateHeaders(): Record<string, string> {
    const perHour = this.opts.perHour ?? 15_000;
    return { 'x-ratelimit-limit': String(perHour), 'x-ratelimit-remaining': String(Math.max(0, perHour - this.hourCount)) };
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
