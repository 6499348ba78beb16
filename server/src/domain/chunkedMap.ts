/**
 * A string-keyed map kept in buckets by a hash of the key, so that a copy patched with a few changes
 * copies only the buckets it touches. The name maps of a large inventory (10,000 endpoints) are patched
 * on every keystroke in the list that declares them; a whole `new Map(previous)` of each was most of an
 * edit's cross-file cost. Copies never see each other's changes.
 */
const BUCKETS = 64;

export interface ReadonlyNameMap<V> {
  readonly size: number;
  get(key: string): V | undefined;
  has(key: string): boolean;
  keys(): IterableIterator<string>;
  values(): IterableIterator<V>;
  [Symbol.iterator](): IterableIterator<[string, V]>;
}

export class ChunkedMap<V> implements ReadonlyNameMap<V> {
  /** Which buckets this map made itself (the others are still shared with the map it was copied from). */
  private readonly own: boolean[];

  private constructor(private readonly buckets: Map<string, V>[], private count: number, own: boolean) {
    this.own = new Array<boolean>(BUCKETS).fill(own);
  }

  static empty<V>(): ChunkedMap<V> {
    return new ChunkedMap<V>(Array.from({ length: BUCKETS }, () => new Map<string, V>()), 0, true);
  }

  /** A copy to patch: it shares every bucket until it changes one. */
  copy(): ChunkedMap<V> {
    return new ChunkedMap<V>(this.buckets.slice(), this.count, false);
  }

  get size(): number { return this.count; }

  get(key: string): V | undefined { return this.buckets[bucketOf(key)].get(key); }

  has(key: string): boolean { return this.buckets[bucketOf(key)].has(key); }

  set(key: string, value: V): this {
    const b = this.writable(bucketOf(key));
    if (!b.has(key)) this.count++;
    b.set(key, value);
    return this;
  }

  delete(key: string): boolean {
    const i = bucketOf(key);
    if (!this.buckets[i].has(key)) return false;
    this.writable(i).delete(key);
    this.count--;
    return true;
  }

  *keys(): IterableIterator<string> { for (const b of this.buckets) yield* b.keys(); }

  *values(): IterableIterator<V> { for (const b of this.buckets) yield* b.values(); }

  *[Symbol.iterator](): IterableIterator<[string, V]> { for (const b of this.buckets) yield* b.entries(); }

  private writable(i: number): Map<string, V> {
    if (!this.own[i]) {
      this.buckets[i] = new Map(this.buckets[i]);
      this.own[i] = true;
    }
    return this.buckets[i];
  }
}

/** FNV-1a over the key's code units, folded to a bucket. */
function bucketOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % BUCKETS;
}
