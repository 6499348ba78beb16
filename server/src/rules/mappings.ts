import type { ParsedFile } from '../model/document';
import type { Range } from 'vscode-languageserver-types';
import type { FileRule } from './types';

export interface MappingLine {
  text: string;
  range: Range;
  fqdn?: string;
  netbios?: string;
  fqdnRange?: Range;
  netbiosRange?: Range;
}

/** Each mapping line of an ECM file with its own range, whether written as a block scalar or a list. */
export function mappingLines(file: ParsedFile): MappingLine[] {
  const { node, depth } = file.at(['vault', 'securityProviderMappings']);
  if (depth !== 2 || !node) return [];
  const raw: { text: string; offset: number; span?: number }[] = [];
  if (node.type === 'string') {
    if (node.lines) raw.push(...node.lines);
    else if (typeof node.value === 'string') {
      // A flow string: one line maps onto its text; several (JSON `\n`) share the value's range.
      const lines = node.value.split('\n').map((l) => l.trim()).filter(Boolean);
      const quoted = file.text[node.offset] === '"' || file.text[node.offset] === "'";
      if (lines.length === 1) raw.push({ text: lines[0], offset: node.offset + (quoted ? 1 : 0) + node.value.indexOf(lines[0]) });
      else for (const text of lines) raw.push({ text, offset: node.offset, span: node.length });
    }
  } else if (node.type === 'array') {
    for (const item of node.items) {
      if (item.type !== 'string') continue;
      const lead = file.text[item.offset] === '"' || file.text[item.offset] === "'" ? 1 : 0;
      raw.push({ text: String(item.value).trim(), offset: item.offset + lead + (String(item.value).length - String(item.value).trimStart().length) });
    }
  }
  return raw.map(({ text, offset, span }) => {
    const line: MappingLine = { text, range: file.range(offset, span ?? text.length) };
    if (span !== undefined) offset = -1; // no per-part ranges inside an escaped string
    const eq = text.indexOf('=');
    if (eq > 0 && eq === text.lastIndexOf('=')) {
      const left = text.slice(0, eq), right = text.slice(eq + 1);
      const fqdn = left.trim(), netbios = right.trim();
      if (fqdn && netbios) {
        line.fqdn = fqdn;
        line.netbios = netbios;
        line.fqdnRange = offset < 0 ? line.range : file.range(offset + left.indexOf(fqdn), fqdn.length);
        line.netbiosRange = offset < 0 ? line.range : file.range(offset + eq + 1 + right.indexOf(netbios), netbios.length);
      }
    }
    return line;
  });
}

const FQDN = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i;
// NetBIOS names: up to 15 characters, none of \ / : * ? " < > | and no dots or spaces.
const NETBIOS_BAD = /[\\/:*?"<>|.\s,=]/;

/** `mapping/syntax`, `mapping/netbios-invalid`, `mapping/duplicate`: one diagnostic per offending line. */
export const mappingsRule: FileRule = {
  kinds: ['ecm'],
  // Mappings live under `vault`, never inside a top-level list item.
  checkPath() {},
  check(file, report) {
    const seen = new Map<string, MappingLine>();
    for (const line of mappingLines(file)) {
      if (!line.fqdn || !line.netbios) {
        report({ code: 'mapping/syntax', range: line.range, message: `\`${line.text}\` is not a mapping: write one \`fqdn=NETBIOS\` per line, e.g. \`corp.example.com=CORP\`.` });
        continue;
      }
      if (!FQDN.test(line.fqdn)) {
        report({ code: 'mapping/syntax', range: line.fqdnRange!, message: `\`${line.fqdn}\` is not a domain FQDN: write the AD domain as PA reports it, e.g. \`corp.example.com\`.` });
        continue;
      }
      if (line.netbios.length > 15 || NETBIOS_BAD.test(line.netbios)) {
        report({
          code: 'mapping/netbios-invalid',
          range: line.netbiosRange!,
          message: line.netbios.length > 15
            ? `NetBIOS name \`${line.netbios}\` has ${line.netbios.length} characters; NetBIOS names have at most 15. Use the domain's pre-Windows 2000 name.`
            : `NetBIOS name \`${line.netbios}\` contains characters NetBIOS does not allow (\\ / : * ? " < > | . or spaces).`,
        });
      }
      const key = line.fqdn.toLowerCase();
      const first = seen.get(key);
      if (first) {
        report({
          code: 'mapping/duplicate',
          range: line.range,
          message: `\`${line.fqdn}\` is mapped twice (first to \`${first.netbios}\`): keep one line.`,
          related: [{ uri: file.uri, range: first.range, message: 'first mapping of this domain' }],
        });
      } else seen.set(key, line);
    }
  },
};
