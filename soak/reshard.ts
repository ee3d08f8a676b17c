import { ListShardsCommand, MergeShardsCommand, SplitShardCommand, UpdateShardCountCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';
import { waitForActive } from '../lab/src/lab.js';
import { whole } from './random.js';

async function openShards(kinesis: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let token: string | undefined;
  do {
    const answer = await kinesis.send(new ListShardsCommand(token ? { NextToken: token } : { StreamName: streamName }));
    shards.push(...(answer.Shards ?? []));
    token = answer.NextToken;
  } while (token);
  return shards
    .filter((shard) => !shard.SequenceNumberRange?.EndingSequenceNumber)
    .sort((a, b) => (BigInt(a.HashKeyRange?.StartingHashKey ?? 0) < BigInt(b.HashKeyRange?.StartingHashKey ?? 0) ? -1 : 1));
}

/**
 * One reshard of the stream, as an operator or auto-scaling would make it: a split, a merge of
 * two neighbours, or a uniform UpdateShardCount, keeping between one and four open shards.
 * Returns what was done, for the log.
 */
export async function reshard(kinesis: KinesisClient, streamName: string, random: () => number): Promise<string> {
  // The soak's own control-plane calls go through the gateway, where a LimitExceededException it armed for das-read may be waiting.
  for (let attempt = 1; ; attempt++) {
    try {
      return await reshardOnce(kinesis, streamName, random);
    } catch (error) {
      if ((error as { name?: string }).name !== 'LimitExceededException' || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

async function reshardOnce(kinesis: KinesisClient, streamName: string, random: () => number): Promise<string> {
  const open = await openShards(kinesis, streamName);
  const count = open.length;
  const actions = count <= 1 ? ['split', 'scale'] : count >= 4 ? ['merge', 'scale'] : ['split', 'merge', 'scale'];
  const action = actions[whole(random, 0, actions.length - 1)];
  let done: string;
  if (action === 'split') {
    const shard = open[whole(random, 0, count - 1)] as Shard;
    const middle = (BigInt(shard.HashKeyRange?.StartingHashKey ?? '0') + BigInt(shard.HashKeyRange?.EndingHashKey ?? '0')) / 2n;
    await kinesis.send(new SplitShardCommand({ StreamName: streamName, ShardToSplit: shard.ShardId, NewStartingHashKey: middle.toString() }));
    done = `SplitShard ${shard.ShardId}`;
  } else if (action === 'merge') {
    const at = whole(random, 0, count - 2);
    const [left, right] = [open[at] as Shard, open[at + 1] as Shard];
    await kinesis.send(new MergeShardsCommand({ StreamName: streamName, ShardToMerge: left.ShardId, AdjacentShardToMerge: right.ShardId }));
    done = `MergeShards ${left.ShardId} + ${right.ShardId}`;
  } else {
    // UpdateShardCount goes at most to double or half.
    const target = count >= 3 ? Math.ceil(count / 2) : count * 2;
    await kinesis.send(new UpdateShardCountCommand({ StreamName: streamName, TargetShardCount: target, ScalingType: 'UNIFORM_SCALING' }));
    done = `UpdateShardCount ${count} -> ${target}`;
  }
  await waitForActive(kinesis, streamName);
  return `${done} (${(await openShards(kinesis, streamName)).length} open shards now)`;
}
