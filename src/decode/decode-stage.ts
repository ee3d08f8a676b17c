import type { Decoder } from './decoder.js';
import type { DecodedRecord, RawRecord } from './types.js';
import type { ShardBatch } from '../kinesis/shard-reader.js';

/** One record after decoding: its events, or why it has none. */
export type RecordOutcome = { raw: RawRecord; decoded: DecodedRecord; error?: undefined } | { raw: RawRecord; decoded?: undefined; error: unknown };

/** One shard batch after decoding, every record in order; what to do with failures is the consumer's policy. */
export interface DecodedBatch {
  shardId: string;
  outcomes: RecordOutcome[];
  /** The batch was the shard's last. */
  shardEnded: boolean;
  millisBehindLatest: number | undefined;
}

export interface DecodeStageOptions {
  /** Batches decoded at once: KMS round trips and the Encryption SDK overlap across them. */
  window?: number;
  signal?: AbortSignal;
}

/**
 * Decodes batches concurrently and yields them in the order they arrived, so each
 * shard stays in order. A decoded batch is yielded as soon as it and those before it are
 * done, without waiting for the window to fill: a following reader sees events at once.
 */
export async function* decodeBatches(
  batches: AsyncIterable<ShardBatch>,
  decoder: Decoder,
  options: DecodeStageOptions = {},
): AsyncGenerator<DecodedBatch> {
  const window = options.window ?? 2;
  const source = batches[Symbol.asyncIterator]();
  const queue: Array<Promise<DecodedBatch>> = [];
  let pending: Promise<IteratorResult<ShardBatch>> | undefined;
  let sourceDone = false;
  try {
    for (;;) {
      if (!sourceDone && !pending && queue.length < window) pending = source.next();
      const head = queue[0];
      if (!head) {
        if (!pending) return;
        accept(await pending);
        continue;
      }
      const first = await Promise.race([head.then(() => 'decoded' as const), pending?.then(() => 'arrived' as const) ?? never]);
      if (first === 'decoded') yield await (queue.shift() as Promise<DecodedBatch>);
      else accept(await (pending as Promise<IteratorResult<ShardBatch>>));
    }
  } finally {
    // A pending next() would hold return() until it settles; the reader ends on its own once its signal aborts.
    if (pending) void source.return?.().catch(() => {});
    else await source.return?.();
  }

  function accept(next: IteratorResult<ShardBatch>): void {
    pending = undefined;
    if (next.done) sourceDone = true;
    else queue.push(decodeBatch(next.value, decoder, options.signal));
  }
}

const never = new Promise<never>(() => {});

async function decodeBatch(batch: ShardBatch, decoder: Decoder, signal?: AbortSignal): Promise<DecodedBatch> {
  const settled = await Promise.allSettled(batch.records.map((record) => decoder.decode(record, signal)));
  return {
    shardId: batch.shardId,
    outcomes: settled.map((outcome, index) => {
      const raw = batch.records[index] as RawRecord;
      return outcome.status === 'fulfilled' ? { raw, decoded: outcome.value } : { raw, error: outcome.reason as unknown };
    }),
    shardEnded: batch.shardEnded,
    millisBehindLatest: batch.millisBehindLatest,
  };
}
