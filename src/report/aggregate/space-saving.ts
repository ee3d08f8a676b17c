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

/** The keys with one count, in the order they reached it: a queue read from `head`, where a key that moved on stays behind, stale. */
interface Bucket {
  keys: string[];
  /** The entry's serial when it was queued: the key is still here only while its entry has that serial. */
  serials: number[];
  head: number;
  live: number;
}

interface Slot<P> extends Counted<P> {
  serial: number;
}

/**
 * Counts keys exactly while there are at most `capacity` of them; past that, Metwally's space-saving: a new key takes
 * the place of one with the least count and inherits that count plus one. Memory stays bounded whatever the
 * stream; every key counted more than total/capacity times is kept. Of the keys with the least count, the one that
 * has had it longest goes (at the first eviction, while counts were exact and no line kept: the first to come).
 */
export class SpaceSaving<P> {
  readonly #entries = new Map<string, Slot<P>>();
  /** Built at the first eviction: count → keys with it, and the least count. */
  #buckets: Map<number, Bucket> | null = null;
  #min = 0;
  #serial = 0;

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
    if (this.#buckets !== null) {
      const from = known.count;
      this.#leave(known);
      known.count++;
      this.#queue(known);
      if (this.#min === from && !this.#buckets.has(from)) this.#min = known.count;
    } else known.count++;
    return known;
  }

  /** Counts the key once: its entry, new (with `fresh()`'s payload) or as it was. */
  add(key: string, fresh: () => P): Counted<P> {
    const known = this.bump(key);
    if (known !== undefined) return known;
    if (this.#entries.size < this.capacity) {
      const entry: Slot<P> = { key, count: 1, error: 0, payload: fresh(), serial: 0 };
      this.#entries.set(key, entry);
      if (this.#buckets !== null) {
        this.#queue(entry);
        this.#min = 1;
      }
      return entry;
    }
    if (this.#buckets === null) this.#bucketsNow();
    const buckets = this.#buckets as Map<number, Bucket>;
    const least = this.#min;
    const bucket = buckets.get(least);
    if (bucket === undefined) throw new Error('space-saving lost its least count');
    while (bucket.head < bucket.keys.length && !this.#holds(bucket, bucket.head)) bucket.head++;
    const victim = this.#entries.get(bucket.keys[bucket.head] as string);
    if (victim === undefined) throw new Error('space-saving lost its least count');
    bucket.head++;
    this.#leave(victim);
    this.#entries.delete(victim.key);
    const entry: Slot<P> = { key, count: least + 1, error: least, payload: fresh(), serial: 0 };
    this.#entries.set(key, entry);
    this.#queue(entry);
    if (!buckets.has(least)) this.#min = entry.count;
    return entry;
  }

  #holds(bucket: Bucket, at: number): boolean {
    return this.#entries.get(bucket.keys[at] as string)?.serial === bucket.serials[at];
  }

  #queue(entry: Slot<P>): void {
    const buckets = this.#buckets as Map<number, Bucket>;
    let bucket = buckets.get(entry.count);
    if (bucket === undefined) buckets.set(entry.count, (bucket = { keys: [], serials: [], head: 0, live: 0 }));
    entry.serial = ++this.#serial;
    bucket.keys.push(entry.key);
    bucket.serials.push(entry.serial);
    bucket.live++;
  }

  /** The entry leaves its count's queue (its place there goes stale): an emptied queue goes, a mostly stale one is compacted. */
  #leave(entry: Slot<P>): void {
    const buckets = this.#buckets as Map<number, Bucket>;
    const bucket = buckets.get(entry.count) as Bucket;
    bucket.live--;
    entry.serial = 0;
    if (bucket.live === 0) {
      buckets.delete(entry.count);
      return;
    }
    if (bucket.keys.length - bucket.head - bucket.live > bucket.live + 32) {
      const keys: string[] = [];
      const serials: number[] = [];
      for (let at = bucket.head; at < bucket.keys.length; at++) {
        if (!this.#holds(bucket, at)) continue;
        keys.push(bucket.keys[at] as string);
        serials.push(bucket.serials[at] as number);
      }
      bucket.keys = keys;
      bucket.serials = serials;
      bucket.head = 0;
    }
  }

  #bucketsNow(): void {
    this.#buckets = new Map();
    // A stable sort: keys of equal count queue in the order they came.
    const byCount = [...this.#entries.values()].sort((a, b) => a.count - b.count);
    for (const entry of byCount) this.#queue(entry);
    this.#min = byCount[0]?.count ?? 0;
  }

  /** The keys of each count, in their queue's order. */
  #order(): Array<[number, string[]]> {
    const buckets = this.#buckets as Map<number, Bucket>;
    return [...buckets]
      .sort((a, b) => a[0] - b[0])
      .map(([count, bucket]) => {
        const keys: string[] = [];
        for (let at = bucket.head; at < bucket.keys.length; at++) if (this.#holds(bucket, at)) keys.push(bucket.keys[at] as string);
        return [count, keys];
      });
  }

  toState<S>(save: (payload: P) => S): SpaceSavingState<S> {
    return {
      capacity: this.capacity,
      evicted: this.#buckets !== null,
      entries: [...this.#entries.values()].map((entry) => [entry.key, entry.count, entry.error, save(entry.payload)]),
      order: this.#buckets === null ? null : this.#order(),
    };
  }

  /** The counter as saved; `load` reads a payload (and throws on a wrong one). Shapes are checked by the caller's reader. */
  static fromState<S, P>(state: SpaceSavingState<S>, load: (payload: S) => P, fail: (problem: string) => never): SpaceSaving<P> {
    const counter = new SpaceSaving<P>(state.capacity);
    if (state.entries.length > state.capacity) fail('a counter holds more keys than its capacity');
    for (const [key, count, error, payload] of state.entries) {
      if (counter.#entries.has(key)) fail('a counter holds a key twice');
      if (error > (state.evicted ? count - 1 : 0)) fail('a counter has an error larger than it can be');
      counter.#entries.set(key, { key, count, error, payload: load(payload), serial: 0 });
    }
    if (state.evicted) {
      if (state.order === null) fail('an evicted counter has no order');
      counter.#buckets = new Map();
      let placed = 0;
      let min = Infinity;
      const seen = new Set<string>();
      for (const [count, keys] of state.order as Array<[number, string[]]>) {
        if (counter.#buckets.has(count) || keys.length === 0) fail('a counter order repeats a count or has an empty one');
        for (const key of keys) {
          const entry = counter.#entries.get(key);
          if (entry?.count !== count || seen.has(key)) fail('a counter order does not match its counts');
          seen.add(key);
          counter.#queue(entry as Slot<P>);
        }
        placed += keys.length;
        min = Math.min(min, count);
      }
      if (placed !== counter.#entries.size || placed !== state.capacity) fail('a counter order does not hold every key');
      counter.#min = min;
    } else if (state.order !== null) fail('a counter that evicted nothing has an order');
    return counter;
  }
}
