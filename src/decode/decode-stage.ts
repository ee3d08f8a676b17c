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
  /** How far the shard's tip was ahead of this batch, as Kinesis said: on the last chunk of a batch only. */
  millisBehindLatest?: number;
}

export interface DecodeStageOptions {
  /** Records decoded together: a shard's batch is cut into chunks of this many. */
  chunk?: number;
  /** Chunks being decoded at once: KMS round trips and the threads overlap across them. */
  window?: number;
  signal?: AbortSignal;
}

/**
 * Decodes batches, cut into chunks, a few chunks at once, and yields them in the order
 * they arrived, so each shard stays in order. A chunk is yielded as soon as it and those
 * before it are done: a following reader sees events at once. Few records in flight keep
 * the heap small; held for a whole 1,000-record batch, they outlive the young generation
 * and the garbage collector costs more than the decoding (docs/performance.md).
 */
export async function* decodeBatches(batches: AsyncIterable<ShardBatch>, decoder: Decoder, options: DecodeStageOptions = {}): AsyncGenerator<DecodedBatch> {
  const chunkSize = options.chunk ?? 250;
  const window = options.window ?? 2;
  const source = batches[Symbol.asyncIterator]();
  const waiting: ShardBatch[] = [];
  const decoding: Array<Promise<DecodedBatch>> = [];
  let pending: Promise<IteratorResult<ShardBatch>> | undefined;
  let sourceDone = false;
  try {
    for (;;) {
      while (decoding.length < window && waiting.length > 0) decoding.push(decodeBatch(waiting.shift() as ShardBatch, decoder, options.signal));
      // The next batch is fetched once this one is all under way, so that it is there when a chunk is done.
      if (!sourceDone && !pending && waiting.length === 0) pending = source.next();
      const head = decoding[0];
      if (!head) {
        if (!pending) return;
        accept(await pending);
        continue;
      }
      const first = await Promise.race([head.then(() => 'decoded' as const), pending?.then(() => 'arrived' as const) ?? never]);
      if (first === 'decoded') yield await (decoding.shift() as Promise<DecodedBatch>);
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
    else waiting.push(...chunksOf(next.value, chunkSize));
  }
}

/** A batch as chunks of at most `size` records; only the last carries the shard's end and lag. */
function chunksOf(batch: ShardBatch, size: number): ShardBatch[] {
  if (batch.records.length <= size) return [batch];
  const chunks: ShardBatch[] = [];
  for (let start = 0; start < batch.records.length; start += size) {
    const last = start + size >= batch.records.length;
    chunks.push({
      shardId: batch.shardId,
      records: batch.records.slice(start, start + size),
      shardEnded: last && batch.shardEnded,
      millisBehindLatest: last ? batch.millisBehindLatest : undefined,
    });
  }
  return chunks;
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
    ...(batch.millisBehindLatest === undefined ? {} : { millisBehindLatest: batch.millisBehindLatest }),
  };
}
