/** How many keys that did not fit are told apart to count them: past it, `more` is a lower bound. */
const OVERFLOW_KEYS = 65_536;

export interface KeyedTableState<S> {
  capacity: number;
  rows: Array<[key: string, row: S]>;
  /** Hashes of the keys that did not fit, to count each once. */
  overflow: number[];
  more: number;
}

/**
 * Rows by key, the first `capacity` keys kept (a flood of new names cannot grow it); keys past it are counted in
 * `more`, each once (by a 30-bit hash, up to 65,536 of them: past that, or on a hash collision, `more` is a lower bound).
 */
export class KeyedTable<R> {
  readonly rows = new Map<string, R>();
  #overflow = new Set<number>();
  #more = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 0)) throw new RangeError('capacity must be a whole number');
  }

  /** The key's row, made by `fresh()` if there is room; undefined (and counted) when the table is full. */
  get(key: string, fresh: () => R): R | undefined {
    const known = this.rows.get(key);
    if (known !== undefined) return known;
    if (this.rows.size < this.capacity) {
      const row = fresh();
      this.rows.set(key, row);
      return row;
    }
    // 30 bits: V8 keeps them as small integers, not boxed numbers.
    const hash = fnv1a(key) >>> 2;
    // Past the keys it can tell apart it stops counting: a key seen again would be counted again.
    if (this.#overflow.size < OVERFLOW_KEYS && !this.#overflow.has(hash)) {
      this.#overflow.add(hash);
      this.#more++;
    }
    return undefined;
  }

  /** Distinct keys that did not fit. */
  get more(): number {
    return this.#more;
  }

  toState<S>(save: (row: R) => S): KeyedTableState<S> {
    return { capacity: this.capacity, rows: [...this.rows].map(([key, row]) => [key, save(row)]), overflow: [...this.#overflow], more: this.#more };
  }

  static fromState<S, R>(state: KeyedTableState<S>, load: (row: S) => R, fail: (problem: string) => never): KeyedTable<R> {
    const table = new KeyedTable<R>(state.capacity);
    if (state.rows.length > state.capacity) fail('a table holds more rows than its capacity');
    for (const [key, row] of state.rows) {
      if (table.rows.has(key)) fail('a table holds a key twice');
      table.rows.set(key, load(row));
    }
    if (state.overflow.length > OVERFLOW_KEYS || state.overflow.length !== state.more) fail('a table counts other keys left out than it remembers');
    if (state.more > 0 && state.rows.length < state.capacity) fail('a table left keys out while it had room');
    for (const hash of state.overflow) {
      if (!(Number.isInteger(hash) && hash >= 0 && hash <= 0x3fffffff)) fail('a table remembers a key hash that is not one');
      table.#overflow.add(hash);
    }
    if (table.#overflow.size !== state.overflow.length) fail('a table remembers a key hash twice');
    table.#more = state.more;
    return table;
  }
}

/** FNV-1a over UTF-16 units: cheap, and enough to count overflow keys apart. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let at = 0; at < text.length; at++) {
    hash ^= text.charCodeAt(at);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
