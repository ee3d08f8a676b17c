import { createGunzip, type Gunzip } from 'node:zlib';

/** Compressed bytes handed to zlib at a time: what it inflates from one is held at once (≤ 16 MiB for a bomb). */
const PIECE = 16 * 1024;

/** One zlib gunzip, fed a piece at a time: what each piece inflated to, and zlib's refusal if it came. */
class Inflater {
  readonly #gzip: Gunzip = createGunzip();
  #made: Buffer[] = [];
  #error: unknown;

  constructor() {
    this.#gzip.on('data', (chunk: Buffer) => this.#made.push(chunk));
    this.#gzip.on('error', (error) => (this.#error ??= error));
  }

  async feed(piece: Buffer): Promise<{ made: Buffer[]; error?: unknown }> {
    if (this.#error === undefined) {
      // A refused write ends in 'error', and its own callback may never come.
      await new Promise<void>((resolve) => {
        const done = () => {
          this.#gzip.off('error', done);
          resolve();
        };
        this.#gzip.once('error', done);
        this.#gzip.write(piece, done);
      });
    }
    return this.#take();
  }

  async end(): Promise<{ made: Buffer[]; error?: unknown }> {
    if (this.#error === undefined) {
      await new Promise<void>((resolve) => {
        this.#gzip.once('end', resolve).once('error', () => resolve());
        this.#gzip.end();
      });
    }
    return this.#take();
  }

  destroy(): void {
    this.#gzip.destroy();
  }

  #take(): { made: Buffer[]; error?: unknown } {
    const made = this.#made;
    this.#made = [];
    return this.#error === undefined ? { made } : { made, error: this.#error };
  }
}

/**
 * Gunzipped bytes, then zlib's refusal if bytes are not gzip (a file with something after it, a
 * download cut and glued to the next). zlib drops what it inflated from the write in which it
 * meets such bytes: up to 16 KiB of good lines before the damage, which a reader must still get.
 * So a probe goes one piece ahead; where it refuses, the gunzip whose output is handed over takes
 * that piece a byte at a time, and hands over everything up to the byte zlib refuses.
 */
export async function* gunzipWhole(compressed: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const probe = new Inflater();
  const real = new Inflater();
  try {
    for await (const chunk of compressed) {
      for (let at = 0; at < chunk.length; at += PIECE) {
        const piece = chunk.subarray(at, at + PIECE);
        if ((await probe.feed(piece)).error === undefined) {
          yield* (await real.feed(piece)).made;
          continue;
        }
        for (let byte = 0; byte < piece.length; byte++) {
          const { made, error } = await real.feed(piece.subarray(byte, byte + 1));
          yield* made;
          if (error !== undefined) throw error;
        }
      }
    }
    const { made, error } = await real.end();
    yield* made;
    if (error !== undefined) throw error;
  } finally {
    probe.destroy();
    real.destroy();
  }
}
