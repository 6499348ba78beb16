/** Workspace symbols: every declared name (and each PA jump client and user), filtered by the query. */
import { SymbolKind, type SymbolInformation } from 'vscode-languageserver-types';
import { crossIndex } from '../domain/crossIndex';
import { forEachName, KIND_LABEL, type NameKind, type Occurrence } from '../domain/names';
import type { Workspace } from '../model/workspace';

const SYMBOL_KIND: Record<NameKind, SymbolKind> = {
  endpoint: SymbolKind.Object,
  endpointGroup: SymbolKind.Package,
  user: SymbolKind.Variable,
  policy: SymbolKind.Class,
  group: SymbolKind.Enum,
  role: SymbolKind.EnumMember,
  vaultProvider: SymbolKind.Namespace,
  paProvider: SymbolKind.Namespace,
  integration: SymbolKind.Interface,
  ecm: SymbolKind.Module,
  credential: SymbolKind.Key,
  jumpGroup: SymbolKind.Struct,
  apiAccount: SymbolKind.Constant,
};

const ALL: NameKind[] = ['ecm', 'integration', 'vaultProvider', 'paProvider', 'role', 'group', 'user', 'endpointGroup', 'endpoint', 'policy', 'credential', 'jumpGroup', 'apiAccount'];

/** Enough to pick from; a large inventory is narrowed by typing more. */
export const MAX_SYMBOLS = 500;

export function workspaceSymbols(ws: Workspace, query: string): SymbolInformation[] {
  const index = crossIndex(ws);
  const q = query.trim().toLowerCase();
  const out: SymbolInformation[] = [];
  const push = (o: Occurrence, label: string): boolean => {
    if (q && !fuzzy(o.name.toLowerCase(), q)) return true;
    out.push({ name: o.name, kind: SYMBOL_KIND[o.kind], containerName: label, location: { uri: o.file.uri, range: o.file.range(o.offset, o.length) } });
    return out.length < MAX_SYMBOLS;
  };
  for (const kind of ALL) {
    // Filter by name first: only the matches are looked up in the tree.
    for (const [key, refs] of index.declared(kind)) {
      if (q && !fuzzy(key, q) && !fuzzy(refs[0].name.toLowerCase(), q)) continue;
      for (const o of index.declsOf(kind, refs[0].name)) if (!push(o, KIND_LABEL[kind])) return out;
    }
  }
  // PA's own things, which the index treats as references to Vault names.
  for (const pa of index.pas) {
    let more = true;
    forEachName(pa.file, (o) => {
      if (!more || (o.kind !== 'endpoint' && o.kind !== 'user')) return;
      more = push(o, o.kind === 'endpoint' ? 'PA jump client' : 'PA user');
    }, { role: 'ref' });
    if (!more) break;
  }
  return out;
}

/** Characters of the query in order (what editors call fuzzy matching). */
function fuzzy(name: string, q: string): boolean {
  let i = 0;
  for (let k = 0; k < name.length && i < q.length; k++) if (name[k] === q[i]) i++;
  return i === q.length;
}
