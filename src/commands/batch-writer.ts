import type { DecodedBatch } from '../decode/decode-stage.js';
import type { DecodedRecord } from '../decode/types.js';
import { RecordError } from '../errors.js';
import { saveCheckpoint } from '../checkpoint/checkpoint-file.js';
import type { PositionBook, Progress } from '../checkpoint/position-book.js';
import { deadLetterOf, type DeadLetter, type DeadLetterFile } from '../output/dead-letter.js';
import type { Diagnostics } from '../output/diagnostics.js';
import type { OutputWriter } from '../output/writer.js';
import type { OnError } from '../cli/read-options.js';
import { Utf8Builder } from '../output/utf8-builder.js';

/** `index` is the event's place in its record: with the shard and sequence number, a stable id. */
export type EventFormatter = (record: DecodedRecord, index: number) => string;

export interface BatchWriterOptions {
  output: OutputWriter;
  format: EventFormatter;
  includeHeartbeats: boolean;
  maxEvents?: number;
  onError: OnError;
  deadLetter?: DeadLetterFile;
  log: Diagnostics;
  /** With a checkpoint: the positions, the file, and how to push stdout to disk before saving. */
  checkpoint?: { book: PositionBook; path: string; syncOutput?: () => Promise<void> };
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

  constructor(private readonly options: BatchWriterOptions) {}

  /** Resolves false once --max-events is reached; throws at an unreadable record under --on-error fail. */
  async write(batch: DecodedBatch): Promise<boolean> {
    const { format, maxEvents, checkpoint } = this.options;
    const text = new Utf8Builder();
    const progress: Progress[] = [];
    const dead: DeadLetter[] = [];
    let failure: unknown;
    let full = false;

    for (const outcome of batch.outcomes) {
      const { raw } = outcome;
      const at = { shardId: raw.shardId, sequenceNumber: raw.sequenceNumber, arrivedAt: raw.arrivalTime };
      if (outcome.decoded === undefined) {
        if (!(outcome.error instanceof RecordError) || this.options.onError === 'fail') {
          failure = outcome.error;
          break;
        }
        this.skipped++;
        this.options.log.warn(`skipped: ${outcome.error.message}`);
        dead.push(deadLetterOf(raw, outcome.error.reason));
        progress.push(at);
        continue;
      }
      const record = outcome.decoded;
      this.records++;
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
    if (checkpoint && (progress.length > 0 || (whole && batch.shardEnded))) {
      await this.options.output.flush();
      await checkpoint.syncOutput?.();
      for (const step of progress) checkpoint.book.advance(step);
      if (!last && batch.shardEnded) checkpoint.book.markFinished(batch.shardId);
      await saveCheckpoint(checkpoint.path, checkpoint.book.toState(this.options.now()));
    }
    if (failure !== undefined) throw failure;
    return !full;
  }
}
