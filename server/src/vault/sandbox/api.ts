/**
 * The sandbox's Password Safe v3 routes (the subset in docs/domain.md#the-vault-api-ecmkit-speaks) over a SandboxModel. Every refusal says why,
 * in the body and in the `X-Ecmkit-Reason` header (a real Vault only says 401; the sandbox exists to explain).
 * Nothing here logs or echoes a key or a password except Credentials/{id} to its requester.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { list, type VaultCredential, type VaultUser } from '../../model/inventory';
import { envSecrets, resolveSecret, type SecretLookup } from '../../model/secrets';
import { stableId } from '../../domain/ids';
import {
  assignmentOn, credentialEndpoints, decideCredentials, findRunAsUser, formatRunAs, isActive, isRestricted, offered,
  parseRunAs, sameName, type Assignment, type CredentialDecision, type RunAs,
} from '../../domain/permissions';
import { DIRECTORY_SYNC_ROUTE, inventoryRoute, page, RouteError } from './inventoryRoutes';
import { digest, type SandboxIntegration, type SandboxModel } from './model';

export const API_PREFIX = '/beyondtrust/api/public/v3/';
export const SESSION_COOKIE = 'ASP.NET_SessionId';
const MAX_BODY = 64 * 1024;

export interface SandboxLogEntry { method: string; path: string; status: number; ms: number; runAs?: string; reason?: string }

export interface ApiOptions {
  secrets?: SecretLookup;
  /** Sessions idle out after this long (Password Safe: 20 min). */
  sessionIdleMs?: number;
  now?: () => number;
  onLog?: (e: SandboxLogEntry) => void;
}

interface Session {
  id: string; integration: string; runAs: RunAs; lastSeen: number;
  /** The last ManagedAccounts listing, so that its further pages (offset > 0) are sliced, not worked out again. */
  listing?: { model: SandboxModel; query: string; rows: unknown[] };
}

export interface CheckoutState {
  id: number;
  accountId: number;
  credentialName: string;
  systemId: number;
  systemName: string;
  runAs: string;
  reason: string;
  accessType: string;
  createdAt: number;
  expiresAt: number;
  checkedInAt?: number;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly reason?: string) { super(message); }
}

export class SandboxApi {
  private readonly sessions = new Map<string, Session>();
  private readonly requests = new Map<number, CheckoutState>();
  /** Requests not checked in, by credential name (some may have expired since; see openOf). */
  private readonly open = new Map<string, Set<CheckoutState>>();
  private readonly placeholders = new Map<string, string>();
  private nextRequestId = 1;
  /** Calls a read must never make (UserGroups/{id}/Users), in order; tests assert it stays empty. */
  private readonly forbidden: string[] = [];

  constructor(private readonly model: () => SandboxModel, private readonly opts: ApiOptions = {}) {}

  private now(): number { return this.opts.now?.() ?? Date.now(); }

  /** Check-outs that are neither checked in nor expired (for tests, the broker and leak checks). */
  activeRequests(): CheckoutState[] {
    return [...this.open.keys()].flatMap((name) => this.openOf(name)).map((r) => ({ ...r }));
  }

  /** The live (not checked in, not expired) requests for a credential. */
  private openOf(name: string): CheckoutState[] {
    const set = this.open.get(name);
    if (!set) return [];
    const now = this.now();
    const out: CheckoutState[] = [];
    for (const r of set) {
      if (r.checkedInAt || r.expiresAt <= now) set.delete(r);
      else out.push(r);
    }
    if (set.size === 0) this.open.delete(name);
    return out;
  }

  private opened(r: CheckoutState): void {
    this.requests.set(r.id, r);
    let set = this.open.get(r.credentialName);
    if (!set) this.open.set(r.credentialName, (set = new Set()));
    set.add(r);
    // Ended requests are remembered (to answer "already checked in"), the newest 10,000 of them.
    if (this.requests.size > 10_000) {
      const now = this.now();
      for (const [id, old] of this.requests) {
        if (this.requests.size <= 9_000) break;
        if (old.checkedInAt || old.expiresAt <= now) this.requests.delete(id);
      }
    }
  }

  private closed(r: CheckoutState): void {
    r.checkedInAt = this.now();
    this.open.get(r.credentialName)?.delete(r);
  }

  sessionCount(): number { return this.sessions.size; }

  /**
   * Every endpoint a credential is usable on, once per credential of the current model: each answer needs
   * it for every credential, and working it out walks every endpoint (a listing for one user of a large
   * inventory was O(credentials × endpoints) per request).
   */
  private endpointsOf(cred: VaultCredential): string[] {
    const model = this.model();
    let memo = this.endpointMemo.get(model);
    if (!memo) this.endpointMemo.set(model, (memo = new WeakMap()));
    let eps = memo.get(cred);
    if (!eps) memo.set(cred, (eps = credentialEndpoints(model.inventory, cred)));
    return eps;
  }
  private readonly endpointMemo = new WeakMap<SandboxModel, WeakMap<VaultCredential, string[]>>();

  forbiddenCalls(): string[] { return [...this.forbidden]; }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'https://sandbox');
    let status = 500;
    let reason: string | undefined;
    let runAs: string | undefined;
    try {
      const body = await readBody(req);
      const lower = url.pathname.toLowerCase();
      if (!lower.startsWith(API_PREFIX)) throw new HttpError(404, `No such route: ${url.pathname}. The API lives under /BeyondTrust/api/public/v3/.`);
      const route = lower.slice(API_PREFIX.length).replace(/\/+$/, '');
      const out = await this.route(method, route, url, body, req, res, (r) => { runAs = r; });
      status = out.status;
      send(res, out.status, out.body, out.headers);
    } catch (e) {
      if (e instanceof RouteError) e = new HttpError(e.status, e.message, e.reason);
      if (e instanceof HttpError) {
        status = e.status;
        reason = e.reason;
        send(res, e.status, e.message, e.reason ? { 'x-ecmkit-reason': e.reason } : {});
      } else {
        status = 500;
        send(res, 500, 'The sandbox failed on this request.');
      }
    } finally {
      this.opts.onLog?.({ method, path: url.pathname + url.search, status, ms: performance.now() - started, runAs, reason });
    }
  }

  private async route(
    method: string, route: string, url: URL, body: string, req: IncomingMessage, res: ServerResponse, setRunAs: (r: string) => void,
  ): Promise<{ status: number; body?: unknown; headers?: Record<string, string | string[]> }> {
    if (route === 'auth/signappin') {
      allow(method, 'POST');
      const { session, user } = this.signIn(req);
      setRunAs(formatRunAs(session.runAs));
      return {
        status: 200,
        body: { UserId: stableId('account', `user:${user.username}`), SID: '', EmailAddress: user.email ?? '', UserName: user.username ?? '', Name: user.fullName ?? user.username ?? '' },
        headers: { 'set-cookie': `${SESSION_COOKIE}=${session.id}; path=/; secure; HttpOnly; SameSite=Strict` },
      };
    }
    if (route === 'auth/signout') {
      allow(method, 'POST');
      const id = sessionId(req);
      if (id) this.sessions.delete(id);
      return { status: 200, body: null, headers: { 'set-cookie': `${SESSION_COOKIE}=; path=/; secure; HttpOnly; Max-Age=0` } };
    }
    // Remembered before anything else: even a refused call would have started the sync on a real Vault.
    if (DIRECTORY_SYNC_ROUTE.test(route)) this.forbidden.push(`${method} ${url.pathname}`);
    const ctx = this.authorize(req);
    setRunAs(formatRunAs(ctx.runAs));
    if (route === 'managedaccounts') {
      allow(method, 'GET');
      const q = new URLSearchParams(url.searchParams);
      q.delete('offset');
      const query = q.toString();
      const last = ctx.session.listing;
      const again = q.has('limit') && Number(url.searchParams.get('offset') ?? 0) > 0 && last?.model === this.model() && last.query === query;
      const rows = again ? last!.rows : this.managedAccounts(ctx, url.searchParams);
      if (Array.isArray(rows)) ctx.session.listing = { model: this.model(), query, rows };
      return { status: 200, body: Array.isArray(rows) ? page(rows, url.searchParams) : rows };
    }
    if (method === 'GET') {
      const body = inventoryRoute(route, url.searchParams, this.model());
      if (body !== undefined) return { status: 200, body };
    }
    if (route === 'requests') {
      if (method === 'GET') return { status: 200, body: this.listRequests(ctx) };
      allow(method, 'POST');
      return this.createRequest(ctx, parseJsonBody(body));
    }
    let m = /^credentials\/([^/]+)$/.exec(route);
    if (m) {
      allow(method, 'GET');
      return { status: 200, body: this.credential(ctx, m[1]) };
    }
    m = /^requests\/([^/]+)\/checkin$/.exec(route);
    if (m) {
      allow(method, 'PUT');
      this.checkin(ctx, m[1], body ? parseJsonBody(body) : {});
      return { status: 204 };
    }
    void res;
    throw new HttpError(404, `No such route: ${url.pathname}.`);
  }

  // ——— authentication ———

  private signIn(req: IncomingMessage): { session: Session; user: VaultUser } {
    const header = req.headers.authorization ?? '';
    const m = /^\s*PS-Auth\s+(.*)$/i.exec(header);
    if (!m) throw new HttpError(401, 'Missing Authorization header "PS-Auth key=…; runas=…;".', 'no-auth-header');
    const fields = parsePsAuth(m[1]);
    if (!fields.key) throw new HttpError(401, 'The PS-Auth header carries no key.', 'bad-key');
    const model = this.model();
    const keyDigest = digest(fields.key);
    const integration = model.integrations.find((i) => i.keyDigest && timingSafeEqual(i.keyDigest, keyDigest));
    if (!integration) {
      const unusable = model.integrations.filter((i) => i.keyProblem).map((i) => i.keyProblem);
      throw new HttpError(401, 'The API key matches no integration (API registration).' + (unusable.length ? ' ' + unusable.join(' ') : ''), 'bad-key');
    }
    this.checkIntegration(integration, req);
    const runAs = parseRunAs(fields.runas);
    if (!runAs) throw new HttpError(401, `runas must be PROVIDER\\username (got "${fields.runas ?? ''}").`, 'runas-invalid');
    const user = this.checkUser(runAs);
    this.sweep();
    const session: Session = { id: randomBytes(24).toString('base64url'), integration: integration.name, runAs, lastSeen: this.now() };
    this.sessions.set(session.id, session);
    return { session, user };
  }

  private checkIntegration(integration: SandboxIntegration, req: IncomingMessage): void {
    const v = integration.value;
    if (!isActive(v.status)) throw new HttpError(401, `Integration ${integration.name} is not Active (status ${v.status ?? 'missing'}).`, 'integration-inactive');
    if (v.authentication !== undefined && !sameName(v.authentication, 'application')) {
      throw new HttpError(401, `Integration ${integration.name} uses ${v.authentication} authentication; the ECM needs Application Authentication.`, 'integration-auth-type');
    }
    const source = req.socket.remoteAddress ?? '';
    if (!integration.allow.allows(source)) {
      throw new HttpError(401, `The source address ${source} is not in the allowed IP addresses of integration ${integration.name}.`, 'ip-not-allowed');
    }
  }

  private checkUser(runAs: RunAs): VaultUser {
    const found = findRunAsUser(this.model().inventory, runAs);
    if (!found.ok) throw new HttpError(401, found.message, found.reason === 'inactive' ? 'user-inactive' : 'user-not-found');
    return found.user;
  }

  /** The caller's session, re-checked against the current files (an edit can end it). */
  private authorize(req: IncomingMessage): { session: Session; runAs: RunAs; user: VaultUser; integration: SandboxIntegration } {
    const id = sessionId(req);
    const session = id ? this.sessions.get(id) : undefined;
    const now = this.now();
    if (!session) throw new HttpError(401, 'Not signed in: call Auth/SignAppin first.', 'no-session');
    if (now - session.lastSeen > (this.opts.sessionIdleMs ?? 20 * 60_000)) {
      this.sessions.delete(session.id);
      throw new HttpError(401, 'The session idled out; sign in again.', 'session-expired');
    }
    const integration = this.model().integrations.find((i) => i.name === session.integration);
    if (!integration) throw new HttpError(401, `Integration ${session.integration} no longer exists.`, 'bad-key');
    this.checkIntegration(integration, req);
    const user = this.checkUser(session.runAs);
    session.lastSeen = now;
    return { session, runAs: session.runAs, user, integration };
  }

  private sweep(): void {
    const now = this.now();
    const idle = this.opts.sessionIdleMs ?? 20 * 60_000;
    for (const [id, s] of this.sessions) if (now - s.lastSeen > idle) this.sessions.delete(id);
  }

  // ——— accounts and check-outs ———

  /** Who holds a credential through a live sandbox check-out. */
  private liveHolder = (cred: VaultCredential): string | undefined => {
    return this.openOf(cred.name ?? '')[0]?.runAs;
  };

  private managedAccounts(ctx: { runAs: RunAs; user: VaultUser; integration: SandboxIntegration }, q: URLSearchParams): unknown {
    const model = this.model();
    const inv = model.inventory;
    const systemName = q.get('systemName') ?? undefined;
    const accountName = q.get('accountName') ?? undefined;
    // Unscoped, a Restricted credential counts only if some endpoint can use it (else it can never be checked out).
    let rows = offered(decideCredentials(inv, ctx.user, ctx.runAs, systemName, this.liveHolder), systemName !== undefined)
      .filter((d) => systemName !== undefined || !isRestricted(d.credential) || sameName(inv.edition, 'go') || this.endpointsOf(d.credential).length > 0)
      .map((d) => this.row(d, systemName, ctx.integration));
    if (accountName !== undefined) rows = rows.filter((r) => sameName(r.AccountName, accountName) || sameName(r.CredentialName, accountName));
    if (systemName !== undefined && accountName !== undefined) {
      if (rows.length === 0) throw new HttpError(404, `No account ${accountName} on ${systemName} that ${formatRunAs(ctx.runAs)} may request.`, 'account-not-found');
      return rows[0];
    }
    return rows;
  }

  private row(d: CredentialDecision, systemName: string | undefined, integration: SandboxIntegration) {
    const c = d.credential;
    const model = this.model();
    const endpoints = this.endpointsOf(c);
    const sys = systemName ?? (isRestricted(c) ? endpoints[0] ?? '' : '');
    const maxMinutes = this.maxMinutes(integration);
    return {
      SystemId: sys ? stableId('system', sys) : 0,
      SystemName: sys,
      AccountId: model.accountIds.get(c.name ?? '') ?? 0,
      AccountName: c.username ?? c.name ?? '',
      DomainName: c.domain ?? '',
      DefaultReleaseDuration: maxMinutes,
      MaximumReleaseDuration: maxMinutes,
      CredentialName: c.name ?? '',
      CredentialType: c.type ?? '',
      AccessType: isRestricted(c) ? 'Restricted' : 'Shared',
      Description: c.description ?? '',
      IsAvailable: !d.heldBy,
      CheckedOutBy: d.heldBy ?? null,
      AssignedVia: systemName === undefined ? undefined : via(d.assignment),
      Endpoints: endpoints,
    };
  }

  /** The longest check-out the integrations allow: checkoutRequestTime hours (1–24; 24 when unset). */
  private maxMinutes(integration?: SandboxIntegration): number {
    const hours = integration?.value.checkoutRequestTime;
    return (typeof hours === 'number' && hours >= 1 ? Math.min(hours, 24) : 24) * 60;
  }

  private createRequest(ctx: { runAs: RunAs; user: VaultUser; integration: SandboxIntegration }, body: Record<string, unknown>): { status: number; body: number } {
    const model = this.model();
    const systemId = body.SystemID ?? body.SystemId;
    const accountId = body.AccountID ?? body.AccountId;
    const duration = body.DurationMinutes;
    if (!Number.isInteger(systemId) || !Number.isInteger(accountId)) throw new HttpError(400, 'SystemID and AccountID must be integers.', 'bad-request');
    if (!Number.isInteger(duration) || (duration as number) < 1 || (duration as number) > 525600) throw new HttpError(400, 'DurationMinutes must be an integer from 1 to 525600.', 'bad-request');
    const max = this.maxMinutes(ctx.integration);
    if ((duration as number) > max) throw new HttpError(400, `DurationMinutes ${duration} exceeds the integration's checkout request time (${max} minutes).`, 'duration-too-long');
    const conflict = body.ConflictOption;
    if (conflict !== undefined && conflict !== null && conflict !== '' && !['reuse', 'renew'].includes(String(conflict).toLowerCase())) {
      throw new HttpError(400, 'ConflictOption must be reuse or renew.', 'bad-request');
    }
    const accessType = body.AccessType ?? 'View';
    if (!['view', 'rdp', 'ssh', 'app'].includes(String(accessType).toLowerCase())) throw new HttpError(400, 'AccessType must be View, RDP, SSH or App.', 'bad-request');
    if (body.Reason !== undefined && (typeof body.Reason !== 'string' || body.Reason.length > 1000)) throw new HttpError(400, 'Reason must be a string of at most 1000 characters.', 'bad-request');

    const cred = model.credentialsById.get(accountId as number);
    if (!cred) throw new HttpError(404, `No managed account ${accountId}.`, 'account-not-found');
    const [decision] = decideCredentials({ ...model.inventory, credentials: [cred] }, ctx.user, ctx.runAs, undefined, this.liveHolder);
    if (!decision.grant) throw new HttpError(403, `${formatRunAs(ctx.runAs)} may not check out ${cred.name}: no credential policy grants it check-out.`, 'no-checkout-permission');
    const systemName = this.systemFor(cred, systemId as number);
    if (systemName === undefined) throw new HttpError(400, `Account ${cred.name} is not assigned to managed system ${systemId}.`, 'wrong-system');

    const now = this.now();
    const mine = this.openOf(cred.name ?? '').find((r) => sameName(r.runAs, formatRunAs(ctx.runAs)));
    if (mine) {
      if (String(conflict ?? '').toLowerCase() === 'reuse') return { status: 200, body: mine.id };
      if (String(conflict ?? '').toLowerCase() !== 'renew') throw new HttpError(409, `${formatRunAs(ctx.runAs)} already has request ${mine.id} for ${cred.name}; use ConflictOption reuse or renew.`, 'request-exists');
      this.closed(mine);
    }
    if (decision.heldBy) throw new HttpError(409, `${cred.name} is checked out by another user (${decision.heldBy}).`, 'checked-out-by-other');

    const req: CheckoutState = {
      id: this.nextRequestId++,
      accountId: accountId as number,
      credentialName: cred.name ?? '',
      systemId: systemId as number,
      systemName,
      runAs: formatRunAs(ctx.runAs),
      reason: typeof body.Reason === 'string' && body.Reason ? body.Reason : ctx.integration.value.checkoutReason ?? '',
      accessType: String(accessType),
      createdAt: now,
      expiresAt: now + (duration as number) * 60_000,
    };
    this.opened(req);
    return { status: 201, body: req.id };
  }

  /** The system a request names, if the account may be used there (0 = "no particular system", Shared only). */
  private systemFor(cred: VaultCredential, systemId: number): string | undefined {
    const inv = this.model().inventory;
    if (!isRestricted(cred) || sameName(inv.edition, 'go')) {
      if (systemId === 0) return '';
      const ep = list<{ name?: string }>(inv.endpoints).find((e) => typeof e.name === 'string' && stableId('system', e.name) === systemId);
      return ep?.name ?? `system ${systemId}`;
    }
    return this.endpointsOf(cred).find((name) => stableId('system', name) === systemId && assignmentOn(inv, cred, name));
  }

  private listRequests(ctx: { runAs: RunAs }): unknown {
    return [...this.open.keys()].flatMap((name) => this.openOf(name))
      .filter((r) => sameName(r.runAs, formatRunAs(ctx.runAs)))
      .map((r) => ({
        RequestID: r.id, SystemID: r.systemId, SystemName: r.systemName, AccountID: r.accountId, AccountName: r.credentialName,
        Status: 'Approved', RequestReleaseDate: new Date(r.createdAt).toISOString(), ExpiresDate: new Date(r.expiresAt).toISOString(), Reason: r.reason,
      }));
  }

  private ownRequest(ctx: { runAs: RunAs }, rawId: string): CheckoutState {
    const id = /^\d{1,9}$/.test(rawId) ? Number(rawId) : NaN;
    const r = this.requests.get(id);
    if (!r) throw new HttpError(404, `No request ${rawId.slice(0, 20)}.`, 'request-not-found');
    if (!sameName(r.runAs, formatRunAs(ctx.runAs))) throw new HttpError(403, `Request ${r.id} belongs to another user.`, 'not-your-request');
    return r;
  }

  private credential(ctx: { runAs: RunAs }, rawId: string): string {
    const r = this.ownRequest(ctx, rawId);
    if (r.checkedInAt) throw new HttpError(403, `Request ${r.id} is checked in.`, 'request-inactive');
    if (r.expiresAt <= this.now()) throw new HttpError(403, `Request ${r.id} has expired.`, 'request-inactive');
    const cred = this.model().credentialsById.get(r.accountId);
    if (!cred) throw new HttpError(404, `Account ${r.credentialName} no longer exists.`, 'account-not-found');
    return this.passwordOf(cred);
  }

  /** The credential's password: its secret when available, else a placeholder stable for this sandbox run. */
  private passwordOf(cred: VaultCredential): string {
    try {
      return resolveSecret(cred.password, this.opts.secrets ?? envSecrets);
    } catch {
      const name = cred.name ?? '';
      let p = this.placeholders.get(name);
      if (!p) this.placeholders.set(name, (p = `sandbox-${randomBytes(12).toString('base64url')}`));
      return p;
    }
  }

  private checkin(ctx: { runAs: RunAs }, rawId: string, body: Record<string, unknown>): void {
    if (body.Reason !== undefined && (typeof body.Reason !== 'string' || body.Reason.length > 1000)) throw new HttpError(400, 'Reason must be a string of at most 1000 characters.', 'bad-request');
    const r = this.ownRequest(ctx, rawId);
    if (r.checkedInAt) throw new HttpError(409, `Request ${r.id} is already checked in.`, 'already-checked-in');
    this.closed(r); // an expired request may still be checked in: that is what a careful client does
  }
}

function via(a: Assignment | undefined): string {
  if (!a) return '';
  return a.kind === 'endpointGroup' ? `endpointGroup:${a.group}` : a.kind;
}

function allow(method: string, expected: string): void {
  if (method !== expected) throw new HttpError(405, `Use ${expected} for this route.`, 'method-not-allowed');
}

/** `key=…; runas=…; pwd=[…];` → fields (pwd may hold `;` inside its brackets). */
export function parsePsAuth(s: string): { key?: string; runas?: string; pwd?: string } {
  const out: Record<string, string> = {};
  let rest = s;
  const pwd = /(?:^|;)\s*pwd=\[(.*)\]\s*;?\s*$/i.exec(rest);
  if (pwd) {
    out.pwd = pwd[1];
    rest = rest.slice(0, pwd.index);
  }
  for (const part of rest.split(';')) {
    const m = /^\s*([a-z]+)\s*=\s*(.*?)\s*$/i.exec(part);
    if (m) out[m[1].toLowerCase()] = m[2];
  }
  return out;
}

function sessionId(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === SESSION_COOKIE) return v.join('=');
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'The request body is too large.', 'too-large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJsonBody(body: string): Record<string, unknown> {
  try {
    const v = JSON.parse(body || '{}');
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch { /* fall through */ }
  throw new HttpError(400, 'The request body must be a JSON object.', 'bad-request');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  if (res.headersSent) return;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (status === 204 || body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}
