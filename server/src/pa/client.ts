/**
 * The PA site's Configuration API (vendor spec "BeyondTrust Privileged Remote Access Configuration APIs"
 * 1.10; test/fixtures/vendor/) on undici, as the vendor documents it:
 * - one OAuth2 client-credentials token (`POST /oauth2/token`, HTTP Basic id:secret) reused for every call
 *   and renewed once when refused (an account holds at most 30 live tokens; a 31st silently kills the oldest);
 * - `Accept: application/json`, and the connection closed after each call (the spec asks for it);
 * - lists read `per_page=100` and then the `Link` header's `rel="next"`, one page at a time (`pages()`
 *   yields each page as it arrives, so memory does not grow with the site);
 * - at most 20 requests per second (paced here), a 429 waits `Retry-After` (else 1 s) and is sent again,
 *   `X-RateLimit-Remaining` is watched so a pull stops before the hourly budget (15,000) runs out;
 * - 5xx and dropped connections are retried a bounded number of times with backoff;
 * - 401 on a GET means an unrecognised query parameter, 403 a missing Configuration API permission.
 * TLS is always verified (net/tls.ts: system roots plus an explicit CA). The secret and tokens never reach
 * a message or the `onCall` hook.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request, type Dispatcher } from 'undici';
import { redact } from '../model/secrets';
import { secureContextFor } from '../net/tls';
import { PaError, paTlsError } from './errors';
import { linkRels } from './link';
import { paSite, type PaSite } from './site';

export const PER_PAGE = 100;
export const DEFAULT_TIMEOUT_MS = 30_000;
/** A page of 100 items is a few hundred KB at most; far more is not the Configuration API. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface PaClientOptions {
  /** `https://host[:port]` of the site (or the host alone). */
  site: string;
  clientId: string;
  clientSecret: string;
  /** Extra trusted CA (PEM), added to the system roots. */
  ca?: string | Buffer;
  /** Time limit of each request, connect to last byte (default 30 s). */
  timeoutMs?: number;
  /** Requests per second at most (default 20, the site's limit). */
  perSecond?: number;
  /** Retries of one request after a 5xx or a dropped connection (default 4). */
  retries?: number;
  /** The first retry's wait; each next one doubles (default 500 ms). */
  backoffMs?: number;
  /** 429s in a row for one request before giving up (default 20). */
  max429?: number;
  /** The longest Retry-After honoured (default 120 s); longer means the hourly budget is spent. */
  maxRetryAfterMs?: number;
  onCall?: (c: PaCall) => void;
}

export interface PaCall { method: string; path: string; status?: number; ms: number; note?: 'retry' | 'throttled' | 'renew' }

export interface PaStats {
  requests: number;
  /** 429 answers received. */
  throttled: number;
  /** 5xx answers and dropped connections retried. */
  retries: number;
  tokens: number;
  /** The last X-RateLimit-Limit / -Remaining seen. */
  limit?: number;
  remaining?: number;
}

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; text: string }

export class PaClient {
  readonly site: PaSite;
  readonly stats: PaStats = { requests: 0, throttled: 0, retries: 0, tokens: 0 };
  private readonly agent: Agent;
  private readonly interval: number;
  private nextSlot = 0;
  private token: { value: string; expiresAt: number } | undefined;
  private readonly secrets: string[];

  constructor(private readonly opts: PaClientOptions) {
    this.site = paSite(opts.site);
    if (!opts.clientId || /[:\r\n]/.test(opts.clientId)) throw new PaError('config', 'The client id is empty or holds a character HTTP Basic cannot carry (":" or a line break).');
    if (!opts.clientSecret) throw new PaError('config', 'No client secret: set ECMKIT_PA_CLIENT_SECRET to the API account\'s OAuth client secret.');
    this.secrets = [opts.clientSecret];
    // A little over 1/20 s between starts: arrivals jitter, and the site counts them, not our starts.
    this.interval = (1000 / (opts.perSecond ?? 20)) * 1.05;
    this.agent = new Agent({
      connect: { secureContext: secureContextFor(opts.ca), minVersion: 'TLSv1.2', timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS },
      pipelining: 0,
    });
  }

  /**
   * The pages of a list resource (`security-provider`, `user`, …), one array per page, as they arrive.
   * `after`: requests the caller still needs once this list is read; the pull stops at the first page if
   * the hourly budget cannot cover this list's pages and those.
   */
  async *pages<T = Record<string, unknown>>(resource: string, o: { after?: number } = {}): AsyncGenerator<T[]> {
    let url: URL | undefined = new URL(resource, this.site.apiBase);
    url.searchParams.set('per_page', String(PER_PAGE));
    const seen = new Set<string>();
    let first = true;
    while (url) {
      seen.add(url.href);
      const res = await this.get(url);
      const body = parseJson(res.text, resource);
      if (!Array.isArray(body)) throw badResponse(resource, 'a JSON list');
      if (first) {
        first = false;
        this.checkBudget(resource, Number(header(res.headers, 'x-bt-pagination-last-page')) - 1 + (o.after ?? 0));
      }
      yield body as T[];
      const next = linkRels(res.headers.link).get('next');
      url = undefined;
      if (next) {
        const u = new URL(next, this.site.apiBase);
        if (u.origin !== this.site.origin) throw new PaError('bad-response', `The site's Link header points the next page of ${resource} at another site (${u.origin}); the token is not sent there.`);
        if (seen.has(u.href)) throw new PaError('bad-response', `The site's Link header sends the next page of ${resource} back to a page already read.`);
        url = u;
      }
    }
  }

  /** One resource (`security-provider/7`). */
  async one<T = Record<string, unknown>>(resource: string): Promise<T> {
    const res = await this.get(new URL(resource, this.site.apiBase));
    const body = parseJson(res.text, resource);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badResponse(resource, 'a JSON object');
    return body as T;
  }

  async close(): Promise<void> {
    await this.agent.destroy().catch(() => undefined);
  }

  /** GET with the token; a refused token is renewed once and the call sent again. */
  private async get(url: URL): Promise<Answer> {
    const what = `GET ${url.pathname.slice(this.site.apiBase.pathname.length - 1)}`;
    let res = await this.send('GET', url, { authorization: `Bearer ${await this.accessToken()}` });
    if (res.status === 401) {
      this.token = undefined;
      const again = await this.send('GET', url, { authorization: `Bearer ${await this.accessToken()}` }, 'renew');
      if (again.status === 401) {
        const err = oauthError(again.text);
        if (err === 'access_denied' || err === 'invalid_token') {
          throw new PaError('token', `The site refused a token it had just issued (401 ${err} on ${what}): the API account's secret was regenerated or the account disabled meanwhile.`, { status: 401, hint: 'Check the API account on /login > Management > API Configuration, then pull again.' });
        }
        throw new PaError('query', `The site answered 401 on ${what}: for a GET the Configuration API means an unrecognised query parameter.${tail(again.text, this.secrets)}`, { status: 401, hint: 'This ecmkit sends only per_page and the Link header\'s own URLs; check that --site names a PA site with the Configuration API 1.10.' });
      }
      res = again;
    }
    if (res.status === 403) {
      throw new PaError('forbidden', `The site answered 403 on ${what}: the API account lacks permission to use the Configuration API.`, { status: 403, hint: 'Edit the API account on /login > Management > API Configuration and allow the Configuration API (read is enough).' });
    }
    if (res.status === 404) throw new PaError('http', `The site has no ${what} (404): is this a PA site with the Configuration API 1.10?`, { status: 404 });
    if (res.status !== 200) throw new PaError('http', `The site answered ${what} with HTTP ${res.status}.${tail(res.text, this.secrets)}`, { status: res.status });
    return res;
  }

  /** The token, fetched when there is none or it is about to expire. */
  private async accessToken(): Promise<string> {
    if (this.token && performance.now() < this.token.expiresAt) return this.token.value;
    const basic = Buffer.from(`${this.opts.clientId}:${this.opts.clientSecret}`).toString('base64');
    this.secrets.push(basic);
    const res = await this.send('POST', this.site.tokenUrl, { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' }, undefined, 'grant_type=client_credentials');
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      const err = oauthError(res.text);
      throw new PaError('sign-in', `The PA site refused the API account's credentials at /oauth2/token (${res.status}${err ? ` ${err}` : ''}): the client id ${this.opts.clientId} is unknown, or ECMKIT_PA_CLIENT_SECRET is not its current secret.`, {
        status: res.status, hint: 'Copy the OAuth client id and secret of the API account (/login > Management > API Configuration); regenerating the secret invalidates the old one.',
      });
    }
    if (res.status !== 200) throw new PaError('http', `The site answered POST /oauth2/token with HTTP ${res.status}.${tail(res.text, this.secrets)}`, { status: res.status });
    const body = parseJson(res.text, 'oauth2/token') as { access_token?: unknown; expires_in?: unknown } | null;
    if (!body || typeof body.access_token !== 'string' || !body.access_token) throw badResponse('oauth2/token', 'an access token');
    const life = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
    this.stats.tokens++;
    this.secrets.push(body.access_token);
    // Renewed a minute early (or at half its life when shorter), so no call goes out with a dying token.
    this.token = { value: body.access_token, expiresAt: performance.now() + Math.max(life * 500, life * 1000 - 60_000) };
    return body.access_token;
  }

  /** One request with pacing, 429 waits, and retries of 5xx and dropped connections. */
  private async send(method: 'GET' | 'POST', url: URL, headers: Record<string, string>, note?: PaCall['note'], body?: string): Promise<Answer> {
    const retries = this.opts.retries ?? 4;
    let failures = 0;
    let throttled = 0;
    for (;;) {
      await this.pace();
      if (this.stats.remaining !== undefined && this.stats.remaining <= 0) this.outOfBudget();
      const started = performance.now();
      const path = url.pathname + url.search;
      let res: Answer;
      try {
        res = await this.once(method, url, headers, body);
      } catch (e) {
        const err = e instanceof PaError ? e : this.transportError(e);
        this.opts.onCall?.({ method, path, ms: performance.now() - started, note: failures ? 'retry' : note });
        if ((err.kind === 'unreachable' || err.kind === 'timeout') && failures < retries && retryableTransport(e)) {
          this.stats.retries++;
          await sleep(this.backoff(failures++));
          continue;
        }
        throw err;
      }
      this.stats.requests++;
      const limit = Number(header(res.headers, 'x-ratelimit-limit'));
      const remaining = Number(header(res.headers, 'x-ratelimit-remaining'));
      if (Number.isFinite(limit) && header(res.headers, 'x-ratelimit-limit') !== undefined) this.stats.limit = limit;
      if (Number.isFinite(remaining) && header(res.headers, 'x-ratelimit-remaining') !== undefined) this.stats.remaining = remaining;
      this.opts.onCall?.({ method, path, status: res.status, ms: performance.now() - started, note: res.status === 429 ? 'throttled' : failures ? 'retry' : note });
      if (res.status === 429) {
        this.stats.throttled++;
        if (++throttled > (this.opts.max429 ?? 20)) throw new PaError('rate-limit', `The site kept answering 429 (too many requests) to ${method} ${url.pathname}, ${throttled} times in a row.`, { status: 429, hint: 'Another client may be using the same API account; pull again later.' });
        const wait = retryAfterMs(header(res.headers, 'retry-after'));
        if (wait > (this.opts.maxRetryAfterMs ?? 120_000)) {
          throw new PaError('rate-limit', `The site asks to wait ${Math.round(wait / 1000)} s before the next request (429): the API account's hourly budget is spent. Nothing was written.`, { status: 429, hint: 'Pull again after the hour turns; the Configuration API allows 15,000 requests per hour per API account.' });
        }
        await sleep(wait);
        continue;
      }
      if (res.status >= 500 && failures < retries) {
        this.stats.retries++;
        await sleep(this.backoff(failures++));
        continue;
      }
      return res;
    }
  }

  private async once(method: string, url: URL, headers: Record<string, string>, body?: string): Promise<Answer> {
    const timeoutMs = this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new PaError('timeout', `The PA site ${this.site.host} did not answer within ${timeoutMs} ms.`, { hint: 'Check that the site is reachable from here; raise --timeout for a slow link.' })), timeoutMs);
    try {
      const res = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers: { accept: 'application/json', ...headers },
        body,
        dispatcher: this.agent,
        reset: true, // "close the connection after each API call" (the spec)
        signal: deadline.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of res.body as AsyncIterable<Buffer>) {
        size += c.length;
        if (size > MAX_BODY_BYTES) {
          res.body.destroy();
          throw new PaError('bad-response', `The answer to ${method} ${url.pathname} is over ${MAX_BODY_BYTES / 1024 / 1024} MB; that is not the Configuration API's.`);
        }
        chunks.push(c);
      }
      return { status: res.statusCode, headers: res.headers, text: redact(Buffer.concat(chunks).toString('utf8'), this.secrets) };
    } catch (e) {
      if (deadline.signal.aborted && deadline.signal.reason instanceof PaError) throw deadline.signal.reason;
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private async pace(): Promise<void> {
    const now = performance.now();
    const at = Math.max(now, this.nextSlot);
    this.nextSlot = at + this.interval;
    if (at > now) await sleep(at - now);
  }

  private backoff(n: number): number {
    const base = (this.opts.backoffMs ?? 500) * 2 ** n;
    return base / 2 + Math.random() * (base / 2);
  }

  private checkBudget(resource: string, needed: number): void {
    const left = this.stats.remaining;
    if (left === undefined || !Number.isFinite(needed) || needed <= left) return;
    throw new PaError('rate-limit', `The API account may send ${left} more requests this hour (X-RateLimit-Remaining) and reading ${resource} and the rest needs at least ${needed}; the pull stopped before spending them. Nothing was written.`, {
      hint: 'Pull again after the hour turns, or with an API account of its own (the limit is 15,000 requests per hour per account).',
    });
  }

  private outOfBudget(): never {
    throw new PaError('rate-limit', 'The API account has no requests left this hour (X-RateLimit-Remaining: 0); the pull stopped. Nothing was written.', { hint: 'Pull again after the hour turns.' });
  }

  private transportError(e: unknown): PaError {
    const err = e as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
    const code = err.code ?? err.cause?.code ?? '';
    const host = this.site.host;
    if (err.name === 'TimeoutError' || /UND_ERR_(CONNECT|HEADERS|BODY)_TIMEOUT/.test(code) || code === 'ETIMEDOUT') {
      return new PaError('timeout', `The PA site ${host} did not answer within ${this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms.`, { code, hint: 'Check that the site is reachable from here; raise --timeout for a slow link.' });
    }
    const tls = paTlsError(err.code ? err : err.cause ?? err, host);
    if (tls) return tls;
    const sentences: Record<string, string> = {
      ECONNREFUSED: `Nothing accepts connections at ${host} (connection refused).`,
      ENOTFOUND: `The site's host name ${host} does not resolve (DNS).`,
      EAI_AGAIN: `DNS could not resolve ${host} right now.`,
      ECONNRESET: `The PA site ${host} closed the connection, again after the retries.`,
      UND_ERR_SOCKET: `The PA site ${host} closed the connection in the middle of an answer, again after the retries.`,
      EHOSTUNREACH: `No route to the PA site ${host}.`,
    };
    return new PaError('unreachable', sentences[code] ?? `Cannot reach the PA site ${host}: ${code || err.message || 'unknown error'}.`, { code, hint: 'Check --site (host and port) and that the site is reachable from here.' });
  }
}

/** Dropped connections and time-outs are worth another try; refusals, DNS and TLS failures are not. */
function retryableTransport(e: unknown): boolean {
  const err = e as { code?: string; cause?: { code?: string }; message?: string; kind?: string };
  if (err.kind === 'timeout') return true;
  const code = err.code ?? err.cause?.code ?? '';
  return /^(ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED|UND_ERR_(HEADERS|BODY)_TIMEOUT|ETIMEDOUT)$/.test(code) || /terminated|other side closed/i.test(err.message ?? '');
}

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Retry-After as seconds or an HTTP date; 1 s when absent or unreadable. */
export function retryAfterMs(v: string | undefined): number {
  if (!v) return 1000;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.max(0, Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : 1000;
}

function oauthError(text: string): string | undefined {
  try {
    const v = JSON.parse(text) as { error?: unknown };
    return typeof v?.error === 'string' ? v.error : undefined;
  } catch {
    return undefined;
  }
}

/** ` The site said: "…".` from a JSON `message` or short text (already redacted), else nothing. */
function tail(text: string, secrets: string[]): string {
  let t = text.trim();
  try {
    const v = JSON.parse(t) as { message?: unknown };
    if (v && typeof v.message === 'string') t = v.message;
  } catch { /* plain text */ }
  if (!t || /^\s*</.test(t)) return '';
  t = redact(t, secrets).replace(/\s+/g, ' ');
  return ` The site said: "${t.length > 200 ? t.slice(0, 199) + '…' : t}".`;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badResponse(what, 'JSON');
  }
}

function badResponse(what: string, expected: string): PaError {
  return new PaError('bad-response', `The site's answer to ${what} is not ${expected}; is --site a PA site with the Configuration API?`);
}
