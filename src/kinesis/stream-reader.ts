import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { Channel } from './channel.js';
import { listShards, parentsFinished, type ShardInfo } from './shards.js';
import { readShard, SHARD_READ_DEFAULTS, type ShardBatch } from './shard-reader.js';
import { TRIM_HORIZON, type StartPosition } from './positions.js';

export interface StreamReadOptions {
  kinesis: KinesisClient;
  streamName: string;
  /** Keep reading at the tip; otherwise end once every shard has reached its tip. */
  follow: boolean;
  signal: AbortSignal;
  /** Where a shard without a saved position starts (default TRIM_HORIZON). */
  from?: StartPosition;
  /** A saved position to resume a shard from, if there is one. */
  resumeAt?: (shardId: string) => StartPosition | undefined;
  /** Shards read to their end by an earlier run. */
  finished?: Iterable<string>;
  until?: Date;
  /** Where a shard ends, when it ends before its tip: after this record (null: before its first). */
  endAfter?: (shardId: string) => string | null;
  /** Batches held between the shards and the consumer. */
  bufferedBatches?: number;
  /** How often a following reader looks for new shards, besides whenever a shard closes. */
  relistIntervalMs?: number;
  limit?: number;
  idlePollMs?: number;
  minCallIntervalMs?: number;
}

/**
 * Reads every shard of a stream concurrently, each in order, a parent to its end before
 * its children, and yields their batches as they arrive.
 */
export async function* readStream(options: StreamReadOptions): AsyncGenerator<ShardBatch> {
  const stop = new AbortController();
  const signal = AbortSignal.any([options.signal, stop.signal]);
  const channel = new Channel<ShardBatch>(options.bufferedBatches ?? 4);
  const known = new Map<string, ShardInfo>();
  const finished = new Set<string>(options.finished ?? []);
  const started = new Set<string>(finished);
  let running = 0;
  let relisting = 0;
  let presentAtStart: Set<string> | undefined;

  const fail = (error: unknown) => {
    stop.abort();
    // Stopping on the caller's request is an end, not a failure.
    if (options.signal.aborted) channel.close();
    else channel.fail(error);
  };
  // Following, shards end only by closing (their children carry on) or at --until.
  const closeIfDone = () => {
    if (running === 0 && relisting === 0) channel.close();
  };
  const relist = async () => {
    relisting++;
    try {
      const listed = await listShards(options.kinesis, options.streamName, signal);
      presentAtStart ??= new Set(listed.map((shard) => shard.shardId));
      for (const shard of listed) known.set(shard.shardId, shard);
      startReadyShards();
    } finally {
      relisting--;
    }
    closeIfDone();
  };
  const startReadyShards = () => {
    for (const shard of known.values()) {
      if (started.has(shard.shardId) || !parentsFinished(shard, known, finished)) continue;
      started.add(shard.shardId);
      running++;
      void pump(shard).then(() => {
        running--;
        closeIfDone();
      }, fail);
    }
  };
  const startOf = (shard: ShardInfo): StartPosition => {
    const saved = options.resumeAt?.(shard.shardId);
    if (saved) return saved;
    const from = options.from ?? TRIM_HORIZON;
    // A shard created while we read holds only new events: all of them.
    if (from.type === 'LATEST' && presentAtStart && !presentAtStart.has(shard.shardId)) return TRIM_HORIZON;
    return from;
  };
  const pump = async (shard: ShardInfo) => {
    const reader = readShard({
      kinesis: options.kinesis,
      streamName: options.streamName,
      shardId: shard.shardId,
      start: startOf(shard),
      stopAtTip: !options.follow,
      until: options.until,
      ...(options.endAfter ? { endAfter: options.endAfter(shard.shardId) } : {}),
      limit: options.limit ?? SHARD_READ_DEFAULTS.limit,
      idlePollMs: options.idlePollMs ?? SHARD_READ_DEFAULTS.idlePollMs,
      minCallIntervalMs: options.minCallIntervalMs ?? SHARD_READ_DEFAULTS.minCallIntervalMs,
      signal,
    });
    for await (const batch of reader) {
      await channel.push(batch);
      if (batch.shardEnded) {
        finished.add(shard.shardId);
        // Its children may be new to us: ask for them before this reader counts as done.
        await relist();
      }
    }
  };

  // Stopping ends the stream even while every shard waits at its tip; what is queued still reaches the consumer.
  signal.addEventListener('abort', () => channel.close(), { once: true });
  const timer = options.follow ? setInterval(() => void relist().catch(fail), options.relistIntervalMs ?? 60_000) : undefined;
  try {
    relist().catch(fail);
    yield* channel;
  } finally {
    clearInterval(timer);
    stop.abort();
    channel.close();
  }
}
