/**
 * Completion of names where a reference is expected: a credential's policy and endpoints, a user's
 * groups, roles and provider, a policy principal, an ECM's integration, default provider and mapping
 * lines and client id (the PA API accounts), a PA user's provider, a jump client's name (from the Vault
 * endpoints) and jump group…
 */
import { CompletionItemKind, InsertTextFormat, type CompletionItem } from 'vscode-languageserver-types';
import { crossIndex } from '../domain/crossIndex';
import { KIND_LABEL, siteAt, type NameKind } from '../domain/names';
import type { ParsedFile } from '../model/document';
import { lineStartAt } from '../model/text/lines';
import type { JsonPath, Node } from '../model/tree';
import type { Workspace } from '../model/workspace';
import { mappingLines } from '../domain/mappingLines';
import { netbiosFor } from '../rules/mappingProviders';
import { list, type PaApiAccount, type PaSecurityProvider } from '../model/inventory';
import { scalar } from './edits';
import { blockScalarAt, locate } from './locate';

interface Expected {
  /** `mappingLine`: a whole `fqdn=NETBIOS` line, for a mapping line with no `=` yet. */
  kind: NameKind | 'principal' | 'mappingLine';
  /** The scalar being typed (replaced whole), if any. */
  node?: Node;
  /** For a part of a string (a mapping line): the text span replaced. */
  span?: { offset: number; length: number };
}

/** Name items for the cursor, or undefined when no name is expected there (other completion applies). */
export function completeNames(ws: Workspace, file: ParsedFile, offset: number): CompletionItem[] | undefined {
  const exp = expected(file, offset);
  if (!exp) return undefined;
  const index = crossIndex(ws);
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const add = (name: string, kind: NameKind, label = name, detail = KIND_LABEL[kind]): void => {
    if (seen.has(label)) return;
    seen.add(label);
    const item: CompletionItem = { label, kind: CompletionItemKind.Reference, detail, sortText: label.toLowerCase() };
    if (exp.span) item.textEdit = { range: file.range(exp.span.offset, exp.span.length), newText: label };
    else if (exp.node && isScalar(exp.node) && exp.node.length > 0) {
      const raw = file.text.slice(exp.node.offset, exp.node.offset + exp.node.length);
      const newText = scalar(file, label, raw);
      item.textEdit = { range: file.nodeRange(exp.node), newText };
      item.filterText = newText;
    } else if (file.syntax === 'json' || scalar(file, label) !== label) {
      item.insertText = scalar(file, label);
    }
    items.push(item);
  };
  const declNames = (kind: NameKind): string[] => [...index.declared(kind).values()].map((d) => d[0].name);

  if (exp.kind === 'mappingLine') {
    // The PA site's AD domains this ECM does not map yet, each with the Vault provider of that FQDN.
    const mapped = new Set(mappingLines(file).map((l) => l.fqdn?.toLowerCase()).filter(Boolean));
    for (const pa of index.pas) {
      for (const p of list<PaSecurityProvider>(pa.value.securityProviders)) {
        if (typeof p.name !== 'string' || p.type !== 'activeDirectory' || mapped.has(p.name.toLowerCase())) continue;
        const line = `${p.name}=${netbiosFor(index.vault.securityProviders, p.name)}`;
        if (seen.has(line)) continue;
        seen.add(line);
        items.push({ label: line, kind: CompletionItemKind.Reference, detail: 'mapping of a PA Active Directory domain', textEdit: { range: file.range(exp.span!.offset, exp.span!.length), newText: line } });
      }
    }
    // Every PA domain is mapped already: the shape of a line, so the list is never empty (an empty one
    // lets the editor fill it with words of the file, GUID fragments included).
    if (!items.length) {
      items.push({
        label: 'fqdn=NETBIOS', kind: CompletionItemKind.Snippet, detail: 'a mapping line: AD domain = Vault security provider',
        insertTextFormat: InsertTextFormat.Snippet, textEdit: { range: file.range(exp.span!.offset, exp.span!.length), newText: '${1:ad.example.com}=${2:NETBIOS}' },
      });
    }
    return items;
  }
  if (exp.kind === 'principal') {
    for (const k of ['group', 'role', 'user'] as const) for (const n of declNames(k)) add(n, k, `${k}:${n}`);
  } else if (exp.kind === 'endpoint') {
    // Vault Go! endpoints are names too, even though no rule needs them.
    for (const v of index.vaults) for (const e of Array.isArray(v.value.endpoints) ? v.value.endpoints : []) if (typeof e?.name === 'string') add(e.name, 'endpoint');
  } else if (exp.kind === 'user' && file.kind === 'pa') {
    for (const n of declNames('user')) add(n, 'user');
  } else if ((exp.kind === 'paProvider' || exp.kind === 'jumpGroup') && file.kind === 'pa') {
    // A PA file's own providers and jump groups: its references resolve there.
    const own = (file.value as Record<string, unknown> | null)?.[exp.kind === 'paProvider' ? 'securityProviders' : 'jumpGroups'];
    for (const p of list<{ name?: unknown }>(own)) if (typeof p.name === 'string') add(p.name, exp.kind);
  } else if (exp.kind === 'apiAccount') {
    // An ECM names its API account by client id: each offered with the account's name.
    for (const pa of index.pas) {
      for (const a of list<PaApiAccount>(pa.value.apiAccounts)) {
        if (typeof a.clientId !== 'string' || !a.clientId.trim()) continue;
        add(a.clientId.trim(), 'apiAccount', a.clientId.trim(), `${KIND_LABEL.apiAccount}${typeof a.name === 'string' ? ` ${a.name}` : ''}${a.ecmAccess === true ? '' : ' (no ECM access)'}`);
      }
    }
  } else {
    for (const n of declNames(exp.kind)) add(n, exp.kind);
  }
  return items;
}

function isScalar(n: Node): boolean {
  return n.type !== 'object' && n.type !== 'array';
}

/** What kind of name the cursor is on or about to type. */
function expected(file: ParsedFile, offset: number): Expected | undefined {
  if (file.kind === 'ecm') {
    // A blank line in the mapping lines' block scalar: a whole new line goes there, at the cursor.
    const block = blockScalarAt(file, offset);
    if (block && block.path.join('.') === 'vault.securityProviderMappings' && !lineAround(file, offset).trim()) {
      return { kind: 'mappingLine', span: { offset, length: 0 } };
    }
    const line = mappingLines(file).find((l) => {
      const s = file.offsetAt(l.range.start), e = file.offsetAt(l.range.end);
      return offset >= s && offset <= e;
    });
    if (line) {
      const s = file.offsetAt(line.range.start);
      const eq = line.text.indexOf('=');
      if (eq >= 0 && file.text.slice(s, s + line.text.length) === line.text) {
        return offset > s + eq
          ? { kind: 'vaultProvider', span: { offset: s + eq + 1, length: line.text.length - eq - 1 } }
          : { kind: 'paProvider', span: { offset: s, length: eq } };
      }
      if (eq < 0 && file.text.slice(s, s + line.text.length) === line.text) return { kind: 'mappingLine', span: { offset: s, length: line.text.length } };
    }
  }
  const loc = locate(file, offset);
  let path: JsonPath | undefined;
  let node: Node | undefined;
  if (loc && !loc.onKey && loc.node && isScalar(loc.node)) {
    path = loc.path;
    node = loc.node;
  } else if (loc?.node?.type === 'array') {
    path = [...loc.path, loc.node.items.length];
  } else if (loc?.node?.type === 'object' || !loc) {
    // `key: ` with nothing typed yet: the key before the cursor on this line.
    const obj = loc?.node?.type === 'object' ? loc.node : file.root?.type === 'object' ? file.root : undefined;
    const prop = obj?.type === 'object' ? [...obj.properties].reverse().find((p) => p.keyOffset + p.keyLength <= offset) : undefined;
    if (prop && /^["']?\s*:[ \t]*$/.test(file.text.slice(prop.keyOffset + prop.keyLength, offset))) {
      path = [...(loc && loc.node === obj ? loc.path : []), prop.key];
      node = prop.value;
    }
  }
  if (!path) return undefined;
  // `groups: ` about to become a list: the name is one of its items.
  const site = siteAt(file.kind, path) ?? (node === undefined ? siteAt(file.kind, [...path, 0]) : undefined);
  if (!site || site.role !== 'ref') return undefined;
  if (file.kind === 'pa' && site.kind === 'endpoint') return { kind: 'endpoint', node };
  return { kind: site.kind, node };
}

/** The whole line the offset is on. */
function lineAround(file: ParsedFile, offset: number): string {
  const start = lineStartAt(file.text, offset);
  const end = file.text.indexOf('\n', offset);
  return file.text.slice(start, end < 0 ? file.text.length : end);
}
