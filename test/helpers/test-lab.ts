import { ListShardsCommand, MergeShardsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { startLab, waitForActive, type Lab } from '../../lab/src/lab.js';
import { DasRecordProducer, type ProducerOptions } from '../../lab/src/producer.js';
import { putRecords } from '../../lab/src/put-records.js';
import { waitFor } from './wait-for.js';
import type { LabDatabase } from '../../lab/src/local-rds.js';
import type { DasActivityRecord } from '../../src/decode/types.js';

export interface TestStream {
  database: LabDatabase;
  keyId: string;
  streamName: string;
  producer: DasRecordProducer;
  /** Encrypts the records as RDS would and puts them on the stream, in order. */
  put(records: DasActivityRecord[], partitionKey?: (index: number) => string): Promise<void>;
}

export interface TestLab extends Lab {
  /** A cluster (or instance) with a key and a started activity stream of `shards` shards. */
  activityStream(options: {
    name: string;
    kind?: LabDatabase['kind'];
    engine?: string;
    shards?: number;
    producer?: Partial<ProducerOptions>;
  }): Promise<TestStream>;
}

export async function startTestLab(options: { transitionMs?: number } = {}): Promise<TestLab> {
  const lab = await startLab({ nodePath: process.execPath, ...options });
  return Object.assign(lab, {
    async activityStream(options: Parameters<TestLab['activityStream']>[0]): Promise<TestStream> {
      const kind = options.kind ?? 'cluster';
      const database = lab.rds.addDatabase(kind, options.name, options.engine ?? 'aurora-postgresql', '15.4');
      const keyId = lab.kms.createKey(`DAS key for ${options.name}`).keyId;
      const streamName = await lab.startActivityStream(database, keyId, options.shards ?? 1);
      const producer = new DasRecordProducer({ kms: lab.clients.kms, kmsKeyId: keyId, resourceId: database.resourceId, ...options.producer });
      return {
        database,
        keyId,
        streamName,
        producer,
        async put(records, partitionKey) {
          const data = await Promise.all(records.map((record) => producer.encode(record)));
          await putRecords(lab.clients.kinesis, streamName, data, partitionKey);
        },
      };
    },
  });
}

/** Puts raw Data bytes on a stream, as something other than RDS might. */
export async function putRaw(lab: Lab, streamName: string, data: Uint8Array[], partitionKey = 'one-shard'): Promise<void> {
  await putRecords(lab.clients.kinesis, streamName, data, () => partitionKey);
}

/** Splits a shard at the middle of its hash range and waits for the stream to settle. */
export async function splitShard(lab: Lab, streamName: string, shardId: string): Promise<void> {
  const shards = (await lab.clients.kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
  const range = shards.find((shard) => shard.ShardId === shardId)?.HashKeyRange;
  if (!range?.StartingHashKey || !range.EndingHashKey) throw new Error(`no shard ${shardId}`);
  const middle = (BigInt(range.StartingHashKey) + BigInt(range.EndingHashKey)) / 2n;
  await lab.clients.kinesis.send(new SplitShardCommand({ StreamName: streamName, ShardToSplit: shardId, NewStartingHashKey: middle.toString() }));
  await waitForChildren(lab, streamName, [shardId], 2);
}

export async function mergeShards(lab: Lab, streamName: string, shardId: string, adjacentShardId: string): Promise<void> {
  await lab.clients.kinesis.send(new MergeShardsCommand({ StreamName: streamName, ShardToMerge: shardId, AdjacentShardToMerge: adjacentShardId }));
  await waitForChildren(lab, streamName, [shardId, adjacentShardId], 1);
}

/** Waits for the new shards themselves, not only the stream's status, before the test puts more records. */
async function waitForChildren(lab: Lab, streamName: string, parents: string[], count: number): Promise<void> {
  await waitFor(
    async () => {
      await waitForActive(lab.clients.kinesis, streamName);
      const shards = (await lab.clients.kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
      const children = shards.filter((shard) => parents.every((parent) => shard.ParentShardId === parent || shard.AdjacentParentShardId === parent));
      const closed = parents.every((parent) => shards.find((shard) => shard.ShardId === parent)?.SequenceNumberRange?.EndingSequenceNumber);
      return children.length === count && closed;
    },
    { what: `the reshard of ${parents.join(', ')} to complete`, timeoutMs: 20_000 },
  );
}
