/**
 * A document's text as pieces: slices of the text the editor opened and of the text each edit inserted.
 * An edit makes a new piece list (O(pieces)) instead of a new string: V8 copies all 17 MB of a string
 * the moment anything reads a spliced one (55 ms per keystroke on a large inventory). `toString()` gives
 * the text as a rope V8 only copies if someone reads it whole; `slice` and `charCodeAt` read pieces.
 */
export class PieceText {
  private str: string | undefined;
  private readonly ends: number[];

  private constructor(private readonly pieces: string[]) {
    this.ends = [];
    let n = 0;
    for (const p of pieces) this.ends.push((n += p.length));
  }

  /** Past this many pieces the text is copied once into a single string again. */
  static readonly MAX_PIECES = 256;

  static of(text: string): PieceText {
    return new PieceText(text.length ? [text] : []);
  }

  get length(): number {
    return this.ends.length ? this.ends[this.ends.length - 1] : 0;
  }

  /** The text with [start, end) replaced by `text`. */
  edit(start: number, end: number, text: string): PieceText {
    if (this.pieces.length >= PieceText.MAX_PIECES) {
      const whole = this.toString();
      whole.charCodeAt(0); // one copy every MAX_PIECES edits
      return PieceText.of(whole).edit(start, end, text);
    }
    const out: string[] = [];
    let pos = 0;
    let inserted = false;
    for (const p of this.pieces) {
      const pStart = pos, pEnd = pos + p.length;
      pos = pEnd;
      if (pEnd <= start) { out.push(p); continue; }
      if (pStart < start) out.push(p.slice(0, start - pStart));
      if (!inserted) { if (text) out.push(text); inserted = true; }
      if (pEnd > end) out.push(pStart >= end ? p : p.slice(end - pStart));
    }
    if (!inserted && text) out.push(text);
    return new PieceText(out.filter((p) => p.length > 0));
  }

  /** Which piece holds `offset`, and where that piece starts. */
  private find(offset: number): { i: number; start: number } {
    let lo = 0, hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid] > offset) hi = mid; else lo = mid + 1;
    }
    return { i: lo, start: lo ? this.ends[lo - 1] : 0 };
  }

  charCodeAt(offset: number): number {
    if (offset < 0 || offset >= this.length) return NaN;
    const { i, start } = this.find(offset);
    return this.pieces[i].charCodeAt(offset - start);
  }

  /** Characters [a, b): only the pieces they span are read. */
  slice(a: number, b: number): string {
    a = Math.max(0, a);
    b = Math.min(this.length, b);
    if (b <= a) return '';
    let { i, start } = this.find(a);
    let out = '';
    while (i < this.pieces.length && start < b) {
      const p = this.pieces[i];
      out += p.slice(Math.max(0, a - start), Math.min(p.length, b - start));
      start += p.length;
      i++;
    }
    return out;
  }

  /** As `text.lastIndexOf('\n', before - 1)`: the last line break before `before`, or -1. */
  lastNewline(before: number): number {
    if (before <= 0 || !this.pieces.length) return -1;
    let { i, start } = this.find(Math.min(before - 1, this.length - 1));
    let from = before - 1 - start;
    for (; i >= 0; i--) {
      const k = this.pieces[i].lastIndexOf('\n', from);
      if (k >= 0) return start + k;
      if (i > 0) { start -= this.pieces[i - 1].length; from = this.pieces[i - 1].length - 1; }
    }
    return -1;
  }

  toString(): string {
    if (this.str === undefined) {
      let s = '';
      for (const p of this.pieces) s += p;
      this.str = s;
    }
    return this.str;
  }
}

/** Read access to a text without making V8 copy it whole: a PieceText, or a plain string. */
export interface TextReader {
  readonly length: number;
  charCodeAt(i: number): number;
  slice(a: number, b: number): string;
  lastNewline(before: number): number;
}

export function reader(text: string | PieceText): TextReader {
  if (typeof text !== 'string') return text;
  return { length: text.length, charCodeAt: (i) => text.charCodeAt(i), slice: (a, b) => text.slice(a, b), lastNewline: (b) => text.lastIndexOf('\n', b - 1) };
}
