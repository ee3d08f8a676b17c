import { Readable } from 'node:stream';
import type { DasEvent } from '../decode/types.js';
import { gunzipWhole } from './gunzip-whole.js';
import { savedEventOf } from './saved-event.js';

/** One line of a saved audit file: its text, or why it has none. */
export type SavedLine = { number: number; text: string; problem?: undefined } | { number: number; text?: undefined; problem: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** gzip's first two bytes (RFC 1952). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * The file's content, gunzipped when it starts as gzip does (logrotate's `compress`): a
 * trail is read the same whether it was rotated or not.
 */
export async function plainContent(source: Readable): Promise<AsyncIterable<Buffer>> {
  return (await contentOf(source)).content;
}

/** As plainContent, saying whether it was gzip'd: a place in it is then a place in the gunzipped bytes. */
export async function contentOf(source: Readable): Promise<{ content: AsyncIterable<Buffer>; gzipped: boolean }> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  // A stream of strings (one made in memory) reads as its UTF-8 bytes.
  const bytes = (chunk: Buffer | string) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  // A pipe may hand over one byte at a time: the magic is looked for once there are enough bytes, however they came.
  const opening: Buffer[] = [];
  let size = 0;
  while (size < GZIP_MAGIC.length) {
    const next = await chunks.next();
    if (next.done) break;
    const chunk = bytes(next.value);
    opening.push(chunk);
    size += chunk.length;
  }
  if (size === 0) return { content: Readable.from([]), gzipped: false };
  const head = Buffer.concat(opening, size);
  const all = Readable.from(
    (async function* () {
      yield head;
      for (;;) {
        const next = await chunks.next();
        if (next.done) return;
        yield bytes(next.value);
      }
    })(),
  );
  if (head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) return { content: all, gzipped: false };
  // A source that fails fails the gunzip, and its reader with it.
  return { content: gunzipWhole(all), gzipped: true };
}

/**
 * Cuts bytes into lines, numbered from 1, each at most `maxBytes`: a longer one (a gzip bomb, a
 * file that is not a trail) is reported and skipped without being held whole. Bytes that are not
 * UTF-8 are a problem of their line alone. Knows nothing of where the bytes come from, so the same
 * cutting serves a stream and a fuzzer.
 */
export class LineCutter {
  #parts: Buffer[] = [];
  #size = 0;
  #tooLong = false;
  #number = 0;

  constructor(private readonly maxBytes: number) {}

  /** The lines this chunk completes. */
  *push(chunk: Buffer): Generator<SavedLine> {
    let from = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, from)) {
      this.#take(chunk.subarray(from, newline));
      yield this.#end();
      from = newline + 1;
    }
    this.#take(chunk.subarray(from));
  }

  /** The last line, when the bytes end without a newline. */
  *finish(): Generator<SavedLine> {
    if (this.#size > 0 || this.#tooLong) yield this.#end();
  }

  #end(): SavedLine {
    const number = ++this.#number;
    const tooLong = this.#tooLong;
    const line = tooLong ? undefined : Buffer.concat(this.#parts, this.#size);
    this.#parts = [];
    this.#size = 0;
    this.#tooLong = false;
    if (line === undefined) return { number, problem: `longer than ${this.maxBytes} bytes` };
    try {
      return { number, text: utf8.decode(line) };
    } catch {
      return { number, problem: 'not valid UTF-8' };
    }
  }

  #take(piece: Buffer): void {
    if (this.#tooLong || piece.length === 0) return;
    if (this.#size + piece.length > this.maxBytes) {
      this.#tooLong = true;
      this.#parts = [];
      this.#size = 0;
      return;
    }
    // A copy: the chunk's memory may be reused by its stream.
    this.#parts.push(Buffer.from(piece));
    this.#size += piece.length;
  }
}

/** The lines of bytes held in memory, as a stream's would be: a pure function, for fuzzing and property tests. */
export function* linesOf(chunks: Iterable<Buffer>, maxBytes: number): Generator<SavedLine> {
  const cutter = new LineCutter(maxBytes);
  for (const chunk of chunks) yield* cutter.push(chunk);
  yield* cutter.finish();
}

/** The lines of a stream's content (see LineCutter). */
export async function* savedLines(content: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<SavedLine> {
  const cutter = new LineCutter(maxBytes);
  for await (const chunk of content) yield* cutter.push(chunk);
  yield* cutter.finish();
}

/** A saved line as `show` takes it: an event, a line with nothing on it, or what is wrong with it. */
export type SavedEntry =
  | { number: number; event: DasEvent; problem?: undefined; blank?: undefined }
  | { number: number; problem: string; event?: undefined; blank?: undefined }
  | { number: number; blank: true; event?: undefined; problem?: undefined };

/**
 * The saved-line reader over bytes in memory, with no stream in the way: what a fuzzer drives.
 * `maxDepth` as `show` passes it for a form that rebuilds events. (gzip is recognised before this, by contentOf.)
 */
export function* savedEntriesOf(chunks: Iterable<Buffer>, options: { maxBytes: number; maxDepth?: number }): Generator<SavedEntry> {
  for (const line of linesOf(chunks, options.maxBytes)) {
    if (line.problem !== undefined) yield { number: line.number, problem: line.problem };
    else if (line.text.trim() === '') yield { number: line.number, blank: true };
    else {
      const { event, problem } = savedEventOf(line.text, options.maxDepth);
      yield problem === undefined ? { number: line.number, event } : { number: line.number, problem };
    }
  }
}
