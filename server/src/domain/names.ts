/**
 * Where names are written in the four file kinds: every place that declares a named thing (a Vault
 * endpoint, a policy, an ECM…) or refers to one. Rules, navigation, rename and completion all read
 * names through this one table, so a name found by "go to definition" is the name a rule checks.
 */
import type { ParsedFile } from '../model/document';
import type { FileKind } from '../model/fileKind';
import type { JsonPath, Node, ScalarNode } from '../model/tree';
import { mappingLines } from './mappingLines';

export type NameKind =
  | 'endpoint' | 'endpointGroup' | 'user' | 'policy' | 'group' | 'role'
  | 'vaultProvider' | 'paProvider' | 'integration' | 'ecm' | 'credential' | 'jumpGroup' | 'apiAccount';

export const KIND_LABEL: Record<NameKind, string> = {
  endpoint: 'endpoint',
  endpointGroup: 'endpoint group',
  user: 'user',
  policy: 'credential policy',
  group: 'user group',
  role: 'role',
  vaultProvider: 'Vault security provider',
  paProvider: 'PA security provider',
  integration: 'integration',
  ecm: 'ECM',
  credential: 'credential',
  jumpGroup: 'jump group',
  apiAccount: 'PA API account',
};

/** Where each kind is declared, for "add it under …" hints. */
export const DECLARED_IN: Record<NameKind, string> = {
  endpoint: '`endpoints` of the Vault inventory',
  endpointGroup: '`endpointGroups` of the Vault inventory',
  user: '`users` of the Vault inventory',
  policy: '`credentialPolicies` of the Vault inventory',
  group: '`groups` of the Vault inventory',
  role: '`roles` of the Vault inventory',
  vaultProvider: '`securityProviders` of the Vault inventory',
  paProvider: '`securityProviders` of the PA inventory',
  integration: 'an `*.integration.yaml` file',
  ecm: 'an `*.ecm.yaml` file',
  credential: '`credentials` of the Vault inventory',
  jumpGroup: '`jumpGroups` of the PA inventory',
  apiAccount: '`apiAccounts` of the PA inventory',
};

/**
 * The key two names are compared by. Endpoints compare exactly, because the ECM asks Vault for the
 * name PA shows; Vault and PA compare every other name case-insensitively.
 */
export function nameKey(kind: NameKind, name: string): string {
  return kind === 'endpoint' ? name : name.trim().toLowerCase();
}

export type Role = 'decl' | 'ref';

/** One written name: its kind, whether it declares or refers, and where its text is. */
export interface Occurrence {
  kind: NameKind;
  name: string;
  role: Role;
  file: ParsedFile;
  /** Path of the scalar that holds the name (for mapping lines: the mappings field). */
  path: JsonPath;
  /** The name's text in the file: the whole scalar (quotes included) when `whole`, else just the name inside it. */
  offset: number;
  length: number;
  /**
   * True when offset/length cover the whole scalar: a rename rewrites (and may re-quote) the scalar, putting
   * the new name at `at` in `value`. False when they cover exactly the name's characters.
   */
  whole: boolean;
  value?: string;
  at?: number;
}

type Part = 'whole' | 'principal' | 'runAs';

interface Site {
  pattern: JsonPath; // '*' = any list index
  kind: NameKind | 'principal';
  role: Role;
  part?: Part;
}

const d = (kind: NameKind, ...pattern: JsonPath): Site => ({ pattern, kind, role: 'decl' });
const r = (kind: NameKind | 'principal', part: Part, ...pattern: JsonPath): Site => ({ pattern, kind, role: 'ref', part });

export const SITES: Record<FileKind, Site[]> = {
  vault: [
    d('vaultProvider', 'securityProviders', '*', 'name'),
    r('paProvider', 'whole', 'securityProviders', '*', 'fqdn'),
    d('role', 'roles', '*', 'name'),
    d('group', 'groups', '*', 'name'),
    r('role', 'whole', 'groups', '*', 'roles', '*'),
    d('user', 'users', '*', 'username'),
    r('vaultProvider', 'whole', 'users', '*', 'securityProvider'),
    r('role', 'whole', 'users', '*', 'roles', '*'),
    r('group', 'whole', 'users', '*', 'groups', '*'),
    d('endpointGroup', 'endpointGroups', '*', 'name'),
    d('endpoint', 'endpoints', '*', 'name'),
    r('endpointGroup', 'whole', 'endpoints', '*', 'groups', '*'),
    d('policy', 'credentialPolicies', '*', 'name'),
    r('principal', 'principal', 'credentialPolicies', '*', 'permissions', '*', 'principal'),
    d('credential', 'credentials', '*', 'name'),
    r('policy', 'whole', 'credentials', '*', 'policy'),
    r('endpoint', 'whole', 'credentials', '*', 'endpoints', '*'),
    r('endpointGroup', 'whole', 'credentials', '*', 'endpointGroups', '*'),
    r('user', 'runAs', 'credentials', '*', 'checkedOutBy'),
  ],
  pa: [
    d('paProvider', 'securityProviders', '*', 'name'),
    r('user', 'whole', 'users', '*', 'username'),
    r('paProvider', 'whole', 'users', '*', 'securityProvider'),
    // A jump client's name is the endpoint name the ECM asks Vault for: the same thing, seen from PA.
    r('endpoint', 'whole', 'jumpClients', '*', 'name'),
    d('jumpGroup', 'jumpGroups', '*', 'name'),
    r('jumpGroup', 'whole', 'jumpClients', '*', 'jumpGroup'),
    // An API account is known by its client id: that is what the ECM names it by.
    d('apiAccount', 'apiAccounts', '*', 'clientId'),
  ],
  ecm: [
    d('ecm', 'name'),
    r('apiAccount', 'whole', 'clientId'),
    r('integration', 'whole', 'vault', 'integration'),
    r('vaultProvider', 'whole', 'vault', 'defaultSecurityProvider'),
  ],
  integration: [d('integration', 'name')],
};

/** Top-level fields whose list items declare names (for symbols and completion of whole lists). */
export function declSites(fileKind: FileKind): Site[] {
  return SITES[fileKind].filter((s) => s.role === 'decl');
}

/**
 * Visits every name written in a file, in document order per site. `only` restricts the visit to sites
 * that can hold that kind (cheap on large inventories: other lists are not walked).
 */
export function forEachName(file: ParsedFile, visit: (o: Occurrence) => void, only?: { kind?: NameKind; role?: Role }): void {
  for (const site of SITES[file.kind]) {
    if (only?.role && site.role !== only.role) continue;
    if (only?.kind && site.kind !== only.kind && !(site.kind === 'principal' && PRINCIPAL_KINDS.has(only.kind))) continue;
    walkPattern(file.root, site.pattern, 0, [], (node, path) => {
      const o = occurrence(file, site, node, path);
      if (o && (!only?.kind || o.kind === only.kind)) visit(o);
    });
  }
  if (file.kind === 'ecm' && (!only?.role || only.role === 'ref') && (!only?.kind || only.kind === 'paProvider' || only.kind === 'vaultProvider')) {
    for (const line of mappingLines(file)) {
      if (!line.fqdn || !line.netbios || !line.fqdnRange || !line.netbiosRange) continue;
      const path = ['vault', 'securityProviderMappings'];
      const parts: [NameKind, string, typeof line.fqdnRange][] = [['paProvider', line.fqdn, line.fqdnRange], ['vaultProvider', line.netbios, line.netbiosRange]];
      for (const [kind, name, range] of parts) {
        if (only?.kind && only.kind !== kind) continue;
        const offset = file.offsetAt(range.start);
        const length = file.offsetAt(range.end) - offset;
        // A multi-line JSON string shares one range for all lines: not a place a rename can edit.
        if (file.text.slice(offset, offset + length) !== name) continue;
        visit({ kind, name, role: 'ref', file, path, offset, length, whole: false });
      }
    }
  }
}

const PRINCIPAL_KINDS = new Set<NameKind>(['user', 'group', 'role']);

function walkPattern(node: Node | undefined, pattern: JsonPath, i: number, path: JsonPath, visit: (node: ScalarNode, path: JsonPath) => void): void {
  if (!node) return;
  if (i === pattern.length) {
    if (node.type === 'string') visit(node, path);
    return;
  }
  const seg = pattern[i];
  if (seg === '*') {
    if (node.type !== 'array') return;
    const items = node.items;
    for (let k = 0; k < items.length; k++) walkPattern(items[k], pattern, i + 1, [...path, k], visit);
  } else if (node.type === 'object') {
    const props = node.properties;
    for (let k = 0; k < props.length; k++) {
      if (props[k].key === seg) { walkPattern(props[k].value, pattern, i + 1, [...path, seg], visit); return; }
    }
  }
}

function occurrence(file: ParsedFile, site: Site, node: ScalarNode, path: JsonPath): Occurrence | undefined {
  const value = String(node.value);
  if (!value.trim()) return undefined;
  if (site.kind !== 'principal' && site.part !== 'runAs') {
    // Endpoint names keep their spaces: a stray space is exactly the mismatch the ECM trips over.
    const name = site.kind === 'endpoint' ? value : value.trim();
    return { kind: site.kind, name, role: site.role, file, path, offset: node.offset, length: node.length, whole: true, value, at: value.indexOf(name) };
  }
  let kind: NameKind, name: string, at: number;
  if (site.kind === 'principal') {
    const m = /^(\s*)(user|group|role)(\s*:\s*)(.*?)\s*$/i.exec(value);
    if (!m || !m[4]) return undefined;
    kind = m[2].toLowerCase() as NameKind;
    name = m[4];
    at = m[1].length + m[2].length + m[3].length;
  } else {
    // checkedOutBy: `username` or `PROVIDER\username`.
    const slash = value.lastIndexOf('\\');
    name = value.slice(slash + 1).trim();
    if (!name) return undefined;
    kind = 'user';
    at = value.indexOf(name, slash + 1);
  }
  const span = innerSpan(file, node, value, at, name.length);
  return { kind, name, role: site.role, file, path, ...span, value, at };
}

/**
 * Where characters [at, at+len) of a string value are in the text. When escapes make the source differ
 * from the value, the whole scalar stands in (and a rename then rewrites the whole string).
 */
function innerSpan(file: ParsedFile, node: ScalarNode, value: string, at: number, len: number): { offset: number; length: number; whole: boolean } {
  const raw = file.text.slice(node.offset, node.offset + node.length);
  const quote = raw[0] === '"' || raw[0] === "'" ? 1 : 0;
  if (raw.slice(quote, quote + value.length) === value) return { offset: node.offset + quote + at, length: len, whole: false };
  return { offset: node.offset, length: node.length, whole: true };
}

/** Whether a concrete path fits a site pattern (`*` = any list index). */
export function pathFits(pattern: JsonPath, path: JsonPath): boolean {
  if (pattern.length !== path.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '*' ? typeof path[i] !== 'number' : pattern[i] !== path[i]) return false;
  }
  return true;
}

/** The kind of name a value at `path` holds, if any (a principal's kind depends on its prefix). */
export function siteAt(fileKind: FileKind, path: JsonPath): { kind: NameKind | 'principal'; role: Role } | undefined {
  const s = SITES[fileKind].find((x) => pathFits(x.pattern, path));
  return s && { kind: s.kind, role: s.role };
}

/** The name under the cursor: a declared or referenced name whose text contains `offset`. */
export function occurrenceAt(file: ParsedFile, offset: number, nodeAt: (file: ParsedFile, offset: number) => { path: JsonPath; node?: Node; onKey: boolean } | undefined): Occurrence | undefined {
  const loc = nodeAt(file, offset);
  if (loc && !loc.onKey && loc.node?.type === 'string') {
    const site = SITES[file.kind].find((x) => pathFits(x.pattern, loc.path));
    const o = site && occurrence(file, site, loc.node, loc.path);
    if (o && offset >= o.offset && offset <= o.offset + o.length) return o;
  }
  if (file.kind === 'ecm') {
    let hit: Occurrence | undefined;
    forEachName(file, (o) => { if (!hit && o.path[1] === 'securityProviderMappings' && offset >= o.offset && offset <= o.offset + o.length) hit = o; }, { role: 'ref' });
    return hit;
  }
  return undefined;
}

/** The file kinds in which a kind of name can be written. */
export function kindsHolding(kind: NameKind): FileKind[] {
  const out = (Object.keys(SITES) as FileKind[]).filter((fk) => SITES[fk].some((s) => s.kind === kind || (s.kind === 'principal' && PRINCIPAL_KINDS.has(kind))));
  if ((kind === 'paProvider' || kind === 'vaultProvider') && !out.includes('ecm')) out.push('ecm');
  return out;
}

/**
 * The same sites, read from a file's plain value instead of its tree: no node is touched and no path is
 * built unless `visit` asks for one. The cross-file rules check every name this way on each edit and
 * look up the tree only for what they report.
 */
export function forEachNameValue(
  fileKind: FileKind,
  value: unknown,
  visit: (kind: NameKind, name: string, role: Role, path: () => JsonPath) => void,
  only?: { kind?: NameKind; role?: Role },
): void {
  const stack: (string | number)[] = [];
  for (const site of SITES[fileKind]) {
    if (only?.role && site.role !== only.role) continue;
    if (only?.kind && site.kind !== only.kind && !(site.kind === 'principal' && PRINCIPAL_KINDS.has(only.kind))) continue;
    alongValue(value, site.pattern, 0, stack, (v) => {
      if (typeof v !== 'string' || !v.trim()) return;
      let kind: NameKind, name: string;
      if (site.kind === 'principal') {
        const m = /^\s*(user|group|role)\s*:\s*(.*?)\s*$/i.exec(v);
        if (!m || !m[2]) return;
        kind = m[1].toLowerCase() as NameKind;
        name = m[2];
      } else if (site.part === 'runAs') {
        kind = 'user';
        name = v.slice(v.lastIndexOf('\\') + 1).trim();
        if (!name) return;
      } else {
        kind = site.kind;
        name = kind === 'endpoint' ? v : v.trim();
      }
      if (only?.kind && kind !== only.kind) return;
      visit(kind, name, site.role, () => stack.slice());
    });
  }
}

function alongValue(v: unknown, pattern: JsonPath, i: number, stack: (string | number)[], visit: (v: unknown) => void): void {
  if (i === pattern.length) { visit(v); return; }
  const seg = pattern[i];
  if (seg === '*') {
    if (!Array.isArray(v)) return;
    for (let k = 0; k < v.length; k++) { stack.push(k); alongValue(v[k], pattern, i + 1, stack, visit); stack.pop(); }
  } else if (v && typeof v === 'object' && !Array.isArray(v)) {
    const next = (v as Record<string, unknown>)[seg as string];
    if (next === undefined) return;
    stack.push(seg);
    alongValue(next, pattern, i + 1, stack, visit);
    stack.pop();
  }
}

/** The occurrence written at `path` of a file (from its tree), for reporting a name found in the value. */
export function occurrenceAtPath(file: ParsedFile, path: JsonPath): Occurrence | undefined {
  const site = SITES[file.kind].find((x) => pathFits(x.pattern, path));
  const { node, depth } = file.at(path);
  return site && depth === path.length && node?.type === 'string' ? occurrence(file, site, node, path) : undefined;
}
