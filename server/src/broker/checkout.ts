/**
 * The check-out transaction with the Vault: make the request (ConflictOption reuse), read the password,
 * record the lease; or, when it fails half-way, hand what the Vault may hold to the settler (settle.ts).
 * Vault-side changes to one user's check-out of one account (check-out, check-in, settling) happen one at
 * a time: with ConflictOption reuse, a check-in must not end a request a concurrent check-out is about to
 * hand out. Each holds a lock keyed by Vault session and account while it runs.
 */
import type { VaultClient } from '../vault/client';
import { KeyedLock } from './keyedLock';
import type { Lease, Leases } from './leases';
import type { BrokerLog } from './log';
import { ambiguous, Settler } from './settle';

export interface CheckoutOrder {
  /** The run-as user's Vault session. */
  client: VaultClient;
  runAs: string;
  ecm: string;
  endpoint: string;
  systemId: number;
  accountId: number;
  /** The credential's name, as the files give it (absent for an account the files do not describe). */
  credential?: string;
  /** Its account name, as the files give it; else asked of the Vault. */
  username?: string;
  minutes: number;
  leaseMs: number;
  /** The reason the Vault request carries. */
  reason: string;
}

export interface CheckedOut { lease: Lease; password: string; requestId: number }

export class VaultCheckouts {
  /** Vault requests a failed check-out may have left open: checked in as soon as the Vault answers. */
  readonly settler: Settler;
  private readonly locks = new KeyedLock();
  private readonly sessionNumbers = new WeakMap<VaultClient, number>();
  private sessionCount = 0;
  /** Check-outs under way, per Vault session and account (a half-done one is not settled while another runs). */
  private readonly underWay = new Map<VaultClient, Map<number, number>>();
  /** Open lease → the lock key of its session and account. */
  private readonly leaseLockKeys = new Map<string, string>();

  constructor(private readonly leases: Leases, log: BrokerLog, timeoutMs?: number) {
    this.settler = new Settler({
      timeoutMs,
      held: (runAs, requestId) => leases.open().some((l) => l.requestId === requestId && l.runAs === runAs),
      busy: (client, accountId) => (this.underWay.get(client)?.get(accountId) ?? 0) > 0,
      lock: (client, accountId) => this.locks.acquire(this.lockKey(client, accountId)),
      onSettled: (u, ids) => { if (ids.length) log.emit({ type: 'info', message: `checked in Vault request${ids.length === 1 ? '' : 's'} ${ids.join(', ')} of ${u.runAs}, left open by a check-out that failed` }); },
      onGiveUp: (u) => log.emit({ type: 'warning', message: `A check-out of ${u.runAs} failed half-way and the Vault could not be asked since; its request (if any) ends when it expires.` }),
    });
  }

  /** Checks the account out and opens its lease. A Vault failure is thrown as the Vault client threw it. */
  async checkOut(o: CheckoutOrder): Promise<CheckedOut> {
    const counts = this.underWay.get(o.client) ?? new Map<number, number>();
    this.underWay.set(o.client, counts);
    counts.set(o.accountId, (counts.get(o.accountId) ?? 0) + 1);
    const lockKey = this.lockKey(o.client, o.accountId);
    const release = await this.locks.acquire(lockKey);
    const finish = () => {
      release();
      const n = (counts.get(o.accountId) ?? 1) - 1;
      if (n > 0) counts.set(o.accountId, n); else counts.delete(o.accountId);
    };
    let requestId: number | undefined;
    let password: string;
    let username = o.username;
    try {
      requestId = await o.client.createRequest({
        systemId: o.systemId, accountId: o.accountId, durationMinutes: o.minutes, reason: o.reason, conflictOption: 'reuse', accessType: 'View',
      });
      password = await o.client.credentials(requestId);
      if (username === undefined) {
        // A credential the files do not describe (a real Vault): ask the Vault for its account name.
        const rows = await o.client.managedAccounts({ systemName: o.endpoint });
        username = rows.find((r) => r.AccountId === o.accountId)?.AccountName ?? '';
      }
    } catch (e) {
      finish();
      // The Vault may hold a request this check-out made (its answer lost, or a later call failed): check it in.
      if (requestId !== undefined || ambiguous(e)) {
        this.settler.add({ client: o.client, runAs: o.runAs, systemId: o.systemId, accountId: o.accountId, requestId, until: Date.now() + o.minutes * 60_000 });
      }
      throw e;
    }
    let lease: Lease;
    try {
      lease = this.leases.add({
        requestId, credential: o.credential ?? `account ${o.accountId}`, username, runAs: o.runAs, ecm: o.ecm, endpoint: o.endpoint,
        expiresAt: Date.now() + o.leaseMs,
      }, o.client);
      this.leaseLockKeys.set(lease.id, lockKey);
    } finally {
      finish();
    }
    return { lease, password, requestId };
  }

  /** The caller's check-in of a lease, under the lock of its session and account. */
  async checkIn(leaseId: string): Promise<Lease> {
    const key = this.leaseLockKeys.get(leaseId);
    const release = key ? await this.locks.acquire(key) : () => undefined;
    let lease: Lease;
    try {
      lease = await this.leases.checkin(leaseId);
    } finally {
      release();
    }
    this.leaseLockKeys.delete(leaseId);
    return lease;
  }

  /** A lease ended on its own (expiry, shutdown): its lock key is not needed any more. */
  leaseEnded(leaseId: string): void {
    this.leaseLockKeys.delete(leaseId);
  }

  private lockKey(client: VaultClient, accountId: number): string {
    let n = this.sessionNumbers.get(client);
    if (n === undefined) this.sessionNumbers.set(client, (n = ++this.sessionCount));
    return `${n}:${accountId}`;
  }
}
