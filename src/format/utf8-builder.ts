/** Big enough that a batch takes few; small enough that the allocator hands back memory it already has. */
const CHUNK_BYTES = 256 * 1024;
/** A batch's first: following a quiet cluster, most batches hold a few events. */
const FIRST_CHUNK_BYTES = 16 * 1024;

/**
 * Joins many short strings straight into UTF-8 bytes. A batch's output built with `+=` is
 * a rope of thousands of pieces that V8 must flatten, then encode into one new buffer of
 * megabytes whose every page the kernel must fault in: on a catch-up the largest cost of
 * the main thread (docs/performance.md). Chunks of a quarter of a megabyte avoid both, and
 * each is new, so a stream may keep it as long as it likes.
 */
export class Utf8Builder {
  #chunks: Buffer[] = [];
  #current: Buffer | undefined;
  #length = 0;
  #sealedBytes = 0;

  /** Bytes appended and not yet taken. */
  get byteLength(): number {
    return this.#sealedBytes + this.#length;
  }

  append(text: string): void {
    // A UTF-16 unit never takes more than three bytes of UTF-8.
    const chunk = this.#room(3 * text.length);
    this.#length += chunk.write(text, this.#length, 'utf8');
  }

  /** Bytes that are UTF-8 already. */
  appendBytes(bytes: Uint8Array): void {
    const chunk = this.#room(bytes.length);
    chunk.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /** The current chunk, with room for `bytes` more. */
  #room(bytes: number): Buffer {
    if (!this.#current || this.#length + bytes > this.#current.length) {
      this.#seal();
      this.#current = Buffer.allocUnsafe(Math.max(this.#chunks.length === 0 ? FIRST_CHUNK_BYTES : CHUNK_BYTES, bytes));
    }
    return this.#current;
  }

  /** The bytes appended since the last call, in order. */
  take(): Buffer[] {
    this.#seal();
    this.#sealedBytes = 0;
    return this.#chunks.splice(0);
  }

  #seal(): void {
    if (this.#current && this.#length > 0) this.#chunks.push(this.#current.subarray(0, this.#length));
    this.#sealedBytes += this.#length;
    this.#current = undefined;
    this.#length = 0;
  }
}
