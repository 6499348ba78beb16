/**
 * Where each ECM's Vault is and how it signs in: its own vault.hostname and shared key, or the plan's
 * override (the sandbox, --vault, --key-file). One connection pool per Vault address, kept across
 * re-reads of the files; a target that cannot work (no hostname, a key that does not resolve) is
 * remembered as the error that says why, until the files change.
 */
import { request as undiciRequest, type Agent } from 'undici';
import { envSecrets, resolveSecret, type SecretLookup } from '../model/secrets';
import { apiBaseUrl, createVaultAgent } from '../vault/client';
import type { HealthAnswer } from '../../../protocol/broker';
import type { TraceStep } from '../../../protocol/trace';
import type { EcmMember } from './ecmSet';
import { BrokerError, fromVaultError } from './errors';
import { VaultTarget } from './sessions';

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

export class VaultTargets {
  private readonly agents = new Map<string, Agent>();
  private readonly targets = new Map<string, VaultTarget | BrokerError>();
  /** The reachability probe under way: concurrent health requests share it. */
  private probe?: Promise<boolean>;

  constructor(private readonly plan: VaultPlan) {}

  /** Forgets every target (the files changed); the connection pools stay. */
  clear(): void {
    this.targets.clear();
  }

  /** The ECM's Vault connection, or the error that says why there is none (carrying the trace so far). */
  of(member: EcmMember, trace: TraceStep[]): VaultTarget {
    const t = this.lookup(member);
    if (t instanceof BrokerError) { t.trace = trace.length ? trace : undefined; throw t; }
    return t;
  }

  /**
   * Whether the ECM's Vault answers, asked afresh each time (a Vault that just went down or came back is
   * seen at once); `problem` says why a sign-in cannot work while reachability is still probed.
   */
  async health(member: EcmMember): Promise<HealthAnswer['vault']> {
    const made = this.lookup(member);
    const problem = made instanceof BrokerError ? { code: made.code, message: made.message } : undefined;
    const where = made instanceof BrokerError ? this.endpoint(member) : { hostname: made.hostname, agent: made.dispatcher };
    if (where instanceof BrokerError) return { reachable: false, problem };
    const ms = Math.min(2000, this.plan.timeoutMs ?? 2000);
    this.probe ??= (async () => {
      try {
        const res = await undiciRequest(apiBaseUrl(where.hostname), { method: 'GET', dispatcher: where.agent, headersTimeout: ms, bodyTimeout: ms, signal: AbortSignal.timeout(ms + 250) });
        await res.body.dump();
        return true; // any HTTP answer over verified TLS: the Vault is there
      } catch { return false; }
    })().finally(() => { this.probe = undefined; });
    return { reachable: await this.probe, url: where.hostname, ...(problem ? { problem } : {}) };
  }

  /** Closes every connection pool (shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((a) => a.close().catch(() => undefined)));
  }

  private lookup(member: EcmMember): VaultTarget | BrokerError {
    let t = this.targets.get(member.name);
    if (!t) this.targets.set(member.name, (t = this.make(member)));
    return t;
  }

  /** Where an ECM's Vault is and the connection pool to it (no key needed: health probes with it). */
  private endpoint(member: EcmMember): { hostname: string; agent: Agent } | BrokerError {
    const hostname = this.plan.hostname ?? member.entry.value.vault?.hostname;
    if (typeof hostname !== 'string' || !hostname.trim()) return new BrokerError(502, 'vault-unreachable', `ECM ${member.name} has no vault.hostname.`);
    try { apiBaseUrl(hostname); } catch (e) { return fromVaultError(e); }
    let agent = this.agents.get(hostname);
    if (!agent) this.agents.set(hostname, (agent = createVaultAgent({ ca: this.plan.ca, connectTimeoutMs: this.plan.timeoutMs })));
    return { hostname, agent };
  }

  private make(member: EcmMember): VaultTarget | BrokerError {
    const v = member.entry.value.vault ?? {};
    const where = this.endpoint(member);
    if (where instanceof BrokerError) return where;
    let key = this.plan.apiKey;
    if (key === undefined) {
      try {
        key = resolveSecret(v.sharedKey, this.plan.secrets ?? envSecrets);
      } catch (e) {
        return new BrokerError(502, 'vault-auth-failed', `ECM ${member.name}'s shared key is not available: ${(e as Error).message}`);
      }
    }
    return new VaultTarget(member.name, where.hostname, key, where.agent);
  }
}
