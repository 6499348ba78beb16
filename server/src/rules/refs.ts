import { crossIndex, type CrossIndex } from '../engine/crossIndex';
import { DECLARED_IN, forEachName, KIND_LABEL, nameKey, type NameKind, type Occurrence } from '../engine/names';
import { closest } from './closest';
import { has, occRange, relatedAt } from './crossHelpers';
import type { Report, WorkspaceRule } from './types';

/** The list each kind is declared in, for related information. */
const DECL_LIST: Partial<Record<NameKind, string>> = {
  endpoint: 'endpoints', endpointGroup: 'endpointGroups', user: 'users', policy: 'credentialPolicies',
  group: 'groups', role: 'roles', vaultProvider: 'securityProviders', paProvider: 'securityProviders',
};

/** Closest-name suggestions compare against every candidate: past this many, only case variants are offered. */
const MAX_FUZZY = 2000;

/**
 * `ref/unknown`: a name that refers to a policy, endpoint, endpoint group, user group, role or provider
 * that is declared nowhere. Vault names resolve across every Vault file (an inventory may be split);
 * a PA user's provider resolves in its own PA file.
 */
export const refsRule: WorkspaceRule = {
  check(ws, report) {
    const index = crossIndex(ws);
    const names = new Map<NameKind, string[]>();
    const namesOf = (k: NameKind): string[] => {
      let n = names.get(k);
      if (!n) names.set(k, (n = [...index.decls(k).values()].map((d) => d[0].name)));
      return n;
    };
    const goFiles = new Set(index.vaults.filter((v) => !index.endpointVaults.includes(v)).map((v) => v.file.uri));
    for (const vault of index.vaults) {
      forEachName(vault.file, (o) => {
        if (o.kind === 'paProvider' || o.kind === 'credential') return; // a provider's fqdn needs no PA counterpart
        if (o.kind === 'user' && o.path[o.path.length - 1] === 'checkedOutBy') return; // any account may hold a check-out
        if (o.kind === 'endpoint' && goFiles.has(o.file.uri)) return; // Vault Go! has no endpoints
        if (index.declsOf(o.kind, o.name).length) return;
        unknown(index, o, report, namesOf);
      }, { role: 'ref' });
    }
    for (const pa of index.pas) {
      if (!Array.isArray(pa.value.securityProviders)) continue; // no providers listed: nothing to check against
      const declared = new Map<string, string>();
      forEachName(pa.file, (o) => declared.set(nameKey('paProvider', o.name), o.name), { kind: 'paProvider', role: 'decl' });
      forEachName(pa.file, (o) => {
        if (declared.has(nameKey('paProvider', o.name))) return;
        unknown(index, o, report, () => [...declared.values()]);
      }, { kind: 'paProvider', role: 'ref' });
    }
  },
};

function unknown(index: CrossIndex, o: Occurrence, report: Report, candidatesOf: (k: NameKind) => string[]): void {
  const variant = o.kind === 'endpoint' ? index.endpointVariants(o.name).find((v) => v.name.toLowerCase() === o.name.toLowerCase()) : undefined;
  let suggestion = variant?.name;
  if (!suggestion) {
    const candidates = candidatesOf(o.kind);
    if (candidates.length <= MAX_FUZZY) suggestion = closest(o.name, candidates);
  }
  const label = KIND_LABEL[o.kind];
  const listKey = DECL_LIST[o.kind];
  const home = o.kind === 'paProvider' ? o.file : index.vaults[0]?.file ?? o.file;
  report({
    uri: o.file.uri,
    code: 'ref/unknown',
    range: occRange(o),
    message: suggestion
      ? `No ${label} is named \`${o.name}\`: did you mean \`${suggestion}\`?`
      : `No ${label} is named \`${o.name}\`: add it to ${DECLARED_IN[o.kind]}, or correct the name.`,
    related: listKey && has(home, [listKey]) ? [relatedAt(home, [listKey], `${listKey} of the ${o.kind === 'paProvider' ? 'PA' : 'Vault'} inventory`, 'key')] : undefined,
    data: suggestion ? { replaceWith: suggestion } : undefined,
  });
}
