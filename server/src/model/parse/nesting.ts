/**
 * How deep a file's values may nest. ecmkit files nest a handful of levels; a file nested deeper than
 * this gets one `syntax` finding and is not read. Every reader counts its depth (or, before handing text
 * to a recursive parser, measures it without recursion), so nothing recursive — the yaml package's
 * composer, jsonc-parser, tree → value, the rules — gets near the end of the stack, where V8 may abort
 * the whole process instead of throwing.
 */
export const MAX_DEPTH = 100;

/** The finding for a collection opened at `offset` one level deeper than MAX_DEPTH. */
export function tooDeep(offset: number): { offset: number; length: number; message: string } {
  return { offset, length: 1, message: `Values nest more than ${MAX_DEPTH} levels deep here (ecmkit files need a few): flatten them.` };
}

/** Thrown by the fast readers' depth counters; they catch it and step aside (or report it). */
export class TooDeep extends Error {
  constructor(readonly offset: number) { super('too deep'); }
}

/**
 * In JSON-like text: where the first `[` or `{` that opens level MAX_DEPTH + 1 stands (brackets inside
 * strings do not count), or -1. One loop, for text the fast reader gave up on, before jsonc-parser
 * (recursive) reads it. Only a matching bracket closes a level, so broken text counts deeper, never
 * shallower, than the parser recurses (it skips what does not match).
 */
export function jsonTooDeepAt(text: string): number {
  const open = new Uint8Array(MAX_DEPTH + 1);
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34 || d === 10 || d === 13) break; // an unclosed string ends at its line, as the parser reads it
      }
    } else if (c === 91 || c === 123) {
      if (depth === MAX_DEPTH) return i;
      open[depth++] = c;
    } else if ((c === 93 || c === 125) && depth > 0 && open[depth - 1] === c - 2) {
      depth--;
    }
  }
  return -1;
}
