/**
 * The PA side of an ECM (docs/rules.md#pa-routing-and-api-accounts): the API account it signs in to the
 * site with, and the ECM group that account puts it in, which jump groups route their credential requests
 * to (domain/routing.ts). Quiet while the PA file does not list `apiAccounts`.
 */
import { closest } from '../domain/closest';
import { allowList, isIpLiteral, normalizeAddress } from '../domain/ipAllow';
import {
  apiAccountOf, clientIdKey, ecmGroupKey, ecmGroupOfEcm, groupLabel, jumpGroupNamed, routesByGroup, type JumpGroupRef,
} from '../domain/routing';
import { sitesOf, type Site } from '../domain/site';
import { list, type PaApiAccount, type PaJumpClient } from '../model/inventory';
import type { Entry } from '../model/workspace';
import { apiAccountUnknown, jumpGroupUnserved } from './causes';
import { eachItem, has, MAX_RELATED, names, relatedAt, str } from './crossHelpers';
import type { Cause, Related, Report, WorkspaceRule } from './types';

const ecmName = (e: Entry<'ecm'>): string => str(e.value.name)?.trim() ?? e.file.uri.slice(e.file.uri.lastIndexOf('/') + 1);
const accountName = (a: PaApiAccount): string => str(a.name)?.trim() ?? str(a.clientId)?.trim() ?? '(unnamed)';
const siteEcms = (site: Site): Entry<'ecm'>[] => [...site.ecms, ...site.extraEcms];

/** The sites whose PA file lists API accounts, with their ECMs (a site without ECM files has nothing to check). */
function routedSites(ws: Parameters<WorkspaceRule['check']>[0]): { site: Site; pa: Entry<'pa'>; ecms: Entry<'ecm'>[] }[] {
  return sitesOf(ws).flatMap((site) => (site.pa && routesByGroup(site.pa) && siteEcms(site).length ? [{ site, pa: site.pa, ecms: siteEcms(site) }] : []));
}

/** The account a client id not on the site most likely meant (a typo of one), for the fix and for what its ECM would serve. */
function likelyAccount(pa: Entry<'pa'>, ecm: Entry<'ecm'>): PaApiAccount | undefined {
  const id = str(ecm.value.clientId)?.trim();
  if (!id) return undefined;
  const accounts = list<PaApiAccount>(pa.value.apiAccounts).filter((a) => clientIdKey(a.clientId) !== undefined);
  const near = closest(id, accounts.map((a) => String(a.clientId).trim()));
  return near === undefined ? undefined : accounts.find((a) => String(a.clientId).trim() === near);
}

/**
 * `ecm/api-account-unknown`, `ecm/api-account-no-ecm`, `ecm/api-account-ip`: the ECM signs in to the site
 * with the API account of its client id, which must be enabled, allow ECM access and allow its address.
 * The last two are reported once per account, on the account (the fix is on the site), naming its ECMs.
 */
export const apiAccountRule: WorkspaceRule = {
  codes: ['ecm/api-account-unknown', 'ecm/api-account-no-ecm', 'ecm/api-account-ip'],
  reads: ['ecm', 'pa'],
  check(ws, report) {
    for (const { site, pa, ecms } of routedSites(ws)) {
      const users = new Map<number, Entry<'ecm'>[]>();
      for (const ecm of ecms) {
        const id = str(ecm.value.clientId)?.trim();
        if (!id) continue; // schema/required asks for it
        const ref = apiAccountOf(pa, ecm);
        if (ref) {
          const at = users.get(ref.index);
          if (at) at.push(ecm); else users.set(ref.index, [ecm]);
          continue;
        }
        const near = likelyAccount(pa, ecm);
        report({
          uri: ecm.file.uri,
          code: 'ecm/api-account-unknown',
          range: ecm.file.rangeAt(['clientId']),
          message: `No API account of site ${site.site} has client ID \`${id}\`: the site refuses the ECM's sign-in, so ${ecmName(ecm)} serves no request.${near ? ` Did you mean \`${String(near.clientId).trim()}\` (API account \`${accountName(near)}\`)?` : ' Use the client ID of an API account with ECM access (PA: /login > Management > API Configuration), or run `ecmkit pull pa` if the account is new.'}`,
          related: [relatedAt(pa.file, ['apiAccounts'], `apiAccounts of the PA inventory of ${site.site}`, 'key')],
          data: near ? { replaceWith: String(near.clientId).trim() } : undefined,
          rootOf: apiAccountUnknown(ecm.file.uri),
        });
      }
      for (const [index, users_] of users) checkAccount(pa, index, users_, report);
    }
  },
};

function checkAccount(pa: Entry<'pa'>, index: number, ecms: Entry<'ecm'>[], report: Report): void {
  const account = (pa.value.apiAccounts as PaApiAccount[])[index];
  const label = `API account \`${accountName(account)}\``;
  const who = `ECM${ecms.length === 1 ? '' : 's'} ${names(ecms.map(ecmName))}`;
  const path = (field: string) => ['apiAccounts', index, field];
  const atClientId = (verb: string): Related[] => ecms.slice(0, MAX_RELATED).map((e) => relatedAt(e.file, ['clientId'], `${ecmName(e)} ${verb} with this account`));

  const disabled = account.enabled === false;
  const noAccess = account.ecmAccess !== true;
  if (disabled || noAccess) {
    const what = [disabled ? 'disabled' : '', noAccess ? `lacks "Endpoint Credential Manager API: Allow Access" (\`ecmAccess\`)` : ''].filter(Boolean).join(' and ');
    const fix = [disabled ? 'enable the account' : '', noAccess ? 'allow it Endpoint Credential Manager API access' : ''].filter(Boolean).join(' and ');
    const where = disabled ? path('enabled') : has(pa.file, path('ecmAccess')) ? path('ecmAccess') : has(pa.file, path('name')) ? path('name') : path('clientId');
    report({
      uri: pa.file.uri,
      code: 'ecm/api-account-no-ecm',
      range: pa.file.rangeAt(where),
      message: `${label} is ${what}, but ${who} sign${ecms.length === 1 ? 's' : ''} in with it: the site refuses ${ecms.length === 1 ? 'the ECM' : 'them'}, and no credential is injected through ${ecms.length === 1 ? 'it' : 'them'}. In PA (/login > Management > API Configuration), ${fix}, then run \`ecmkit pull pa\`.`,
      related: atClientId('signs in'),
    });
  }

  const entries = Array.isArray(account.ipAddresses) ? account.ipAddresses : [];
  if (!entries.length) return; // an empty list allows every address
  const allow = allowList(entries);
  // An ECM host that is not an address is ecm/dynamic-host's to report.
  const outside = ecms.filter((e) => { const h = str(e.value.host); return !!h && isIpLiteral(h) && !allow.allows(h); });
  if (!outside.length) return;
  const hosts = outside.map((e) => normalizeAddress(String(e.value.host)));
  report({
    uri: pa.file.uri,
    code: 'ecm/api-account-ip',
    range: pa.file.rangeAt(path('ipAddresses')),
    message: `${label} may only be used from ${names(entries.map(String))}, but ${outside.length === 1 ? `ECM ${ecmName(outside[0])} runs on ${hosts[0]}` : `ECMs ${names(outside.map((e, i) => `${ecmName(e)} (${hosts[i]})`))} run elsewhere`}: the site refuses ${outside.length === 1 ? 'its' : 'their'} sign-in. In PA, add ${names(hosts)} to the account's network address allow list, then run \`ecmkit pull pa\`.`,
    related: outside.slice(0, MAX_RELATED).map((e) => relatedAt(e.file, ['host'], `host of ECM ${ecmName(e)}`)),
    data: { ips: hosts },
  });
}

/**
 * `jumpgroup/no-ecm`: an injection-enabled jump client's requests go to its jump group's ECM group; when no
 * ECM of the site is in that group, they reach no ECM. One finding per jump group, on its `ecmGroup`,
 * counting its jump clients; when an ECM's unknown client id most likely meant an account of that group,
 * that ECM's `ecm/api-account-unknown` is the root instead.
 */
export const jumpGroupRule: WorkspaceRule = {
  codes: ['jumpgroup/no-ecm'],
  reads: ['ecm', 'pa'],
  check(ws, report) {
    for (const { site, pa, ecms } of routedSites(ws)) {
      const served = new Map<string, Entry<'ecm'>[]>();
      const likely = new Map<string, Entry<'ecm'>>();
      for (const ecm of ecms) {
        const g = ecmGroupOfEcm(pa, ecm);
        if (g !== undefined) served.set(g, [...(served.get(g) ?? []), ecm]);
        else if (str(ecm.value.clientId)) {
          const near = likelyAccount(pa, ecm);
          if (near && !likely.has(ecmGroupKey(near.ecmGroup))) likely.set(ecmGroupKey(near.ecmGroup), ecm);
        }
      }
      // The jump clients of each unserved jump group.
      const unserved = new Map<number, { group: JumpGroupRef; ecmGroup: string; clients: number[] }>();
      eachItem<PaJumpClient>(pa.value.jumpClients, (jc, i) => {
        if (jc.credentialInjection === false || !str(jc.jumpGroup)) return;
        const group = jumpGroupNamed(pa, jc.jumpGroup);
        if (!group) return; // ref/unknown
        const ecmGroup = ecmGroupKey(group.group.ecmGroup);
        if (served.has(ecmGroup)) return;
        const at = unserved.get(group.index);
        if (at) at.clients.push(i); else unserved.set(group.index, { group, ecmGroup, clients: [i] });
      });
      for (const { group, ecmGroup, clients } of unserved.values()) {
        const typo = likely.get(ecmGroup);
        const key = typo ? apiAccountUnknown(typo.file.uri) : jumpGroupUnserved(pa.file.uri, group.name);
        const cause = (i: number): Cause => ({ key, noun: 'jump client', subject: `\`${String((pa.value.jumpClients as PaJumpClient[])[i].name ?? `jump client ${i + 1}`)}\`` });
        const jgPath = has(pa.file, ['jumpGroups', group.index, 'ecmGroup']) ? ['jumpGroups', group.index, 'ecmGroup'] : ['jumpGroups', group.index, 'name'];
        const servedList = [...served.keys()];
        const message = (subject: string): string =>
          `${subject} sends its credential requests to ${groupLabel(ecmGroup)}, but no ECM of site ${site.site} is in that group (${servedList.length ? `the ECMs' API accounts put them in ${names(servedList.map(groupLabel))}` : 'no ECM has a known API account'}): its jump clients get no credentials. In PA, set the jump group's ECM group to one an ECM serves, or sign an ECM in with an API account of ${groupLabel(ecmGroup)}; then run \`ecmkit pull pa\`.`;
        if (!typo) {
          report({
            uri: pa.file.uri,
            code: 'jumpgroup/no-ecm',
            range: pa.file.rangeAt(jgPath),
            message: message(`Jump group \`${group.name}\``),
            related: [...served.values()].flat().slice(0, MAX_RELATED).map((e) => relatedAt(e.file, ['clientId'], `ECM ${ecmName(e)} is in ${groupLabel(ecmGroupOfEcm(pa, e)!)}`)),
            rootOf: key,
          });
        }
        // Each jump client, counted in the root (the jump group, or the ECM whose client id is mistyped).
        for (const i of clients) {
          report({
            uri: pa.file.uri,
            code: 'jumpgroup/no-ecm',
            range: pa.file.rangeAt(['jumpClients', i, 'jumpGroup']),
            message: message(`The jump group of this jump client, \`${group.name}\`,`),
            cause: cause(i),
          });
        }
      }
    }
  },
};
