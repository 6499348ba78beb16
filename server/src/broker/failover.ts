/**
 * Which ECM answers, as the appliance routes: the one connected the longest (ecmSet.ts keeps the order).
 * Disconnecting it fails over to the next; with none connected the appliance has nowhere to send a request.
 */
import type { EcmMember, EcmSet, EcmSetView } from './ecmSet';
import { BrokerError } from './errors';
import type { BrokerLog } from './log';

/** The ECM requests go to now; a 503 that says how to connect one when none is. */
export function servingEcm(set: EcmSet): EcmMember {
  const member = set.active();
  if (member) return member;
  const names = set.all().map((m) => m.name);
  throw new BrokerError(503, 'no-ecm-connected', names.length
    ? `No ECM of site ${set.site} is connected (${names.join(', ')} are disconnected): the appliance has nowhere to send the request. POST /v1/ecms/NAME/connect.`
    : 'The workspace has no ECM file: there is no ECM to play.');
}

/** Connects or disconnects an ECM by name; logs the change, and the failover when another ECM now serves. */
export function setConnection(set: EcmSet, name: string, connected: boolean, log: BrokerLog): EcmSetView {
  const before = set.active()?.name;
  const member = connected ? set.connect(name) : set.disconnect(name);
  if (!member) throw new BrokerError(404, 'ecm-not-found', `No ECM named ${name} in site ${set.site}; GET /v1/ecms lists them.`);
  const after = set.active()?.name;
  log.emit({ type: 'ecm', action: connected ? 'connect' : 'disconnect', name, active: after });
  if (after !== before && after) log.emit({ type: 'ecm', action: 'active', name: after });
  return set.view();
}
