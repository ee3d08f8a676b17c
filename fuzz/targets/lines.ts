// The saved-line reader (`das-read show`): a saved trail's bytes, gzip'd or not, in any chunks,
// through contentOf and savedLines as show reads them, each line then parsed as show parses it.
// Its promise: every line, in order, is its text or a problem with its number; none is lost or made up.
import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { contentOf, savedLines, type SavedLine } from '../../src/saved/saved-lines.js';
import { hasEventField } from '../../src/saved/saved-event.js';
import { delivered, invariant, type FuzzTarget } from '../target.js';

/** As show's bound, smaller, so that a huge mutation meets it. */
const MAX_LINE_BYTES = 1024 * 1024;

const looksGzip = (bytes: Uint8Array) => bytes[0] === 0x1f && bytes[1] === 0x8b;

const target: FuzzTarget = {
  streams: true,
  dictionary: ['{"type":"record"', '"eventId":', '"heartbeat"', '"clusterId":', '\r\n', '\n\n', '{}', '[]'],
  async run(input, delivery) {
    const plain = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const { content, gzipped } = await contentOf(Readable.from(delivered(input, delivery)));
    const lines: SavedLine[] = [];
    try {
      for await (const line of savedLines(content, MAX_LINE_BYTES)) lines.push(line);
    } catch (error) {
      // Only bytes taken for gzip can fail to be read: show then reports the rest of the file unreadable.
      if (!(gzipped && !delivery.gzip && looksGzip(plain) && (error as NodeJS.ErrnoException).code?.startsWith('Z_'))) throw error;
      return 'gzip-looking input: the rest unreadable';
    }
    if (!delivery.gzip && looksGzip(plain)) return 'gzip-looking input';
    invariant(
      gzipped === delivery.gzip,
      "gzip'd input not read as gzip, or plain as gzip",
      () => `gzip'd ${delivery.gzip}, delivered in chunks ${JSON.stringify(delivery.chunks)}, read as gzip'd ${gzipped}`,
    );

    // The lines the input holds: a last line without its newline is a line, an empty end is none.
    const expected: Buffer[] = [];
    for (let from = 0; from < plain.length;) {
      const newline = plain.indexOf(0x0a, from);
      expected.push(plain.subarray(from, newline === -1 ? plain.length : newline));
      from = newline === -1 ? plain.length : newline + 1;
    }
    invariant(lines.length === expected.length, 'lines lost or made up', () => `${expected.length} lines read as ${lines.length}`);
    const kinds = new Set<string>();
    for (const [index, line] of lines.entries()) {
      const bytes = expected[index] as Buffer;
      invariant(line.number === index + 1, 'a line has the wrong number', () => `line ${index + 1} numbered ${line.number}`);
      if (line.problem !== undefined) {
        invariant(
          bytes.length > MAX_LINE_BYTES || !isUtf8(bytes),
          'a readable line reported unreadable',
          () => `line ${line.number} (${line.problem}) is ${bytes.length} bytes of UTF-8`,
        );
        kinds.add(line.problem.replace(/\d+/g, '#'));
        continue;
      }
      invariant(
        bytes.length <= MAX_LINE_BYTES && isUtf8(bytes) && line.text === bytes.toString('utf8'),
        'a line read as text that is not its bytes',
        () => `line ${line.number}`,
      );
      kinds.add(parsed(line.text));
    }
    return kinds.size === 0 ? 'no lines' : [...kinds].sort().join(' + ');
  },
};
export default target;

/** What show makes of a line's text. */
function parsed(text: string): string {
  if (text.trim() === '') return 'blank';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  return hasEventField(value) ? 'event' : 'no event field';
}
