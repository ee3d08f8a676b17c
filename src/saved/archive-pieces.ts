import { recordStartAt } from './record-start.js';

/**
 * A run of an archive's bytes, [start, end) in the (gunzipped) file: a JSON object as its braces
 * close it, or what is not one. `bytes` is undefined when the run was longer than the bound.
 */
export interface ArchivePiece {
  start: number;
  end: number;
  bytes: Buffer | undefined;
  /** Whitespace just before the piece, kept so that a damaged span can be kept whole. */
  lead: Buffer | undefined;
  what: 'object' | 'other' | 'cut' | 'ended' | 'unreadable';
  /** Why the rest of the file cannot be read (`unreadable`). */
  reason?: string;
}

const OPEN = 0x7b;
const CLOSE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** Bounded pieces of a buffer list: past `max` bytes only the count is kept. */
class Held {
  parts: Buffer[] = [];
  size = 0;
  over = false;
  constructor(private readonly max: number) {}
  keep(piece: Buffer) {
    if (piece.length === 0) return;
    this.size += piece.length;
    if (this.over) return;
    if (this.size > this.max) {
      this.over = true;
      this.parts = [];
      return;
    }
    this.parts.push(piece);
  }
  take(): Buffer | undefined {
    const bytes = this.over ? undefined : Buffer.concat(this.parts);
    this.parts = [];
    this.size = 0;
    this.over = false;
    return bytes;
  }
}

/**
 * An archive's bytes cut into JSON objects by their braces, strings and escapes respected, and the
 * runs between them. An object is cut short where a record's start (`{"type":`, …) appears inside
 * it, in a string or not: a record cut off (a partial download glued to the next file) costs only
 * itself, not what follows, however its quotes and braces line up with the next record's.
 */
export async function* archivePieces(content: AsyncIterable<Buffer> | Iterable<Buffer>, maxBytes: number): AsyncGenerator<ArchivePiece[]> {
  // Where `buffer[0]` is in the file; a buffer is the bytes left of the last chunk and the next one.
  let offset = 0;
  let start = -1;
  let kind: 'object' | 'other' | undefined;
  const held = new Held(maxBytes);
  const lead = new Held(maxBytes);
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** Bytes at the end of a chunk that cannot be judged before the next one comes. */
  let carry: Buffer | undefined;

  const piece = (end: number, what: ArchivePiece['what'], reason?: string): ArchivePiece => {
    const leading = lead.take();
    const made: ArchivePiece = {
      start,
      end,
      bytes: held.take(),
      lead: leading && leading.length > 0 ? leading : undefined,
      what,
      ...(reason ? { reason } : {}),
    };
    kind = undefined;
    start = -1;
    depth = 0;
    inString = false;
    escaped = false;
    return made;
  };

  function* scan(buffer: Buffer, ended: boolean): Generator<ArchivePiece> {
    let from = 0;
    let index = 0;
    // Where the next quote, backslash and brace are: looked up once each, not at every quote, so a
    // buffer of many short strings is read in one pass.
    const next = { [QUOTE]: -1, [BACKSLASH]: -1, [OPEN]: -1 } as Record<number, number>;
    const nextOf = (byte: number) => {
      const known = next[byte] as number;
      if (known === Infinity || known >= index) return known;
      const found = buffer.indexOf(byte, index);
      return (next[byte] = found === -1 ? Infinity : found);
    };
    while (index < buffer.length) {
      const byte = buffer[index] as number;
      if (kind === undefined) {
        if (isSpace(byte)) {
          const spaces = index;
          while (index < buffer.length && isSpace(buffer[index] as number)) index++;
          lead.keep(buffer.subarray(spaces, index));
          from = index;
          continue;
        }
        kind = byte === OPEN ? 'object' : 'other';
        start = offset + index;
        from = index;
        depth = 0;
      } else if (kind === 'object' && byte === OPEN && offset + index > start) {
        const starts = recordStartAt(buffer, index, ended);
        if (starts === undefined) {
          held.keep(buffer.subarray(from, index));
          carry = buffer.subarray(index);
          offset += index;
          return;
        }
        if (starts) {
          held.keep(buffer.subarray(from, index));
          yield piece(offset + index, 'cut');
          from = index;
          continue;
        }
      }
      if (kind === 'other') {
        const open = nextOf(OPEN);
        if (open === Infinity) {
          index = buffer.length;
          continue;
        }
        held.keep(buffer.subarray(from, open));
        yield piece(offset + open, 'other');
        index = open;
        from = open;
        continue;
      }
      if (inString) {
        if (escaped || byte === OPEN) {
          escaped = false;
          index++;
          continue;
        }
        // Most of a record is one long base64 string: jump to what can end or escape it, or start a record.
        const stop = Math.min(nextOf(QUOTE), nextOf(BACKSLASH), nextOf(OPEN));
        if (stop === Infinity) {
          index = buffer.length;
          continue;
        }
        const found = buffer[stop];
        if (found === BACKSLASH) escaped = true;
        else if (found === QUOTE) inString = false;
        index = found === OPEN ? stop : stop + 1;
        continue;
      }
      if (byte === QUOTE) inString = true;
      else if (byte === OPEN) depth++;
      else if (byte === CLOSE && --depth === 0) {
        held.keep(buffer.subarray(from, index + 1));
        index++;
        from = index;
        yield piece(offset + index, 'object');
        continue;
      }
      index++;
    }
    if (kind !== undefined) held.keep(buffer.subarray(from));
    offset += buffer.length;
  }

  try {
    for await (const chunk of content) {
      const buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      carry = undefined;
      // A chunk's pieces at once: a chunk of many small ones is not a wait for each.
      yield [...scan(buffer, false)];
    }
    const rest = carry as Buffer | undefined;
    carry = undefined;
    if (rest) yield [...scan(rest, true)];
  } catch (error) {
    // Damaged or cut-off gzip: what came before is read; the rest of the file cannot be.
    const reason = `${(error as Error).message} (${String((error as NodeJS.ErrnoException).code ?? 'unreadable')})`;
    if (carry) held.keep(carry);
    const end = offset + (carry?.length ?? 0);
    if (kind === undefined) start = end;
    yield [piece(end, 'unreadable', reason)];
    return;
  }
  if (kind === 'object') yield [piece(offset, 'ended')];
  else if (kind === 'other') yield [piece(offset, 'other')];
}
