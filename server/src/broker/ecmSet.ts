/**
 * The site's ECM set as the appliance routes it: every ECM file of the site (at most five per ECM group
 * serve), each connected or not; a request goes to the ECM of its jump client's ECM group connected the
 * longest (domain/routing.ts), the others stand by. Disconnecting the active one fails over to the next
 * of its group; a reconnected ECM joins at the back of the queue.
 */
import type { Entry, Workspace } from '../model/workspace';
import { MAX_ECMS, type Site } from '../domain/site';
import { ecmGroupOfEcm, routeOfJumpGroup, routeOfName, servingOf, type Route } from '../domain/routing';
import { list, type PaJumpGroup } from '../model/inventory';
import type { EcmsAnswer } from '../../../protocol/broker';

export interface EcmMember {
  name: string;
  entry: Entry<'ecm'>;
  /** Its ECM group (its PA API account's); undefined when the PA file does not say. */
  group?: string;
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
  private pa?: Entry<'pa'>;
  private clock = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** (Re)reads the site's ECMs; state of ECMs already known is kept, new ones connect now. */
  update(site: Site, first?: string): void {
    this.siteName = site.site;
    this.pa = site.pa;
    const known = new Map(this.members.map((m) => [m.name, m]));
    const start = this.tick();
    const ordered = [...site.ecms];
    // The ECM named on the command line connects first, so it serves until it is disconnected.
    if (first && !known.size) ordered.sort((a, b) => Number(b.value.name === first) - Number(a.value.name === first));
    this.members = ordered.map((entry, i) => {
      const name = typeof entry.value.name === 'string' ? entry.value.name : `(unnamed ${entry.file.uri.split('/').pop()})`;
      const old = known.get(name);
      const group = ecmGroupOfEcm(site.pa, entry);
      return old ? { ...old, entry, group } : { name, entry, group, connected: true, connectedAt: start + i };
    });
    this.ignored = site.extraEcms.map((e) => String(e.value.name ?? e.file.uri));
  }

  get site(): string { return this.siteName; }

  all(): EcmMember[] { return this.members; }

  /** The ECM a request routed so goes to (without a route: any ECM of the site), the one connected the longest. */
  active(route?: Route): EcmMember | undefined {
    return servingOf(this.members, route, (m) => m.group, (m) => (m.connected ? m.connectedAt : undefined));
  }

  /** Where a request for this jump client (the name PA sends) goes, and the ECM serving it now. */
  serving(jumpClient: string): { route?: Route; member?: EcmMember } {
    const route = routeOfName(this.pa, jumpClient);
    return { route, member: this.active(route) };
  }

  /** Each ECM group's serving ECM (one entry, key undefined, when the PA file does not say the groups). */
  activeByGroup(): Map<string | undefined, string | undefined> {
    const out = new Map<string | undefined, string | undefined>();
    for (const m of this.members) {
      if (out.has(m.group)) continue;
      out.set(m.group, servingOf(this.members.filter((x) => x.group === m.group), undefined, () => undefined, (x) => (x.connected ? x.connectedAt : undefined))?.name);
    }
    return out;
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
    const ordered = [...connected, ...this.members.filter((m) => !m.connected)];
    const serving = this.activeByGroup();
    const grouped = this.members.some((m) => m.group !== undefined);
    const groups = new Map<string | undefined, EcmSetView['groups'][number]>();
    for (const m of ordered) {
      let g = groups.get(m.group);
      if (!g) groups.set(m.group, (g = { group: m.group ?? null, active: serving.get(m.group) ?? null, ecms: [], jumpGroups: [] }));
      g.ecms.push(m.name);
    }
    // The jump groups each ECM group gets (domain/routing.ts: a jump group names its ECM group).
    if (grouped) {
      for (const jg of list<PaJumpGroup>(this.pa?.value.jumpGroups)) {
        const route = routeOfJumpGroup(this.pa, jg.name);
        if (!route || route.jumpGroup.group !== jg) continue;
        // A group no ECM is in is listed too: its jump groups' requests reach no ECM (jumpgroup/no-ecm).
        let g = groups.get(route.group);
        if (!g) groups.set(route.group, (g = { group: route.group, active: null, ecms: [], jumpGroups: [] }));
        g.jumpGroups.push(route.jumpGroup.name);
      }
    }
    return {
      site: this.siteName,
      active: active?.name ?? null,
      ecms: ordered.map((m) => ({
        name: m.name,
        file: m.entry.file.uri,
        host: typeof m.entry.value.host === 'string' ? m.entry.value.host : undefined,
        group: m.group ?? null,
        order: m.connected ? connected.indexOf(m) + 1 : null,
        connected: m.connected,
        connectedSince: m.connectedAt !== undefined ? new Date(Math.floor(m.connectedAt)).toISOString() : null,
        active: grouped ? serving.get(m.group) === m.name : m === active,
      })),
      groups: [...groups.values()],
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
