import { DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { withRetry } from '../aws/retry.js';
import type { ShardInfo } from '../kinesis/shards.js';
import type { PositionBook } from './position-book.js';
import type { StreamIdentity } from './checkpoint-file.js';

/** Events a checkpoint expected that the stream no longer holds. */
export interface Gap {
  /** Every shard the gap concerns. */
  shardIds: string[];
  detail: string;
}

export interface GapCheck {
  kinesis: KinesisClient;
  streamName: string;
  book: PositionBook;
  shards: readonly ShardInfo[];
  now: Date;
  retentionHours: number;
  /** Whether the checkpoint and the stream were compared by identity: then a gap is trimming, not a new stream. */
  streamIdentified: boolean;
  signal?: AbortSignal;
}

const DEFAULT_RETENTION_HOURS = 24;

/** What DescribeStreamSummary tells a checkpointed run: how long records stay, and which stream this is. */
export interface StreamFacts {
  retentionHours: number;
  identity?: StreamIdentity;
}

export async function streamFacts(kinesis: KinesisClient, streamName: string, signal?: AbortSignal): Promise<StreamFacts> {
  try {
    const answer = await withRetry(() => kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }), { abortSignal: signal }), signal, undefined, `kinesis:DescribeStreamSummary of ${streamName}`);
    const summary = answer.StreamDescriptionSummary;
    const identity = summary?.StreamARN && summary.StreamCreationTimestamp ? { arn: summary.StreamARN, createdAt: summary.StreamCreationTimestamp.toISOString() } : undefined;
    return { retentionHours: summary?.RetentionPeriodHours ?? DEFAULT_RETENTION_HOURS, ...(identity ? { identity } : {}) };
  } catch (error) {
    if (signal?.aborted) throw error;
    // Without kinesis:DescribeStreamSummary: DAS's own retention, and no identity to compare.
    return { retentionHours: DEFAULT_RETENTION_HOURS };
  }
}

/**
 * Compares each saved position with what the stream still holds. A position whose
 * record has been trimmed means the events after it may be gone too: the user must
 * know. Each such shard is then read again from its oldest record.
 */
export async function findGaps(check: GapCheck): Promise<Gap[]> {
  const { book, kinesis, streamName, signal } = check;
  const listed = new Set(check.shards.map((shard) => shard.shardId));
  const retentionMs = check.retentionHours * 3_600_000;
  const gaps: Gap[] = [];
  for (const [shardId, position] of book.openPositions()) {
    const since = `after sequence number ${position.sequenceNumber}`;
    let detail: string | undefined;
    if (!listed.has(shardId)) {
      detail = `shard ${shardId} is no longer in the stream: its events ${since} that were not read are lost`;
    } else if (position.arrivedAt && check.now.getTime() - Date.parse(position.arrivedAt) > retentionMs) {
      detail = `the last event read from ${shardId} arrived at ${position.arrivedAt}, longer ago than the stream's retention (${retentionMs / 3_600_000} h): events after it have been trimmed`;
    } else {
      const oldest = await oldestSequenceNumber(kinesis, streamName, shardId, signal);
      if (oldest !== undefined && BigInt(oldest) > BigInt(position.sequenceNumber ?? '0')) {
        detail = `the oldest record left in ${shardId} comes after the checkpoint's position: events ${since} have been trimmed`;
      }
    }
    if (detail) {
      // Without the stream's identity, a stream stopped and started again looks like this too.
      if (!check.streamIdentified) detail += ' (or the activity stream was stopped and started again, which makes a new stream: with kinesis:DescribeStreamSummary das-read tells the two apart)';
      gaps.push({ shardIds: [shardId], detail });
      book.restartFromOldest(shardId);
    }
  }
  return gaps;
}

async function oldestSequenceNumber(kinesis: KinesisClient, streamName: string, shardId: string, signal?: AbortSignal): Promise<string | undefined> {
  const { ShardIterator } = await withRetry(
    () => kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }), { abortSignal: signal }),
    signal,
  );
  if (!ShardIterator) return undefined;
  const answer = await withRetry(() => kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 1 }), { abortSignal: signal }), signal, undefined, `kinesis:GetRecords on ${shardId}`);
  return answer.Records?.[0]?.SequenceNumber;
}
