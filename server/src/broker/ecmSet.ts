/**
 * The site's ECM set as the appliance routes it: every ECM file of the site (at most five serve), each
 * connected or not; requests go to the ECM connected the longest, the others stand by. Disconnecting the
 * active one fails over to the next; a reconnected ECM joins at the back of the queue.
 */
import type { Entry, Workspace } from '../model/workspace';
import { MAX_ECMS, type Site } from '../domain/site';
import type { EcmsAnswer } from '../../../protocol/broker';

export interface EcmMember {
  name: string;
  entry: Entry<'ecm'>;
  connected: boolean;
  /** When it (re)connected; the smallest among connected ECMs serves. */
  connectedAt?: number;
}

/** The view GET /v1/ecms answers. */
export type EcmSetView = EcmsAnswer;

export class EcmSet {
  private members: EcmMember[] = [];
  private ignored: string[] = [];
  private siteName = '';
  private clock = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** (Re)reads the site's ECMs; state of ECMs already known is kept, new ones connect now. */
  update(site: Site, first?: string): void {
    this.siteName = site.site;
    const known = new Map(this.members.map((m) => [m.name, m]));
    const start = this.tick();
    const ordered = [...site.ecms];
    // The ECM named on the command line connects first, so it serves until it is disconnected.
    if (first && !known.size) ordered.sort((a, b) => Number(b.value.name === first) - Number(a.value.name === first));
    this.members = ordered.map((entry, i) => {
      const name = typeof entry.value.name === 'string' ? entry.value.name : `(unnamed ${entry.file.uri.split('/').pop()})`;
      const old = known.get(name);
      return old ? { ...old, entry } : { name, entry, connected: true, connectedAt: start + i };
    });
    this.ignored = site.extraEcms.map((e) => String(e.value.name ?? e.file.uri));
  }

  get site(): string { return this.siteName; }

  all(): EcmMember[] { return this.members; }

  active(): EcmMember | undefined {
    let best: EcmMember | undefined;
    for (const m of this.members) if (m.connected && (!best || m.connectedAt! < best.connectedAt!)) best = m;
    return best;
  }

  get(name: string): EcmMember | undefined {
    return this.members.find((m) => m.name === name);
  }

  disconnect(name: string): EcmMember | undefined {
    const m = this.get(name);
    if (m) { m.connected = false; m.connectedAt = undefined; }
    return m;
  }

  connect(name: string): EcmMember | undefined {
    const m = this.get(name);
    if (m && !m.connected) { m.connected = true; m.connectedAt = this.tick(); }
    return m;
  }

  view(): EcmSetView {
    const active = this.active();
    const connected = this.members.filter((m) => m.connected).sort((a, b) => a.connectedAt! - b.connectedAt!);
    const rest = this.members.filter((m) => !m.connected);
    return {
      site: this.siteName,
      active: active?.name ?? null,
      ecms: [...connected, ...rest].map((m) => ({
        name: m.name,
        file: m.entry.file.uri,
        host: typeof m.entry.value.host === 'string' ? m.entry.value.host : undefined,
        order: m.connected ? connected.indexOf(m) + 1 : null,
        connected: m.connected,
        connectedSince: m.connectedAt !== undefined ? new Date(Math.floor(m.connectedAt)).toISOString() : null,
        active: m === active,
      })),
      ignored: this.ignored,
      max: MAX_ECMS,
    };
  }

  /** Strictly increasing times, so two ECMs never tie for "connected the longest". */
  private tick(): number {
    const t = Math.max(this.now(), this.clock + 1);
    this.clock = t + MAX_ECMS * 2;
    return t;
  }
}

export type { Workspace };
