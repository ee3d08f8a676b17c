import type { Decoder } from './decoder.js';
import type { DecodedRecord } from './types.js';
import type { ShardBatch } from '../kinesis/shard-reader.js';

/** One shard batch after decoding: every record up to the first that failed, and that failure. */
export interface DecodedBatch {
  shardId: string;
  records: DecodedRecord[];
  /** Why `records` stops short of the batch; the records after it were not attempted for output. */
  error?: unknown;
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
  const window = options.window ?? 4;
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
  const records: DecodedRecord[] = [];
  let error: unknown;
  for (const outcome of settled) {
    if (outcome.status === 'rejected') {
      error = outcome.reason;
      break;
    }
    records.push(outcome.value);
  }
  return {
    shardId: batch.shardId,
    records,
    shardEnded: batch.shardEnded,
    millisBehindLatest: batch.millisBehindLatest,
    ...(error === undefined ? {} : { error }),
  };
}
