import type { DecodedBatch } from '../decode/decode-stage.js';
import type { DasEvent, DecodedRecord } from '../decode/types.js';
import { DataKeyRecordError, RecordError, UserError } from '../errors.js';
import type { Progress } from '../checkpoint/position-book.js';
import { deadLetterOf, type DeadLetter } from '../sinks/dead-letter.js';
import type { Diagnostics } from '../terminal/diagnostics.js';
import type { EventFormatter } from '../format/event-formatter.js';
import { Utf8Builder } from '../format/utf8-builder.js';
import type { EventFilter } from '../events/filter.js';
import { keeps } from '../events/keeps.js';

/** --on-error: stop at an unreadable record, or skip it (to the dead letter file, if there is one). */
export type OnError = 'fail' | 'skip';

/** Unreadable records in a row past which --on-error skip stops: documented in docs/reading.md. */
export const MAX_SKIPPED_IN_A_ROW = 100;

export interface RenderOptions {
  format: EventFormatter;
  includeHeartbeats: boolean;
  /** Events it refuses are not written, and still count as handled: the checkpoint moves past them. */
  filter?: EventFilter;
  /** Each event written, for --summary. */
  onEvent?: (event: DasEvent) => void;
  maxEvents?: number;
  onError: OnError;
  log: Diagnostics;
  /** The records come from files (decode), not a stream: no checkpoint to resume from, and the words say so. */
  fromFiles?: boolean;
  /** Each record skipped under --on-error skip, with its place: `report` lists them in its coverage. */
  onSkipped?: (error: RecordError) => void;
}

/** A batch as it is to be written: its text, the positions it covers, and how it ended. */
interface RenderedBatch {
  text: Buffer[];
  /** One step per record written or skipped, in order; a record cut by --max-events keeps its event index. */
  progress: Progress[];
  dead: DeadLetter[];
  /** The error that stops the run, after what came before it is written. */
  failure?: unknown;
  /** --max-events is reached. */
  full: boolean;
  /** Every record of the batch is in `progress`: the shard's end, if the batch has it, is reached too. */
  whole: boolean;
}

/**
 * Turns decoded batches into text: the heartbeat filter, --max-events and the unreadable-record
 * policy. Nothing here writes or saves: BatchWriter does, in that order.
 */
export class BatchRenderer {
  events = 0;
  records = 0;
  #failedInARow = 0;
  readonly #keeps: (record: DecodedRecord, index: number) => boolean;

  constructor(private readonly options: RenderOptions) {
    this.#keeps = keeps(options);
  }

  /** `handled(shard, sequence)`: how many of a record's events an earlier run wrote already. */
  render(batch: DecodedBatch, handled: (shardId: string, sequenceNumber: string) => number = () => 0): RenderedBatch {
    const { format, maxEvents, onEvent } = this.options;
    const text = new Utf8Builder();
    const progress: Progress[] = [];
    const dead: DeadLetter[] = [];
    let failure: unknown;
    let full = false;

    for (const [place, outcome] of batch.outcomes.entries()) {
      const { raw } = outcome;
      const at = { shardId: raw.shardId, sequenceNumber: raw.sequenceNumber, arrivedAt: raw.arrivalTime };
      if (outcome.decoded === undefined) {
        failure = this.#refusal(outcome.error, batch.outcomes.slice(place + 1));
        if (failure !== undefined) break;
        this.options.log.warn(`skipped: ${(outcome.error as RecordError).message}`);
        this.options.onSkipped?.(outcome.error as RecordError);
        dead.push(deadLetterOf(raw, (outcome.error as RecordError).reason));
        progress.push(at);
        continue;
      }
      const record = outcome.decoded;
      let index = handled(raw.shardId, raw.sequenceNumber);
      const count = record.eventCount;
      // A record is written whole or not at all: its text is made apart, and joins the batch's once all of it is made.
      const own = new Utf8Builder();
      const kept: number[] = [];
      // For --summary: only then are the events made objects, here, where a problem is the record's.
      let written: DasEvent[] = [];
      let recordFull: boolean = full;
      try {
        for (; index < count && !recordFull; index++) {
          if (!this.#keeps(record, index)) continue;
          kept.push(index);
          recordFull = maxEvents !== undefined && this.events + kept.length >= maxEvents;
        }
        if (kept.length > 0) format.write(own, record, kept);
        if (onEvent) written = kept.map((event) => record.events[event] as DasEvent);
      } catch (error) {
        // Content no output can hold (a field of a shape no formatter expects): this record's problem, under the policy, never the run's.
        const reason = `its events cannot be written in this form (${error instanceof Error ? `${error.name}: ${error.message.slice(0, 120)}` : 'an error'})`;
        const refused = new RecordError(
          { shardId: raw.shardId, sequenceNumber: raw.sequenceNumber, ...(raw.place ? { place: raw.place } : {}) },
          reason,
          undefined,
          { cause: error },
        );
        failure = this.#refusal(refused, batch.outcomes.slice(place + 1));
        if (failure !== undefined) break;
        this.options.log.warn(`skipped: ${refused.message}`);
        this.options.onSkipped?.(refused);
        dead.push(deadLetterOf(raw, reason));
        progress.push(at);
        continue;
      }
      for (const bytes of own.take()) text.appendBytes(bytes);
      for (const event of written) onEvent?.(event);
      this.records++;
      this.events += kept.length;
      this.#failedInARow = 0;
      full = recordFull;
      progress.push({ ...at, ...(index < count ? { eventIndex: index } : {}) });
      if (full) break;
    }
    const whole = failure === undefined && !full && progress.length === batch.outcomes.length;
    const last = progress.at(-1);
    if (last && whole && batch.shardEnded) last.shardFinished = true;
    return { text: text.take(), progress, dead, ...(failure === undefined ? {} : { failure }), full, whole };
  }

  /** The error that stops the run at this unreadable record, or undefined when it is skipped. */
  #refusal(error: unknown, later: readonly { decoded?: unknown }[]): unknown {
    if (error instanceof DataKeyRecordError) return keyFailure(error, later, this.options.fromFiles === true);
    if (!(error instanceof RecordError) || this.options.onError === 'fail') return error;
    if (++this.#failedInARow < MAX_SKIPPED_IN_A_ROW) return undefined;
    return new RecordError(
      error.position,
      `${error.reason}; and the ${MAX_SKIPPED_IN_A_ROW - 1} records before it could not be read either`,
      `--on-error skip stops at ${MAX_SKIPPED_IN_A_ROW} unreadable records in a row: that many is the stream or the setup, not a bad record.`,
      { cause: error },
    );
  }
}

/**
 * A data key KMS will not open stops the run. If a later record of the batch opened, it was
 * this record's own key (exit 3, like any bad record); if none did, it is the key or the
 * resource id, which no record will get past (exit 1).
 */
function keyFailure(error: DataKeyRecordError, later: readonly { decoded?: unknown }[], fromFiles: boolean): Error {
  if (later.some((outcome) => outcome.decoded !== undefined)) return error;
  const resume = fromFiles ? '' : ' (with --checkpoint, saved: the next run starts at this record)';
  return new UserError(
    `KMS will not open the data keys of ${fromFiles ? 'these records' : 'this stream'}: ${error.reason} (first at ${error.position.place ?? `record ${error.position.sequenceNumber} in ${error.position.shardId}`})`,
    undefined,
    `${error.hint ? `${error.hint}\n` : ''}das-read stops here whatever --on-error says: the events before it are written${resume}.`,
    { cause: error },
  );
}
