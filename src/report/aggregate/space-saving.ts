/** One key counted: `count` is exact while nothing was evicted, else at most `error` too high. */
export interface Counted<P> {
  key: string;
  count: number;
  /** How much of count may belong to keys evicted before this one took their place. */
  error: number;
  payload: P;
}

export interface SpaceSavingState<S> {
  capacity: number;
  evicted: boolean;
  /** In insertion order; when evicted, the order within each count is kept by `order`. */
  entries: Array<[key: string, count: number, error: number, payload: S]>;
  /** When evicted: keys by count, each count's keys in the order they reached it (the eviction order). */
  order: Array<[count: number, keys: string[]]> | null;
}

/**
 * Counts keys exactly while there are at most `capacity` of them; past that, Metwally's space-saving: a new key takes
 * the place of one with the least count and inherits that count plus one. Memory stays bounded whatever the
 * stream; every key counted more than total/capacity times is kept. Keys of equal count are evicted oldest first.
 */
export class SpaceSaving<P> {
  readonly #entries = new Map<string, Counted<P>>();
  /** Built at the first eviction: count → keys with it, and the least count. */
  #buckets: Map<number, Set<string>> | null = null;
  #min = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError('capacity must be a whole number of at least 1');
  }

  /** Whether every count is exact (no key was ever evicted). */
  get exact(): boolean {
    return this.#buckets === null;
  }

  get size(): number {
    return this.#entries.size;
  }

  entries(): IterableIterator<Counted<P>> {
    return this.#entries.values();
  }

  /** Counts a key already kept once more: its entry; undefined (and nothing counted) when it is not kept. */
  bump(key: string): Counted<P> | undefined {
    const known = this.#entries.get(key);
    if (known === undefined) return undefined;
    if (this.#buckets !== null) this.#move(known, known.count + 1);
    else known.count++;
    return known;
  }

  /** Counts the key once: its entry, new (with `fresh()`'s payload) or as it was. */
  add(key: string, fresh: () => P): Counted<P> {
    const known = this.#entries.get(key);
    if (known !== undefined) {
      if (this.#buckets !== null) this.#move(known, known.count + 1);
      else known.count++;
      return known;
    }
    if (this.#entries.size < this.capacity) {
      const entry: Counted<P> = { key, count: 1, error: 0, payload: fresh() };
      this.#entries.set(key, entry);
      if (this.#buckets !== null) {
        bucketOf(this.#buckets, 1).add(key);
        this.#min = 1;
      }
      return entry;
    }
    const buckets = (this.#buckets ??= this.#bucketsNow());
    const least = buckets.get(this.#min);
    const victim = least?.values().next().value;
    if (least === undefined || victim === undefined) throw new Error('space-saving lost its least count');
    least.delete(victim);
    if (least.size === 0) buckets.delete(this.#min);
    this.#entries.delete(victim);
    const entry: Counted<P> = { key, count: this.#min + 1, error: this.#min, payload: fresh() };
    this.#entries.set(key, entry);
    bucketOf(buckets, entry.count).add(key);
    if (!buckets.has(this.#min)) this.#min = entry.count;
    return entry;
  }

  #move(entry: Counted<P>, to: number): void {
    const buckets = this.#buckets as Map<number, Set<string>>;
    const from = buckets.get(entry.count);
    from?.delete(entry.key);
    if (from?.size === 0) {
      buckets.delete(entry.count);
      if (this.#min === entry.count) this.#min = to;
    }
    entry.count = to;
    bucketOf(buckets, to).add(entry.key);
  }

  #bucketsNow(): Map<number, Set<string>> {
    const buckets = new Map<number, Set<string>>();
    const byCount = [...this.#entries.values()].sort((a, b) => a.count - b.count);
    for (const entry of byCount) bucketOf(buckets, entry.count).add(entry.key);
    this.#min = byCount[0]?.count ?? 0;
    return buckets;
  }

  toState<S>(save: (payload: P) => S): SpaceSavingState<S> {
    return {
      capacity: this.capacity,
      evicted: this.#buckets !== null,
      entries: [...this.#entries.values()].map((entry) => [entry.key, entry.count, entry.error, save(entry.payload)]),
      order: this.#buckets === null ? null : [...this.#buckets].sort((a, b) => a[0] - b[0]).map(([count, keys]) => [count, [...keys]] as [number, string[]]),
    };
  }

  /** The counter as saved; `load` reads a payload (and throws on a wrong one). Shapes are checked by the caller's reader. */
  static fromState<S, P>(state: SpaceSavingState<S>, load: (payload: S) => P, fail: (problem: string) => never): SpaceSaving<P> {
    const counter = new SpaceSaving<P>(state.capacity);
    if (state.entries.length > state.capacity) fail('a counter holds more keys than its capacity');
    for (const [key, count, error, payload] of state.entries) {
      if (counter.#entries.has(key)) fail('a counter holds a key twice');
      if (error > (state.evicted ? count - 1 : 0)) fail('a counter has an error larger than it can be');
      counter.#entries.set(key, { key, count, error, payload: load(payload) });
    }
    if (state.evicted) {
      if (state.order === null) fail('an evicted counter has no order');
      const buckets = new Map<number, Set<string>>();
      let placed = 0;
      for (const [count, keys] of state.order) {
        if (buckets.has(count) || keys.length === 0) fail('a counter order repeats a count or has an empty one');
        const set = new Set<string>();
        for (const key of keys) {
          if (counter.#entries.get(key)?.count !== count || set.has(key)) fail('a counter order does not match its counts');
          set.add(key);
        }
        placed += set.size;
        buckets.set(count, set);
      }
      if (placed !== counter.#entries.size || placed !== state.capacity) fail('a counter order does not hold every key');
      counter.#buckets = buckets;
      let min = Infinity;
      for (const count of buckets.keys()) min = Math.min(min, count);
      counter.#min = min;
    } else if (state.order !== null) fail('a counter that evicted nothing has an order');
    return counter;
  }
}

function bucketOf(buckets: Map<number, Set<string>>, count: number): Set<string> {
  let bucket = buckets.get(count);
  if (!bucket) buckets.set(count, (bucket = new Set()));
  return bucket;
}
