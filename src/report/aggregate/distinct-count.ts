import { fail, texts } from './state-reader.js';

/** Names kept as they are up to this many: past it, a 52-bit hash each. */
export const EXACT_NAMES = 100_000;

/**
 * How many different names (users, sessions) the events carry. The names themselves while they are
 * few; past EXACT_NAMES, a 52-bit hash of each in an open-addressed table of 8 bytes a slot, so a
 * flood of a million names costs megabytes, not the hundreds a Set of strings takes. With 52 bits a
 * million names collide about once in ten thousand floods: the count stays the jq count in practice.
 */
export class DistinctCount {
  /** @param exact names kept as they are, at most (a test's smaller bound) */
  constructor(readonly exact = EXACT_NAMES) {}

  #names: Set<string> | undefined = new Set<string>();
  /** Two 26-bit halves a slot (0, 0 is empty: a hash of 0 is stored as 1). */
  #slots = new Uint32Array(0);
  #hashed = 0;

  add(name: string): void {
    const names = this.#names;
    if (names !== undefined) {
      names.add(name);
      if (names.size > this.exact) this.#spill(names);
      return;
    }
    this.#insert(hash52(name));
  }

  get size(): number {
    return this.#names?.size ?? this.#hashed;
  }

  /** The names (exact), or their hashes once spilled: what the saved state holds. */
  toState(): string[] | { hashes: number[] } {
    if (this.#names !== undefined) return [...this.#names];
    const hashes: number[] = [];
    for (let slot = 0; slot < this.#slots.length; slot += 2) {
      const high = this.#slots[slot] as number;
      const low = this.#slots[slot + 1] as number;
      if (high !== 0 || low !== 0) hashes.push(high * 2 ** 26 + low);
    }
    return { hashes };
  }

  static fromState(value: unknown, where: string, exact = EXACT_NAMES): DistinctCount {
    const count = new DistinctCount(exact);
    if (Array.isArray(value)) {
      const names = texts(value, where, exact);
      count.#names = new Set(names);
      if (count.#names.size !== names.length) fail(`${where} repeats a value`);
      return count;
    }
    const hashes = (value as { hashes?: unknown } | null)?.hashes;
    if (!Array.isArray(hashes) || hashes.length <= exact) return fail(`${where} is neither names nor the hashes of more than ${exact}`);
    count.#names = undefined;
    count.#grow(hashes.length);
    for (const hash of hashes as unknown[]) {
      if (!Number.isSafeInteger(hash) || (hash as number) < 1 || (hash as number) >= 2 ** 52) fail(`${where} holds a hash that is not one`);
      if (!count.#insert(hash as number)) fail(`${where} repeats a hash`);
    }
    return count;
  }

  #spill(names: Set<string>): void {
    this.#names = undefined;
    this.#grow(names.size);
    for (const name of names) this.#insert(hash52(name));
  }

  /** Whether the hash was new. */
  #insert(hash: number): boolean {
    if ((this.#hashed + 1) * 2 > this.#slots.length / 2) this.#grow(this.#hashed + 1);
    const high = Math.floor(hash / 2 ** 26);
    const low = hash % 2 ** 26;
    const mask = this.#slots.length / 2 - 1;
    for (let slot = (low ^ high) & mask; ; slot = (slot + 1) & mask) {
      const at = slot * 2;
      const h = this.#slots[at] as number;
      const l = this.#slots[at + 1] as number;
      if (h === 0 && l === 0) {
        this.#slots[at] = high;
        this.#slots[at + 1] = low;
        this.#hashed++;
        return true;
      }
      if (h === high && l === low) return false;
    }
  }

  /** Room for `count` at half full, at least; the table's size a power of two. */
  #grow(count: number): void {
    let size = 1024;
    while (size < count * 2) size *= 2;
    if (size * 2 <= this.#slots.length) return;
    const old = this.#slots;
    this.#slots = new Uint32Array(size * 2);
    this.#hashed = 0;
    for (let slot = 0; slot < old.length; slot += 2) {
      const high = old[slot] as number;
      const low = old[slot + 1] as number;
      if (high !== 0 || low !== 0) this.#insert(high * 2 ** 26 + low);
    }
  }
}

/** 52 bits of two FNV-1a passes with different offsets; never 0 (the empty slot). */
export function hash52(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let at = 0; at < text.length; at++) {
    const unit = text.charCodeAt(at);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x01000193) ^ (b >>> 15);
  }
  const hash = (a >>> 6) * 2 ** 26 + ((b >>> 0) % 2 ** 26);
  return hash === 0 ? 1 : hash;
}
