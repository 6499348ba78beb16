/**
 * The YAML side of updating an inventory in place. The `yaml` package's Document API finds the nodes and
 * renders what changed; the file is then edited as text at those nodes' ranges only, so every byte the pull
 * does not change — comments, blank lines, quoting, `[a, b]` against `[ a, b ]` — stays as the admin wrote it.
 * (Printing the whole document again would normalise the spacing of untouched items.)
 */
import { isMap, isScalar, isSeq, parseDocument, Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Item } from './inventorySpec';
import { FileShapeError, ListChanges, type FieldEdit, type InventoryBackend } from './backend';

interface TextEdit { start: number; end: number; text: string }

export class YamlBackend extends ListChanges implements InventoryBackend {
  private readonly doc: Document;
  private readonly root: YAMLMap | undefined;
  private readonly edits: TextEdit[] = [];
  private readonly eol: string;

  constructor(private readonly source: string, private readonly file: string, private readonly order: readonly string[]) {
    super();
    this.doc = parseDocument(source, { uniqueKeys: false });
    const err = this.doc.errors[0];
    if (err) throw new FileShapeError(`${file} does not parse as YAML (line ${err.linePos?.[0].line ?? '?'}: ${err.message.split('\n')[0]}); fix it first, then pull again.`);
    const c = this.doc.contents;
    if (c !== null && !isMap(c) && !(isScalar(c) && c.value === null)) throw new FileShapeError(`${file} does not hold a mapping at the top; it is not an inventory the pull can update.`);
    this.root = isMap(c) ? c : undefined;
    this.eol = source.includes('\r\n') ? '\r\n' : '\n';
  }

  items(section: string): (Item | undefined)[] {
    const seq = this.seq(section);
    return seq ? seq.items.map((n) => (isMap(n) ? (n.toJSON() as Item) : undefined)) : [];
  }

  top(field: string): unknown {
    const v = this.root?.get(field, true);
    return isScalar(v) ? v.value : (v as Node | undefined)?.toJSON();
  }

  setTop(field: string, value: unknown): void {
    const pair = this.pair(field);
    if (pair && pair.value && isScalar(pair.value) && pair.value.range) {
      const node = pair.value;
      node.value = value;
      this.edits.push({ start: node.range![0], end: node.range![1], text: render(node, 0) });
    } else if (pair) {
      const at = afterColon(this.source, pair);
      const end = (pair.value as Node | null)?.range?.[1] ?? at;
      this.edits.push({ start: at, end, text: ' ' + render(this.doc.createNode(value), 0) });
    } else {
      // A new top field goes first (site, hostname head the file).
      const at = this.root?.items[0] ? lineStart(this.source, (this.root.items[0].key as Node).range![0]) : 0;
      this.edits.push({ start: at, end: at, text: `${field}: ${render(this.doc.createNode(value), 0)}${this.eol}` });
    }
  }

  update(section: string, index: number, edit: FieldEdit): void {
    const seq = this.seq(section)!;
    const node = seq.items[index] as YAMLMap;
    if (!seq.flow) {
      const edits = this.fieldEdits(node, edit);
      if (edits) return void this.edits.push(...edits);
    }
    for (const field of edit.remove) node.delete(field);
    for (const { field, value, after } of edit.set) {
      const pair = node.items.find((p) => keyOf(p) === field);
      if (pair) {
        const old = pair.value as Node | null;
        if (isScalar(old) && (value === null || typeof value !== 'object')) old.value = value;
        else {
          const fresh = this.doc.createNode(value) as Node;
          if (old && (isSeq(old) || isMap(old)) && (isSeq(fresh) || isMap(fresh))) fresh.flow = old.flow;
          else if (isSeq(fresh) || isMap(fresh)) fresh.flow = !!node.flow || isFlowish(fresh);
          pair.value = fresh;
        }
      } else {
        const pos = after === undefined ? -1 : node.items.findIndex((p) => keyOf(p) === after);
        const fresh = this.doc.createPair(field, value) as Pair;
        if (isSeq(fresh.value) || isMap(fresh.value)) (fresh.value as YAMLSeq).flow = true;
        node.items.splice(pos + 1, 0, fresh);
      }
    }
    if (seq.flow) return; // the whole list is printed again in finish()
    const [start, end] = node.range!;
    const col = start - lineStart(this.source, start);
    const text = render(node, col, paddingOf(this.source, node));
    this.edits.push({ start, end, text: this.source.slice(start, end).endsWith('\n') && !text.endsWith('\n') ? text + this.eol : text });
  }

  /**
   * An item's changes as edits of its own text: a value replaced where it stands, a field removed (its
   * line, or its `key: value,` inline), a new field put after the field before it. Undefined when a change
   * needs the item printed again (a block-style value, the field on a block item's first line removed).
   */
  private fieldEdits(node: YAMLMap, edit: FieldEdit): TextEdit[] | undefined {
    const out: TextEdit[] = [];
    const pairs = node.items;
    const pairOf = (f: string) => pairs.find((p) => keyOf(p) === f);
    const flow = !!node.flow;
    const keyCol = node.range![0] - lineStart(this.source, node.range![0]);
    const padding = paddingOf(this.source, node);
    for (const field of edit.remove) {
      const i = pairs.findIndex((p) => keyOf(p) === field);
      const v = pairs[i]?.value as Node | null | undefined;
      if (i < 0 || !v?.range || (!flow && i === 0) || pairs.length === 1) return undefined;
      if (!flow) out.push({ start: lineStart(this.source, (pairs[i].key as Node).range![0]), end: v.range[2], text: '' });
      else if (i < pairs.length - 1) out.push({ start: (pairs[i].key as Node).range![0], end: (pairs[i + 1].key as Node).range![0], text: '' });
      else {
        const prev = pairs[i - 1].value as Node | null;
        if (!prev?.range) return undefined;
        out.push({ start: prev.range[1], end: v.range[1], text: '' });
      }
    }
    for (const { field, value, after } of edit.set) {
      const p = pairOf(field);
      const old = p?.value as Node | null | undefined;
      const collection = value !== null && typeof value === 'object';
      if (p) {
        if (!old?.range || old.range[0] === old.range[1]) return undefined;
        if (collection ? !((isSeq(old) || isMap(old)) && old.flow) : !isScalar(old)) return undefined;
        const fresh = this.doc.createNode(value, { flow: true }) as Node;
        out.push({ start: old.range[0], end: old.range[1], text: render(fresh, 0, paddingOf(this.source, old)) });
        continue;
      }
      const anchor = (after !== undefined && pairOf(after)) || pairs[pairs.length - 1];
      const av = anchor?.value as Node | null | undefined;
      if (!av?.range) return undefined;
      const fresh = render(this.doc.createNode(value, { flow: true }) as Node, 0, padding);
      if (flow) {
        out.push({ start: av.range[1], end: av.range[1], text: `, ${field}: ${fresh}` });
        continue;
      }
      const at = av.range[2];
      const lead = this.source.slice(0, at).endsWith('\n') ? '' : this.eol;
      out.push({ start: at, end: at, text: `${lead}${' '.repeat(keyCol)}${field}: ${fresh}${lead ? '' : this.eol}` });
    }
    return out;
  }


  text(): string {
    for (const section of new Set([...this.removed.keys(), ...this.appended.keys()])) this.finishSection(section);
    let out = this.source;
    // From the end, so earlier offsets stay valid; an insertion at the end of a removed item's range comes after it.
    const edits = this.edits.map((e, i) => ({ ...e, i })).sort((a, b) => b.start - a.start || b.end - a.end || b.i - a.i);
    for (const e of edits) out = out.slice(0, e.start) + fixEol(e.text, this.eol) + out.slice(e.end);
    return out;
  }

  private finishSection(section: string): void {
    const removed = this.removed.get(section) ?? new Set<number>();
    const added = this.appended.get(section) ?? [];
    const pair = this.pair(section);
    const seq = this.seq(section);
    if (seq?.flow && seq.items.length > 0) {
      // A list written inline ([…]) is printed again whole, in the same style.
      seq.items = seq.items.filter((_, i) => !removed.has(i));
      for (const item of added) seq.items.push(this.doc.createNode(item, { flow: true }) as Node);
      this.edits.push({ start: seq.range![0], end: seq.range![1], text: render(seq, 0, paddingOf(this.source, seq)) });
      return;
    }
    if (seq) {
      for (const i of removed) {
        const node = seq.items[i] as Node;
        this.edits.push({ start: lineStart(this.source, dashBefore(this.source, node.range![0])), end: node.range![2], text: '' });
      }
    }
    if (!added.length) return;
    const last = seq?.items[seq.items.length - 1] as Node | undefined;
    if (last) {
      const dash = dashBefore(this.source, last.range![0]);
      const col = dash - lineStart(this.source, dash);
      const flow = isMap(last) ? last.flow ?? false : true;
      const pad = isMap(last) && last.flow ? paddingOf(this.source, last) : true;
      const at = last.range![2];
      const lead = this.source.slice(0, at).endsWith('\n') ? '' : this.eol;
      this.edits.push({ start: at, end: at, text: lead + added.map((it) => this.itemLines(it, col, flow, pad)).join(this.eol) + (lead ? '' : this.eol) });
    } else if (pair) {
      // `users:` with nothing after it, or `users: []`: the items go under the key.
      const at = afterColon(this.source, pair);
      const end = (pair.value as Node | null)?.range?.[1] ?? at;
      const col = this.listIndent();
      this.edits.push({ start: at, end: Math.max(at, end), text: this.eol + added.map((it) => this.itemLines(it, col, true, true)).join(this.eol) });
    } else {
      const { at, blank } = this.newSectionPlace(section);
      const col = this.listIndent();
      const body = `${section}:${this.eol}${added.map((it) => this.itemLines(it, col, true, true)).join(this.eol)}${this.eol}`;
      const needsEol = at > 0 && !this.source.slice(0, at).endsWith('\n');
      this.edits.push({ start: at, end: at, text: (needsEol ? this.eol : '') + (blank ? this.eol : '') + body });
    }
  }

  /** `- item` at column `col`: flow items on one line, block items with their keys under the first. */
  private itemLines(item: Item, col: number, flow: boolean, padding: boolean): string {
    const node = this.doc.createNode(item, { flow }) as Node;
    return ' '.repeat(col) + '- ' + render(node, col + 2, padding);
  }

  /** After the nearest section before this one (in the spec's order) that the file has; else at the end. */
  private newSectionPlace(section: string): { at: number; blank: boolean } {
    const blank = /\n[ \t]*\r?\n[A-Za-z"']/.test(this.source);
    const idx = this.order.indexOf(section);
    for (let i = idx - 1; i >= 0; i--) {
      const p = this.pair(this.order[i]);
      const v = p?.value as Node | null | undefined;
      if (p && v?.range) return { at: v.range[2], blank };
    }
    return { at: this.source.length, blank: blank && this.source.trim().length > 0 };
  }

  /** The indentation of list items under a top-level key in this file (2 if none shows it). */
  private listIndent(): number {
    for (const p of this.root?.items ?? []) {
      const v = p.value as Node | null;
      if (isSeq(v) && !v.flow && v.items[0]) {
        const dash = dashBefore(this.source, (v.items[0] as Node).range![0]);
        return dash - lineStart(this.source, dash);
      }
    }
    return 2;
  }

  private pair(field: string): Pair | undefined {
    return this.root?.items.find((p) => keyOf(p) === field);
  }

  private seq(section: string): YAMLSeq | undefined {
    const pair = this.pair(section);
    if (!pair) return undefined;
    const v = pair.value as Node | null;
    if (v === null || (isScalar(v) && v.value === null)) return undefined;
    if (!isSeq(v)) throw new FileShapeError(`${this.file}: \`${section}\` is not a list; the pull cannot update it. Make it a list (or remove it), then pull again.`);
    return v;
  }
}

function keyOf(p: Pair): unknown {
  return isScalar(p.key) ? p.key.value : p.key;
}

/** Prints one node as it would appear at column `col` (its own leading and trailing comments stay in the file). */
function render(node: Node, col: number, padding = true): string {
  const saved = { before: node.commentBefore, comment: node.comment, space: node.spaceBefore };
  node.commentBefore = undefined;
  node.spaceBefore = false;
  if ((isMap(node) || isSeq(node)) && node.flow) node.comment = undefined;
  if (isScalar(node)) node.comment = undefined;
  const standalone = new Document();
  standalone.contents = node;
  const text = standalone.toString({ lineWidth: 0, flowCollectionPadding: padding }).replace(/\n$/, '');
  node.commentBefore = saved.before;
  node.comment = saved.comment;
  node.spaceBefore = saved.space;
  return text.split('\n').map((l, i) => (i === 0 || l === '' ? l : ' '.repeat(col) + l)).join('\n');
}

/** `{ a: 1 }` or `{a: 1}`: how this file spaces its inline collections (kept for what is printed again). */
function paddingOf(source: string, node: Node): boolean {
  const r = node.range;
  if (!r) return true;
  const open = source[r[0]];
  return open === '{' || open === '[' ? /\s/.test(source[r[0] + 1] ?? ' ') : true;
}

function isFlowish(n: Node): boolean {
  return isSeq(n) && n.items.every((i) => isScalar(i));
}

function lineStart(source: string, offset: number): number {
  return source.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset of the `-` that starts the list item whose content begins at `offset`. */
function dashBefore(source: string, offset: number): number {
  let i = offset - 1;
  while (i >= 0 && /\s/.test(source[i])) i--;
  return source[i] === '-' ? i : offset;
}

function afterColon(source: string, pair: Pair): number {
  const keyEnd = (pair.key as Node).range![1];
  const colon = source.indexOf(':', keyEnd);
  return colon === -1 ? keyEnd : colon + 1;
}

function fixEol(text: string, eol: string): string {
  return eol === '\n' ? text : text.replace(/\r?\n/g, eol);
}
