import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** One line of a saved audit file: its text, or why it has none. */
export type SavedLine = { number: number; text: string; problem?: undefined } | { number: number; text?: undefined; problem: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

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
  const first = await chunks.next();
  if (first.done) return { content: Readable.from([]), gzipped: false };
  const head = bytes(first.value);
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
  if (head[0] !== 0x1f || head[1] !== 0x8b) return { content: all, gzipped: false };
  // pipeline, not pipe: a source that fails fails the gunzip, and its reader with it.
  return { content: pipeline(all, createGunzip(), () => {}), gzipped: true };
}

/**
 * Lines, numbered from 1, each at most `maxBytes`: a longer one (a gzip bomb, a file that is not
 * a trail) is reported and skipped without being held whole. Bytes that are not UTF-8 are a problem
 * of their line alone.
 */
export async function* savedLines(content: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<SavedLine> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let number = 0;
  const end = (): SavedLine => {
    number++;
    const line = tooLong ? undefined : Buffer.concat(parts, size);
    parts = [];
    size = 0;
    const wasTooLong = tooLong;
    tooLong = false;
    if (wasTooLong || line === undefined) return { number, problem: `longer than ${maxBytes} bytes` };
    try {
      return { number, text: utf8.decode(line) };
    } catch {
      return { number, problem: 'not valid UTF-8' };
    }
  };
  for await (const chunk of content) {
    let from = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, from)) {
      take(chunk.subarray(from, newline));
      yield end();
      from = newline + 1;
    }
    take(chunk.subarray(from));
  }
  if (size > 0 || tooLong) yield end();

  function take(piece: Buffer) {
    if (tooLong || piece.length === 0) return;
    if (size + piece.length > maxBytes) {
      tooLong = true;
      parts = [];
      size = 0;
      return;
    }
    parts.push(Buffer.from(piece));
    size += piece.length;
  }
}
