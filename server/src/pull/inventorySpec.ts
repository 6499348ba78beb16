/**
 * What a pull may change in an inventory file, said once per kind: the top-level fields the API gives, and
 * for each list, how its items are matched (by one field) and which of their fields the API owns. Fields
 * not named here are the file's own (e.g. a PA jump client's credentialInjection): kept as written.
 */
export type Item = Record<string, unknown>;

export interface SectionSpec {
  /** The top-level list, e.g. `users`. */
  name: string;
  /** The field that names an item (`name`, `username`); matched exactly, then ignoring case. */
  key: string;
  /** Fields the API owns: overwritten from it, removed when it gives none. The key is always owned. */
  owned: readonly string[];
  /**
   * True when the file's value says the same as the API's although the data differ (a spelling the
   * schema accepts for the same thing, a field left out because it holds its default): the file is kept.
   */
  same?(field: string, fileValue: unknown, apiValue: unknown, apiItem: Item): boolean;
}

export interface InventorySpec {
  /** Top-level scalar fields the API gives (`site`, `hostname`), in the order a new file writes them. */
  top: readonly string[];
  /** The lists, in the order a new file writes them. */
  sections: readonly SectionSpec[];
}

/** One difference between the file and the live system (the editor gets the same shape over IPC). */
export type { PullChange as Change } from '../../../protocol/ipc';

/** Deep equality of plain JSON-like values (what a parsed file and an API answer hold). */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameData(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)) {
    const ka = Object.keys(a as object).filter((k) => (a as Item)[k] !== undefined);
    const kb = Object.keys(b as object).filter((k) => (b as Item)[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => sameData((a as Item)[k], (b as Item)[k]));
  }
  return false;
}
