import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { parseJsonFast } from './fastJson';
import { jsonTooDeepAt, tooDeep } from './nesting';
import type { Node, PropertyNode } from '../tree';

export interface SyntaxProblem {
  offset: number;
  length: number;
  message: string;
}

/** Parses strict JSON (no comments, no trailing commas) into the shared tree. Never throws. */
export function parseJson(text: string): { root: Node | undefined; problems: SyntaxProblem[] } {
  const fast = parseJsonFast(text); // same tree for valid JSON, several times faster (fastJson.ts)
  if (fast) return { root: fast.root, problems: [] };
  return parseJsonFull(text);
}

/** jsonc-parser's parse, converted: for everything the fast path leaves (and every error message). */
export function parseJsonFull(text: string): { root: Node | undefined; problems: SyntaxProblem[] } {
  const deep = jsonTooDeepAt(text); // jsonc-parser recurses per level
  if (deep >= 0) return { root: undefined, problems: [tooDeep(deep)] };
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: true });
  const problems = errors.map((e) => ({ offset: e.offset, length: Math.max(1, e.length), message: describe(printParseErrorCode(e.error)) }));
  const root = convert(tree);
  problems.push(...duplicateKeys(root));
  return { root, problems };
}

function describe(code: string): string {
  // InvalidSymbol → "invalid symbol"
  return 'JSON: ' + code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function convert(n: JsonNode | undefined): Node | undefined {
  if (!n) return undefined;
  switch (n.type) {
    case 'object': {
      const properties: PropertyNode[] = [];
      for (const p of n.children ?? []) {
        const [k, v] = p.children ?? [];
        if (!k) continue;
        properties.push({ key: String(k.value), keyOffset: k.offset, keyLength: k.length, value: convert(v) });
      }
      return { type: 'object', offset: n.offset, length: n.length, properties };
    }
    case 'array':
      return { type: 'array', offset: n.offset, length: n.length, items: (n.children ?? []).map(convert).filter((x): x is Node => !!x) };
    case 'string':
    case 'number':
    case 'boolean':
    case 'null':
      return { type: n.type, offset: n.offset, length: n.length, value: n.value ?? null };
    default:
      return undefined;
  }
}

function duplicateKeys(root: Node | undefined): SyntaxProblem[] {
  const out: SyntaxProblem[] = [];
  const visit = (n: Node | undefined): void => {
    if (!n) return;
    if (n.type === 'object') {
      const seen = new Set<string>();
      for (const p of n.properties) {
        if (seen.has(p.key)) out.push({ offset: p.keyOffset, length: p.keyLength, message: `Duplicate key "${p.key}": keep one.` });
        seen.add(p.key);
        visit(p.value);
      }
    } else if (n.type === 'array') n.items.forEach(visit);
  };
  visit(root);
  return out;
}
