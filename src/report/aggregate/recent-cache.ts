/**
 * A cache of the recently used, cheaper to read than an LRU (no reordering on a hit): two generations, the older
 * dropped when the newer fills, by entries or by the characters of its keys and values (statements may be 4 KiB
 * each: a count alone would let a client fill memory with them). Holds at most twice either bound.
 */
export class RecentCache {
  #newer = new Map<string, string>();
  #older = new Map<string, string>();
  #chars = 0;

  constructor(
    readonly capacity: number,
    readonly maxChars: number,
  ) {}

  get(key: string): string | undefined {
    const hit = this.#newer.get(key);
    if (hit !== undefined) return hit;
    const old = this.#older.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: string): void {
    if (this.#newer.size >= this.capacity || this.#chars >= this.maxChars) {
      this.#older = this.#newer;
      this.#newer = new Map();
      this.#chars = 0;
    }
    this.#newer.set(key, value);
    this.#chars += key.length + value.length;
  }
}
