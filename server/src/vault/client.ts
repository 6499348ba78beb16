/**
 * Password Safe v3 client (the API subset in docs/domain.md#the-vault-api-ecmkit-speaks) on undici with explicit connect options.
 * One client = one session (one run-as identity); share an Agent between clients with `dispatcher`.
 * TLS is always verified: an extra CA is added to the system roots, never a switch that turns checks off.
 * No secret (key, password, cookie) ever reaches an error message or the `onCall` hook.
 */
import { createHash } from 'node:crypto';
import { Agent, type Dispatcher } from 'undici';
import { redact } from '../model/secrets';
import { secureContextFor } from '../net/tls';
import { Deadline } from './deadline';
import { VaultError, type VaultErrorKind } from './errors';
import { diagnoseTlsError } from './tlsErrors';

export const API_PATH = '/BeyondTrust/api/public/v3/';
export const DEFAULT_TIMEOUT_MS = 10_000;
/** The largest answer read: far over any ManagedAccounts list, far under what would exhaust memory. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** The API base URL for a Vault hostname (`https://host[:port]`, with or without the API path). */
export function apiBaseUrl(hostname: string): URL {
  let url: URL;
  try {
    url = new URL(hostname.trim());
  } catch {
    throw new VaultError('config', `"${hostname}" is not a URL; vault.hostname must look like https://vault.example.com.`);
  }
  if (url.protocol !== 'https:') throw new VaultError('config', `The Vault URL ${url.origin} is not https; the Vault API is served over https only.`);
  if (url.username || url.password) throw new VaultError('config', 'The Vault URL must not carry a user name or password.');
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.toLowerCase().endsWith(API_PATH.slice(0, -1).toLowerCase()) ? path + '/' : API_PATH;
  url.search = '';
  url.hash = '';
  return url;
}

export interface AgentOptions {
  ca?: string | Buffer | (string | Buffer)[];
  connectTimeoutMs?: number;
}

/** An undici Agent for Vault calls: TLS 1.2+, certificates verified against system roots + `ca`. */
export function createVaultAgent(opts: AgentOptions = {}): Agent {
  return new Agent({
    connect: { secureContext: secureContextFor(opts.ca), minVersion: 'TLSv1.2', timeout: opts.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS },
    keepAliveTimeout: 30_000,
  });
}

export interface SignInInfo { UserId?: number; SID?: string; EmailAddress?: string; UserName?: string; Name?: string }

/** A managed account row. Fields after the comment are ecmkit sandbox extensions, absent on a real Password Safe. */
export interface ManagedAccount {
  SystemId: number;
  SystemName: string;
  AccountId: number;
  AccountName: string;
  DomainName?: string;
  DefaultReleaseDuration?: number;
  MaximumReleaseDuration?: number;
  // — ecmkit sandbox extensions —
  CredentialName?: string;
  CredentialType?: string;
  AccessType?: 'Restricted' | 'Shared' | string;
  Description?: string;
  /** False when another user has it checked out. */
  IsAvailable?: boolean;
  CheckedOutBy?: string | null;
  /** How it reaches the system asked for: `shared`, `endpoint`, `endpointGroup:NAME`, `any-endpoint`. */
  AssignedVia?: string;
  /** Every endpoint a Restricted credential is usable on. */
  Endpoints?: string[];
}

export interface CheckoutRequest {
  systemId: number;
  accountId: number;
  durationMinutes: number;
  reason?: string;
  conflictOption?: 'reuse' | 'renew';
  accessType?: 'View' | 'RDP' | 'SSH' | 'App';
}

/** A row of GET Requests (the fields ecmkit reads). */
export interface OpenRequest { RequestID: number; SystemID?: number; AccountID?: number; Status?: string; ExpiresDate?: string }

export interface VaultCall { method: string; path: string; status?: number; ms: number; error?: VaultErrorKind }

export interface VaultClientOptions extends AgentOptions {
  /** vault.hostname (https URL) or the API base URL. */
  hostname: string;
  /** Time limit of each call, in ms (default 10 s). */
  timeoutMs?: number;
  /** Shared Agent (see createVaultAgent); when omitted the client owns one and close() ends it. */
  dispatcher?: Dispatcher;
  /** After a 401 on a call (session idled out), sign in again once and retry. Default true. */
  reauth?: boolean;
  /** Called after every API call, for logs and debug consoles; carries no header or body. */
  onCall?: (call: VaultCall) => void;
  /** Answers longer than this fail as bad-response (default MAX_BODY_BYTES). */
  maxBodyBytes?: number;
}

export interface CallOptions { timeoutMs?: number; signal?: AbortSignal }

interface Credentials { key: string; runAs: string; password?: string }

export class VaultClient {
  readonly baseUrl: URL;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly cookies = new Map<string, string>();
  /** `cookies` as a Cookie header; undefined when it must be built again. */
  private cookieText: string | undefined;
  // Private fields: never enumerable, so they cannot leak through JSON.stringify or util.inspect.
  #creds: Credentials | undefined;
  #signInInfo: SignInInfo | undefined;
  /** The sign-in under way: concurrent sign-ins as the same identity (a burst of 401s after an idle-out) share it. */
  #signing: { id: string; promise: Promise<SignInInfo> } | undefined;
  /** Bumped by every successful sign-in: a 401 on a call sent before the last sign-in only needs a retry. */
  #generation = 0;

  constructor(private readonly opts: VaultClientOptions) {
    this.baseUrl = apiBaseUrl(opts.hostname);
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher = opts.dispatcher ?? createVaultAgent({ ...opts, connectTimeoutMs: opts.connectTimeoutMs ?? opts.timeoutMs });
  }

  get signedIn(): boolean { return this.#signInInfo !== undefined; }
  get runAs(): string | undefined { return this.#creds?.runAs; }
  get host(): string { return this.baseUrl.host; }

  /** POST Auth/SignAppin with `PS-Auth key=…; runas=…;`; keeps the session cookie for the next calls. */
  async signIn(key: string, runAs: string, password?: string, o?: CallOptions): Promise<SignInInfo> {
    if (!key) throw new VaultError('config', 'No shared key was given for the Vault sign-in.');
    if (/[;\r\n]/.test(runAs) || (password !== undefined && /[\]\r\n]/.test(password))) {
      throw new VaultError('config', 'The run-as identity or password holds a character the PS-Auth header cannot carry.');
    }
    const id = createHash('sha256').update(`${key}\0${runAs}\0${password ?? ''}`).digest('hex');
    if (this.#signing?.id === id) return this.#signing.promise;
    const promise = (async () => {
      this.clearCookies();
      this.#signInInfo = undefined;
      const pwd = password !== undefined ? ` pwd=[${password}];` : '';
      const res = await this.call('POST', 'Auth/SignAppin', { authorization: `PS-Auth key=${key}; runas=${runAs};${pwd}`, secrets: [key, password], expect: [200], o });
      const info = parseJson(res.text, 'Auth/SignAppin');
      if (!info || typeof info !== 'object' || Array.isArray(info)) throw badResponse('Auth/SignAppin', 'a user object');
      this.#creds = { key, runAs, password };
      this.#signInInfo = info as SignInInfo;
      this.#generation++;
      return this.#signInInfo;
    })();
    this.#signing = { id, promise };
    try {
      return await promise;
    } finally {
      if (this.#signing?.promise === promise) this.#signing = undefined;
    }
  }

  /** POST Auth/Signout; forgets the session and the remembered key either way. */
  async signOut(o?: CallOptions): Promise<void> {
    try {
      if (this.cookies.size) await this.call('POST', 'Auth/Signout', { expect: [200, 204], o, noReauth: true });
    } finally {
      this.clearCookies();
      this.#creds = undefined;
      this.#signInInfo = undefined;
    }
  }

  /** GET ManagedAccounts[?systemName=S[&accountName=A]]: the accounts the run-as user may request. */
  async managedAccounts(q: { systemName?: string; accountName?: string } = {}, o?: CallOptions): Promise<ManagedAccount[]> {
    const params = new URLSearchParams();
    if (q.systemName !== undefined) params.set('systemName', q.systemName);
    if (q.accountName !== undefined) params.set('accountName', q.accountName);
    const qs = params.toString();
    const res = await this.call('GET', 'ManagedAccounts' + (qs ? '?' + qs : ''), { expect: [200], o });
    const body = parseJson(res.text, 'ManagedAccounts');
    // With both systemName and accountName the API answers one object, else a list.
    const rows = Array.isArray(body) ? body : body && typeof body === 'object' ? [body] : undefined;
    if (!rows || !rows.every((r) => r && typeof r === 'object' && Number.isInteger(r.SystemId) && Number.isInteger(r.AccountId))) {
      throw badResponse('ManagedAccounts', 'a list of accounts with SystemId and AccountId');
    }
    return rows as ManagedAccount[];
  }

  /**
   * GET `path` (relative to the API base, query included) as parsed JSON, for the read endpoints of
   * vault/inventoryApi.ts; same session, re-sign-in, TLS and error mapping as every other call.
   */
  async getJson(path: string, o?: CallOptions): Promise<unknown> {
    const res = await this.call('GET', path, { expect: [200], o });
    return parseJson(res.text, path.split('?')[0]);
  }

  /** POST Requests (check-out); returns the request id. */
  async createRequest(r: CheckoutRequest, o?: CallOptions): Promise<number> {
    const body = {
      SystemID: r.systemId,
      AccountID: r.accountId,
      DurationMinutes: r.durationMinutes,
      Reason: r.reason ?? '',
      ConflictOption: r.conflictOption ?? 'reuse',
      AccessType: r.accessType ?? 'View',
    };
    const res = await this.call('POST', 'Requests', { body, expect: [200, 201], o });
    const id = Number(parseJson(res.text, 'Requests'));
    if (!Number.isInteger(id) || id <= 0) throw badResponse('Requests', 'a request id');
    return id;
  }

  /** GET Credentials/{requestId}: the password of an approved, unexpired request. */
  async credentials(requestId: number, o?: CallOptions): Promise<string> {
    const res = await this.call('GET', `Credentials/${encodeURIComponent(String(requestId))}`, { expect: [200], o });
    const v = parseJson(res.text, 'Credentials');
    if (typeof v !== 'string') throw badResponse('Credentials', 'a password string');
    return v;
  }

  /** GET Requests: the run-as user's open requests (to find a check-out whose answer was lost on the way). */
  async openRequests(o?: CallOptions): Promise<OpenRequest[]> {
    const res = await this.call('GET', 'Requests', { expect: [200], o });
    const rows = parseJson(res.text, 'Requests');
    if (!Array.isArray(rows) || !rows.every((r) => r && typeof r === 'object' && Number.isInteger(r.RequestID))) {
      throw badResponse('Requests', 'a list of requests with RequestID');
    }
    return rows as OpenRequest[];
  }

  /** PUT Requests/{id}/checkin (reason ≤ 1000 characters). */
  async checkin(requestId: number, reason?: string, o?: CallOptions): Promise<void> {
    await this.call('PUT', `Requests/${encodeURIComponent(String(requestId))}/checkin`, { body: { Reason: (reason ?? '').slice(0, 1000) }, expect: [200, 204], o });
  }

  /** Ends the Agent if this client created it (a shared dispatcher is left to its owner); cuts pending connects. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await (this.dispatcher as Agent).destroy().catch(() => undefined);
  }

  private async call(
    method: string,
    path: string,
    a: { authorization?: string; body?: unknown; expect: number[]; o?: CallOptions; secrets?: (string | undefined)[]; noReauth?: boolean },
  ): Promise<{ status: number; text: string }> {
    const generation = this.#generation;
    const first = await this.once(method, path, a);
    const canReauth = (this.opts.reauth ?? true) && !a.authorization && !a.noReauth && this.#creds;
    if (first.status === 401 && canReauth) {
      // One new sign-in, shared by every call that met the same expired session; a call sent before a
      // sign-in that has happened since only needs to be sent again.
      const c = this.#creds!;
      if (this.#signing) await this.#signing.promise.catch(() => undefined);
      if (this.#generation === generation) await this.signIn(c.key, c.runAs, c.password, a.o);
      return this.check(method, path, await this.once(method, path, a), a);
    }
    return this.check(method, path, first, a);
  }

  private async once(
    method: string,
    path: string,
    a: { authorization?: string; body?: unknown; o?: CallOptions; secrets?: (string | undefined)[] },
  ): Promise<{ status: number; text: string; reason?: string }> {
    const started = performance.now();
    const url = new URL(path, this.baseUrl);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (a.authorization) headers.authorization = a.authorization;
    const cookie = this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (a.body !== undefined) {
      body = JSON.stringify(a.body);
      headers['content-type'] = 'application/json';
    }
    const timeoutMs = a.o?.timeoutMs ?? this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // A deadline cleared as soon as the call is over (AbortSignal.timeout would keep the call's objects
    // reachable for the whole time limit, which under load adds up).
    const deadline = new Deadline(timeoutMs, a.o?.signal);
    const logPath = url.pathname.slice(this.baseUrl.pathname.length) + url.search;
    try {
      // The dispatcher's own request(): undici's top-level request() would parse the URL a second time.
      const pending = this.dispatcher.request({ origin: url.origin, path: url.pathname + url.search, method: method as Dispatcher.HttpMethod, headers, body, signal: deadline, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      // undici only notices the abort once a pending connect settles (up to the connect timeout), so
      // the deadline is enforced here too; the late settlement is swallowed.
      pending.catch(() => undefined);
      const res = await Promise.race([pending, deadline.expired]);
      this.storeCookies(res.headers['set-cookie']);
      const text = await readCapped(res.body, this.opts.maxBodyBytes ?? MAX_BODY_BYTES, host(url));
      const reason = res.headers['x-ecmkit-reason'];
      this.opts.onCall?.({ method, path: logPath, status: res.statusCode, ms: performance.now() - started });
      return { status: res.statusCode, text: redact(text, [...(a.secrets ?? []), this.#creds?.key, this.#creds?.password].filter((s): s is string => !!s)), reason: typeof reason === 'string' ? reason : undefined };
    } catch (e) {
      const err = this.transportError(e, timeoutMs, deadline.timedOut);
      this.opts.onCall?.({ method, path: logPath, ms: performance.now() - started, error: err.kind });
      throw err;
    } finally {
      deadline.clear();
    }
  }

  private check(method: string, path: string, res: { status: number; text: string; reason?: string }, a: { expect: number[]; authorization?: string }): { status: number; text: string } {
    if (a.expect.includes(res.status)) return res;
    const what = `${method} ${path.split('?')[0]}`;
    const serverSays = summarize(res.text);
    const tail = serverSays ? ` The Vault said: "${serverSays}".` : '';
    switch (res.status) {
      case 401:
        if (res.reason === 'ip-not-allowed') {
          return fail('ip-not-allowed', `The Vault refused the connection from this machine's address (401 on ${what}): it is not in the integration's allowed IP addresses.${tail}`, res, 'Add this machine\'s address (and the ECM host\'s) to the integration\'s allowedIps.');
        }
        return fail('auth', a.authorization
          ? `The Vault refused the sign-in (401): the shared key, the run-as user ${this.#creds?.runAs ?? ''} or the integration is not accepted, or this address is not allowed.${tail}`.replace(' user  or', ' user or')
          : `The Vault session is not valid (401 on ${what}); sign in first.${tail}`, res,
        'Check that the shared key is the integration\'s current key, the integration is Active with application authentication, the run-as user is Active, and this address is in allowedIps.');
      case 403: return fail('forbidden', `The Vault forbade ${what} (403).${tail}`, res);
      case 404: return fail('not-found', `The Vault found nothing for ${what} (404).${tail}`, res);
      case 409: return fail('conflict', `The Vault reported a conflict on ${what} (409).${tail}`, res);
      default:
        return fail('http', `The Vault answered ${what} with HTTP ${res.status}${res.status >= 500 ? ' (a server error)' : ''}.${tail}`, res);
    }
  }

  private transportError(e: unknown, timeoutMs: number, timedOut: boolean): VaultError {
    if (e instanceof VaultError) return e;
    const err = e as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
    const code = err.code ?? err.cause?.code ?? '';
    const host = this.baseUrl.host;
    if (timedOut || err.name === 'TimeoutError' || /UND_ERR_(CONNECT|HEADERS|BODY)_TIMEOUT/.test(code) || code === 'ETIMEDOUT') {
      return new VaultError('timeout', `The Vault at ${host} did not answer within ${timeoutMs} ms.`, { code, hint: 'Check that the Vault service is running and that no firewall silently drops the traffic.' });
    }
    if (err.name === 'AbortError') return new VaultError('timeout', `The call to the Vault at ${host} was cancelled.`, { code });
    const tls = diagnoseTlsError(err.code ? err : err.cause ?? err, host);
    if (tls) return new VaultError('tls', tls.sentence, { code, tlsCase: tls.tlsCase, hint: tls.hint });
    if (code.startsWith('HPE_')) {
      return new VaultError('bad-response', `What answered at ${host} is not an HTTP server (${code}): another service listens on this port.`, { code, hint: 'Check the port in vault.hostname: the Password Safe API is served over HTTPS, usually on 443.' });
    }
    const sentences: Record<string, string> = {
      ECONNREFUSED: `Nothing accepts connections at ${host} (connection refused).`,
      ENOTFOUND: `The Vault host name in ${host} does not resolve (DNS).`,
      EAI_AGAIN: `DNS could not resolve ${host} right now.`,
      ECONNRESET: `The Vault at ${host} closed the connection.`,
      EHOSTUNREACH: `No route to the Vault at ${host}.`,
      ENETUNREACH: `The network of the Vault at ${host} is unreachable.`,
      UND_ERR_SOCKET: `The Vault at ${host} closed the connection unexpectedly.`,
    };
    return new VaultError('unreachable', sentences[code] ?? `Cannot reach the Vault at ${host}: ${code || err.message || 'unknown error'}.`, { code, hint: 'Check the host name and port in vault.hostname, and that the Vault is up and reachable from here.' });
  }

  private storeCookies(setCookie: string | string[] | undefined): void {
    if (setCookie === undefined) return;
    for (const c of typeof setCookie === 'string' ? [setCookie] : setCookie) {
      const m = /^\s*([^=;\s]+)=([^;]*)/.exec(c);
      if (!m) continue;
      if (/;\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(c) || m[2] === '') this.cookies.delete(m[1]);
      else this.cookies.set(m[1], m[2]);
    }
    this.cookieText = undefined;
  }

  private clearCookies(): void {
    this.cookies.clear();
    this.cookieText = undefined;
  }

  /** The Cookie header of the next call (kept between calls: it changes only when the Vault sets a cookie). */
  private cookieHeader(): string {
    return (this.cookieText ??= [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
  }
}

/**
 * A body as text, refused past `max` bytes (a misconfigured URL can point at a server that streams
 * gigabytes, which `body.text()` would hold in memory whole).
 */
function readCapped(body: Dispatcher.ResponseData['body'], max: number, where: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        body.destroy();
        reject(new VaultError('bad-response', `The answer from ${where} is over ${Math.round(max / 1024 / 1024)} MB; that is not the Password Safe API's.`, { hint: 'Check vault.hostname: it should name the Vault, not another web service.' }));
      } else chunks.push(c);
    });
    body.once('end', () => resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    body.once('error', reject);
  });
}

function host(url: URL): string {
  return url.host;
}

/** Rejects with the signal's reason when it aborts (to race an undici call against its deadline). */
export function aborted(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function fail(kind: VaultErrorKind, message: string, res: { status: number; reason?: string }, hint?: string): never {
  throw new VaultError(kind, message, { status: res.status, reason: res.reason, hint });
}

export function badResponse(what: string, expected: string): VaultError {
  return new VaultError('bad-response', `The Vault's answer to ${what} is not ${expected}; is this a Password Safe v3 API?`, { hint: 'Check vault.hostname, or run vault-test with --tls-only for a Vault whose API is not Password Safe\'s.' });
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badResponse(what, 'JSON');
  }
}

/** A short, single-line excerpt of a server message (already redacted). */
function summarize(text: string): string {
  let t = text.trim();
  try {
    const v = JSON.parse(t);
    if (typeof v === 'string') t = v;
    else if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') t = (v as { message: string }).message;
  } catch { /* plain text */ }
  if (/^\s*</.test(t)) return '';
  t = t.replace(/\s+/g, ' ').replace(/[.\s]+$/, '');
  return t.length > 200 ? t.slice(0, 199) + '…' : t;
}
