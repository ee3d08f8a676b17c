import { DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { withRetry } from '../aws/retry.js';

/** Which Kinesis stream this is: a stream stopped and started again keeps its name, not its creation time. */
export interface StreamIdentity {
  arn: string;
  createdAt: string;
}

const DEFAULT_RETENTION_HOURS = 24;

/** What DescribeStreamSummary tells a checkpointed run: how long records stay, and which stream this is. */
interface StreamFacts {
  retentionHours: number;
  identity?: StreamIdentity;
}

/** Read once a run, with retries; a reader without the permission still reads. */
export async function streamFacts(kinesis: KinesisClient, streamName: string, signal?: AbortSignal): Promise<StreamFacts> {
  try {
    const answer = await withRetry(
      () => kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }), { abortSignal: signal }),
      signal,
      undefined,
      `kinesis:DescribeStreamSummary of ${streamName}`,
    );
    const summary = answer.StreamDescriptionSummary;
    const identity =
      summary?.StreamARN && summary.StreamCreationTimestamp ? { arn: summary.StreamARN, createdAt: summary.StreamCreationTimestamp.toISOString() } : undefined;
    return { retentionHours: summary?.RetentionPeriodHours ?? DEFAULT_RETENTION_HOURS, ...(identity ? { identity } : {}) };
  } catch (error) {
    if (signal?.aborted) throw error;
    // Without kinesis:DescribeStreamSummary: DAS's own retention, and no identity to compare.
    return { retentionHours: DEFAULT_RETENTION_HOURS };
  }
}

/** The sequence number of a shard's oldest record still held, if it has one. */
export async function oldestSequenceNumber(kinesis: KinesisClient, streamName: string, shardId: string, signal?: AbortSignal): Promise<string | undefined> {
  const { ShardIterator } = await withRetry(
    () => kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }), { abortSignal: signal }),
    signal,
    undefined,
    `kinesis:GetShardIterator on ${shardId}`,
  );
  if (!ShardIterator) return undefined;
  const answer = await withRetry(
    () => kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 1 }), { abortSignal: signal }),
    signal,
    undefined,
    `kinesis:GetRecords on ${shardId}`,
  );
  return answer.Records?.[0]?.SequenceNumber;
}
