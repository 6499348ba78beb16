import { closest } from '../domain/closest';
import { crossIndex } from '../domain/crossIndex';
import { groupLabel, routesByGroup } from '../domain/routing';
import { ecmsByGroup, MAX_ECMS, sitesOf } from '../domain/site';
import { parseSecretRef } from '../model/secrets';
import type { Entry } from '../model/workspace';
import { isIpLiteral } from '../domain/ipAllow';
import { groupBy, has, MAX_RELATED, names, plural, relatedAt, str } from './crossHelpers';
import type { WorkspaceRule } from './types';


const ecmName = (e: Entry<'ecm'>): string => str(e.value.name) ?? 'This ECM';

/** `ecm/dynamic-host`: the integration allows addresses, so the ECM needs a fixed one. */
export const ecmHostRule: WorkspaceRule = {
  codes: ['ecm/dynamic-host'],
  reads: ['ecm'],
  check(ws, report) {
    for (const ecm of crossIndex(ws).ecms) {
      const host = ecm.value.host;
      if (typeof host === 'string' && isIpLiteral(host)) continue;
      const present = has(ecm.file, ['host']);
      report({
        uri: ecm.file.uri,
        code: 'ecm/dynamic-host',
        range: present ? ecm.file.rangeAt(['host']) : ecm.file.rangeAt(has(ecm.file, ['name']) ? ['name'] : [], 'key'),
        message: present
          ? `ECM host \`${String(host)}\` is not an IP address: the integration's allowedIps match addresses, and a name whose address changes breaks the sign-in. Give the ECM a static IP and write it in \`host\`.`
          : `${ecmName(ecm)} has no \`host\`: add its static IP address (the integration's allowedIps must list it).`,
      });
    }
  },
};

/** `ecm/too-many`: a sixth ECM for a site, or for one ECM group of it when the PA file says the groups, never serves. */
export const ecmCountRule: WorkspaceRule = {
  codes: ['ecm/too-many'],
  reads: ['ecm', 'pa'],
  check(ws, report) {
    for (const site of sitesOf(ws)) {
      const grouped = routesByGroup(site.pa);
      for (const [group, ecms] of ecmsByGroup(site.pa, [...site.ecms, ...site.extraEcms])) {
        // ECMs of no known group are ecm/api-account-unknown's: they never connect.
        if (ecms.length <= MAX_ECMS || (grouped && group === '')) continue;
        const where = grouped ? `${groupLabel(group)} of site ${site.site}` : `site ${site.site}`;
        for (const ecm of ecms) {
          report({
            uri: ecm.file.uri,
            code: 'ecm/too-many',
            range: ecm.file.rangeAt(['site']),
            message: grouped
              ? `${plural(ecms.length, 'ECM')} are in ${where} (by their API accounts), but at most ${MAX_ECMS} may serve one ECM group: remove ${ecms.length - MAX_ECMS}, or sign some in with an API account of another ECM group.`
              : `${plural(ecms.length, 'ECM')} name site ${site.site}, but at most ${MAX_ECMS} may serve one site: remove ${ecms.length - MAX_ECMS}.`,
            related: ecms.filter((o) => o !== ecm).slice(0, MAX_RELATED).map((o) => relatedAt(o.file, ['site'], `${ecmName(o)} also serves ${where}`)),
          });
        }
      }
    }
  },
};

/**
 * `schema/type` for an ECM name used twice (docs/formats.md: "unique in the workspace"): the appliance and
 * the broker tell ECMs apart by name, so a copied file that kept its name makes failover ambiguous.
 */
export const ecmNameRule: WorkspaceRule = {
  codes: ['schema/type'],
  reads: ['ecm'],
  check(ws, report) {
    for (const ecms of groupBy(crossIndex(ws).ecms, (ecm) => str(ecm.value.name)?.toLowerCase()).values()) {
      if (ecms.length < 2) continue;
      for (const ecm of ecms) {
        report({
          uri: ecm.file.uri,
          code: 'schema/type',
          range: ecm.file.rangeAt(['name']),
          message: `ECM name \`${ecmName(ecm)}\` is used by ${plural(ecms.length - 1, 'other ECM file')}; each ECM needs a name of its own (the appliance and the broker tell ECMs apart by name). Rename this one.`,
          related: ecms.filter((o) => o !== ecm).slice(0, MAX_RELATED).map((o) => relatedAt(o.file, ['name'], `${ecmName(o)} is also named here`)),
        });
      }
    }
  },
};

/** `ecm/unknown-integration`, `ecm/shared-key-mismatch`, `ecm/vault-hostname-mismatch`. */
export const ecmVaultRule: WorkspaceRule = {
  codes: ['ecm/unknown-integration', 'ecm/shared-key-mismatch', 'ecm/vault-hostname-mismatch'],
  reads: ['ecm', 'integration', 'vault'],
  check(ws, report) {
    const index = crossIndex(ws);
    for (const ecm of index.ecms) {
      const vault = ecm.value.vault && typeof ecm.value.vault === 'object' ? ecm.value.vault : undefined;
      if (!vault) continue;
      const iname = str(vault.integration);
      const integration = index.integrationOf(ecm);
      // With no integration described at all (e.g. one file checked alone) there is nothing to compare with.
      if (iname && !integration && index.integrations.length) {
        const known = index.integrations.map((i) => str(i.value.name)).filter((n): n is string => !!n);
        const suggestion = closest(iname, known);
        report({
          uri: ecm.file.uri,
          code: 'ecm/unknown-integration',
          range: ecm.file.rangeAt(['vault', 'integration']),
          message: `No integration is named ${names([iname])}${suggestion ? `: did you mean \`${suggestion}\`?` : `: the workspace has ${names(known)}. Correct the name, or add an \`*.integration.yaml\` file for it.`}`,
          related: index.integrations.slice(0, MAX_RELATED).map((i) => relatedAt(i.file, ['name'], `integration ${str(i.value.name) ?? ''}`)),
          data: suggestion ? { replaceWith: suggestion } : undefined,
        });
      }
      if (integration) checkSharedKey(ecm, integration, report);
      checkVaultHostname(ecm, index.vaults, report);
    }
  },
};

type Report = Parameters<WorkspaceRule['check']>[1];

/** Compares references by name and literals by value; never puts either value in the message. */
function checkSharedKey(ecm: Entry<'ecm'>, integration: Entry<'integration'>, report: Report): void {
  const key = ecm.value.vault?.sharedKey, cred = integration.value.authenticationCredential;
  if (typeof key !== 'string' || typeof cred !== 'string' || !key.trim() || !cred.trim()) return;
  const a = parseSecretRef(key), b = parseSecretRef(cred);
  let differ: boolean;
  if (a && b) differ = a.source !== b.source || a.name !== b.name;
  else if (!a && !b) differ = key !== cred;
  else return; // a literal against a reference: secret/plaintext asks for a reference first
  if (!differ) return;
  const iname = str(integration.value.name) ?? 'its integration';
  report({
    uri: ecm.file.uri,
    code: 'ecm/shared-key-mismatch',
    range: ecm.file.rangeAt(['vault', 'sharedKey']),
    message: a && b
      ? `The shared key refers to \`${key.trim()}\`, but integration \`${iname}\` uses \`${cred.trim()}\`: the ECM's Shared Key is that integration's key. Refer to the same secret in both.`
      : `The shared key differs from the authenticationCredential of integration \`${iname}\`: Vault rejects the ECM's sign-in. Use the same key in both.`,
    related: [relatedAt(integration.file, ['authenticationCredential'], `authenticationCredential of integration ${iname}`)],
    data: a && b ? { replaceWith: cred.trim() } : undefined,
  });
}

/** `https://Vault.example.com/` and `https://vault.example.com` are one Vault. */
export function vaultUrlKey(v: unknown): string | undefined {
  if (typeof v !== 'string' || !v.trim()) return undefined;
  try {
    // A bare host name (`vault.example.com`) names the same Vault as its https URL.
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(v.trim()) ? v.trim() : `https://${v.trim()}`);
    return `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return v.trim().toLowerCase().replace(/\/+$/, '');
  }
}

function checkVaultHostname(ecm: Entry<'ecm'>, vaults: Entry<'vault'>[], report: Report): void {
  const mine = vaultUrlKey(ecm.value.vault?.hostname);
  const known = vaults.filter((v) => vaultUrlKey(v.value.hostname) !== undefined);
  if (!mine || !known.length || known.some((v) => vaultUrlKey(v.value.hostname) === mine)) return;
  const theirs = known.map((v) => String(v.value.hostname).trim());
  report({
    uri: ecm.file.uri,
    code: 'ecm/vault-hostname-mismatch',
    range: ecm.file.rangeAt(['vault', 'hostname']),
    message: `The ECM talks to \`${String(ecm.value.vault?.hostname).trim()}\`, but the Vault inventory's hostname is ${names(theirs)}: point both at the same Vault URL.`,
    related: known.slice(0, MAX_RELATED).map((v) => relatedAt(v.file, ['hostname'], 'hostname of the Vault inventory')),
    // The fix copies the inventory's URL only when it is one the ECM can use.
    data: theirs.length === 1 && /^https:\/\//i.test(theirs[0]) ? { replaceWith: theirs[0] } : undefined,
  });
}

