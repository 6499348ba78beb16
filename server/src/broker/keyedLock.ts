/**
 * One holder at a time per key, in the order they asked: `acquire(key)` waits for the holders before it
 * and resolves to the release. A key nobody holds or waits for takes no memory.
 */
export class KeyedLock {
  /** Per key: settles when the last holder asked so far has released. */
  private readonly tails = new Map<string, Promise<void>>();

  async acquire(key: string): Promise<() => void> {
    const before = this.tails.get(key);
    let release!: () => void;
    const mine = new Promise<void>((r) => { release = r; });
    const tail = (before ?? Promise.resolve()).then(() => mine);
    this.tails.set(key, tail);
    await before;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
