/**
 * Which ECM answers, as the appliance routes: the one of the jump client's ECM group connected the longest
 * (domain/routing.ts; ecmSet.ts keeps the order). Disconnecting it fails over to the next of its group;
 * with none connected the appliance has nowhere to send a request.
 */
import { candidatesOf, groupLabel } from '../domain/routing';
import type { EcmMember, EcmSet, EcmSetView } from './ecmSet';
import { BrokerError } from './errors';
import type { BrokerLog } from './log';

/** The ECM a request for this jump client goes to now; a 503 that says why none can take it. */
export function servingEcm(set: EcmSet, jumpClient: string): EcmMember {
  const { route, member } = set.serving(jumpClient);
  if (member) return member;
  if (!set.all().length) throw new BrokerError(503, 'no-ecm-connected', 'The workspace has no ECM file: there is no ECM to play.');
  const names = candidatesOf(set.all(), route, (m) => m.group).map((m) => m.name);
  const where = route ? `${groupLabel(route.group)} of site ${set.site} (where jump group ${route.jumpGroup.name} of ${jumpClient} sends its requests)` : `site ${set.site}`;
  throw new BrokerError(503, 'no-ecm-connected', names.length
    ? `No ECM of ${where} is connected (${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} disconnected): the appliance has nowhere to send the request. POST /v1/ecms/NAME/connect.`
    : `No ECM is in ${where}: the appliance has nowhere to send the request (jumpgroup/no-ecm).`);
}

/** Connects or disconnects an ECM by name; logs the change, and the failover when another ECM now serves its group. */
export function setConnection(set: EcmSet, name: string, connected: boolean, log: BrokerLog): EcmSetView {
  const before = set.activeByGroup();
  const member = connected ? set.connect(name) : set.disconnect(name);
  if (!member) throw new BrokerError(404, 'ecm-not-found', `No ECM named ${name} in site ${set.site}; GET /v1/ecms lists them.`);
  const after = set.activeByGroup();
  log.emit({ type: 'ecm', action: connected ? 'connect' : 'disconnect', name, active: after.get(member.group) });
  for (const [group, now] of after) if (now && now !== before.get(group)) log.emit({ type: 'ecm', action: 'active', name: now });
  return set.view();
}
