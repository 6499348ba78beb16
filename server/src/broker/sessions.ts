/**
 * One Vault session per ECM and run-as user, as the ECM keeps them: signed in once with the shared key,
 * reused by every request for that user, signed in again after idling (before the Vault's 20-minute
 * idle-out) or when a call gets 401 (VaultClient's reauth). Concurrent first requests share one sign-in.
 */
import type { Dispatcher } from 'undici';
import { VaultClient, type VaultCall } from '../vault/client';

/** Where and how one ECM signs in. The key lives in a private field: never enumerated, logged or sent anywhere but the Vault. */
export class VaultTarget {
  readonly #key: string;
  constructor(readonly ecm: string, readonly hostname: string, key: string, readonly dispatcher: Dispatcher) {
    this.#key = key;
  }
  /** For VaultClient.signIn only. */
  key(): string { return this.#key; }
  toJSON(): unknown { return { ecm: this.ecm, hostname: this.hostname }; }
}

interface Session {
  client: VaultClient;
  lastUsed: number;
  signing?: Promise<void>;
  runAs: string;
}

export interface SessionUse {
  client: VaultClient;
  /** True when this call signed in (first use, idle renewal), false when an open session was reused. */
  signedIn: boolean;
}

export interface SessionPoolOptions {
  /** Sign in again after this much idle time (default 15 min; Password Safe idles out after 20). */
  idleMs?: number;
  timeoutMs?: number;
  onCall?: (ecm: string, runAs: string, call: VaultCall) => void;
  now?: () => number;
}

export class SessionPool {
  private readonly sessions = new Map<string, Session>();
  constructor(private readonly opts: SessionPoolOptions = {}) {}

  private now(): number { return this.opts.now?.() ?? Date.now(); }

  async use(target: VaultTarget, runAs: string): Promise<SessionUse> {
    const id = `${target.ecm}\n${target.hostname}\n${runAs.toLowerCase()}`;
    let s = this.sessions.get(id);
    if (!s) {
      const client = new VaultClient({
        hostname: target.hostname,
        dispatcher: target.dispatcher,
        timeoutMs: this.opts.timeoutMs,
        reauth: true,
        onCall: (call) => this.opts.onCall?.(target.ecm, runAs, call),
      });
      s = { client, lastUsed: 0, runAs };
      this.sessions.set(id, s);
    }
    const session = s;
    if (session.signing) {
      await session.signing;
      return { client: session.client, signedIn: false };
    }
    const idle = this.now() - session.lastUsed > (this.opts.idleMs ?? 15 * 60_000);
    if (!session.client.signedIn || idle) {
      session.signing = session.client.signIn(target.key(), runAs).then(() => undefined);
      try {
        await session.signing;
      } catch (e) {
        this.sessions.delete(id); // a refused sign-in is not cached: the next request tries again
        throw e;
      } finally {
        session.signing = undefined;
      }
      session.lastUsed = this.now();
      return { client: session.client, signedIn: true };
    }
    session.lastUsed = this.now();
    return { client: session.client, signedIn: false };
  }

  get size(): number { return this.sessions.size; }

  /** Signs every session out (on shutdown). */
  async closeAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map(async (s) => {
      try { if (s.client.signedIn) await s.client.signOut({ timeoutMs: 3000 }); } catch { /* the Vault may be gone already */ }
    }));
  }
}
