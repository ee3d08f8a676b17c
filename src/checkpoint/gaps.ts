import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { ShardInfo } from '../kinesis/shards.js';
import { oldestSequenceNumber } from '../kinesis/stream-summary.js';
import type { PositionBook } from './position-book.js';

/** Events a checkpoint expected that the stream no longer holds. */
export interface Gap {
  /** Every shard the gap concerns. */
  shardIds: string[];
  detail: string;
}

interface GapCheck {
  kinesis: KinesisClient;
  streamName: string;
  book: PositionBook;
  shards: readonly ShardInfo[];
  now: Date;
  retentionHours: number;
  /** Whether the checkpoint and the stream were compared by identity: then a gap is trimming, not a new stream. */
  streamIdentified: boolean;
  signal?: AbortSignal;
  /** The oldest record a shard still holds; Kinesis is asked unless given (a unit test's stream). */
  oldest?: (shardId: string) => Promise<string | undefined>;
}

/**
 * Compares each saved position with what the stream still holds. A position whose
 * record has been trimmed means the events after it may be gone too: the user must
 * know. Each such shard is then read again from its oldest record.
 */
export async function findGaps(check: GapCheck): Promise<Gap[]> {
  const { book, kinesis, streamName, signal } = check;
  const oldestIn = check.oldest ?? ((shardId: string) => oldestSequenceNumber(kinesis, streamName, shardId, signal));
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
      const oldest = await oldestIn(shardId);
      if (oldest !== undefined && BigInt(oldest) > BigInt(position.sequenceNumber ?? '0')) {
        detail = `the oldest record left in ${shardId} comes after the checkpoint's position: events ${since} have been trimmed`;
      }
    }
    if (detail) {
      // Without the stream's identity, a stream stopped and started again looks like this too.
      if (!check.streamIdentified)
        detail +=
          ' (or the activity stream was stopped and started again, which makes a new stream: with kinesis:DescribeStreamSummary das-read tells the two apart)';
      gaps.push({ shardIds: [shardId], detail });
      book.restartFromOldest(shardId);
    }
  }
  return gaps;
}
