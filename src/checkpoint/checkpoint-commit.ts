import { saveCheckpoint } from './checkpoint-file.js';
import type { PositionBook, Progress } from './position-book.js';
import type { LakePositions } from '../sinks/security-lake-dir.js';

/**
 * Moves the checkpoint behind the output: a batch's positions are saved only once the bytes
 * written before them are surely read (on disk, or past what a pipe can hold unread).
 */
export class CheckpointCommit implements LakePositions {
  /** Batches written whose positions wait for the bytes before them to be read. */
  readonly #pending: Array<{ end: number; progress: Progress[]; finishedShard?: string }> = [];
  /** The output's bytes up to the end of the last batch whose positions are in the book. */
  #reached = 0;

  constructor(
    private readonly book: PositionBook,
    private readonly path: string,
    private readonly now: () => Date,
    /** How many of the bytes written may still be unread: a pipe's or a socket's buffer. */
    private readonly unreadBytes = 0,
    /** Where the output keeps its own account of what is safe (Security Lake's complete files): up to there only. */
    private readonly durable?: () => number,
    /** Throws unless this run still holds the checkpoint's lock: nothing is written or saved by a run that lost it. */
    readonly confirmLock: () => Promise<void> = async () => {},
  ) {}

  /** How many of a record's events an earlier run wrote already. */
  handled = (shardId: string, sequenceNumber: string): number => this.book.handledEvents(shardId, sequenceNumber);

  /** A batch's positions, written up to byte `end` of the output; saved once the bytes before them are read. */
  async written(end: number, progress: Progress[], finishedShard?: string): Promise<void> {
    this.#pending.push({ end, progress, ...(finishedShard === undefined ? {} : { finishedShard }) });
    await this.#commit(this.durable ? this.durable() : end - this.unreadBytes);
  }

  /** How far (in the output's bytes) the positions of the batches written so far go, up to `bytes`. */
  reach(bytes: number): number {
    let end = this.#reached;
    for (const batch of this.#pending) {
      if (batch.end > bytes) break;
      end = batch.end;
    }
    return end;
  }

  /** Saves the positions of the batches written up to `upTo` bytes (Security Lake: before its files are placed). */
  async save(upTo: number): Promise<void> {
    await this.#commit(upTo);
  }

  /** The output's reader is still there at the end: every position written moves, and is saved. */
  async settle(): Promise<void> {
    await this.#commit(this.durable ? this.durable() : Number.POSITIVE_INFINITY);
  }

  async #commit(upTo: number): Promise<void> {
    let moved = false;
    while (this.#pending[0] !== undefined && this.#pending[0].end <= upTo) {
      const { progress, finishedShard, end } = this.#pending.shift() ?? { progress: [], end: 0 };
      this.#reached = end;
      for (const step of progress) this.book.advance(step);
      if (finishedShard !== undefined) this.book.markFinished(finishedShard);
      moved = true;
    }
    if (!moved) return;
    await this.confirmLock();
    await saveCheckpoint(this.path, this.book.toState(this.now()));
  }
}
