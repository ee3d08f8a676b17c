import { open, type FileHandle } from 'node:fs/promises';
import type { RawRecord } from '../decode/types.js';
import { withSystemWords } from '../system-errors.js';

/** One record das-read could not read, kept whole so that nothing is lost. */
export interface DeadLetter {
  shardId: string;
  sequenceNumber: string;
  arrivalTime: string | null;
  reason: string;
  /** The record's Data, base64. */
  data: string;
}

export function deadLetterOf(record: RawRecord, reason: string): DeadLetter {
  return {
    shardId: record.shardId,
    sequenceNumber: record.sequenceNumber,
    arrivalTime: record.arrivalTime?.toISOString() ?? null,
    reason,
    data: Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength).toString('base64'),
  };
}

/** An NDJSON file that only grows; each append is on disk before the checkpoint moves past it. */
export class DeadLetterFile {
  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
  ) {}

  static async open(path: string): Promise<DeadLetterFile> {
    try {
      return new DeadLetterFile(path, await open(path, 'a', 0o600));
    } catch (error) {
      throw withSystemWords(error, `open the dead-letter file ${path}`);
    }
  }

  /** On disk when it resolves; a failure stops the run before the checkpoint passes these records. */
  async append(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    try {
      await this.file.appendFile(letters.map((letter) => JSON.stringify(letter) + '\n').join(''));
      await this.file.sync();
    } catch (error) {
      throw withSystemWords(
        error,
        `keep ${letters.length === 1 ? 'an unreadable record' : `${letters.length} unreadable records`} in the dead-letter file ${this.path}`,
        'The checkpoint was not moved past them: the next run meets them again.',
      );
    }
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
