// The ECM's provider mapping lines (`fqdn=NETBIOS`), each with its own range, however the file writes them.
import type { ParsedFile } from '../model/document';
import type { Range } from 'vscode-languageserver-types';

export interface MappingLine {
  text: string;
  range: Range;
  /** A plain or quoted scalar over several source lines: YAML folded them into one, so `range` is the whole value. */
  folded?: boolean;
  fqdn?: string;
  netbios?: string;
  fqdnRange?: Range;
  netbiosRange?: Range;
}

/** Each mapping line of an ECM file with its own range, whether written as a block scalar or a list. */
export function mappingLines(file: ParsedFile): MappingLine[] {
  const { node, depth } = file.at(['vault', 'securityProviderMappings']);
  if (depth !== 2 || !node) return [];
  // span: the range covers the whole value (no per-part ranges); exact: the source length of an escaped line.
  const raw: { text: string; offset: number; span?: number; folded?: boolean; exact?: number }[] = [];
  if (node.type === 'string') {
    if (node.lines) raw.push(...node.lines);
    else if (typeof node.value === 'string') {
      // A flow string: one line maps onto its text; several (JSON `\n`) share the value's range.
      const lines = node.value.split('\n').map((l) => l.trim()).filter(Boolean);
      const quoted = file.text[node.offset] === '"' || file.text[node.offset] === "'";
      const source = file.text.slice(node.offset, node.offset + node.length).trimEnd();
      if (lines.length === 1 && source.includes('\n')) raw.push({ text: lines[0], offset: node.offset, span: source.length, folded: true });
      else if (lines.length === 1) raw.push({ text: lines[0], offset: node.offset + (quoted ? 1 : 0) + node.value.indexOf(lines[0]) });
      else {
        // Several lines in one double-quoted string (JSON `\n`): each line's own place in the source, when
        // the string sits on one source line (escapes only); else the value's range for all.
        const at = file.text[node.offset] === '"' && !source.includes('\n') ? escapedOffsets(source) : undefined;
        let from = 0;
        for (const text of lines) {
          const i = node.value.indexOf(text, from);
          from = i + text.length;
          const start = at?.[i], end = at?.[i + text.length];
          if (start !== undefined && end !== undefined) raw.push({ text, offset: node.offset + start, exact: end - start });
          else raw.push({ text, offset: node.offset, span: node.length });
        }
      }
    }
  } else if (node.type === 'array') {
    for (const item of node.items) {
      if (item.type !== 'string') continue;
      const lead = file.text[item.offset] === '"' || file.text[item.offset] === "'" ? 1 : 0;
      raw.push({ text: String(item.value).trim(), offset: item.offset + lead + (String(item.value).length - String(item.value).trimStart().length) });
    }
  }
  return raw.map(({ text, offset, span, folded, exact }) => {
    const line: MappingLine = { text, range: file.range(offset, span ?? exact ?? text.length), folded };
    if (span !== undefined || (exact !== undefined && exact !== text.length)) offset = -1; // parts of a line with escapes: its range
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

/**
 * For a double-quoted string's source (quotes included): the source offset of each value index (and of
 * the end), reading JSON escapes (`\n`, `\"`, `\\`, `\uXXXX`). Undefined when an escape is not understood.
 */
function escapedOffsets(source: string): number[] | undefined {
  const out: number[] = [];
  let i = 1;
  while (i < source.length - 1) {
    out.push(i);
    if (source[i] !== '\\') { i++; continue; }
    const c = source[i + 1];
    if (c === 'u') {
      if (!/^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6))) return undefined;
      i += 6;
    } else if ('nrtbf"/\\'.includes(c)) i += 2;
    else return undefined;
  }
  out.push(i);
  return out;
}
