import { crossIndex, type CrossIndex } from '../domain/crossIndex';
import type { Entry } from '../model/workspace';
import { allowList, isIpLiteral, normalizeAddress } from '../domain/ipAllow';
import { has, MAX_RELATED, names, relatedAt, str } from './crossHelpers';
import type { Related, WorkspaceRule } from './types';

/** The ECMs that sign in with an integration, as related information. */
function usedBy(index: CrossIndex, integration: Entry<'integration'>): { ecms: Entry<'ecm'>[]; related: Related[] } {
  const ecms = index.ecms.filter((e) => index.integrationOf(e) === integration);
  const related = ecms.slice(0, MAX_RELATED).map((e) =>
    relatedAt(e.file, has(e.file, ['vault', 'integration']) ? ['vault', 'integration'] : ['name'], `ECM ${str(e.value.name) ?? e.file.uri} signs in with this integration`));
  return { ecms, related };
}

/**
 * `integration/inactive`, `integration/auth-type`: the Vault refuses the ECM's sign-in when its
 * integration is not Active or not Application Authentication.
 */
export const integrationRule: WorkspaceRule = {
  reads: ['integration', 'ecm'],
  check(ws, report) {
    const index = crossIndex(ws);
    for (const entry of index.integrations) {
      const { file, value } = entry;
      const label = str(value.name) ? `Integration \`${value.name}\`` : 'This integration';
      const status = str(value.status);
      if (status !== undefined && status.trim() !== 'Active') {
        const { ecms, related } = usedBy(index, entry);
        report({
          uri: file.uri, code: 'integration/inactive', range: file.rangeAt(['status']), related,
          // `active` is not Active: the words must match the value, never call it active.
          message: status.trim().toLowerCase() === 'active'
            ? `${label} has status \`${status.trim()}\`, which is not \`Active\` (the status is case-sensitive): Vault treats it as not active and rejects every sign-in with it${ecms.length ? ` (used by ${names(ecms.map((e) => str(e.value.name) ?? '?'))})` : ''}. Write \`status: Active\`.`
            : `${label} is ${status}: Vault rejects every sign-in with it${ecms.length ? ` (used by ${names(ecms.map((e) => str(e.value.name) ?? '?'))})` : ''}, so no credential is injected. Set \`status: Active\`.`,
          data: { replaceWith: 'Active' },
        });
      }
      const auth = str(value.authentication);
      if (auth !== undefined && auth.trim() !== 'application') {
        report({
          uri: file.uri, code: 'integration/auth-type', range: file.rangeAt(['authentication']), related: usedBy(index, entry).related,
          message: `${label} uses \`${auth}\` authentication, but the ECM signs in with a shared key (Application Authentication). Set \`authentication: application\`.`,
          data: { replaceWith: 'application' },
        });
      }
    }
  },
};

/** `integration/ip-not-allowed`: the ECM's address must be in its integration's `allowedIps`, or Vault answers 401. */
export const integrationIpRule: WorkspaceRule = {
  reads: ['integration', 'ecm'],
  check(ws, report) {
    const index = crossIndex(ws);
    for (const ecm of index.ecms) {
      const host = str(ecm.value.host);
      if (!host || !isIpLiteral(host)) continue; // ecm/dynamic-host says what to do first
      const integration = index.integrationOf(ecm);
      if (!integration) continue;
      const entries = Array.isArray(integration.value.allowedIps) ? integration.value.allowedIps : [];
      if (allowList(entries).allows(host)) continue;
      const iname = str(integration.value.name) ?? 'its integration';
      const ip = normalizeAddress(host);
      const where = has(integration.file, ['allowedIps']) ? ['allowedIps'] : ['name'];
      report({
        uri: ecm.file.uri,
        code: 'integration/ip-not-allowed',
        range: ecm.file.rangeAt(['host']),
        message: `ECM host ${ip} is not in the allowedIps of integration \`${iname}\`${entries.length ? '' : ' (the list is empty)'}: Vault answers 401 to its sign-in. Add \`${ip}\` to allowedIps of \`${iname}\`.`,
        related: [relatedAt(integration.file, where, `allowedIps of integration ${iname}`, 'key')],
        data: { ip, integrationUri: integration.file.uri },
      });
    }
  },
};
