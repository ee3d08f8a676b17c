import type { DecodedBatch } from '../decode/decode-stage.js';
import { DataKeyRecordError, RecordError, UserError } from '../errors.js';
import { saveCheckpoint } from '../checkpoint/checkpoint-file.js';
import type { PositionBook, Progress } from '../checkpoint/position-book.js';
import { deadLetterOf, type DeadLetter, type DeadLetterFile } from '../output/dead-letter.js';
import type { Diagnostics } from '../output/diagnostics.js';
import type { OutputWriter } from '../output/writer.js';
import type { OnError } from './read-options.js';
import { Utf8Builder } from '../output/utf8-builder.js';
import type { EventFormatter } from '../output/event-format.js';

/** Unreadable records in a row past which --on-error skip stops: documented in the README. */
export const MAX_SKIPPED_IN_A_ROW = 100;


export interface BatchWriterOptions {
  output: OutputWriter;
  format: EventFormatter;
  includeHeartbeats: boolean;
  maxEvents?: number;
  onError: OnError;
  deadLetter?: DeadLetterFile;
  log: Diagnostics;
  /**
   * With a checkpoint: the positions, the file, how to push stdout to disk before saving, and how
   * many of the bytes written may still be unread (a pipe's content): positions wait until
   * those behind them are surely read, or until settle().
   */
  checkpoint?: { book: PositionBook; path: string; syncOutput?: () => Promise<void>; unreadBytes?: number };
  now: () => Date;
}

/**
 * Writes each decoded batch and only then moves the checkpoint: a position is saved
 * after the events before it are out (at least once, never a gap). Applies the
 * unreadable-record policy and --max-events.
 */
export class BatchWriter {
  events = 0;
  records = 0;
  skipped = 0;
  #failedInARow = 0;
  /** Batches written whose positions wait for the bytes before them to be read. */
  readonly #pending: Array<{ end: number; progress: Progress[]; finishedShard?: string }> = [];

  constructor(private readonly options: BatchWriterOptions) {}

  /** Resolves false once --max-events is reached; throws at an unreadable record under --on-error fail. */
  async write(batch: DecodedBatch): Promise<boolean> {
    const { format, maxEvents, checkpoint } = this.options;
    const text = new Utf8Builder();
    const progress: Progress[] = [];
    const dead: DeadLetter[] = [];
    let failure: unknown;
    let full = false;

    for (const [place, outcome] of batch.outcomes.entries()) {
      const { raw } = outcome;
      const at = { shardId: raw.shardId, sequenceNumber: raw.sequenceNumber, arrivedAt: raw.arrivalTime };
      if (outcome.decoded === undefined) {
        if (outcome.error instanceof DataKeyRecordError) {
          failure = keyFailure(outcome.error, batch.outcomes.slice(place + 1));
          break;
        }
        if (!(outcome.error instanceof RecordError) || this.options.onError === 'fail') {
          failure = outcome.error;
          break;
        }
        if (++this.#failedInARow >= MAX_SKIPPED_IN_A_ROW) {
          failure = new RecordError(outcome.error.position, `${outcome.error.reason}; and the ${MAX_SKIPPED_IN_A_ROW - 1} records before it could not be read either`, `--on-error skip stops at ${MAX_SKIPPED_IN_A_ROW} unreadable records in a row: that many is the stream or the setup, not a bad record.`, { cause: outcome.error });
          break;
        }
        this.options.log.warn(`skipped: ${outcome.error.message}`);
        dead.push(deadLetterOf(raw, outcome.error.reason));
        progress.push(at);
        continue;
      }
      const record = outcome.decoded;
      this.records++;
      this.#failedInARow = 0;
      let index = checkpoint?.book.handledEvents(raw.shardId, raw.sequenceNumber) ?? 0;
      const count = record.eventCount;
      for (; index < count && !full; index++) {
        if (!this.options.includeHeartbeats && record.isHeartbeat(index)) continue;
        text.append(format(record, index));
        this.events++;
        full = maxEvents !== undefined && this.events >= maxEvents;
      }
      progress.push({ ...at, ...(index < count ? { eventIndex: index } : {}) });
      if (full) break;
    }

    const whole = failure === undefined && !full && progress.length === batch.outcomes.length;
    const last = progress.at(-1);
    if (last && whole && batch.shardEnded) last.shardFinished = true;

    await this.options.output.write(text.take());
    await this.options.deadLetter?.append(dead);
    // Counted once kept: a dead letter that could not be written stopped the run above.
    this.skipped += dead.length;
    if (checkpoint && (progress.length > 0 || (whole && batch.shardEnded))) {
      await this.options.output.flush();
      await checkpoint.syncOutput?.();
      const end = this.options.output.bytesWritten;
      this.#pending.push({ end, progress, ...(!last && batch.shardEnded ? { finishedShard: batch.shardId } : {}) });
      await this.#commit(end - (checkpoint.unreadBytes ?? 0));
    }
    if (failure !== undefined) throw failure;
    return !full;
  }

  /** The output's reader is still there at the end: every position written moves, and is saved. */
  async settle(): Promise<void> {
    await this.#commit(Number.POSITIVE_INFINITY);
  }

  /** Moves and saves the positions of the batches written up to byte `upTo` of the output. */
  async #commit(upTo: number): Promise<void> {
    const { checkpoint } = this.options;
    if (!checkpoint) return;
    let moved = false;
    while (this.#pending[0] !== undefined && this.#pending[0].end <= upTo) {
      const { progress, finishedShard } = this.#pending.shift() ?? { progress: [] };
      for (const step of progress) checkpoint.book.advance(step);
      if (finishedShard !== undefined) checkpoint.book.markFinished(finishedShard);
      moved = true;
    }
    if (moved) await saveCheckpoint(checkpoint.path, checkpoint.book.toState(this.options.now()));
  }
}

/**
 * A data key KMS will not open stops the run. If a later record of the batch opened, it was
 * this record's own key (exit 3, like any bad record); if none did, it is the key or the
 * resource id, which no record will get past (exit 1).
 */
function keyFailure(error: DataKeyRecordError, later: readonly { decoded?: unknown }[]): Error {
  if (later.some((outcome) => outcome.decoded !== undefined)) return error;
  return new UserError(
    `KMS will not open the data keys of this stream: ${error.reason} (first at record ${error.position.sequenceNumber} in ${error.position.shardId})`,
    undefined,
    `${error.hint ? `${error.hint}\n` : ''}das-read stops here whatever --on-error says: the events before it are written and checkpointed, and the next run starts at this record.`,
    { cause: error },
  );
}
