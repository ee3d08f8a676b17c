import { closeSync, openSync, readSync } from 'node:fs';

export interface Line {
  /** Byte offset of the line's first byte in the file. */
  start: number;
  text: Buffer;
  /** False for the file's last bytes when no newline ends them. */
  ended: boolean;
}

/** The lines of a file from byte `from` on, each with its offset, read a chunk at a time. */
export function* linesOf(path: string, from = 0, chunkBytes = 1 << 20): Generator<Line> {
  const fd = openSync(path, 'r');
  try {
    let carry = Buffer.alloc(0);
    let carryStart = from;
    let position = from;
    const chunk = Buffer.alloc(chunkBytes);
    for (;;) {
      const read = readSync(fd, chunk, 0, chunkBytes, position);
      if (read === 0) break;
      position += read;
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, read)]) : Buffer.from(chunk.subarray(0, read));
      let lineStart = 0;
      for (let newline = data.indexOf(10); newline !== -1; newline = data.indexOf(10, lineStart)) {
        yield { start: carryStart + lineStart, text: data.subarray(lineStart, newline), ended: true };
        lineStart = newline + 1;
      }
      carryStart += lineStart;
      carry = data.subarray(lineStart);
    }
    if (carry.length) yield { start: carryStart, text: carry, ended: false };
  } finally {
    closeSync(fd);
  }
}

export interface WrittenEvent {
  id: number;
  eventId: string;
}

/** The soak's numbered event in an output line, or undefined when the line is not one. */
export function eventOf(text: Buffer | string): WrittenEvent | undefined {
  try {
    const value = JSON.parse(text.toString()) as { statementId?: unknown; eventId?: unknown };
    return typeof value.statementId === 'number' && typeof value.eventId === 'string' ? { id: value.statementId, eventId: value.eventId } : undefined;
  } catch {
    return undefined;
  }
}
