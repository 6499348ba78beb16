/**
 * What the broker reads out of one version of the workspace files, kept for as long as that version
 * serves: each ECM's binding and its Vault file's credentials by name, the credentials by the account
 * id the sandbox gives them, and the files' answers to requests. A re-read workspace gets a new cache.
 */
import { resolveInjection, type InjectionRequest, type Resolution } from '../engine/injection';
import { bindEcm, sitesOf, sourceAt, type EcmBinding, type SourceRef } from '../domain/site';
import { stableId } from '../domain/ids';
import { list, type VaultCredential } from '../model/inventory';
import type { Workspace } from '../model/workspace';
import type { EcmMember } from './ecmSet';
import { reusedSteps } from './json';
import type { Leases } from './leases';

export interface BoundEcm {
  binding: EcmBinding;
  /** The credentials of the ECM's Vault file, by name. */
  credentials: Map<string | undefined, VaultCredential>;
  /** Where the ECM file says vault.hostname (the Vault sign-in step links there). */
  hostnameSource: SourceRef | undefined;
}

/** Who holds what right now, as far as a resolution should know. */
export interface LiveHolders {
  /** Holders the Vault listed, by credential name. */
  vault?: Map<string, string>;
  /** The broker's own open leases; omitted, the answer ignores them (and stays cached across check-outs). */
  leases?: Leases;
}

/** Answers kept at the most; past that the cache starts again (old lease versions are never asked for). */
const MAX_ANSWERS = 5000;

export class FilesCache {
  private readonly bound = new Map<string, BoundEcm>();
  private byAccountId?: Map<number, VaultCredential>;
  private readonly answers = new Map<string, { leaseVersion: number | '-'; resolution: Resolution }>();

  constructor(readonly workspace: Workspace) {}

  /** What the ECM is bound to (site, integration, Vault and PA files) and its Vault credentials by name. */
  ecm(member: EcmMember): BoundEcm {
    let b = this.bound.get(member.name);
    if (!b) {
      const site = sitesOf(this.workspace).find((s) => s.ecms.some((e) => e === member.entry));
      const binding = bindEcm(this.workspace, member.entry, site);
      b = {
        binding,
        credentials: new Map(list<VaultCredential>(binding.vault?.value.credentials).map((c) => [c.name, c])),
        hostnameSource: sourceAt(binding.ecm.file, ['vault', 'hostname']),
      };
      this.bound.set(member.name, b);
    }
    return b;
  }

  /** The inventory credential the sandbox numbers `accountId` (domain/ids.ts). */
  credentialByAccountId(accountId: number): VaultCredential | undefined {
    if (!this.byAccountId) {
      const byId = new Map<number, VaultCredential>();
      for (const v of this.workspace.of('vault')) for (const c of list<VaultCredential>(v.value.credentials)) {
        if (typeof c.name === 'string' && !byId.has(stableId('account', c.name))) byId.set(stableId('account', c.name), c);
      }
      this.byAccountId = byId;
    }
    return this.byAccountId.get(accountId);
  }

  /**
   * The files' answer for a request. The same user asks for the same endpoint again and again (every
   * session start), so answers are kept until the files, the leases or the Vault's holders change.
   */
  resolve(member: EcmMember, req: InjectionRequest, live: LiveHolders = {}): Resolution {
    const { vault, leases } = live;
    // One entry per request, replaced when the leases changed: under load the lease version moves with
    // every check-out, and answers for past versions are never asked for again (they would only pile up).
    const leaseVersion = leases ? leases.version : '-';
    const key = [member.name, leases ? 'L' : '-', req.user, req.securityProvider, req.endpoint, ...(vault ? [...vault].map(([k, v]) => `${k}=${v}`) : [])].join('\n');
    const hit = this.answers.get(key);
    if (hit && hit.leaseVersion === leaseVersion) return hit.resolution;
    const resolution = resolveInjection(this.workspace, req, { binding: this.ecm(member).binding, liveHolder: (n) => vault?.get(n) ?? leases?.holderOf(n) });
    if (!hit && this.answers.size >= MAX_ANSWERS) this.answers.clear();
    this.answers.set(key, { leaseVersion, resolution });
    reusedSteps(resolution.trace);
    return resolution;
  }
}
