/** The edits a pull makes to one file, whatever its syntax (yamlEdit.ts, jsonEdit.ts). */
import type { Change, Item } from './inventorySpec';

export interface FieldEdit {
  /** Fields to write; a field the item lacks goes right after `after` (the field before it in the API's order). */
  set: { field: string; value: unknown; after?: string }[];
  remove: string[];
}

export interface InventoryBackend {
  /** The section's items as plain values, in file order (undefined for an item that is not a mapping). */
  items(section: string): (Item | undefined)[];
  top(field: string): unknown;
  setTop(field: string, value: unknown): void;
  update(section: string, index: number, edit: FieldEdit): void;
  remove(section: string, index: number): void;
  append(section: string, item: Item): void;
  /** The file's new text. */
  text(): string;
}

/** The removals and additions of each list, applied when the text is made (indexes stay valid until then). */
export abstract class ListChanges {
  protected readonly removed = new Map<string, Set<number>>();
  protected readonly appended = new Map<string, Item[]>();

  remove(section: string, index: number): void {
    let set = this.removed.get(section);
    if (!set) this.removed.set(section, (set = new Set()));
    set.add(index);
  }

  append(section: string, item: Item): void {
    let list = this.appended.get(section);
    if (!list) this.appended.set(section, (list = []));
    list.push(item);
  }
}

/** The file cannot be updated as it stands (does not parse, a list that is not a list…); nothing was written. */
export class FileShapeError extends Error {}

export interface PullResult {
  /**
   * The differences by name. A new file written (not under --check) lists its first LISTED_NEW items
   * only — it holds nothing but additions, and a list of every item would grow with the site.
   */
  changes: Change[];
  /** How many items of each kind differ (all of them). */
  counts: Record<Change['kind'], number>;
  written: boolean;
  /** Opened with `propose`: what would be written, held until the caller says (undefined: nothing differs). */
  proposal?: Proposal;
}

/** The file's new text, not written yet: `write()` writes exactly it, whole, or refuses when the file changed meanwhile. */
export interface Proposal {
  text: string;
  /** False: the file does not exist yet. */
  exists: boolean;
  write(): Promise<void>;
}

export const LISTED_NEW = 50;

/**
 * What a pull does with the file once it knows the differences: `write` it (the CLI), only report them
 * (`--check`), or `propose` the new text and write it when the caller says (the editor, after its review).
 */
export type Mode = 'write' | 'check' | 'propose';

/** Where a pull puts what it reads: an existing file updated in place, or a new one (updateFile.ts). */
export interface PullTarget {
  /** True when the file existed and is being updated (false: it is being created). */
  readonly updating: boolean;
  setTop(field: string, value: unknown): void;
  /** One item as the API gives it (owned fields, plus what a new item starts with, e.g. credentialInjection). */
  put(section: string, item: Item): void;
  /** Settles the differences and writes the file (unless `check`, or nothing differs). */
  finish(): Promise<PullResult>;
  /** The pull failed: nothing is written, a temporary file is removed. */
  abort(): Promise<void>;
}

