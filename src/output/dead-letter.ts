import { open, type FileHandle } from 'node:fs/promises';
import type { RawRecord } from '../decode/types.js';

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
    return new DeadLetterFile(path, await open(path, 'a', 0o600));
  }

  async append(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.file.appendFile(letters.map((letter) => JSON.stringify(letter) + '\n').join(''));
    await this.file.sync();
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
