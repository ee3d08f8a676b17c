import type { GetShardIteratorCommandInput } from '@aws-sdk/client-kinesis';

/** Where a shard's reading begins. */
export type StartPosition =
  | { type: 'TRIM_HORIZON' }
  | { type: 'LATEST' }
  | { type: 'AT_TIMESTAMP'; timestamp: Date }
  | { type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string }
  | { type: 'AT_SEQUENCE_NUMBER'; sequenceNumber: string };

export const TRIM_HORIZON: StartPosition = { type: 'TRIM_HORIZON' };

export function iteratorRequest(streamName: string, shardId: string, start: StartPosition): GetShardIteratorCommandInput {
  const base = { StreamName: streamName, ShardId: shardId, ShardIteratorType: start.type };
  switch (start.type) {
    case 'AT_TIMESTAMP':
      return { ...base, Timestamp: start.timestamp };
    case 'AFTER_SEQUENCE_NUMBER':
    case 'AT_SEQUENCE_NUMBER':
      return { ...base, StartingSequenceNumber: start.sequenceNumber };
    default:
      return base;
  }
}
