/**
 * Check-outs the broker holds for its callers. A lease is one injection: it starts with a Vault request
 * (check-out), ends with its check-in — by the caller, by expiry, or at shutdown. Two leases of the same
 * user on the same credential share the Vault request (ConflictOption reuse), so the Vault check-in
 * happens when the last of them ends. Leases never hold the password.
 */
import { randomUUID } from 'node:crypto';
import type { VaultClient } from '../vault/client';
import { isVaultError } from '../vault/errors';
import { BrokerError } from './errors';

export type LeaseState = 'open' | 'checked-in' | 'expired';

export interface Lease {
  id: string;
  requestId: number;
  credential: string;
  username: string;
  runAs: string;
  ecm: string;
  endpoint: string;
  createdAt: number;
  expiresAt: number;
  state: LeaseState;
}

interface Held extends Lease {
  client: VaultClient;
  timer?: NodeJS.Timeout;
}

export interface LeaseOptions {
  reason?: string;
  /** Called when a lease ends on its own (expiry) or at shutdown, after the Vault check-in. */
  onEnd?: (lease: Lease, how: 'expired' | 'shutdown-checkin', error?: Error) => void;
  now?: () => number;
  /** How many ended leases are remembered, to answer "expired" rather than "unknown" (default 10,000). */
  keepEnded?: number;
}

export class Leases {
  /** Open leases (and one being checked in). */
  private readonly leases = new Map<string, Held>();
  /** Recently ended leases, oldest first (a Map keeps insertion order), bounded. */
  private readonly ended = new Map<string, Lease>();
  /** Open leases by credential name: the live holder is looked up per credential on every request. */
  private readonly openByCredential = new Map<string, Set<Held>>();
  /** Bumped whenever a lease opens or ends, so cached resolutions that depend on holders expire. */
  version = 0;
  constructor(private readonly opts: LeaseOptions = {}) {}

  private now(): number { return this.opts.now?.() ?? Date.now(); }

  add(l: Omit<Lease, 'id' | 'state' | 'createdAt'>, client: VaultClient): Lease {
    const lease: Held = { ...l, id: randomUUID(), state: 'open', createdAt: this.now(), client };
    this.leases.set(lease.id, lease);
    let set = this.openByCredential.get(lease.credential);
    if (!set) this.openByCredential.set(lease.credential, (set = new Set()));
    set.add(lease);
    this.version++;
    lease.timer = setTimeout(() => { void this.end(lease, 'expired'); }, Math.max(0, lease.expiresAt - this.now()));
    lease.timer.unref();
    return view(lease);
  }

  /** The caller's check-in. */
  async checkin(id: string): Promise<Lease> {
    const lease = this.leases.get(id) ?? this.ended.get(id);
    if (!lease) throw new BrokerError(404, 'lease-not-found', `No lease ${id.slice(0, 40)}: it was never issued by this broker, or ended long ago.`);
    if (lease.state === 'expired') throw new BrokerError(410, 'lease-expired', `Lease ${id} expired at ${new Date(lease.expiresAt).toISOString()}; the broker checked the credential in then.`);
    if (lease.state === 'checked-in') throw new BrokerError(409, 'lease-not-found', `Lease ${id} is already checked in.`);
    await this.end(lease as Held, 'checked-in');
    return view(lease as Held);
  }

  /** Who holds a credential through an open lease (the live holder for the resolution). */
  holderOf(credential: string): string | undefined {
    const set = this.openByCredential.get(credential);
    if (set) for (const l of set) return l.runAs;
    return undefined;
  }

  open(): Lease[] {
    return [...this.openByCredential.values()].flatMap((s) => [...s]).map(view);
  }

  /** Checks every open lease in (shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.openByCredential.values()].flatMap((s) => [...s]).map((l) => this.end(l, 'shutdown-checkin')));
  }

  private async end(lease: Held, how: 'checked-in' | 'expired' | 'shutdown-checkin'): Promise<void> {
    if (lease.state !== 'open') return;
    lease.state = how === 'expired' ? 'expired' : 'checked-in';
    const open = this.openByCredential.get(lease.credential);
    open?.delete(lease);
    this.version++;
    const sharing = [...(open ?? [])].some((l) => l.requestId === lease.requestId && l.client === lease.client);
    let error: Error | undefined;
    if (!sharing) {
      try {
        await lease.client.checkin(lease.requestId, this.opts.reason);
      } catch (e) {
        error = e as Error;
        // Already checked in or gone on the Vault (it ended the request itself): the lease is over all the same.
        if (isVaultError(e) && (e.kind === 'conflict' || e.kind === 'not-found')) error = undefined;
        else if (how === 'checked-in') {
          lease.state = 'open'; // the caller may try again; expiry still ends it
          open?.add(lease);
          this.version++;
          throw e;
        }
        // On expiry or shutdown the Vault may have ended the request itself: report, do not retry.
      }
    }
    clearTimeout(lease.timer);
    if (open && open.size === 0) this.openByCredential.delete(lease.credential);
    this.leases.delete(lease.id);
    this.ended.set(lease.id, view(lease));
    if (this.ended.size > (this.opts.keepEnded ?? 10_000)) this.ended.delete(this.ended.keys().next().value!);
    if (how !== 'checked-in') this.opts.onEnd?.(view(lease), how, error);
  }
}

function view(l: Held): Lease {
  const { client: _c, timer: _t, ...rest } = l;
  return { ...rest };
}
