import { crossIndex, type CrossIndex } from '../engine/crossIndex';
import { Memo } from '../engine/memo';
import { DECLARED_IN, forEachNameValue, KIND_LABEL, nameKey, occurrenceAtPath, type NameKind } from '../engine/names';
import type { ParsedFile } from '../model/document';
import type { JsonPath } from '../model/tree';
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
 * a PA user's provider resolves in its own PA file. Names are checked on the files' values (150,000
 * references of a large inventory on every edit); the tree is read only for what is reported.
 */
export const refsRule: WorkspaceRule = {
  check(ws, report) {
    const index = crossIndex(ws);
    const names = new Map<NameKind, string[]>();
    const namesOf = (k: NameKind): string[] => {
      let n = names.get(k);
      if (!n) names.set(k, (n = [...index.declared(k).values()].map((d) => d[0].name)));
      return n;
    };
    // What a verdict depends on: the declared names (the same map objects while their lists are unchanged).
    const deps = DEP_KINDS.flatMap((k) => index.declMaps(k));
    for (const vault of index.vaults) {
      const go = !index.endpointVaults.includes(vault);
      const value = vault.value as Record<string, unknown>;
      for (const list of REF_LISTS) {
        const items = value[list];
        if (!Array.isArray(items)) continue;
        const listDeps = [...deps, go];
        const unknowns = listMemo.get(items, listDeps, () => {
          const out: [number, ItemRef][] = [];
          for (let i = 0; i < items.length; i++) {
            const item = items[i];
            if (!item || typeof item !== 'object') continue;
            for (const ref of itemMemo.get(item, listDeps, () => refsOf(list, item).filter((r) => !(r.kind === 'endpoint' && go) && !index.has(r.kind, r.name)))) out.push([i, ref]);
          }
          return out;
        });
        for (const [i, ref] of unknowns) unknown(index, vault.file, [list, i, ...ref.sub], report, namesOf);
      }
    }
    for (const pa of index.pas) {
      if (!Array.isArray(pa.value.securityProviders)) continue; // no providers listed: nothing to check against
      const declared = new Map<string, string>();
      forEachNameValue('pa', pa.value, (_k, name) => declared.set(nameKey('paProvider', name), name), { kind: 'paProvider', role: 'decl' });
      forEachNameValue('pa', pa.value, (_k, name, _r, path) => {
        if (!declared.has(nameKey('paProvider', name))) unknown(index, pa.file, path(), report, () => [...declared.values()]);
      }, { kind: 'paProvider', role: 'ref' });
    }
  },
};

/** Vault lists whose items refer to names (a provider's fqdn and a check-out holder need no declaration). */
const REF_LISTS = ['groups', 'users', 'endpoints', 'credentialPolicies', 'credentials'] as const;

interface ItemRef { kind: NameKind; name: string; sub: JsonPath }

const itemRefs = new WeakMap<object, ItemRef[]>();
const DEP_KINDS: NameKind[] = ['endpoint', 'endpointGroup', 'user', 'policy', 'group', 'role', 'vaultProvider'];
/** Unknown names per list and per item, kept while the list (item) and the declared names are unchanged. */
const listMemo = new Memo<[number, ItemRef][]>();
const itemMemo = new Memo<ItemRef[]>();

/**
 * The names one list item refers to, cached on the item's value: an edit re-reads only the item it
 * changed, not the other 49,999 credentials.
 */
function refsOf(list: string, item: object): ItemRef[] {
  let refs = itemRefs.get(item);
  if (!refs) {
    refs = [];
    const out = refs;
    forEachNameValue('vault', { [list]: [item] }, (kind, name, _role, path) => {
      const p = path();
      if (kind === 'paProvider' || kind === 'credential' || p[p.length - 1] === 'checkedOutBy') return;
      out.push({ kind, name, sub: p.slice(2) });
    }, { role: 'ref' });
    itemRefs.set(item, refs);
  }
  return refs;
}

function unknown(index: CrossIndex, file: ParsedFile, path: JsonPath, report: Report, candidatesOf: (k: NameKind) => string[]): void {
  const o = occurrenceAtPath(file, path);
  if (!o) return;
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
