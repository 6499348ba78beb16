/**
 * The broker plays the active ECM of the site: for each request it runs the injection against the Vault
 * (sign in as PROVIDER\user, ManagedAccounts for the exact endpoint, check-out, check-in) and explains
 * it with the pure resolution's trace. The files' answer and the Vault's answer are compared on every
 * find; a disagreement is a `cross-check` trace step, and the Vault's answer is the one returned.
 *
 * This file runs the routes' steps in order; each job has a file of its own: the bodies (input.ts), which
 * ECM serves (failover.ts), what the files say (filesCache.ts), the Vault connections (vaultTargets.ts,
 * sessions.ts), the ECM filter on the Vault's rows (vaultRows.ts), the check-out transaction and its
 * locks (checkout.ts, keyedLock.ts, settle.ts, leases.ts), the trace (trace.ts), refusals (refusals.ts).
 */
import type { CheckoutAnswer, FindAnswer, HealthAnswer } from '../../../protocol/broker';
import type { TraceStep } from '../../../protocol/trace';
import { isSameHolder, type RunAs } from '../domain/permissions';
import { siteOfEcm, sitesOf, type EcmBinding } from '../domain/site';
import type { Workspace } from '../model/workspace';
import type { ManagedAccount, VaultClient } from '../vault/client';
import { VaultCheckouts, type CheckedOut } from './checkout';
import { EcmSet, type EcmMember } from './ecmSet';
import { BrokerError, fromVaultError } from './errors';
import { servingEcm, setConnection } from './failover';
import { FilesCache } from './filesCache';
import { checkoutBody, findBody } from './input';
import { Leases, type Lease } from './leases';
import type { BrokerLog } from './log';
import { refusalByFiles, vaultFailure } from './refusals';
import { SessionPool } from './sessions';
import { checkoutFailedTrace, checkoutTrace, crossCheck, findTrace, vaultQueryStep, vaultSignInStep } from './trace';
import { filterRows, vaultHolders } from './vaultRows';
import { VaultTargets, type VaultPlan } from './vaultTargets';

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

const DEFAULT_CHECKOUT_REASON = 'PA credential injection';

export class Broker {
  readonly ecmSet = new EcmSet();
  readonly sessions: SessionPool;
  readonly leases: Leases;
  private readonly checkouts: VaultCheckouts;
  private readonly vaults: VaultTargets;
  /** What the current version of the files says; replaced when they are re-read. */
  private files!: FilesCache;
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
        this.checkouts.leaseEnded(l.id);
        opts.log.emit({ type: 'lease', action: how, leaseId: l.id, credential: l.credential, runAs: l.runAs, ecm: l.ecm });
        if (err) opts.log.emit({ type: 'warning', message: `Check-in of ${l.credential} (${how}) failed: ${err.message}` });
      },
    });
    this.checkouts = new VaultCheckouts(this.leases, opts.log, opts.vault.timeoutMs);
    this.vaults = new VaultTargets(opts.vault);
    this.setWorkspace(ws);
  }

  /** Takes a (re-)read workspace: the ECM set follows the files, Vault targets are rebuilt. */
  setWorkspace(ws: Workspace): void {
    this.files = new FilesCache(ws);
    const site = siteOfEcm(ws, this.opts.ecm) ?? sitesOf(ws).find((s) => s.ecms.length);
    if (site) this.ecmSet.update(site, this.opts.ecm);
    else this.opts.log.emit({ type: 'warning', message: 'The workspace has no ECM file (*.ecm.yaml): nothing to serve.' });
    this.vaults.clear();
  }

  get workspace(): Workspace { return this.files.workspace; }

  // ——— routes' logic ———

  async find(body: unknown): Promise<FindAnswer & { ecm: string }> {
    const req = findBody(body);
    const member = this.serving(req.endpoint);
    const { binding, credentials: fileCredentials, hostnameSource } = this.files.ecm(member);
    const fromFiles = this.files.resolve(member, req, { leases: this.leases });
    const refusal = refusalByFiles(fromFiles, 'find');
    if (refusal) throw refusal;
    if (fromFiles.failure?.code === 'injection-off') return { credentials: [], trace: fromFiles.trace, ecm: member.name, runAs: fromFiles.runAs };
    const runAs = fromFiles.runAs!;
    const target = this.vaults.of(member, fromFiles.trace);

    // The Vault steps link to what they depend on: the ECM's vault.hostname, the endpoint asked for.
    const signInStarted = performance.now();
    let client: VaultClient;
    let signIn: TraceStep;
    try {
      const use = await this.sessions.use(target, runAs);
      client = use.client;
      signIn = vaultSignInStep(target.hostname, runAs, use.signedIn, signInStarted, this.opts.vault.hostname ? undefined : hostnameSource);
    } catch (e) {
      throw vaultFailure(e, fromFiles, 'vault-sign-in', `Sign-in to the Vault at ${target.hostname} as ${runAs} failed`);
    }
    const queryStarted = performance.now();
    let rows: ManagedAccount[];
    try {
      rows = await client.managedAccounts({ systemName: req.endpoint });
    } catch (e) {
      throw vaultFailure(e, fromFiles, 'vault-query', `ManagedAccounts?systemName=${req.endpoint} failed`, [signIn]);
    }
    const query = vaultQueryStep(rows, runAs, req.endpoint, queryStarted, fromFiles.trace.find((t) => t.step === 'endpoint')?.source);

    // The files' answer again, now knowing who holds what on the Vault.
    const holders = vaultHolders(rows);
    const withHolders = holders.size ? this.files.resolve(member, req, { vault: holders, leases: this.leases }) : fromFiles;
    const { credentials, drops } = filterRows(rows, binding, fileCredentials, runAsParts(runAs), (name) => this.leases.holderOf(name));
    const trace = findTrace(withHolders.trace, signIn, query, drops, crossCheck(rows, withHolders, credentials), credentials);
    return { credentials, trace, ecm: member.name, runAs };
  }

  async checkout(body: unknown): Promise<CheckoutAnswer & { trace: TraceStep[]; lease: Lease }> {
    const req = checkoutBody(body);
    const member = this.serving(req.endpoint);
    const { binding } = this.files.ecm(member);
    // The files' answer without live holders (so it stays cached across check-outs); the broker's own
    // leases and the Vault's 409 decide availability below.
    let resolution = this.files.resolve(member, req);
    const refusal = refusalByFiles(resolution, 'checkout');
    if (refusal) throw refusal;
    const runAs = resolution.runAs!;

    // The ECM only checks out what it offered: refuse what the files say it would not offer.
    const known = this.files.credentialByAccountId(req.accountId);
    const holder = known?.name ? this.leases.holderOf(known.name) : undefined;
    if (holder && !isSameHolder(holder, runAsParts(runAs))) resolution = this.files.resolve(member, req, { leases: this.leases });
    const offered = known && resolution.credentials.find((c) => c.name === known.name);
    if (known && !offered) {
      const why = [...resolution.trace].reverse().find((t) => t.credential === known.name && t.outcome === 'drop');
      throw new BrokerError(409, 'credential-unavailable', `The ECM does not offer ${known.name} to ${runAs} on ${req.endpoint}: ${why?.detail ?? 'see the trace'}`, resolution.trace);
    }
    if (offered && !offered.available) {
      throw new BrokerError(409, 'credential-unavailable', `${offered.name} is checked out by ${offered.heldBy}; it is listed (Include Unavailable) but cannot be checked out now.`, resolution.trace);
    }

    const target = this.vaults.of(member, resolution.trace);
    let client: VaultClient;
    try {
      client = (await this.sessions.use(target, runAs)).client;
    } catch (e) {
      throw vaultFailure(e, resolution, 'vault-sign-in', `Sign-in to the Vault as ${runAs} failed`);
    }
    const { minutes, leaseMs } = this.duration(binding);
    const configured = binding.integration?.value.checkoutReason;
    const reason = typeof configured === 'string' ? configured : DEFAULT_CHECKOUT_REASON;
    let done: CheckedOut;
    try {
      done = await this.checkouts.checkOut({
        client, runAs, ecm: member.name, endpoint: req.endpoint, systemId: req.systemId, accountId: req.accountId,
        credential: known?.name, username: offered?.username, minutes, leaseMs, reason,
      });
    } catch (e) {
      const refusal = fromVaultError(e);
      refusal.trace = checkoutFailedTrace(resolution.trace, refusal.message);
      throw refusal;
    }
    const { lease, password, requestId } = done;
    this.opts.log.emit({ type: 'lease', action: 'checkout', leaseId: lease.id, credential: lease.credential, runAs, ecm: member.name, expiresAt: new Date(lease.expiresAt).toISOString() });
    const trace = checkoutTrace(resolution.trace, lease.credential, minutes, requestId, reason);
    return { leaseId: lease.id, username: lease.username, password, expiresAt: new Date(lease.expiresAt).toISOString(), trace, lease };
  }

  async checkin(leaseId: string): Promise<Lease> {
    const lease = await this.checkouts.checkIn(leaseId).catch((e) => { throw fromVaultError(e); });
    this.opts.log.emit({ type: 'lease', action: 'checkin', leaseId: lease.id, credential: lease.credential, runAs: lease.runAs, ecm: lease.ecm });
    return lease;
  }

  /**
   * docs/broker-api.md's shape whatever the state; `vault.problem` says why a sign-in cannot work (no key, no
   * hostname) while the Vault's reachability is still probed when its address is known.
   */
  async health(): Promise<HealthAnswer> {
    const active = this.ecmSet.active();
    if (!active) return { status: 'ok', ecm: null, vault: { reachable: false } };
    return { status: 'ok', ecm: active.name, vault: await this.vaults.health(active) };
  }

  ecms() { return this.ecmSet.view(); }

  setConnected(name: string, connected: boolean) {
    return setConnection(this.ecmSet, name, connected, this.opts.log);
  }

  /** Checks every open lease in, signs every session out, closes the Vault connections. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.leases.closeAll();
    await this.checkouts.settler.flush(3000);
    await this.sessions.closeAll();
    await this.vaults.close();
  }

  /** The ECM the appliance sends this jump client's request to (its jump group's ECM group). */
  private serving(jumpClient: string): EcmMember {
    if (this.closing) throw new BrokerError(503, 'shutting-down', 'The broker is shutting down.');
    return servingEcm(this.ecmSet, jumpClient);
  }

  /** How long a check-out lasts: the override, else the integration's checkoutRequestTime (1–24 h, default 1). */
  private duration(b: EcmBinding): { minutes: number; leaseMs: number } {
    if (this.opts.leaseMs !== undefined) return { minutes: Math.max(1, Math.ceil(this.opts.leaseMs / 60_000)), leaseMs: this.opts.leaseMs };
    const hours = b.integration?.value.checkoutRequestTime;
    const h = typeof hours === 'number' && hours >= 1 ? Math.min(24, Math.floor(hours)) : 1;
    return { minutes: h * 60, leaseMs: h * 3_600_000 };
  }
}

/** `PROVIDER\username` → its parts (the username is all after the first backslash). */
function runAsParts(runAs: string): RunAs {
  const i = runAs.indexOf('\\');
  return { provider: runAs.slice(0, i), username: runAs.slice(i + 1) };
}
