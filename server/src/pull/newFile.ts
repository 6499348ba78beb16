/**
 * A pull into a file that does not exist yet: items are written to a temporary file as they arrive (one
 * line per item in YAML, as the examples are written), and the file appears by rename once the pull is
 * complete. Memory holds one item at a time, whatever the size of the site. Sections must come in the
 * spec's order (the caller fetches in that order). A proposal (the editor's review) holds the text
 * instead: it is sent whole to the editor anyway, and written, if at all, only when the editor says.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Change, InventorySpec, Item } from './inventorySpec';
import { LISTED_NEW, type Mode, type PullResult, type PullTarget } from './backend';
import { tempName, writeWhole } from './writeWhole';

const FLUSH_BYTES = 64 * 1024;

export class NewFileWriter implements PullTarget {
  readonly updating = false;
  private readonly top: [string, unknown][] = [];
  private readonly changes: Change[] = [];
  private added = 0;
  private fd: number | undefined;
  private tmp: string | undefined;
  private buffer: string[] = [];
  private buffered = 0;
  private started = false;
  private section: string | undefined;
  private sectionIndex = -1;
  private count = 0;
  /** Top-level entries written so far (a separator goes before the next). */
  private members = 0;

  private readonly check: boolean;

  private constructor(private readonly file: string, private readonly spec: InventorySpec, private readonly json: boolean, private readonly mode: Mode) {
    this.check = mode === 'check';
  }

  static async open(file: string, spec: InventorySpec, json: boolean, mode: Mode): Promise<NewFileWriter> {
    const w = new NewFileWriter(file, spec, json, mode);
    if (mode === 'write') {
      w.tmp = tempName(file);
      w.fd = openSync(w.tmp, 'wx', 0o644);
    }
    return w;
  }

  setTop(field: string, value: unknown): void {
    if (this.started) throw new Error(`Top-level field ${field} comes after the first item.`);
    if (value !== undefined) {
      this.top.push([field, value]);
      this.record({ kind: 'added', section: 'top', name: field });
    }
  }

  put(section: string, item: Item): void {
    const spec = this.spec.sections.find((s) => s.name === section);
    if (!spec) throw new Error(`No section ${section} in this inventory's spec.`);
    this.record({ kind: 'added', section, name: String(item[spec.key]) });
    if (this.check) return;
    this.begin();
    if (section !== this.section) {
      const index = this.spec.sections.indexOf(spec);
      if (index < this.sectionIndex) throw new Error(`Section ${section} comes after ${this.section}; a new file is written in the spec's order.`);
      this.closeSection();
      this.section = section;
      this.sectionIndex = index;
      this.count = 0;
      const sep = this.members++ ? (this.json ? ',' : '\n') : '';
      this.write(this.json ? `${sep}\n  ${JSON.stringify(section)}: [\n` : `${sep}${section}:\n`);
    }
    if (this.json) this.write(`${this.count ? ',\n' : ''}    ${JSON.stringify(item, null, 2).replace(/\n/g, '\n    ')}`);
    else this.write(`  - ${stringify(item, { collectionStyle: 'flow', lineWidth: 0 })}`);
    this.count++;
  }

  async finish(): Promise<PullResult> {
    const counts = { added: this.added, removed: 0, changed: 0 };
    if (this.check) return { changes: this.changes, counts, written: false };
    this.begin();
    this.closeSection();
    this.write(this.json ? '\n}\n' : '');
    if (this.mode === 'propose') {
      const text = this.buffer.join('');
      this.buffer = [];
      // The file must still not exist when it is written (null): one made meanwhile is not overwritten.
      return { changes: this.changes, counts, written: false, proposal: { text, exists: false, write: () => writeWhole(this.file, text, null) } };
    }
    this.flush();
    fsyncSync(this.fd!);
    closeSync(this.fd!);
    this.fd = undefined;
    try {
      renameSync(this.tmp!, this.file);
    } catch (e) {
      rmSync(this.tmp!, { force: true });
      throw e;
    }
    return { changes: this.changes, counts, written: true };
  }

  async abort(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.tmp) rmSync(this.tmp, { force: true });
  }

  /** Under --check every addition is listed (it is the output); a write keeps the first few. */
  private record(c: Change): void {
    if (this.check || this.added < LISTED_NEW) this.changes.push(c);
    this.added++;
  }

  private begin(): void {
    if (this.started) return;
    this.started = true;
    if (this.json) this.write(`{${this.top.map(([k, v]) => `\n  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',')}`);
    else for (const [k, v] of this.top) this.write(stringify({ [k]: v }, { lineWidth: 0 }));
    this.members = this.top.length;
  }

  private closeSection(): void {
    if (this.section !== undefined && this.json) this.write('\n  ]');
  }

  private write(s: string): void {
    this.buffer.push(s);
    this.buffered += s.length;
    if (this.buffered >= FLUSH_BYTES && this.mode === 'write') this.flush();
  }

  private flush(): void {
    if (!this.buffer.length) return;
    const data = this.buffer.join('');
    this.buffer = [];
    this.buffered = 0;
    let buf = Buffer.from(data, 'utf8');
    while (buf.length) buf = buf.subarray(writeSync(this.fd!, buf));
  }
}
