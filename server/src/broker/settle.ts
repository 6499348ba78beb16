/**
 * Check-outs the Vault may hold while the broker holds no lease for them: POST Requests timed out or its
 * answer was cut (the Vault may have made the request anyway), or GET Credentials failed after the request
 * was made. Left alone, such a request keeps the credential checked out until it expires (an hour, by
 * default), so nobody else gets it. The broker checks each one in as soon as the Vault answers again:
 * a known request id directly, an unknown one by listing the user's open requests (GET Requests) for the
 * same system and account. A request a lease uses (ConflictOption reuse hands the same id to the next
 * check-out), or one a check-out still in flight may be about to use, is left alone.
 */
import type { VaultClient } from '../vault/client';
import { isVaultError } from '../vault/errors';

export interface Unsettled {
  client: VaultClient;
  runAs: string;
  systemId: number;
  accountId: number;
  /** Known when POST Requests answered and a later call failed. */
  requestId?: number;
  /** Give up after this time (the request has expired on the Vault by then). */
  until: number;
  /** Times the open requests were listed without finding one (an unknown request id). */
  looks?: number;
}

export interface SettlerOptions {
  /** An open lease of `runAs` uses this Vault request. */
  held(runAs: string, requestId: number): boolean;
  /** A check-out for this client and account is under way (it may reuse the request). */
  busy(client: VaultClient, accountId: number): boolean;
  /** Waits until no other change to this client's check-out of the account runs; resolves to a release. */
  lock?(client: VaultClient, accountId: number): Promise<() => void>;
  onSettled?(u: Unsettled, requestIds: number[]): void;
  onGiveUp?(u: Unsettled, error?: Error): void;
  timeoutMs?: number;
  now?: () => number;
}

/** Whether the Vault may have acted on a call that failed this way (no definite refusal came back). */
export function ambiguous(e: unknown): boolean {
  if (!isVaultError(e)) return true;
  return e.kind === 'timeout' || e.kind === 'unreachable' || e.kind === 'bad-response' || (e.kind === 'http' && (e.status ?? 500) >= 500);
}

export class Settler {
  private readonly pending = new Set<Unsettled>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  constructor(private readonly opts: SettlerOptions) {}

  private now(): number { return this.opts.now?.() ?? Date.now(); }

  get size(): number { return this.pending.size; }

  add(u: Omit<Unsettled, 'until'> & { until?: number }): void {
    const item: Unsettled = { ...u, until: u.until ?? this.now() + 3_600_000 };
    this.pending.add(item);
    this.schedule(item, 0);
  }

  /** One last try for everything still pending (shutdown), bounded by `ms`. */
  async flush(ms = 3000): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const all = [...this.pending];
    await Promise.race([
      Promise.all(all.map((u) => this.attempt(u, ms).catch(() => false))),
      new Promise((r) => setTimeout(r, ms).unref()),
    ]);
  }

  private schedule(u: Unsettled, n: number): void {
    if (this.closed) return;
    // Quickly at first (the Vault blinked), then every 2 s for about a minute, then every 30 s.
    const delay = n === 0 ? 100 : n < 30 ? Math.min(2000, 125 * 2 ** n) : 30_000;
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.attempt(u).then((done) => {
        if (done) return;
        if (this.now() > u.until) {
          this.pending.delete(u);
          this.opts.onGiveUp?.(u);
          return;
        }
        this.schedule(u, n + 1);
      });
    }, delay);
    t.unref();
    this.timers.add(t);
  }

  /** True when nothing is left to do for `u`. */
  private async attempt(u: Unsettled, timeoutMs = this.opts.timeoutMs): Promise<boolean> {
    if (!this.pending.has(u)) return true;
    if (this.opts.busy(u.client, u.accountId)) return false;
    const o = timeoutMs ? { timeoutMs } : undefined;
    let ids: number[];
    if (u.requestId !== undefined) {
      ids = [u.requestId];
    } else {
      try {
        const open = await u.client.openRequests(o);
        ids = open.filter((r) => r.SystemID === u.systemId && r.AccountID === u.accountId).map((r) => r.RequestID);
      } catch {
        return false;
      }
      // A Vault slow to act may make the request after a first look: look once more, a little later.
      if (!ids.length && (u.looks = (u.looks ?? 0) + 1) < 2) return false;
    }
    // The Vault calls that change the check-out wait for the lock (a check-out may be reusing the request).
    const release = (await this.opts.lock?.(u.client, u.accountId)) ?? (() => undefined);
    try {
      const settled: number[] = [];
      for (const id of ids) {
        if (this.opts.held(u.runAs, id) || this.opts.busy(u.client, u.accountId)) continue;
        try {
          await u.client.checkin(id, 'The check-out failed on its way back to the ECM', o);
        } catch (e) {
          // Already checked in, expired or gone: that is what we wanted.
          if (!(isVaultError(e) && (e.kind === 'conflict' || e.kind === 'not-found' || e.kind === 'forbidden'))) throw e;
        }
        settled.push(id);
      }
      this.pending.delete(u);
      this.opts.onSettled?.(u, settled);
      return true;
    } catch {
      return false; // the Vault is still failing (or refusing): try again later, until the request expires
    } finally {
      release();
    }
  }
}
