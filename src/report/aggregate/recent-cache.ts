/**
 * A cache of the recently used, cheaper to read than an LRU (no reordering on a hit): two generations, the older
 * dropped when the newer fills. Holds at most 2 × capacity entries.
 */
export class RecentCache<V> {
  #newer = new Map<string, V>();
  #older = new Map<string, V>();

  constructor(readonly capacity: number) {}

  get(key: string): V | undefined {
    const hit = this.#newer.get(key);
    if (hit !== undefined) return hit;
    const old = this.#older.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: V): void {
    if (this.#newer.size >= this.capacity) {
      this.#older = this.#newer;
      this.#newer = new Map();
    }
    this.#newer.set(key, value);
  }
}
