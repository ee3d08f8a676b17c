import type { DecodedBatch } from '../decode/decode-stage.js';
import type { DeadLetterFile } from '../sinks/dead-letter.js';
import type { EventOutput } from '../sinks/writer.js';
import { BatchRenderer, type RenderOptions } from './batch-render.js';
import type { CheckpointCommit } from '../checkpoint/checkpoint-commit.js';

export { MAX_SKIPPED_IN_A_ROW } from './batch-render.js';

export interface BatchWriterOptions extends RenderOptions {
  output: EventOutput;
  deadLetter?: DeadLetterFile;
  /** With a checkpoint: where positions go, and how to push stdout to disk before they do. */
  checkpoint?: { commit: CheckpointCommit; syncOutput?: () => Promise<void> };
  /** Without a checkpoint: how many events of a record to pass (--tail's first record of a shard). */
  handled?: (shardId: string, sequenceNumber: string) => number;
}

/**
 * Writes each rendered batch and only then moves the checkpoint: a position is saved after
 * the events before it are out (at least once, never a gap).
 */
export class BatchWriter {
  skipped = 0;
  readonly #render: BatchRenderer;

  constructor(private readonly options: BatchWriterOptions) {
    this.#render = new BatchRenderer(options);
  }

  get events(): number {
    return this.#render.events;
  }

  get records(): number {
    return this.#render.records;
  }

  /** Resolves false once --max-events is reached; throws at an unreadable record under --on-error fail. */
  async write(batch: DecodedBatch): Promise<boolean> {
    const { output, checkpoint } = this.options;
    const rendered = this.#render.render(batch, checkpoint?.commit.handled ?? this.options.handled);
    // A run that lost its checkpoint's lock to another must not write what that one writes too.
    await checkpoint?.commit.confirmLock();
    await output.write(rendered.text);
    await this.options.deadLetter?.append(rendered.dead);
    // Counted once kept: a dead letter that could not be written stopped the run above.
    this.skipped += rendered.dead.length;
    const shardDone = rendered.whole && batch.shardEnded;
    if (checkpoint && (rendered.progress.length > 0 || shardDone)) {
      await output.flush();
      await checkpoint.syncOutput?.();
      const finishedShard = rendered.progress.length === 0 && batch.shardEnded ? batch.shardId : undefined;
      await checkpoint.commit.written(output.bytesWritten, rendered.progress, finishedShard);
    }
    if (rendered.failure !== undefined) throw rendered.failure;
    return !rendered.full;
  }

  /** The output's reader is still there at the end: every position written moves, and is saved. */
  async settle(): Promise<void> {
    await this.options.checkpoint?.commit.settle();
  }
}
