import { KinesisClient } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { findGaps } from '../../src/checkpoint/gaps.js';
import { PositionBook } from '../../src/checkpoint/position-book.js';
import type { ShardPosition } from '../../src/checkpoint/checkpoint-file.js';
import type { ShardInfo } from '../../src/kinesis/shards.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const listed = (...ids: string[]): ShardInfo[] => ids.map((shardId) => ({ shardId, parentIds: [], closed: false }));
// A real client pointed at nowhere: the oldest records come from the test's stream, and any other call would fail loudly.
const nowhere = new KinesisClient({
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:9',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  maxAttempts: 1,
});

/** The stream as the test has it: each shard's oldest record still held (none: an empty shard). */
function check(
  shards: Record<string, ShardPosition>,
  oldest: Record<string, string | undefined>,
  more: { listed?: ShardInfo[]; streamIdentified?: boolean; retentionHours?: number } = {},
) {
  const book = new PositionBook('aws-rds-das-cluster-X', 'cluster-X', { type: 'TRIM_HORIZON' }, shards);
  const asked: string[] = [];
  const run = findGaps({
    kinesis: nowhere,
    streamName: 'aws-rds-das-cluster-X',
    book,
    shards: more.listed ?? listed(...Object.keys(oldest)),
    now: NOW,
    retentionHours: more.retentionHours ?? 24,
    streamIdentified: more.streamIdentified ?? true,
    oldest: (shardId) => {
      asked.push(shardId);
      return Promise.resolve(oldest[shardId]);
    },
  });
  return { book, asked, run };
}

describe('findGaps: events a checkpoint expected that the stream no longer holds', () => {
  it('none while each shard still holds the record after its position', async () => {
    const { run, asked, book } = check({ 'shard-0': { sequenceNumber: '100' }, 'shard-1': { sequenceNumber: '200' } }, { 'shard-0': '100', 'shard-1': '150' });
    expect(await run).toEqual([]);
    expect(asked).toEqual(['shard-0', 'shard-1']);
    expect(book.resumeAt('shard-0')).toEqual({ type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '100' });
  });

  it('one gap per trimmed shard, each naming its shard, and only that shard read again from its oldest record', async () => {
    const { run, book } = check(
      { 'shard-0': { sequenceNumber: '100' }, 'shard-1': { sequenceNumber: '200' }, 'shard-2': { sequenceNumber: '300' } },
      { 'shard-0': '101', 'shard-1': '150', 'shard-2': '999' },
    );
    const gaps = await run;
    expect(gaps.map((gap) => gap.shardIds)).toEqual([['shard-0'], ['shard-2']]);
    expect(gaps[0]?.detail).toBe("the oldest record left in shard-0 comes after the checkpoint's position: events after sequence number 100 have been trimmed");
    expect(gaps[1]?.detail).toContain('shard-2');
    expect(book.resumeAt('shard-0')).toEqual({ type: 'TRIM_HORIZON' });
    expect(book.resumeAt('shard-1')).toEqual({ type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '200' });
    expect(book.resumeAt('shard-2')).toEqual({ type: 'TRIM_HORIZON' });
  });

  it('compares sequence numbers as numbers, however long: 10 comes after 9, and 56-digit ones exactly', async () => {
    expect((await check({ 'shard-0': { sequenceNumber: '9' } }, { 'shard-0': '10' }).run).map((gap) => gap.shardIds)).toEqual([['shard-0']]);
    expect(await check({ 'shard-0': { sequenceNumber: '10' } }, { 'shard-0': '9' }).run).toEqual([]);
    const saved = '49600000000000000000000000000000000000000000000000000001';
    expect(await check({ 'shard-0': { sequenceNumber: saved } }, { 'shard-0': saved }).run).toEqual([]);
    expect(await check({ 'shard-0': { sequenceNumber: saved } }, { 'shard-0': saved.replace(/1$/, '2') }).run).toHaveLength(1);
  });

  it('a shard gone from the stream, or whose last event arrived longer ago than retention, is a gap without asking Kinesis', async () => {
    const { run, asked, book } = check(
      {
        'shard-0': { sequenceNumber: '100' },
        'shard-1': { sequenceNumber: '200', arrivedAt: ago(25 * HOUR) },
        'shard-2': { sequenceNumber: '300', arrivedAt: ago(23 * HOUR) },
      },
      { 'shard-2': '300' },
      { listed: listed('shard-1', 'shard-2') },
    );
    const gaps = await run;
    expect(gaps.map((gap) => gap.shardIds)).toEqual([['shard-0'], ['shard-1']]);
    expect(gaps[0]?.detail).toBe('shard shard-0 is no longer in the stream: its events after sequence number 100 that were not read are lost');
    expect(gaps[1]?.detail).toContain(`the last event read from shard-1 arrived at ${ago(25 * HOUR)}, longer ago than the stream's retention (24 h)`);
    expect(asked).toEqual(['shard-2']);
    expect(book.resumeAt('shard-1')).toEqual({ type: 'TRIM_HORIZON' });
  });

  it("retention is the stream's, measured by the clock it is given", async () => {
    const positions = { 'shard-0': { sequenceNumber: '100', arrivedAt: ago(30 * HOUR) } };
    expect(await check(positions, { 'shard-0': '100' }, { retentionHours: 48 }).run).toEqual([]);
    expect(await check(positions, { 'shard-0': '100' }, { retentionHours: 24 }).run).toHaveLength(1);
  });

  it('finished shards and empty shards are no gap', async () => {
    const { run, asked } = check(
      { 'shard-0': { sequenceNumber: '100', finished: true }, 'shard-1': { sequenceNumber: '200' } },
      { 'shard-1': undefined },
      { listed: listed('shard-1') },
    );
    expect(await run).toEqual([]);
    expect(asked).toEqual(['shard-1']);
  });

  it("without the stream's identity, says the gap may be a stream stopped and started again", async () => {
    const unknown = await check({ 'shard-0': { sequenceNumber: '100' } }, { 'shard-0': '200' }, { streamIdentified: false }).run;
    expect(unknown[0]?.detail).toContain('or the activity stream was stopped and started again');
    const known = await check({ 'shard-0': { sequenceNumber: '100' } }, { 'shard-0': '200' }).run;
    expect(known[0]?.detail).not.toContain('stopped and started again');
  });
});
