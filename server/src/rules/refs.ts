import type { ReadonlyNameMap } from '../domain/chunkedMap';
import { crossIndex, patchedKeys, type CrossIndex } from '../domain/crossIndex';
import { listEditOf } from '../model/parse/incremental';
import { DECLARED_IN, forEachNameValue, KIND_LABEL, nameKey, occurrenceAtPath, type NameKind } from '../domain/names';
import type { ParsedFile } from '../model/document';
import type { JsonPath } from '../model/tree';
import { closest } from '../domain/closest';
import { has, occRange, relatedAt } from './crossHelpers';
import { list as listOf } from '../model/inventory';
import { unknownName } from './causes';
import type { Report, WorkspaceRule } from './types';

/** The list each kind is declared in, for related information. */
const DECL_LIST: Partial<Record<NameKind, string>> = {
  endpoint: 'endpoints', endpointGroup: 'endpointGroups', user: 'users', policy: 'credentialPolicies',
  group: 'groups', role: 'roles', vaultProvider: 'securityProviders', paProvider: 'securityProviders',
  jumpGroup: 'jumpGroups',
};

/** Names a PA file declares for itself: its references resolve in that file alone, checked when it has the list. */
const PA_OWN: [NameKind, 'securityProviders' | 'jumpGroups'][] = [['paProvider', 'securityProviders'], ['jumpGroup', 'jumpGroups']];
const paOwn = (kind: NameKind): boolean => PA_OWN.some(([k]) => k === kind);

/** Closest-name suggestions compare against every candidate: past this many, only case variants are offered. */
const MAX_FUZZY = 2000;

/**
 * `ref/unknown`: a name that refers to a policy, endpoint, endpoint group, user group, role or provider
 * that is declared nowhere. Vault names resolve across every Vault file (an inventory may be split);
 * a PA user's provider and a jump client's jump group resolve in their own PA file. Names are checked on the files' values (150,000
 * references of a large inventory on every edit); the tree is read only for what is reported.
 */
export const refsRule: WorkspaceRule = {
  codes: ['ref/unknown'],
  reads: ['vault', 'pa'],
  check(ws, report) {
    const index = crossIndex(ws);
    const names = new Map<NameKind, string[]>();
    const namesOf = (k: NameKind): string[] => {
      let n = names.get(k);
      // Suggestions compare with every name: past MAX_FUZZY names only case variants are offered.
      if (!n) names.set(k, (n = index.declaredCount(k) > MAX_FUZZY ? [] : [...index.declared(k).values()].map((d) => d[0].name)));
      return n;
    };
    // What a verdict depends on: the declared names (the same map objects while their lists are unchanged).
    const maps = DEP_KINDS.map((k) => index.declMaps(k));
    // Each unknown Vault name once, for the renamed-declaration root below.
    const unknownNames = new Map<string, { kind: NameKind; name: string; count: number }>();
    for (const vault of index.vaults) {
      const go = !index.endpointVaults.includes(vault);
      const value = vault.value as Record<string, unknown>;
      for (const list of REF_LISTS) {
        const items = value[list];
        if (!Array.isArray(items)) continue;
        for (const [i, refs] of unknownsOf(index, list, items, maps, go)) {
          for (const ref of refs) {
            unknown(index, vault.file, [list, i, ...subPath(ref)], report, namesOf);
            const key = unknownName(ref.kind, ref.name);
            const seen = unknownNames.get(key);
            if (seen) seen.count++; else unknownNames.set(key, { kind: ref.kind, name: ref.name, count: 1 });
          }
        }
      }
    }
    // One reference with a typo is the typo; several naming the same missing name point at a renamed declaration.
    for (const [key, { kind, name, count }] of unknownNames) {
      const jumpClients = kind === 'endpoint' ? index.pas.filter((pa) => listOf(pa.value.jumpClients).some((jc) => (jc as { name?: unknown }).name === name)).length : 0;
      if (count + jumpClients > 1) renamedDeclaration(index, key, kind, name, report);
    }
    for (const pa of index.pas) {
      for (const [kind, listKey] of PA_OWN) {
        if (!Array.isArray(pa.value[listKey])) continue; // nothing listed: nothing to check against
        const declared = new Map<string, string>();
        forEachNameValue('pa', pa.value, (_k, name) => declared.set(nameKey(kind, name), name), { kind, role: 'decl' });
        forEachNameValue('pa', pa.value, (_k, name, _r, path) => {
          if (!declared.has(nameKey(kind, name))) unknown(index, pa.file, path(), report, () => [...declared.values()]);
        }, { kind, role: 'ref' });
      }
    }
  },
  // The reverse indexes an edit that renames a declaration consults: over 50,000 credentials ~160 ms that
  // the first such keystroke after opening a workspace would otherwise wait for.
  prepareForEdits(ws) {
    for (const vault of crossIndex(ws).vaults) {
      const value = vault.value as Record<string, unknown>;
      for (const list of REF_LISTS) {
        const items = value[list];
        if (Array.isArray(items)) referrersOf(list, items);
      }
    }
  },
};

/** Vault lists whose items refer to names (a provider's fqdn and a check-out holder need no declaration). */
const REF_LISTS = ['groups', 'users', 'endpoints', 'credentialPolicies', 'credentials'] as const;
type RefList = (typeof REF_LISTS)[number];

/** A name one list item refers to, and where in the item: `field`, `field[idx]`, or `permissions[idx].principal`. */
interface ItemRef { kind: NameKind; name: string; field: string; idx: number }

const subPath = (r: ItemRef): JsonPath => (r.field === 'permissions' ? ['permissions', r.idx, 'principal'] : r.idx < 0 ? [r.field] : [r.field, r.idx]);

/** Which fields of which list refer to which kind (the Vault part of engine/names.ts's table). */
const FIELDS: Record<RefList, [string, NameKind, boolean][]> = {
  groups: [['roles', 'role', true]],
  users: [['securityProvider', 'vaultProvider', false], ['roles', 'role', true], ['groups', 'group', true]],
  endpoints: [['groups', 'endpointGroup', true]],
  credentialPolicies: [],
  credentials: [['policy', 'policy', false], ['endpoints', 'endpoint', true], ['endpointGroups', 'endpointGroup', true]],
};

const itemRefs = new WeakMap<object, ItemRef[]>();
const NONE: ItemRef[] = [];

/** The names one list item refers to, cached on the item's value (for the reverse index, built on the first edit that needs it). */
function refsOf(list: RefList, item: object): ItemRef[] {
  let refs = itemRefs.get(item);
  if (!refs) itemRefs.set(item, (refs = collectRefs(list, item)));
  return refs;
}

/** The names one item refers to, or only those `keep` accepts: a cold check keeps only the unknown ones and allocates nothing for the rest. */
function collectRefs(list: RefList, item: object, keep?: (kind: NameKind, name: string) => boolean): ItemRef[] {
  let refs: ItemRef[] = NONE;
  const add = (kind: NameKind, name: string, field: string, idx: number): void => {
    if (keep && !keep(kind, name)) return;
    if (refs === NONE) refs = [];
    refs.push({ kind, name, field, idx });
  };
  const o = item as Record<string, unknown>;
  for (const [field, kind, many] of FIELDS[list]) {
    const v = o[field];
    if (many) {
      if (!Array.isArray(v)) continue;
      for (let k = 0; k < v.length; k++) {
        const x = v[k];
        if (typeof x === 'string' && x.trim()) add(kind, kind === 'endpoint' ? x : x.trim(), field, k);
      }
    } else if (typeof v === 'string' && v.trim()) add(kind, v.trim(), field, -1);
  }
  if (list === 'credentialPolicies' && Array.isArray(o.permissions)) {
    o.permissions.forEach((perm, k) => {
      const pr = perm && typeof perm === 'object' ? (perm as { principal?: unknown }).principal : undefined;
      const m = typeof pr === 'string' ? /^\s*(user|group|role)\s*:\s*(.*?)\s*$/i.exec(pr) : null;
      if (m && m[2]) add(m[1].toLowerCase() as NameKind, m[2], 'permissions', k);
    });
  }
  return refs;
}

const DEP_KINDS: NameKind[] = ['endpoint', 'endpointGroup', 'user', 'policy', 'group', 'role', 'vaultProvider'];

/** The unknown names of one list, and the declarations they were judged against. */
interface ListState { maps: ReadonlyNameMap<unknown>[][]; go: boolean; unknowns: Map<number, ItemRef[]> }
const listStates = new WeakMap<object, ListState>();
/** Per list: which items refer to a name (`kind` + NUL + key) — to re-judge only those when declarations change. */
const referrers = new WeakMap<object, Referrers>();

/**
 * The items of a list that name something undeclared. Derived from what is known of an earlier version:
 * a list an edit replaced (listEditOf) keeps the verdicts of its untouched items and judges the new ones;
 * when declarations changed, only the items naming an added or removed name are judged again (a renamed
 * endpoint re-judges the credentials naming the old or the new name, not all 50,000).
 */
function unknownsOf(index: CrossIndex, list: RefList, items: unknown[], maps: ReadonlyNameMap<unknown>[][], go: boolean): Map<number, ItemRef[]> {
  const unknownName = (kind: NameKind, name: string): boolean => !(kind === 'endpoint' && go) && !index.has(kind, name);
  const judge = (i: number): ItemRef[] => {
    const item = items[i];
    if (!item || typeof item !== 'object') return NONE;
    const refs = itemRefs.get(item);
    return refs ? refs.filter((r) => unknownName(r.kind, r.name)) : collectRefs(list, item, unknownName);
  };
  let base = listStates.get(items);
  if (!base) {
    const edit = listEditOf(items);
    const prev = edit?.prev && listStates.get(edit.prev);
    if (edit && prev && prev.go === go) {
      // The same verdicts for the untouched items (moved), fresh ones for the items the edit replaced.
      const unknowns = new Map<number, ItemRef[]>();
      const shift = edit.added - edit.removed;
      for (const [i, refs] of prev.unknowns) {
        if (i < edit.first) unknowns.set(i, refs);
        else if (i >= edit.first + edit.removed) unknowns.set(i + shift, refs);
      }
      for (let i = edit.first; i < edit.first + edit.added; i++) { const bad = judge(i); if (bad.length) unknowns.set(i, bad); }
      base = { maps: prev.maps, go, unknowns };
    } else {
      const unknowns = new Map<number, ItemRef[]>();
      for (let i = 0; i < items.length; i++) { const bad = judge(i); if (bad.length) unknowns.set(i, bad); }
      base = { maps, go, unknowns };
    }
  }
  const changed = changedKeys(base.maps, maps);
  if (changed.size) {
    const unknowns = new Map(base.unknowns);
    const rev = referrersOf(list, items);
    for (const key of changed) {
      for (const i of rev.get(key) ?? []) { const bad = judge(i); if (bad.length) unknowns.set(i, bad); else unknowns.delete(i); }
    }
    base = { maps, go, unknowns };
  }
  listStates.set(items, base);
  return base.unknowns;
}

/** `kind` + NUL + key of every name declared in one set of maps and not the other, for kinds whose maps changed. */
function changedKeys(before: ReadonlyNameMap<unknown>[][], after: ReadonlyNameMap<unknown>[][]): Set<string> {
  const out = new Set<string>();
  DEP_KINDS.forEach((kind, k) => {
    const a = before[k], b = after[k];
    if (a.length === b.length && a.every((m, i) => m === b[i])) return;
    const patched = a.length === 1 && b.length === 1 ? patchedKeys(kind, a[0], b[0]) : undefined;
    if (patched) { for (const key of patched) out.add(`${kind}\0${key}`); return; }
    const inA = (key: string) => a.some((m) => m.has(key)), inB = (key: string) => b.some((m) => m.has(key));
    for (const m of a) for (const key of m.keys()) if (!inB(key)) out.add(`${kind}\0${key}`);
    for (const m of b) for (const key of m.keys()) if (!inA(key)) out.add(`${kind}\0${key}`);
  });
  return out;
}

/** Which items of a list refer to each name: built once, then carried through edits (EditedReferrers). */
interface Referrers {
  get(key: string): number[] | undefined;
  /** How many edits lie over a built index. */
  readonly depth: number;
}

/** After this many edits over one index, the next version builds its own (a lookup walks every layer). */
const MAX_REFERRER_LAYERS = 32;

function referrersOf(list: RefList, items: unknown[]): Referrers {
  let rev = referrers.get(items);
  if (!rev) {
    // An edited list: the previous version's index with the replaced items laid over it. Building it again
    // for 10,000 endpoints was ~7 ms of every keystroke that renamed one.
    const edit = listEditOf(items);
    const prev = edit?.prev && referrers.get(edit.prev);
    rev = prev && prev.depth < MAX_REFERRER_LAYERS
      ? new EditedReferrers(prev, edit.first, edit.removed, edit.added, buildReferrers(list, items, edit.first, edit.first + edit.added))
      : Object.assign(buildReferrers(list, items, 0, items.length), { depth: 0 });
    referrers.set(items, rev);
  }
  return rev;
}

function buildReferrers(list: RefList, items: unknown[], from: number, to: number): Map<string, number[]> {
  const rev = new Map<string, number[]>();
  for (let i = from; i < to; i++) {
    const item = items[i];
    if (!item || typeof item !== 'object') continue;
    for (const r of refsOf(list, item)) {
      const key = `${r.kind}\0${nameKey(r.kind, r.name)}`;
      const at = rev.get(key);
      if (!at) rev.set(key, [i]); else if (at[at.length - 1] !== i) at.push(i);
    }
  }
  return rev;
}

/** The index of a list an edit made: items [first, first + removed) of the previous version became `added` new ones. */
class EditedReferrers implements Referrers {
  readonly depth: number;

  constructor(private readonly prev: Referrers, private readonly first: number, private readonly removed: number, private readonly added: number, private readonly fresh: Map<string, number[]>) {
    this.depth = prev.depth + 1;
  }

  get(key: string): number[] | undefined {
    const { first, removed, added } = this;
    const out: number[] = [];
    for (const i of this.prev.get(key) ?? []) {
      if (i < first) out.push(i);
      else if (i >= first + removed) out.push(i + added - removed);
    }
    for (const i of this.fresh.get(key) ?? []) out.push(i);
    return out.length ? out : undefined;
  }
}

/**
 * A name referred to but declared nowhere, while a near name is declared and referred to nowhere: the
 * declaration was most likely renamed (or the references all carry one typo). The root goes on that
 * declaration — the line the user edited — and the references count in it.
 */
function renamedDeclaration(index: CrossIndex, key: string, kind: NameKind, name: string, report: Report): void {
  const near = index.nearName(kind, name);
  if (!near || referenced(index, kind, near)) return;
  const decl = index.declsOf(kind, near)[0];
  if (!decl) return;
  const label = KIND_LABEL[kind];
  report({
    uri: decl.file.uri,
    code: 'ref/unknown',
    range: occRange(decl),
    message: `The ${label} \`${near}\` is referred to nowhere, and \`${name}\` is referred to but declared nowhere: rename this ${label} back to \`${name}\`, or rename the references to \`${near}\` (F2 renames all).`,
    rootOf: key,
    data: { replaceWith: name },
  });
}

/** Whether a Vault list refers to this name (or, for an endpoint, a PA jump client is named so). */
function referenced(index: CrossIndex, kind: NameKind, name: string): boolean {
  const key = `${kind}\0${nameKey(kind, name)}`;
  for (const vault of index.vaults) {
    const value = vault.value as Record<string, unknown>;
    for (const list of REF_LISTS) {
      const items = value[list];
      if (Array.isArray(items) && referrersOf(list, items).get(key)) return true;
    }
  }
  return kind === 'endpoint' && index.pas.some((pa) => listOf(pa.value.jumpClients).some((jc) => (jc as { name?: unknown }).name === name));
}

function unknown(index: CrossIndex, file: ParsedFile, path: JsonPath, report: Report, candidatesOf: (k: NameKind) => string[]): void {
  const o = occurrenceAtPath(file, path);
  if (!o) return;
  const own = paOwn(o.kind);
  const suggestion = own ? closest(o.name, candidatesOf(o.kind)) : index.nearName(o.kind, o.name);
  const item = (file.value as Record<string, unknown[]>)[String(path[0])]?.[Number(path[1])] as { name?: unknown; username?: unknown } | undefined;
  const itemName = typeof item?.username === 'string' ? item.username : typeof item?.name === 'string' ? item.name : `${String(path[0])} item ${Number(path[1]) + 1}`;
  const label = KIND_LABEL[o.kind];
  const listKey = DECL_LIST[o.kind];
  const home = own ? o.file : index.vaults[0]?.file ?? o.file;
  report({
    uri: o.file.uri,
    code: 'ref/unknown',
    range: occRange(o),
    message: suggestion
      ? `No ${label} is named \`${o.name}\`: did you mean \`${suggestion}\`?`
      : `No ${label} is named \`${o.name}\`: add it to ${DECLARED_IN[o.kind]}, or correct the name.`,
    related: listKey && has(home, [listKey]) ? [relatedAt(home, [listKey], `${listKey} of the ${own ? 'PA' : 'Vault'} inventory`, 'key')] : undefined,
    data: suggestion ? { replaceWith: suggestion } : undefined,
    cause: { key: unknownName(o.kind, o.name), noun: 'reference', subject: `\`${itemName}\`` },
  });
}
