import { ListShardsCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';
import { callAws } from '../aws/aws-errors.js';
import { withRetry } from '../aws/retry.js';
import { UserError } from '../errors.js';

export interface ShardInfo {
  shardId: string;
  parentIds: string[];
  /** Closed shards have an ending sequence number; their data is still readable until retention ends. */
  closed: boolean;
}

export async function listShards(kinesis: KinesisClient, streamName: string, signal?: AbortSignal): Promise<ShardInfo[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    // The API refuses StreamName together with NextToken.
    const input = nextToken ? { NextToken: nextToken } : { StreamName: streamName };
    const page = await callAws(
      'kinesis:ListShards',
      streamName,
      () => withRetry(() => kinesis.send(new ListShardsCommand(input), { abortSignal: signal }), signal, undefined, `kinesis:ListShards of ${streamName}`),
      {
        ResourceNotFoundException: () =>
          new UserError(
            `the Kinesis stream ${streamName} does not exist`,
            undefined,
            'Is the activity stream started, in this account and region? Stopping an activity stream deletes its Kinesis stream.',
          ),
      },
    );
    shards.push(...(page.Shards ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return shards.map(toShardInfo);
}

export function toShardInfo(shard: Shard): ShardInfo {
  return {
    shardId: shard.ShardId ?? '',
    parentIds: [shard.ParentShardId, shard.AdjacentParentShardId].filter((id): id is string => Boolean(id)),
    closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
  };
}

/**
 * Records of one key are in order only across a reshard if a parent is read to its end
 * before its children. A parent that is no longer listed (trimmed by retention) holds
 * nothing to wait for.
 */
export function parentsFinished(shard: ShardInfo, known: ReadonlyMap<string, ShardInfo>, finished: ReadonlySet<string>): boolean {
  return shard.parentIds.every((parent) => finished.has(parent) || !known.has(parent));
}
