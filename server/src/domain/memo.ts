/**
 * Results cached on a value object (a list of a parsed file) while their inputs are the same objects.
 * An incremental parse keeps every unchanged list (and item) the same object, so on an edit the
 * cross-file rules redo only the work that involves what changed.
 */
export class Memo<T> {
  private readonly cache = new WeakMap<object, { deps: readonly unknown[]; value: T }>();

  /** `compute` gets the result for the same key under older inputs, to patch rather than redo. */
  get(key: object, deps: readonly unknown[], compute: (prev?: { deps: readonly unknown[]; value: T }) => T): T {
    const hit = this.cache.get(key);
    if (hit && sameDeps(hit.deps, deps)) return hit.value;
    const value = compute(hit);
    this.cache.set(key, { deps, value });
    return value;
  }
}

function sameDeps(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
