/**
 * The broker plays the active ECM of the site: for each request it runs the injection against the Vault
 * (sign in as PROVIDER\user, ManagedAccounts for the exact endpoint, check-out, check-in) and explains
 * it with the pure resolution's trace. The files' answer and the Vault's answer are compared on every
 * find; a disagreement is a `cross-check` trace step, and the Vault's answer is the one returned.
 */
import type { HealthAnswer } from '../../../protocol/broker';
import { request as undiciRequest, type Agent } from 'undici';
import { parseCredentialId, resolveInjection, type InjectionRequest, type Resolution, type TraceStep } from '../engine/injection';
import { bindEcm, siteOfEcm, sitesOf, sourceAt, type EcmBinding } from '../domain/site';
import { list, type VaultCredential } from '../model/inventory';
import { envSecrets, resolveSecret, type SecretLookup } from '../model/secrets';
import type { Workspace } from '../model/workspace';
import { apiBaseUrl, createVaultAgent, type ManagedAccount, type VaultClient } from '../vault/client';
import { stableId } from '../domain/ids';
import { isSameHolder, sameName } from '../domain/permissions';
import { EcmSet, type EcmMember } from './ecmSet';
import { BrokerError, fromVaultError } from './errors';
import { Leases, type Lease } from './leases';
import type { BrokerLog } from './log';
import { SessionPool, VaultTarget } from './sessions';
import { ambiguous, Settler } from './settle';

export interface BrokerCredential { id: string; name: string; username: string; type: string; available: boolean }

export interface FindResult { credentials: BrokerCredential[]; trace: TraceStep[]; ecm: string; runAs?: string }

export interface CheckoutResult { leaseId: string; username: string; password: string; expiresAt: string }

export interface VaultPlan {
  /** Use this Vault for every ECM (the sandbox, or --vault); else each ECM's vault.hostname. */
  hostname?: string;
  /** Extra CA (PEM) trusted for the Vault's certificate. */
  ca?: string | Buffer;
  /** A key that replaces every ECM's shared key (the sandbox's one-time key when the secrets are not set). */
  apiKey?: string;
  secrets?: SecretLookup;
  timeoutMs?: number;
}

export interface BrokerOptions {
  /** The ECM (by name) that connects first and so serves until disconnected. */
  ecm?: string;
  vault: VaultPlan;
  log: BrokerLog;
  /** Lease length override (tests, demos); default: the integration's checkoutRequestTime. */
  leaseMs?: number;
  /** Sign in again after a session was idle this long (SessionPool's default: 15 min). */
  sessionIdleMs?: number;
}

const FIND_FIELDS = ['user', 'securityProvider', 'endpoint'] as const;

export class Broker {
  readonly ecmSet = new EcmSet();
  readonly sessions: SessionPool;
  readonly leases: Leases;
  private ws!: Workspace;
  private readonly agents = new Map<string, Agent>();
  private readonly targets = new Map<string, VaultTarget | BrokerError>();
  private accountNames?: { generation: number; byId: Map<number, VaultCredential> };
  private probe?: Promise<boolean>;
  /** Check-outs under way, per Vault session and account (a half-done one is not settled while another runs). */
  private readonly checkingOut = new Map<VaultClient, Map<number, number>>();
  /** Vault requests a failed check-out may have left open: checked in as soon as the Vault answers. */
  readonly settler: Settler;
  /**
   * Vault-side changes to one user's check-out of one account happen one at a time (check-out, check-in,
   * settling): with ConflictOption reuse, a check-in must not end a request a concurrent check-out is
   * about to hand out. Keyed by Vault session and account id.
   */
  private readonly turns = new Map<string, Promise<void>>();
  private readonly clientIds = new WeakMap<VaultClient, number>();
  private clientCount = 0;
  /** Open lease → its turn key. */
  private readonly leaseTurns = new Map<string, string>();
  /** Per ECM: what it is bound to and its credentials by name; cleared when the files change. */
  private readonly bindings = new Map<string, { binding: EcmBinding; files: Map<string | undefined, VaultCredential> }>();
  /** Resolutions by ECM, request, live holders and lease state; cleared when the files change. */
  private readonly resolved = new Map<string, { version: number | '-'; r: Resolution }>();
  private closing = false;

  constructor(ws: Workspace, private readonly opts: BrokerOptions) {
    this.sessions = new SessionPool({
      idleMs: opts.sessionIdleMs,
      timeoutMs: opts.vault.timeoutMs,
      onCall: (ecm, runAs, c) => opts.log.emit({ type: 'vault', ecm, runAs, method: c.method, path: c.path, status: c.status, ms: c.ms, error: c.error }),
    });
    this.leases = new Leases({
      reason: 'PA session ended',
      onEnd: (l, how, err) => {
        this.leaseTurns.delete(l.id);
        opts.log.emit({ type: 'lease', action: how, leaseId: l.id, credential: l.credential, runAs: l.runAs, ecm: l.ecm });
        if (err) opts.log.emit({ type: 'warning', message: `Check-in of ${l.credential} (${how}) failed: ${err.message}` });
      },
    });
    this.settler = new Settler({
      timeoutMs: opts.vault.timeoutMs,
      held: (runAs, requestId) => this.leases.open().some((l) => l.requestId === requestId && l.runAs === runAs),
      busy: (client, accountId) => (this.checkingOut.get(client)?.get(accountId) ?? 0) > 0,
      turn: (client, accountId) => this.turn(this.turnKey(client, accountId)),
      onSettled: (u, ids) => { if (ids.length) opts.log.emit({ type: 'info', message: `checked in Vault request${ids.length === 1 ? '' : 's'} ${ids.join(', ')} of ${u.runAs}, left open by a check-out that failed` }); },
      onGiveUp: (u) => opts.log.emit({ type: 'warning', message: `A check-out of ${u.runAs} failed half-way and the Vault could not be asked since; its request (if any) ends when it expires.` }),
    });
    this.setWorkspace(ws);
  }

  /** Takes a (re-)read workspace: the ECM set follows the files, Vault targets are rebuilt. */
  setWorkspace(ws: Workspace): void {
    this.ws = ws;
    this.resolved.clear();
    this.bindings.clear();
    const site = siteOfEcm(ws, this.opts.ecm) ?? sitesOf(ws).find((s) => s.ecms.length);
    if (site) this.ecmSet.update(site, this.opts.ecm);
    else this.opts.log.emit({ type: 'warning', message: 'The workspace has no ECM file (*.ecm.yaml): nothing to serve.' });
    this.targets.clear();
  }

  get workspace(): Workspace { return this.ws; }

  // ——— routes' logic ———

  async find(body: unknown): Promise<FindResult> {
    const req = fields(body, FIND_FIELDS);
    const { member, binding } = this.serving();
    const first = this.resolve(member, binding, req);
    this.early(first, 'find');
    if (first.failure?.code === 'injection-off') return { credentials: [], trace: first.trace, ecm: member.name, runAs: first.runAs };
    const runAs = first.runAs!;
    const target = this.target(member, first.trace);
    const vaultSteps: TraceStep[] = [];
    // The Vault steps link to what they depend on: the ECM's vault.hostname, the endpoint asked for.
    const hostSource = this.opts.vault.hostname ? undefined : sourceAt(binding.ecm.file, ['vault', 'hostname']);

    const signInStep = async () => {
      const t0 = performance.now();
      try {
        const use = await this.sessions.use(target, runAs);
        vaultSteps.push({ step: 'vault-sign-in', outcome: 'pass', detail: `${use.signedIn ? 'Signed in to' : 'Reused the open session with'} the Vault at ${target.hostname} as ${runAs} (${ms(t0)}).`, source: hostSource });
        return use.client;
      } catch (e) {
        throw this.vaultFailure(e, first, 'vault-sign-in', `Sign-in to the Vault at ${target.hostname} as ${runAs} failed`);
      }
    };
    const client = await signInStep();
    let rows: ManagedAccount[];
    const t1 = performance.now();
    try {
      rows = await client.managedAccounts({ systemName: req.endpoint });
    } catch (e) {
      throw this.vaultFailure(e, first, 'vault-query', `ManagedAccounts?systemName=${req.endpoint} failed`, vaultSteps);
    }
    vaultSteps.push({ step: 'vault-query', outcome: 'pass', detail: `The Vault lists ${rows.length} account${rows.length === 1 ? '' : 's'} ${runAs} may check out for ${req.endpoint}${rows.length ? `: ${rows.map(rowName).join(', ')}` : ''} (${ms(t1)}).`, source: first.trace.find((t) => t.step === 'endpoint')?.source });

    // The files' answer again, now knowing who holds what on the Vault.
    const holders = new Map<string, string>();
    for (const r of rows) if (r.CheckedOutBy && r.IsAvailable === false) holders.set(rowName(r), r.CheckedOutBy);
    const res = holders.size ? this.resolve(member, binding, req, holders) : first;

    const { credentials, drops } = this.ecmFilter(rows, binding, this.bound(member).files, runAs);
    // A credential the files left out already has its reason; one only the Vault's answer left out (the
    // Vault and the files disagree) gets the filter's.
    const explained = new Set(res.trace.filter((t) => t.outcome === 'drop' && t.credential).map((t) => t.credential));
    const check = crossCheck(rows, res, credentials);
    const trace = compose(res.trace, vaultSteps, drops.filter((d) => !explained.has(d.credential)), check, credentials);
    return { credentials, trace, ecm: member.name, runAs };
  }

  async checkout(body: unknown): Promise<CheckoutResult & { trace: TraceStep[]; lease: Lease }> {
    const req = fields(body, [...FIND_FIELDS, 'credentialId'] as const);
    const ids = parseCredentialId(req.credentialId);
    if (!ids) throw new BrokerError(400, 'bad-request', `credentialId "${req.credentialId.slice(0, 40)}" is not an id returned by /v1/credentials/find (SYSTEMID-ACCOUNTID).`);
    const { member, binding } = this.serving();
    // The files' answer without live holders (so it stays cached across check-outs); the broker's own
    // leases and the Vault's 409 decide availability below.
    let res = this.resolve(member, binding, req, undefined, false);
    this.early(res, 'checkout');
    const runAs = res.runAs!;

    // The ECM only checks out what it offered: refuse what the files say it would not offer.
    const known = this.credentialById(ids.accountId);
    const holder = known?.name ? this.leases.holderOf(known.name) : undefined;
    if (holder && !isSameHolder(holder, parseRunAsParts(runAs))) res = this.resolve(member, binding, req);
    const offered = known && res.credentials.find((c) => c.name === known.name);
    if (known && !offered) {
      const why = [...res.trace].reverse().find((t) => t.credential === known.name && t.outcome === 'drop');
      throw new BrokerError(409, 'credential-unavailable', `The ECM does not offer ${known.name} to ${runAs} on ${req.endpoint}: ${why?.detail ?? 'see the trace'}`, res.trace);
    }
    if (offered && !offered.available) {
      throw new BrokerError(409, 'credential-unavailable', `${offered.name} is checked out by ${offered.heldBy}; it is listed (Include Unavailable) but cannot be checked out now.`, res.trace);
    }

    const target = this.target(member, res.trace);
    let client;
    try {
      client = (await this.sessions.use(target, runAs)).client;
    } catch (e) {
      throw this.vaultFailure(e, res, 'vault-sign-in', `Sign-in to the Vault as ${runAs} failed`);
    }
    const { minutes, leaseMs } = this.duration(binding);
    const integ = binding.integration?.value;
    let requestId: number;
    let made: number | undefined;
    let password: string;
    let username = offered?.username;
    const busy = this.checkingOut.get(client) ?? new Map<number, number>();
    this.checkingOut.set(client, busy);
    busy.set(ids.accountId, (busy.get(ids.accountId) ?? 0) + 1);
    const turnKey = this.turnKey(client, ids.accountId);
    const release = await this.turn(turnKey);
    const done = () => { release(); const n = (busy.get(ids.accountId) ?? 1) - 1; if (n > 0) busy.set(ids.accountId, n); else busy.delete(ids.accountId); };
    try {
      requestId = made = await client.createRequest({
        systemId: ids.systemId, accountId: ids.accountId, durationMinutes: minutes,
        reason: typeof integ?.checkoutReason === 'string' ? integ.checkoutReason : 'PA credential injection',
        conflictOption: 'reuse', accessType: 'View',
      });
      password = await client.credentials(requestId);
      if (username === undefined) {
        // A credential the files do not describe (a real Vault): ask the Vault for its account name.
        const rows = await client.managedAccounts({ systemName: req.endpoint });
        username = rows.find((r) => r.AccountId === ids.accountId)?.AccountName ?? '';
      }
    } catch (e) {
      done();
      // The Vault may hold a request this check-out made (its answer lost, or a later call failed): check it in.
      if (made !== undefined || ambiguous(e)) this.settler.add({ client, runAs, systemId: ids.systemId, accountId: ids.accountId, requestId: made, until: Date.now() + minutes * 60_000 });
      const be = fromVaultError(e);
      be.trace = [...res.trace, { step: 'vault-checkout', outcome: 'fail', detail: be.message }];
      throw be;
    }
    let lease: Lease;
    try {
      lease = this.leases.add({
        requestId, credential: known?.name ?? `account ${ids.accountId}`, username, runAs, ecm: member.name, endpoint: req.endpoint,
        expiresAt: Date.now() + leaseMs,
      }, client);
      this.leaseTurns.set(lease.id, turnKey);
    } finally {
      done();
    }
    this.opts.log.emit({ type: 'lease', action: 'checkout', leaseId: lease.id, credential: lease.credential, runAs, ecm: member.name, expiresAt: new Date(lease.expiresAt).toISOString() });
    const trace: TraceStep[] = [...res.trace.filter((t) => t.step !== 'result'), {
      step: 'vault-checkout', outcome: 'pass',
      detail: `Checked out ${lease.credential} for ${minutes} minute${minutes === 1 ? '' : 's'} (Vault request ${requestId}; reason "${integ?.checkoutReason ?? 'PA credential injection'}").`,
    }];
    return { leaseId: lease.id, username, password, expiresAt: new Date(lease.expiresAt).toISOString(), trace, lease };
  }

  async checkin(leaseId: string): Promise<Lease> {
    const key = this.leaseTurns.get(leaseId);
    const release = key ? await this.turn(key) : () => undefined;
    let lease: Lease;
    try {
      lease = await this.leases.checkin(leaseId).catch((e) => { throw fromVaultError(e); });
    } finally {
      release();
    }
    this.leaseTurns.delete(leaseId);
    this.opts.log.emit({ type: 'lease', action: 'checkin', leaseId: lease.id, credential: lease.credential, runAs: lease.runAs, ecm: lease.ecm });
    return lease;
  }

  /**
   * FORMATS.md §4's shape whatever the state; `vault.problem` says why a sign-in cannot work (no key, no
   * hostname) while the Vault's reachability is still probed when its address is known.
   */
  async health(): Promise<HealthAnswer> {
    const active = this.ecmSet.active();
    if (!active) return { status: 'ok', ecm: null, vault: { reachable: false } };
    let made = this.targets.get(active.name);
    if (!made) this.targets.set(active.name, (made = this.makeTarget(active)));
    const problem = made instanceof BrokerError ? { code: made.code, message: made.message } : undefined;
    const target = made instanceof BrokerError ? this.endpoint(active) : { hostname: made.hostname, agent: made.dispatcher };
    if (target instanceof BrokerError) return { status: 'ok', ecm: active.name, vault: { reachable: false, problem } };
    // Asked afresh each time (a Vault that just went down or came back is seen at once); concurrent health
    // requests share one probe.
    const ms = Math.min(2000, this.opts.vault.timeoutMs ?? 2000);
    this.probe ??= (async () => {
      try {
        const res = await undiciRequest(apiBaseUrl(target.hostname), { method: 'GET', dispatcher: target.agent, headersTimeout: ms, bodyTimeout: ms, signal: AbortSignal.timeout(ms + 250) });
        await res.body.dump();
        return true; // any HTTP answer over verified TLS: the Vault is there
      } catch { return false; }
    })().finally(() => { this.probe = undefined; });
    return { status: 'ok', ecm: active.name, vault: { reachable: await this.probe, url: target.hostname, ...(problem ? { problem } : {}) } };
  }

  ecms() { return this.ecmSet.view(); }

  setConnected(name: string, connected: boolean) {
    const before = this.ecmSet.active()?.name;
    const m = connected ? this.ecmSet.connect(name) : this.ecmSet.disconnect(name);
    if (!m) throw new BrokerError(404, 'ecm-not-found', `No ECM named ${name} in site ${this.ecmSet.site}; GET /v1/ecms lists them.`);
    const after = this.ecmSet.active()?.name;
    this.opts.log.emit({ type: 'ecm', action: connected ? 'connect' : 'disconnect', name, active: after });
    if (after !== before && after) this.opts.log.emit({ type: 'ecm', action: 'active', name: after });
    return this.ecmSet.view();
  }

  /** Checks every open lease in, signs every session out, closes the Vault connections. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.leases.closeAll();
    await this.settler.flush(3000);
    await this.sessions.closeAll();
    await Promise.all([...this.agents.values()].map((a) => a.close().catch(() => undefined)));
  }

  // ——— helpers ———

  private turnKey(client: VaultClient, accountId: number): string {
    let id = this.clientIds.get(client);
    if (id === undefined) this.clientIds.set(client, (id = ++this.clientCount));
    return `${id}:${accountId}`;
  }

  /** Waits for the key's turn; call the returned function when done. */
  private async turn(key: string): Promise<() => void> {
    const before = this.turns.get(key);
    let release!: () => void;
    const mine = new Promise<void>((r) => { release = r; });
    const tail = (before ?? Promise.resolve()).then(() => mine);
    this.turns.set(key, tail);
    await before;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      if (this.turns.get(key) === tail) this.turns.delete(key);
    };
  }

  private serving(): { member: EcmMember; binding: EcmBinding } {
    if (this.closing) throw new BrokerError(503, 'shutting-down', 'The broker is shutting down.');
    const member = this.ecmSet.active();
    if (!member) {
      const names = this.ecmSet.all().map((m) => m.name);
      throw new BrokerError(503, 'no-ecm-connected', names.length
        ? `No ECM of site ${this.ecmSet.site} is connected (${names.join(', ')} are disconnected): the appliance has nowhere to send the request. POST /v1/ecms/NAME/connect.`
        : 'The workspace has no ECM file: there is no ECM to play.');
    }
    return { member, binding: this.bound(member).binding };
  }

  private bound(member: EcmMember): { binding: EcmBinding; files: Map<string | undefined, VaultCredential> } {
    let b = this.bindings.get(member.name);
    if (!b) {
      const site = sitesOf(this.ws).find((s) => s.ecms.some((e) => e === member.entry));
      const binding = bindEcm(this.ws, member.entry, site);
      b = { binding, files: new Map(list<VaultCredential>(binding.vault?.value.credentials).map((c) => [c.name, c])) };
      this.bindings.set(member.name, b);
    }
    return b;
  }

  /**
   * The files' answer for a request. The same user asks for the same endpoint again and again (every
   * session start), so answers are kept until the files, the leases or the Vault's holders change.
   */
  private resolve(member: EcmMember, binding: EcmBinding, req: InjectionRequest, holders?: Map<string, string>, withLeases = true): Resolution {
    // One entry per request, replaced when the leases changed: under load the lease version moves with
    // every check-out, and answers for past versions are never asked for again (they would only pile up).
    const version = withLeases ? this.leases.version : '-';
    const key = [member.name, withLeases ? 'L' : '-', req.user, req.securityProvider, req.endpoint, ...(holders ? [...holders].map(([k, v]) => `${k}=${v}`) : [])].join('\n');
    const hit = this.resolved.get(key);
    if (hit && hit.version === version) return hit.r;
    const r = resolveInjection(this.ws, req, { binding, liveHolder: (n) => holders?.get(n) ?? (withLeases ? this.leases.holderOf(n) : undefined) });
    if (!hit && this.resolved.size >= 5000) this.resolved.clear();
    this.resolved.set(key, { version, r });
    return r;
  }

  /** Failures the files decide alone: no Vault call would change them. */
  private early(r: Resolution, what: 'find' | 'checkout'): void {
    const f = r.failure;
    if (!f) return;
    switch (f.code) {
      case 'injection-off':
        if (what === 'find') return; // a valid answer: no credentials (the trace says why)
        throw new BrokerError(409, 'credential-unavailable', f.message, r.trace);
      case 'endpoint-not-found': throw new BrokerError(404, 'endpoint-not-found', f.message, r.trace);
      case 'provider-unmapped': throw new BrokerError(404, 'user-not-found', f.message, r.trace);
      case 'no-ecm': throw new BrokerError(503, 'no-ecm-connected', f.message, r.trace);
      // user-not-found, integration, no-vault: the Vault has the last word (the files may be out of date).
      default: return;
    }
  }

  private vaultFailure(e: unknown, res: Resolution, step: string, what: string, before: TraceStep[] = []): BrokerError {
    let be = fromVaultError(e);
    // The files already said why the Vault refuses: keep their more precise code.
    if (be.code === 'vault-auth-failed' && res.failure?.code === 'user-not-found') be = new BrokerError(404, 'user-not-found', `${res.failure.message} (${be.message})`);
    const steps = [...res.trace.filter((t) => t.step !== 'result'), ...before, { step, outcome: 'fail' as const, detail: `${what}: ${be.message}` }];
    steps.push({ step: 'result', outcome: 'fail', detail: 'The ECM returns no credentials: the access console shows none.' });
    be.trace = steps;
    return be;
  }

  /** The Vault connection of an ECM: its own vault.hostname and shared key, or the plan's override. */
  private target(member: EcmMember, trace: TraceStep[]): VaultTarget {
    let t = this.targets.get(member.name);
    if (!t) {
      t = this.makeTarget(member);
      this.targets.set(member.name, t);
    }
    if (t instanceof BrokerError) { t.trace = trace.length ? trace : undefined; throw t; }
    return t;
  }

  /** Where an ECM's Vault is and the connection pool to it (no key needed: health probes with it). */
  private endpoint(member: EcmMember): { hostname: string; agent: Agent } | BrokerError {
    const hostname = this.opts.vault.hostname ?? member.entry.value.vault?.hostname;
    if (typeof hostname !== 'string' || !hostname.trim()) return new BrokerError(502, 'vault-unreachable', `ECM ${member.name} has no vault.hostname.`);
    try { apiBaseUrl(hostname); } catch (e) { return fromVaultError(e); }
    let agent = this.agents.get(hostname);
    if (!agent) this.agents.set(hostname, (agent = createVaultAgent({ ca: this.opts.vault.ca, connectTimeoutMs: this.opts.vault.timeoutMs })));
    return { hostname, agent };
  }

  private makeTarget(member: EcmMember): VaultTarget | BrokerError {
    const v = member.entry.value.vault ?? {};
    const where = this.endpoint(member);
    if (where instanceof BrokerError) return where;
    let key = this.opts.vault.apiKey;
    if (key === undefined) {
      try {
        key = resolveSecret(v.sharedKey, this.opts.vault.secrets ?? envSecrets);
      } catch (e) {
        return new BrokerError(502, 'vault-auth-failed', `ECM ${member.name}'s shared key is not available: ${(e as Error).message}`);
      }
    }
    return new VaultTarget(member.name, where.hostname, key, where.agent);
  }

  private duration(b: EcmBinding): { minutes: number; leaseMs: number } {
    if (this.opts.leaseMs !== undefined) return { minutes: Math.max(1, Math.ceil(this.opts.leaseMs / 60_000)), leaseMs: this.opts.leaseMs };
    const hours = b.integration?.value.checkoutRequestTime;
    const h = typeof hours === 'number' && hours >= 1 ? Math.min(24, Math.floor(hours)) : 1;
    return { minutes: h * 60, leaseMs: h * 3_600_000 };
  }

  /** The inventory credential the sandbox numbers `accountId` (vault/ids.ts), cached per workspace generation. */
  private credentialById(accountId: number): VaultCredential | undefined {
    if (this.accountNames?.generation !== this.ws.generation) {
      const byId = new Map<number, VaultCredential>();
      for (const v of this.ws.of('vault')) for (const c of list<VaultCredential>(v.value.credentials)) {
        if (typeof c.name === 'string' && !byId.has(stableId('account', c.name))) byId.set(stableId('account', c.name), c);
      }
      this.accountNames = { generation: this.ws.generation, byId };
    }
    return this.accountNames.byId.get(accountId);
  }

  /**
   * The ECM's own filters on the Vault's list: unavailable ones (unless Include Unavailable), foreign-domain
   * Restricted ones (Domain Matching). Each row left out comes with its `credential` drop step.
   */
  private ecmFilter(rows: ManagedAccount[], b: EcmBinding, files: Map<string | undefined, VaultCredential>, runAs: string): { credentials: BrokerCredential[]; drops: TraceStep[] } {
    const v = b.ecm.value.vault ?? {};
    const includeUnavailable = v.includeUnavailableCredentials === true;
    const domainMatching = v.enableDomainMatching === true;
    const vaultDomain = b.vault?.value.domain;
    const [provider, user] = runAs.split('\\');
    const credentials: BrokerCredential[] = [];
    const drops: TraceStep[] = [];
    const sources = new Map<string, TraceStep['source']>();
    const drop = (credential: string, detail: string, setting: string) => {
      if (!sources.has(setting)) sources.set(setting, sourceAt(b.ecm.file, ['vault', setting]));
      drops.push({ step: 'credential', credential, outcome: 'drop', detail, source: sources.get(setting) });
    };
    for (const r of rows) {
      const name = rowName(r);
      const vaultHolder = r.CheckedOutBy ?? (r.IsAvailable === false ? 'another user' : undefined);
      const holder = vaultHolder ?? this.leases.holderOf(name);
      const held = r.IsAvailable === false || (!!holder && !isSameHolder(holder, { provider, username: user }));
      if (held && !includeUnavailable) {
        const who = vaultHolder ? `The Vault lists ${name} as checked out by ${holder}` : `${name} is checked out by ${holder} through this broker`;
        drop(name, `${who}; Include Unavailable Credentials is off, so the ECM leaves it out.`, 'includeUnavailableCredentials');
        continue;
      }
      const access = r.AccessType ?? files.get(name)?.accessType;
      const domain = r.DomainName ?? files.get(name)?.domain;
      if (domainMatching && sameName(access, 'Restricted') && !sameName(domain, vaultDomain)) {
        drop(name, `The Vault lists ${name} as a Restricted credential from domain ${domain ?? '(none)'}, not the Vault host's domain ${vaultDomain ?? '(none)'}; Domain Matching is on, so the ECM withholds it.`, 'enableDomainMatching');
        continue;
      }
      credentials.push({ id: `${r.SystemId}-${r.AccountId}`, name, username: r.AccountName, type: r.CredentialType ?? files.get(name)?.type ?? '', available: !held });
    }
    return { credentials, drops };
  }
}

function parseRunAsParts(runAs: string): { provider: string; username: string } {
  const i = runAs.indexOf('\\');
  return { provider: runAs.slice(0, i), username: runAs.slice(i + 1) };
}

function rowName(r: ManagedAccount): string {
  return r.CredentialName || r.AccountName;
}

function ms(t0: number): string {
  return `${(performance.now() - t0).toFixed(1)} ms`;
}

/** The request's string fields; anything missing or not a non-empty string is a bad request. */
function fields<K extends string>(body: unknown, keys: readonly K[]): Record<K, string> & InjectionRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BrokerError(400, 'bad-request', `The body must be a JSON object with ${keys.join(', ')}.`);
  const b = body as Record<string, unknown>;
  const missing = keys.filter((k) => typeof b[k] !== 'string' || !(b[k] as string).trim());
  if (missing.length) throw new BrokerError(400, 'bad-request', `Missing or empty field${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (strings, as PA sends them).`);
  const out = {} as Record<K, string>;
  for (const k of keys) out[k] = (b[k] as string).trim();
  return out as Record<K, string> & InjectionRequest;
}

/** Compares what the Vault listed with what the files grant (before the ECM's own filters). */
function crossCheck(rows: ManagedAccount[], res: Resolution, returned: BrokerCredential[]): TraceStep {
  const vault = new Set(rows.map(rowName));
  const files = new Set(res.vaultOffers);
  const extra = [...vault].filter((n) => !files.has(n));
  const missing = [...files].filter((n) => !vault.has(n));
  const ecmFiles = res.credentials.map((c) => c.name).sort().join(',');
  const ecmVault = returned.map((c) => c.name).sort().join(',');
  if (!extra.length && !missing.length && ecmFiles === ecmVault) {
    return { step: 'cross-check', outcome: 'pass', detail: `The Vault's answer matches the files (${vault.size} listed, ${returned.length} returned).` };
  }
  const parts = [
    extra.length ? `the Vault lists ${extra.join(', ')}, which the files do not grant here` : '',
    missing.length ? `the files grant ${missing.join(', ')}, which the Vault did not list` : '',
    ecmFiles !== ecmVault ? `after the ECM's filters the files give [${ecmFiles}] and the Vault [${ecmVault}]` : '',
  ].filter(Boolean);
  return { step: 'cross-check', outcome: 'fail', detail: `The Vault disagrees with the files: ${parts.join('; ')}. The broker returns the Vault's answer; update the files (or the Vault).` };
}

/**
 * The files' trace with the Vault's steps in place: sign-in after `sign-in`, the query before the
 * credentials, the ECM filter's own drops after them.
 */
function compose(trace: TraceStep[], vault: TraceStep[], filtered: TraceStep[], check: TraceStep, returned: BrokerCredential[]): TraceStep[] {
  const out = trace.filter((t) => t.step !== 'result');
  const [signIn, query] = vault;
  const at = (pred: (t: TraceStep) => boolean, fallback: number) => { const i = out.findIndex(pred); return i === -1 ? fallback : i; };
  out.splice(at((t) => t.step === 'sign-in', out.length - 1) + 1, 0, signIn);
  if (query) out.splice(at((t) => t.step === 'credential' || t.step === 'others', out.length), 0, query);
  out.push(...filtered, check);
  const n = returned.length;
  out.push({
    step: 'result', outcome: n ? 'pass' : 'fail',
    detail: n ? `The ECM returns ${n} credential${n === 1 ? '' : 's'}: ${returned.map((c) => c.name + (c.available ? '' : ' (unavailable)')).join(', ')}.`
      : 'The ECM returns no credentials: the access console shows none. The steps above say why each was left out.',
  });
  return out;
}
