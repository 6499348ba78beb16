/**
 * Quick fixes for `mapping/syntax`, doing what its three messages say: a plain value YAML folded into one
 * line becomes a literal block (`|`) with one mapping per line; a line that is not `fqdn=NETBIOS` but
 * plainly means it (`corp.example.com: CORP`, or several mappings on one line) is rewritten or split; a
 * left side that is not a domain FQDN is replaced by the domain it names (the Vault security provider the
 * line maps to, or the same text without a scheme or trailing dot).
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import { mappingLines, type MappingLine } from '../domain/mappingLines';
import type { ParsedFile } from '../model/document';
import { list, type VaultSecurityProvider } from '../model/inventory';
import type { Node, PropertyNode } from '../model/tree';
import type { Workspace } from '../model/workspace';
import { isMappingFqdn } from '../rules/mappings';
import { scalar } from './edits';

const PATH = ['vault', 'securityProviderMappings'];

export function mappingSyntaxFixes(file: ParsedFile, d: Diagnostic, ws?: Workspace): CodeAction[] {
  const lines = mappingLines(file);
  const line = lines.find((l) => same(l.range, d.range) || (l.fqdnRange && same(l.fqdnRange, d.range)));
  const { node, prop } = file.at(PATH);
  if (!line || !node || !prop) return [];
  const action = (title: string, edits: TextEdit[] | undefined): CodeAction[] =>
    edits ? [{ title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: { changes: { [file.uri]: edits } } }] : [];

  if (line.folded) {
    if (node.type !== 'string' || file.syntax !== 'yaml') return [];
    const source = unquoted(file.text.slice(node.offset, node.offset + node.length).trimEnd());
    if (source === undefined) return [];
    const texts = source.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).flatMap((l) => mappingsMeant(l) ?? [l]);
    return action('Write the mappings as a literal block (`|`), one per line', [asBlock(file, node, prop, texts)]);
  }
  if (!line.fqdn || !line.netbios) {
    const meant = mappingsMeant(line.text);
    if (!meant) return [];
    if (meant.length === 1) return action(`Change to \`${meant[0]}\``, exact(file, line) ? [{ range: line.range, newText: meant[0] }] : undefined);
    return action(`Put the ${meant.length} mappings on lines of their own`, split(file, node, prop, lines, line, meant));
  }
  const domain = domainMeant(line.fqdn, line.netbios, ws);
  if (!domain || !line.fqdnRange || line.fqdnRange === line.range && !exact(file, line)) return [];
  return action(`Change to \`${domain}\``, [{ range: line.fqdnRange, newText: domain }]);
}

/**
 * The `fqdn=NETBIOS` lines a malformed line most likely means: another separator (`:`, `->`, `=>`, a
 * space) for `=`, or several mappings on one line (split by spaces, commas or semicolons). Undefined when
 * the line says nothing that certain.
 */
export function mappingsMeant(text: string): string[] | undefined {
  let t = text.trim().replace(/\s*(?:=>|->|==|:=)\s*/g, '=');
  if (!t.includes('=')) t = t.replace(/\s*:\s*/g, '=');
  const tokens = t.split(/[\s,;|]+/).filter(Boolean);
  let pairs: string[] | undefined;
  if (tokens.length && tokens.every((x) => /^[^=]+=[^=]+$/.test(x))) pairs = tokens;
  else if (!t.includes('=') && tokens.length >= 2 && tokens.length % 2 === 0) {
    // `corp.example.com CORP`: a domain, then a name without dots, pair after pair.
    pairs = [];
    for (let i = 0; i < tokens.length; i += 2) {
      if (!tokens[i].includes('.') || tokens[i + 1].includes('.')) return undefined;
      pairs.push(`${tokens[i]}=${tokens[i + 1]}`);
    }
  }
  return pairs && !(pairs.length === 1 && pairs[0] === text) ? pairs : undefined;
}

/** The domain FQDN a left side that is not one means, if any. */
function domainMeant(written: string, netbios: string, ws?: Workspace): string | undefined {
  const cleaned = written.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').replace(/\.+$/, '').replace(/^@/, '');
  if (cleaned !== written && isMappingFqdn(cleaned)) return cleaned;
  // `CORP=CORP`: the Vault provider the line maps to (or the one named on the left) knows its domain.
  for (const name of [netbios, written]) {
    for (const { value } of ws?.of('vault') ?? []) {
      const p = list<VaultSecurityProvider>(value.securityProviders).find((x) => typeof x.name === 'string' && x.name.toLowerCase() === name.toLowerCase());
      if (typeof p?.fqdn === 'string' && isMappingFqdn(p.fqdn)) return p.fqdn;
    }
  }
  return undefined;
}

/** Whether the line's range is exactly its text (not a whole value standing for several lines). */
function exact(file: ParsedFile, line: MappingLine): boolean {
  return file.text.slice(file.offsetAt(line.range.start), file.offsetAt(line.range.end)) === line.text;
}

/** Replaces `line` by `texts`, in whatever form the file writes its mappings. */
function split(file: ParsedFile, node: Node, key: PropertyNode, lines: MappingLine[], line: MappingLine, texts: string[]): TextEdit[] | undefined {
  const start = file.offsetAt(line.range.start);
  const lineStart = file.text.lastIndexOf('\n', start - 1) + 1;
  if (node.type === 'string' && node.lines && exact(file, line)) {
    const indent = file.text.slice(lineStart, start);
    return [{ range: line.range, newText: texts.join(`\n${indent}`) }];
  }
  if (node.type === 'string') {
    // One string holding the lines (a plain or quoted YAML value, a JSON string): written anew, all of it.
    const all = lines.flatMap((l) => (l === line ? texts : [l.text]));
    if (file.syntax === 'json') return [{ range: file.nodeRange(node), newText: JSON.stringify(all.join('\n')) }];
    return [asBlock(file, node, key, all)];
  }
  if (node.type === 'array') {
    const item = node.items.find((i) => i.offset <= start && start < i.offset + i.length);
    if (!item) return undefined;
    const like = file.text.slice(item.offset, item.offset + item.length);
    const before = file.text.slice(lineStart, item.offset);
    // A plain item stays plain: `fqdn=NETBIOS` of name characters is a string in any YAML context.
    const item1 = (t: string) => (file.syntax === 'yaml' && !/^['"]/.test(like) && /^[\w.-]+=[\w.$-]+$/.test(t) ? t : scalar(file, t, like));
    const [first, ...rest] = texts.map(item1);
    // A block list (`- item`): more `- ` lines at the dash's column; a flow list or JSON: `, item`.
    const block = file.syntax === 'yaml' && /^\s*-\s+$/.test(before);
    const more = block ? rest.map((t) => `\n${' '.repeat(before.indexOf('-'))}- ${t}`) : rest.map((t) => `, ${t}`);
    return [{ range: file.range(item.offset, like.trimEnd().length), newText: first + more.join('') }];
  }
  return undefined;
}

/** `node` (the mappings value) rewritten as a YAML literal block right after its key's colon, indented under the key. */
function asBlock(file: ParsedFile, node: Node, key: PropertyNode, texts: string[]): TextEdit {
  const keyOffset = key.keyOffset;
  const keyColumn = keyOffset - (file.text.lastIndexOf('\n', keyOffset - 1) + 1);
  const indent = ' '.repeat(keyColumn + 2);
  const colon = file.text.indexOf(':', key.keyOffset + key.keyLength);
  const end = node.offset + file.text.slice(node.offset, node.offset + node.length).trimEnd().length;
  return { range: file.range(colon + 1, end - colon - 1), newText: ` |\n${texts.map((t) => indent + t).join('\n')}` };
}

/** A plain or quoted YAML scalar's text without its quotes; undefined for a double-quoted one with escapes. */
function unquoted(source: string): string | undefined {
  const q = source[0];
  if (q === "'") return source.slice(1, -1).replace(/''/g, "'");
  if (q === '"') return source.includes('\\') ? undefined : source.slice(1, -1);
  return source;
}

function same(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
