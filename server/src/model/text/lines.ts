/**
 * Offsets ↔ LSP positions for one text, with the exact semantics of vscode-languageserver-textdocument
 * (\n, \r\n and \r end lines; positions clamp before a line end), but built with a native search over
 * the text and, after an edit, patched from the previous version instead of rescanned: a 17 MB
 * inventory has 600,000 lines.
 */
import type { Position } from 'vscode-languageserver-types';

const LF = 10, CR = 13;

function isEol(c: number): boolean {
  return c === LF || c === CR;
}

/** Line starts of `text` from `from`, appended to `out` (offsets are positions in `text`, plus `base`). */
function scanLines(text: string, from: number, to: number, base: number, out: number[]): void {
  const noCr = from === 0 && to === text.length ? !text.includes('\r') : !text.slice(from, to).includes('\r');
  if (noCr) {
    for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) out.push(base + i + 1);
    return;
  }
  for (let i = from; i < to; i++) {
    const ch = text.charCodeAt(i);
    if (isEol(ch)) {
      if (ch === CR && i + 1 < text.length && text.charCodeAt(i + 1) === LF) i++;
      out.push(base + i + 1);
    }
  }
}

/** Edits that kept the line count but moved later lines, not yet written into the start table. */
const MAX_SHIFTS = 16;

export class LineIndex {
  private starts: Int32Array | undefined;
  /** Whether the text has a \r (else no offset needs moving back over a line end, and the text is never read). */
  private cr: boolean | undefined;
  /**
   * Pending moves, sorted by line: from `lines[k]` on, starts move by `totals[k]` (the sum of this and
   * the earlier moves). Typing within a line moves every later line start by one; writing 1.4 million
   * starts into a fresh table per keystroke was a 5.6 MB copy, so up to 16 such moves wait here.
   */
  private lines: number[] = [];
  private totals: number[] = [];

  private constructor(private readonly text: string, starts?: Int32Array) {
    this.starts = starts;
  }

  private get hasCr(): boolean {
    if (this.cr === undefined) this.cr = this.text.includes('\r');
    return this.cr;
  }

  static of(text: string): LineIndex {
    return new LineIndex(text);
  }

  /** The index of a text whose line starts are known (found by a scan that saw no \r). */
  static withStarts(text: string, starts: Int32Array): LineIndex {
    const index = new LineIndex(text, starts);
    index.cr = false;
    return index;
  }

  /**
   * The index of `text`, which is `prev`'s text with [start, oldEnd) replaced by `inserted`. Lines
   * before the edit are kept, lines after it shifted, only the inserted text scanned (reading `text`
   * would copy the whole new text out of its rope).
   */
  static edited(prev: LineIndex, text: string, start: number, oldEnd: number, inserted: string): LineIndex {
    if (!prev.starts || prev.hasCr || inserted.includes('\r')) return new LineIndex(text);
    const delta = inserted.length - (oldEnd - start);
    // Lines starting at or before `start` are unchanged; those starting after `oldEnd` move by delta.
    const lo = prev.upperBound(start); // first line start > start
    const hi = prev.upperBound(oldEnd); // first line start > oldEnd
    const mid: number[] = [];
    scanLines(inserted, 0, inserted.length, start, mid);
    if (lo === hi && !mid.length && prev.lines.length < MAX_SHIFTS) {
      // Same lines, later ones moved: share the table, note the move.
      const next = new LineIndex(text, prev.starts);
      next.cr = false;
      next.lines = prev.lines.slice();
      const deltas = prev.lines.map((_, k) => prev.totals[k] - (k ? prev.totals[k - 1] : 0));
      const at = upperBound(next.lines, lo - 1);
      next.lines.splice(at, 0, lo);
      deltas.splice(at, 0, delta);
      let sum = 0;
      next.totals = deltas.map((d) => (sum += d));
      return next;
    }
    const count = prev.lineStarts.length;
    const out = new Int32Array(lo + mid.length + (count - hi));
    for (let i = 0; i < lo; i++) out[i] = prev.startOf(i);
    for (let i = 0; i < mid.length; i++) out[lo + i] = mid[i];
    let k = lo + mid.length;
    for (let i = hi; i < count; i++) out[k++] = prev.startOf(i) + delta;
    const next = new LineIndex(text, out);
    next.cr = false; // neither the old text nor the inserted one has a \r
    return next;
  }

  private get lineStarts(): Int32Array {
    if (!this.starts) {
      const out = [0];
      scanLines(this.text, 0, this.text.length, 0, out);
      this.starts = Int32Array.from(out);
    }
    return this.starts;
  }

  /** Where line `i` starts, pending moves included. */
  private startOf(i: number): number {
    const base = this.lineStarts[i];
    const lines = this.lines;
    if (!lines.length || i < lines[0]) return base;
    let k = lines.length - 1;
    while (lines[k] > i) k--;
    return base + this.totals[k];
  }

  /** The first line whose start is greater than `x`. */
  private upperBound(x: number): number {
    const starts = this.lineStarts;
    if (!this.lines.length) return upperBound(starts, x);
    let lo = 0, hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.startOf(mid) > x) hi = mid; else lo = mid + 1;
    }
    return lo;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  private beforeEol(offset: number, lineStart: number): number {
    // With \n line ends only, an offset right after one is a line start, never moved back.
    if (!this.hasCr) return offset;
    while (offset > lineStart && isEol(this.text.charCodeAt(offset - 1))) offset--;
    return offset;
  }

  positionAt(offset: number): Position {
    offset = Math.max(Math.min(offset, this.text.length), 0);
    const line = this.upperBound(offset) - 1;
    const lineStart = this.startOf(line);
    offset = this.beforeEol(offset, lineStart);
    return { line, character: offset - lineStart };
  }

  offsetAt(position: { line: number; character: number }): number {
    const count = this.lineStarts.length;
    if (position.line >= count) return this.text.length;
    if (position.line < 0) return 0;
    const lineStart = this.startOf(position.line);
    if (position.character <= 0) return lineStart;
    const next = position.line + 1 < count ? this.startOf(position.line + 1) : this.text.length;
    return this.beforeEol(Math.min(lineStart + position.character, next), lineStart);
  }
}

/** The first index whose value is greater than `x` (values ascending). */
export function upperBound(a: ArrayLike<number>, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] > x) hi = mid; else lo = mid + 1;
  }
  return lo;
}

/**
 * Where the line holding `offset` starts. (`lastIndexOf('\n', offset - 1) + 1` is wrong at offset 0: a
 * negative start reads as 0, so a text opening with a newline gives 1.)
 */
export function lineStartAt(text: string, offset: number): number {
  return offset <= 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1;
}
