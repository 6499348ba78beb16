/**
 * A fast path for strict JSON: one pass over the text building the shared tree with exact offsets (as
 * parseJson.ts builds it through jsonc-parser, several times slower on a 20 MB inventory). It gives up
 * — undefined, so the caller runs the full parser and its error messages — on any error or duplicate key.
 */
import type { ArrayNode, Node, ObjectNode, PropertyNode, ScalarNode } from '../tree';
import { MAX_DEPTH } from './nesting';
import { NodeFactory, Unit } from './units';

class Bail extends Error {}
const bail = (): never => { throw new Bail(); };

export function parseJsonFast(text: string): { root: Node | undefined } | undefined {
  try {
    const p = new FastJson(text, 0, text.length);
    const i = p.space(0);
    if (i === text.length) return { root: undefined };
    const root = p.value(i, 0);
    if (p.space(p.fe) !== text.length) bail();
    return { root };
  } catch (e) {
    if (e instanceof Bail) return undefined;
    throw e;
  }
}

/**
 * Parses the values, separated by commas, that exactly fill `text` — a stretch of a top-level list cut
 * from a file at offset `base` — each value a unit placed at `base`. Undefined if it is anything else.
 * `depth`: how many collections hold the values in the file (2 for a top-level list's items).
 */
export function parseJsonValuesAt(text: string, base: number, depth: number): Node[] | undefined {
  const end = text.length;
  try {
    const p = new FastJson(text, 0, end);
    const items: Node[] = [];
    let i = p.space(0);
    if (i !== 0) return undefined;
    for (;;) {
      p.unit = new Unit(base);
      items.push(p.value(i, depth));
      p.unit = undefined;
      i = p.space(p.fe);
      if (i === end) return items;
      if (text.charCodeAt(i) !== 44) return undefined;
      i = p.space(i + 1);
    }
  } catch (e) {
    if (e instanceof Bail) return undefined;
    throw e;
  }
}

class FastJson extends NodeFactory {
  /** Where the last value parsed ends (instead of a result object per value). */
  fe = 0;

  constructor(private readonly t: string, readonly start: number, private readonly end: number) { super(); }

  space(i: number): number {
    const t = this.t;
    for (;;) {
      const c = i < this.end ? t.charCodeAt(i) : -1;
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else return i;
    }
  }

  /**
   * A value at `i`; `depth` 0 is the root, whose lists' items become units (units.ts). A collection
   * held by MAX_DEPTH others makes the reader step aside: the full parser's guard reports it.
   */
  value(i: number, depth: number): Node {
    const t = this.t;
    const c = i < this.end ? t.charCodeAt(i) : -1;
    if ((c === 123 || c === 91) && depth >= MAX_DEPTH) bail();
    switch (c) {
      case 123: return this.object(i, depth);
      case 91: return this.array(i, depth);
      case 34: {
        const value = this.string(i);
        return this.scalar('string', i, this.fe - i, value);
      }
      case 116: return this.word(i, 'true', 'boolean', true);
      case 102: return this.word(i, 'false', 'boolean', false);
      case 110: return this.word(i, 'null', 'null', null);
      default:
        if (c === 45 || (c >= 48 && c <= 57)) return this.number(i);
        return bail();
    }
  }

  private word(i: number, w: string, type: ScalarNode['type'], value: ScalarNode['value']): Node {
    if (!this.t.startsWith(w, i) || i + w.length > this.end) bail();
    const e = i + w.length;
    const c = e < this.end ? this.t.charCodeAt(e) : -1;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) bail();
    this.fe = e;
    return this.scalar(type, i, w.length, value);
  }

  private number(i: number): Node {
    const t = this.t, end = this.end;
    let k = i;
    if (t.charCodeAt(k) === 45) k++;
    let c = k < end ? t.charCodeAt(k) : -1;
    if (c === 48) k++;
    else if (c >= 49 && c <= 57) { do k++; while (k < end && (c = t.charCodeAt(k)) >= 48 && c <= 57); }
    else bail();
    c = k < end ? t.charCodeAt(k) : -1;
    if (c === 46) {
      k++;
      const s = k;
      while (k < end && (c = t.charCodeAt(k)) >= 48 && c <= 57) k++;
      if (k === s) bail();
    }
    c = k < end ? t.charCodeAt(k) : -1;
    if (c === 101 || c === 69) {
      k++;
      c = k < end ? t.charCodeAt(k) : -1;
      if (c === 43 || c === 45) k++;
      const s = k;
      while (k < end && (c = t.charCodeAt(k)) >= 48 && c <= 57) k++;
      if (k === s) bail();
    }
    this.fe = k;
    return this.scalar('number', i, k - i, Number(t.slice(i, k)));
  }

  /** A string at `i` (its opening quote): the decoded value; `fe` is set after the closing quote. */
  private string(i: number): string {
    const t = this.t, end = this.end;
    let k = i + 1;
    let escaped = false;
    for (;;) {
      if (k >= end) bail();
      const c = t.charCodeAt(k);
      if (c === 34) break;
      if (c === 92) { escaped = true; k += 2; continue; }
      if (c < 32) bail();
      k++;
    }
    this.fe = k + 1;
    if (!escaped) return t.slice(i + 1, k);
    try {
      return JSON.parse(t.slice(i, k + 1)) as string;
    } catch {
      return bail();
    }
  }

  private object(i: number, depth: number): ObjectNode {
    const t = this.t;
    const properties: PropertyNode[] = [];
    let seen: Set<string> | undefined;
    let k = this.space(i + 1);
    if (t.charCodeAt(k) === 125 && k < this.end) { this.fe = k + 1; return this.obj(i, k + 1 - i, properties); }
    for (;;) {
      if (t.charCodeAt(k) !== 34 || k >= this.end) bail();
      const keyOffset = k;
      const key = this.string(k);
      const keyEnd = this.fe;
      k = this.space(keyEnd);
      if (t.charCodeAt(k) !== 58 || k >= this.end) bail();
      const v = this.value(this.space(k + 1), depth + 1);
      // Duplicate keys: the full parser reports them. Small objects compare directly, large ones by set.
      if (seen) { if (seen.has(key)) bail(); seen.add(key); }
      else {
        for (let p = 0; p < properties.length; p++) if (properties[p].key === key) bail();
        if (properties.length === 16) seen = new Set([...properties.map((x) => x.key), key]);
      }
      properties.push(this.prop(key, keyOffset, keyEnd - keyOffset, v));
      k = this.space(this.fe);
      const c = k < this.end ? t.charCodeAt(k) : -1;
      if (c === 125) { this.fe = k + 1; return this.obj(i, k + 1 - i, properties); }
      if (c !== 44) bail();
      k = this.space(k + 1);
    }
  }

  private array(i: number, depth: number): ArrayNode {
    const t = this.t;
    const items: Node[] = [];
    const units = depth === 1 && !this.unit; // the items of a top-level list
    let k = this.space(i + 1);
    if (t.charCodeAt(k) === 93 && k < this.end) { this.fe = k + 1; return this.arr(i, k + 1 - i, items); }
    for (;;) {
      if (units) this.unit = new Unit();
      items.push(this.value(k, depth + 1));
      if (units) this.unit = undefined;
      k = this.space(this.fe);
      const c = k < this.end ? t.charCodeAt(k) : -1;
      if (c === 93) { this.fe = k + 1; return this.arr(i, k + 1 - i, items); }
      if (c !== 44) bail();
      k = this.space(k + 1);
    }
  }
}
