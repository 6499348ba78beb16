/**
 * Writes what a pull read into an inventory file, for any kind (the kind's InventorySpec says what the API
 * owns). An existing file is updated in place: items are matched by their key (exactly, then ignoring
 * case), the API's fields overwritten, the file's own fields, comments and order kept, items gone from the
 * live system removed and new ones appended (yamlEdit.ts, jsonEdit.ts). A file that does not exist yet is
 * streamed out as the pages arrive (newFile.ts), so a pull into a new file holds no more than a page.
 * Either way the file is written whole or not at all: a temporary file beside it, renamed over it.
 *
 *   const target = await openInventoryFile(file, PA_SPEC, { check });
 *   target.setTop('site', host); for await (const u of users) target.put('users', u); …
 *   const { changes } = await target.finish();   // or target.abort() when the pull failed
 */
import { promises as fs } from 'node:fs';
import type { InventoryBackend, Mode, PullResult, PullTarget } from './backend';
import { sameData, type Change, type InventorySpec, type Item, type SectionSpec } from './inventorySpec';
import { JsonBackend } from './jsonEdit';
import { NewFileWriter } from './newFile';
import { writeWhole } from './writeWhole';
import { YamlBackend } from './yamlEdit';

export { FileShapeError, LISTED_NEW, type Proposal, type PullResult, type PullTarget } from './backend';
export { writeWhole } from './writeWhole';
export type { Change, InventorySpec, Item, SectionSpec } from './inventorySpec';

export interface OpenOptions {
  /** Only find the differences; write nothing. */
  check?: boolean;
  /** Write nothing yet: finish() returns the new text as a proposal, written only by its write() (the editor's review). */
  propose?: boolean;
}

export async function openInventoryFile(file: string, spec: InventorySpec, opts: OpenOptions = {}): Promise<PullTarget> {
  let source: string | undefined;
  try {
    source = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const json = /\.json$/i.test(file);
  const mode: Mode = opts.check ? 'check' : opts.propose ? 'propose' : 'write';
  if (source === undefined) return NewFileWriter.open(file, spec, json, mode);
  const order = [...spec.top, ...spec.sections.map((s) => s.name)];
  const backend = json ? new JsonBackend(source, file, order) : new YamlBackend(source, file, order);
  return new InPlaceUpdate(file, source, backend, spec, mode);
}

interface SectionState {
  spec: SectionSpec;
  fileItems: (Item | undefined)[];
  /** File item indexes by key, in file order; an index leaves its queue once matched. */
  byKey: Map<string, number[]>;
  matched: Uint8Array;
  /** API items with no exact match (matched ignoring case, or appended, in finish()). */
  pending: Item[];
}

class InPlaceUpdate implements PullTarget {
  readonly updating = true;
  private readonly sections = new Map<string, SectionState>();
  private readonly changes: Change[] = [];

  constructor(private readonly file: string, private readonly source: string, private readonly backend: InventoryBackend, private readonly spec: InventorySpec, private readonly mode: Mode) {}

  setTop(field: string, value: unknown): void {
    if (value === undefined || sameData(this.backend.top(field), value)) return;
    this.backend.setTop(field, value);
    this.changes.push({ kind: 'changed', section: 'top', name: field, fields: [field] });
  }

  put(section: string, item: Item): void {
    const st = this.state(section);
    const key = item[st.spec.key];
    const queue = typeof key === 'string' ? st.byKey.get(key) : undefined;
    const index = queue?.shift();
    if (index === undefined) st.pending.push(item);
    else this.merge(st, index, item);
  }

  async finish(): Promise<PullResult> {
    for (const s of this.spec.sections) this.settle(this.state(s.name));
    const counts = { added: 0, removed: 0, changed: 0 };
    for (const c of this.changes) counts[c.kind]++;
    if (this.mode === 'check' || this.changes.length === 0) return { changes: this.changes, counts, written: false };
    const text = this.backend.text();
    if (this.mode === 'propose') {
      return { changes: this.changes, counts, written: false, proposal: { text, exists: true, write: () => writeWhole(this.file, text, this.source) } };
    }
    await writeWhole(this.file, text, this.source);
    return { changes: this.changes, counts, written: true };
  }

  async abort(): Promise<void> { /* nothing was written yet */ }

  private state(section: string): SectionState {
    let st = this.sections.get(section);
    if (st) return st;
    const spec = this.spec.sections.find((s) => s.name === section);
    if (!spec) throw new Error(`No section ${section} in this inventory's spec.`);
    const fileItems = this.backend.items(section);
    const byKey = new Map<string, number[]>();
    fileItems.forEach((it, i) => {
      const k = it?.[spec.key];
      if (typeof k !== 'string') return;
      const q = byKey.get(k);
      if (q) q.push(i);
      else byKey.set(k, [i]);
    });
    st = { spec, fileItems, byKey, matched: new Uint8Array(fileItems.length), pending: [] };
    this.sections.set(section, st);
    return st;
  }

  /** Overwrites the API's fields of file item `index` where they differ. */
  private merge(st: SectionState, index: number, item: Item): void {
    st.matched[index] = 1;
    const old = st.fileItems[index]!;
    st.fileItems[index] = undefined; // not needed any more: let it go
    const owned = [st.spec.key, ...st.spec.owned.filter((f) => f !== st.spec.key)];
    const order = Object.keys(item);
    const set: { field: string; value: unknown; after?: string }[] = [];
    const remove: string[] = [];
    for (const field of owned) {
      const want = item[field];
      const have = old[field];
      if (sameData(have, want) || st.spec.same?.(field, have, want, item)) continue;
      if (want === undefined) remove.push(field);
      else {
        // A field the file lacks goes after the nearest field before it (in the API's order) that the file has.
        let after: string | undefined;
        for (let i = order.indexOf(field) - 1; i >= 0 && after === undefined; i--) if (order[i] in old) after = order[i];
        set.push({ field, value: want, after });
      }
    }
    if (!set.length && !remove.length) return;
    this.backend.update(st.spec.name, index, { set, remove });
    this.changes.push({ kind: 'changed', section: st.spec.name, name: String(item[st.spec.key]), fields: [...set.map((s) => s.field), ...remove] });
  }

  /** Items not matched exactly: matched ignoring case (a renamed case keeps the file's own fields), else appended; file items left over are gone. */
  private settle(st: SectionState): void {
    const loose = new Map<string, number[]>();
    st.fileItems.forEach((it, i) => {
      const k = it?.[st.spec.key];
      if (st.matched[i] || typeof k !== 'string') return;
      const q = loose.get(k.toLowerCase());
      if (q) q.push(i);
      else loose.set(k.toLowerCase(), [i]);
    });
    for (const item of st.pending) {
      const key = item[st.spec.key];
      const index = typeof key === 'string' ? loose.get(key.toLowerCase())?.shift() : undefined;
      if (index !== undefined) this.merge(st, index, item);
      else {
        this.backend.append(st.spec.name, item);
        this.changes.push({ kind: 'added', section: st.spec.name, name: String(key) });
      }
    }
    st.pending = [];
    st.fileItems.forEach((it, i) => {
      const k = it?.[st.spec.key];
      if (st.matched[i] || typeof k !== 'string') return; // an item without a name is not the API's to remove
      this.backend.remove(st.spec.name, i);
      this.changes.push({ kind: 'removed', section: st.spec.name, name: k });
    });
  }
}
