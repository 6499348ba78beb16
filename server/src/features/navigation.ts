/**
 * Go to definition, find references and rename for every named thing (endpoint, user, policy, group,
 * role, provider, integration, ECM, credential), across files. A name is found through the names table
 * (engine/names.ts) the rules use, and compared the way Vault and the ECM compare it.
 */
import type { Location, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { crossIndex } from '../domain/crossIndex';
import { forEachName, kindsHolding, KIND_LABEL, nameKey, occurrenceAt, type NameKind, type Occurrence } from '../domain/names';
import type { ParsedFile } from '../model/document';
import type { Workspace } from '../model/workspace';
import { scalar } from './edits';
import { locate } from './locate';

export function nameAt(file: ParsedFile, offset: number): Occurrence | undefined {
  return occurrenceAt(file, offset, locate);
}

function location(o: Occurrence): Location {
  return { uri: o.file.uri, range: o.file.range(o.offset, o.length) };
}

/** Every occurrence (declarations and references) of one name across the workspace, in file order. */
export function occurrencesOf(ws: Workspace, kind: NameKind, name: string): Occurrence[] {
  const key = nameKey(kind, name);
  const kinds = new Set(kindsHolding(kind));
  const out: Occurrence[] = [];
  for (const file of ws.all().sort((a, b) => a.uri.localeCompare(b.uri))) {
    if (!kinds.has(file.kind)) continue;
    forEachName(file, (o) => { if (nameKey(kind, o.name) === key) out.push(o); }, { kind });
  }
  return out;
}

/**
 * Where a name is declared. A PA jump client leads to its Vault endpoint (or, when only a case or
 * NetBIOS↔FQDN variant exists, to that), a PA user to the Vault user, a mapping line to both providers.
 */
export function definition(ws: Workspace, file: ParsedFile, offset: number): Location[] {
  const o = nameAt(file, offset);
  if (!o) return [];
  const index = crossIndex(ws);
  let decls = index.declsOf(o.kind, o.name);
  if (!decls.length && o.kind === 'endpoint') {
    // Vault Go! inventories are not in the endpoint index (no endpoint rules), but their names still exist.
    decls = occurrencesOf(ws, 'endpoint', o.name).filter((x) => x.role === 'decl');
    if (!decls.length) decls = index.endpointVariants(o.name);
  }
  return decls.map(location);
}

export function references(ws: Workspace, file: ParsedFile, offset: number, includeDeclaration: boolean): Location[] {
  const o = nameAt(file, offset);
  if (!o) return [];
  return occurrencesOf(ws, o.kind, o.name).filter((x) => includeDeclaration || x.role !== 'decl').map(location);
}

export function prepareRename(file: ParsedFile, offset: number): { range: Range; placeholder: string } | null {
  const o = nameAt(file, offset);
  if (!o) return null;
  if (!o.whole) return { range: file.range(o.offset, o.length), placeholder: o.name };
  // A whole scalar: select the name itself, not its quotes.
  const raw = file.text.slice(o.offset, o.offset + o.length);
  const inner = raw.indexOf(o.name);
  return inner >= 0 ? { range: file.range(o.offset + inner, o.name.length), placeholder: o.name } : { range: file.range(o.offset, o.length), placeholder: o.name };
}

export class RenameError extends Error {}

/** Renames the name under the cursor everywhere it is declared or referenced, as one workspace edit. */
export function rename(ws: Workspace, file: ParsedFile, offset: number, newName: string): WorkspaceEdit | null {
  const o = nameAt(file, offset);
  if (!o) return null;
  const name = newName.trim();
  if (!name) throw new RenameError(`A ${KIND_LABEL[o.kind]} name cannot be empty.`);
  if (/[\r\n]/.test(name)) throw new RenameError('A name is one line.');
  // Provider names also live in mapping lines (`fqdn=NETBIOS`) and run-as names (`PROVIDER\\user`).
  if ((o.kind === 'vaultProvider' || o.kind === 'paProvider') && /[=\\\s,]/.test(name)) {
    throw new RenameError(`A ${KIND_LABEL[o.kind]} name cannot hold "=", "\\", "," or spaces: it is written in mapping lines (fqdn=NETBIOS) and run-as names (PROVIDER\\user).`);
  }
  // Renaming onto a name already declared would merge the two silently.
  if (nameKey(o.kind, name) !== nameKey(o.kind, o.name) && occurrencesOf(ws, o.kind, name).some((x) => x.role === 'decl')) {
    throw new RenameError(`A ${KIND_LABEL[o.kind]} named ${name} already exists: renaming ${o.name} to it would merge the two. Pick another name.`);
  }
  return renameOccurrences(occurrencesOf(ws, o.kind, o.name), name);
}

/** The edits that give every occurrence the new name, keeping each scalar's quoting valid. */
export function renameOccurrences(occs: Occurrence[], newName: string): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const o of occs) {
    const list = (changes[o.file.uri] ??= []);
    let newText: string;
    if (o.whole) {
      const value = o.value ?? o.name;
      const at = o.at ?? 0;
      const next = value.slice(0, Math.max(0, at)) + newName + value.slice(Math.max(0, at) + o.name.length);
      newText = scalar(o.file, next, o.file.text.slice(o.offset, o.offset + o.length));
    } else newText = newName;
    list.push({ range: o.file.range(o.offset, o.length), newText });
  }
  return { changes };
}
