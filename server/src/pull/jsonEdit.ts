/**
 * The JSON side of updating an inventory in place: the parsed file is changed where the pull says and
 * printed again with the file's own indentation, line ends and final newline. Key order is the file's
 * (a field the file lacks goes after the field before it in the API's order); JSON has no comments to keep.
 */
import type { Item } from './inventorySpec';
import { FileShapeError, ListChanges, type FieldEdit, type InventoryBackend } from './backend';

export class JsonBackend extends ListChanges implements InventoryBackend {
  private readonly root: Item;

  constructor(private readonly source: string, private readonly file: string, private readonly order: readonly string[]) {
    super();
    let v: unknown;
    try {
      v = source.trim() === '' ? {} : JSON.parse(source.replace(/^\uFEFF/, ''));
    } catch (e) {
      throw new FileShapeError(`${file} does not parse as JSON (${(e as Error).message}); fix it first, then pull again.`);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new FileShapeError(`${file} does not hold an object at the top; it is not an inventory the pull can update.`);
    this.root = v as Item;
  }

  items(section: string): (Item | undefined)[] {
    const v = this.list(section);
    return v ? v.map((x) => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Item) : undefined)) : [];
  }

  top(field: string): unknown {
    return this.root[field];
  }

  setTop(field: string, value: unknown): void {
    if (field in this.root) this.root[field] = value;
    else replaceKeys(this.root, [[field, value], ...Object.entries(this.root)]);
  }

  update(section: string, index: number, edit: FieldEdit): void {
    const item = this.list(section)![index] as Item;
    for (const f of edit.remove) delete item[f];
    for (const { field, value, after } of edit.set) {
      if (field in item || after === undefined || !(after in item)) item[field] = value;
      else {
        const entries = Object.entries(item);
        const at = entries.findIndex(([k]) => k === after) + 1;
        entries.splice(at, 0, [field, value]);
        replaceKeys(item, entries);
      }
    }
  }


  text(): string {
    for (const [section, set] of this.removed) this.root[section] = this.list(section)!.filter((_, i) => !set.has(i));
    for (const [section, items] of this.appended) {
      if (this.list(section)) (this.root[section] as unknown[]).push(...items);
      else this.insertSection(section, items);
    }
    const indent = /^[{[][ \t]*\r?\n([ \t]+)/.exec(this.source.replace(/^\uFEFF/, ''))?.[1] ?? (this.source.trim() ? '' : '  ');
    const eol = this.source.includes('\r\n') ? '\r\n' : '\n';
    let out = JSON.stringify(this.root, null, indent);
    if (eol !== '\n') out = out.replace(/\n/g, eol);
    if (this.source.startsWith('\uFEFF')) out = '\uFEFF' + out;
    return this.source.trim() === '' || /\r?\n\s*$/.test(this.source) ? out + eol : out;
  }

  /** A section the file lacks goes after the nearest one before it in the spec's order that it has. */
  private insertSection(section: string, items: Item[]): void {
    const idx = this.order.indexOf(section);
    let after: string | undefined;
    for (let i = idx - 1; i >= 0 && !after; i--) if (this.order[i] in this.root) after = this.order[i];
    const entries = Object.entries(this.root);
    const at = after === undefined ? entries.length : entries.findIndex(([k]) => k === after) + 1;
    entries.splice(at, 0, [section, items]);
    replaceKeys(this.root, entries);
  }

  private list(section: string): unknown[] | undefined {
    const v = this.root[section];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw new FileShapeError(`${this.file}: "${section}" is not a list; the pull cannot update it. Make it a list (or remove it), then pull again.`);
    return v;
  }
}

/** Puts `entries` into `obj` in that order (JS objects keep insertion order for non-numeric keys). */
function replaceKeys(obj: Item, entries: [string, unknown][]): void {
  for (const k of Object.keys(obj)) delete obj[k];
  for (const [k, v] of entries) obj[k] = v;
}
