import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import type { ParsedFile } from '../model/document';
import type { Node } from '../model/tree';

const NAME_KEYS = ['name', 'username'];

/** The outline: fields as properties, list items named by their `name`/`username`. */
export function documentSymbols(file: ParsedFile): DocumentSymbol[] {
  if (file.root?.type !== 'object') return [];
  return children(file, file.root);
}

function children(file: ParsedFile, node: Node): DocumentSymbol[] {
  if (node.type === 'object') {
    return node.properties.map((p) => {
      const full = p.value ? unionRange(file, p.keyOffset, p.value.offset + p.value.length) : file.keyRange(p);
      return {
        name: p.key,
        kind: p.value?.type === 'array' ? SymbolKind.Array : p.value?.type === 'object' ? SymbolKind.Object : SymbolKind.Property,
        detail: p.value && isScalar(p.value) && p.value.type !== 'null' && !p.value.lines ? truncate(String(p.value.value)) : undefined,
        range: full,
        selectionRange: file.keyRange(p),
        children: p.value && !isScalar(p.value) ? children(file, p.value) : undefined,
      };
    });
  }
  if (node.type === 'array') {
    return node.items.map((item, i) => {
      const label = item.type === 'object' ? NAME_KEYS.map((k) => item.properties.find((p) => p.key === k)?.value).find((v) => v && isScalar(v)) : undefined;
      const name = label && isScalar(label) ? String(label.value) : isScalar(item) ? String(item.value) : `[${i}]`;
      const range = file.nodeRange(item);
      return {
        name: name || `[${i}]`,
        kind: item.type === 'object' ? SymbolKind.Struct : SymbolKind.String,
        range,
        selectionRange: label ? file.nodeRange(label) : range,
        children: item.type === 'object' ? children(file, item) : undefined,
      };
    });
  }
  return [];
}

function isScalar(n: Node): n is Extract<Node, { value: unknown }> {
  return n.type !== 'object' && n.type !== 'array';
}

function unionRange(file: ParsedFile, start: number, end: number) {
  return file.range(start, end - start);
}

function truncate(s: string): string {
  return s.length > 40 ? s.slice(0, 39) + '…' : s;
}
