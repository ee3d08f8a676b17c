import { encryptionContextFor } from '../../src/decode/encryption-context.js';
import { describe, expect, it } from 'vitest';
import { Lru } from '../../src/decode/lru.js';
import { Channel } from '../../src/kinesis/channel.js';
import { parentsFinished, toShardInfo, type ShardInfo } from '../../src/kinesis/shards.js';
import { targetFromStream } from '../../src/aws/stream-target.js';
import { UsageError } from '../../src/errors.js';

describe('LRU', () => {
  it('forgets the least recently used beyond capacity', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('a');
    lru.set('c', 3);
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual([1, undefined, 3]);
  });
});

describe('channel', () => {
  it('makes a producer wait while it is full', async () => {
    const channel = new Channel<number>(1);
    await channel.push(1);
    let second = false;
    const pushing = channel.push(2).then(() => (second = true));
    // A turn of the event loop: every promise that could settle without a reader has.
    await new Promise((resolve) => setImmediate(resolve));
    expect(second).toBe(false);
    const reader = channel[Symbol.asyncIterator]();
    expect((await reader.next()).value).toBe(1);
    await pushing;
    expect(second).toBe(true);
  });

  it('delivers what was queued before close, then ends; throws what fail was given', async () => {
    const closed = new Channel<number>(4);
    await closed.push(1);
    closed.close();
    await closed.push(2);
    const seen: number[] = [];
    for await (const item of closed) seen.push(item);
    expect(seen).toEqual([1]);
    const failed = new Channel<number>(4);
    failed.fail(new Error('boom'));
    await expect(failed[Symbol.asyncIterator]().next()).rejects.toThrow('boom');
  });
});

describe('shard lineage', () => {
  const shard = (id: string, ...parents: string[]): ShardInfo => ({ shardId: id, parentIds: parents, closed: false });
  const known = new Map([shard('p1'), shard('p2'), shard('c', 'p1', 'p2')].map((s) => [s.shardId, s]));
  it('a child waits for both parents of a merge', () => expect(parentsFinished(known.get('c') as ShardInfo, known, new Set(['p1']))).toBe(false));
  it('a child may start once both are finished', () => expect(parentsFinished(known.get('c') as ShardInfo, known, new Set(['p1', 'p2']))).toBe(true));
  it('a parent trimmed by retention holds nothing to wait for', () => expect(parentsFinished(shard('c', 'gone'), known, new Set())).toBe(true));
  it('reads parents and closed state from ListShards', () =>
    expect(
      toShardInfo({
        ShardId: 's3',
        ParentShardId: 's1',
        AdjacentParentShardId: 's2',
        HashKeyRange: undefined,
        SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: '9' },
      }),
    ).toEqual({ shardId: 's3', parentIds: ['s1', 's2'], closed: true }));
});

describe('stream target', () => {
  it('takes the resource id from the stream name', () =>
    expect(encryptionContextFor(targetFromStream('aws-rds-das-cluster-ABC', undefined).resourceId)).toEqual({ 'aws:rds:dbc-id': 'cluster-ABC' }));
  it('an instance stream', () =>
    expect(encryptionContextFor(targetFromStream('aws-rds-das-db-XYZ', undefined).resourceId)).toEqual({ 'aws:rds:db-id': 'db-XYZ' }));
  it('--resource-id wins over the name', () => expect(targetFromStream('copy-of-stream', 'db-XYZ').resourceId).toBe('db-XYZ'));
  it('a name it cannot read is a usage error pointing at --resource-id', () => {
    const error = (() => {
      try {
        targetFromStream('my-stream', undefined);
      } catch (caught) {
        return caught as UsageError;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error?.hint).toContain('--resource-id');
  });
});
