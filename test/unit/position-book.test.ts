import { describe, expect, it } from 'vitest';
import type { CheckpointState, StreamIdentity } from '../../src/checkpoint/checkpoint-file.js';
import { PositionBook } from '../../src/checkpoint/position-book.js';
import type { ShardInfo } from '../../src/kinesis/shards.js';

const fresh = (start: CheckpointState['start'] = { type: 'TRIM_HORIZON' }) => new PositionBook('aws-rds-das-cluster-X', 'cluster-X', start);
const shard = (shardId: string, closed: boolean, parentIds: string[] = []): ShardInfo => ({ shardId, parentIds, closed });
const SAVED_AT = new Date('2026-12-01T10:00:00.000Z');

describe('PositionBook: where each shard resumes', () => {
  it('a shard never read starts where the checkpoint said to start; one read resumes after its last whole record', () => {
    const book = fresh({ type: 'AT_TIMESTAMP', timestamp: '2026-12-01T09:00:00.000Z' });
    expect(book.resumeAt('shard-0')).toBeUndefined();
    expect(book.startPosition).toEqual({ type: 'AT_TIMESTAMP', timestamp: new Date('2026-12-01T09:00:00.000Z') });
    expect(fresh().startPosition).toEqual({ type: 'TRIM_HORIZON' });
    book.advance({ shardId: 'shard-0', sequenceNumber: '100' });
    expect(book.resumeAt('shard-0')).toEqual({ type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '100' });
    expect(book.openPositions()).toEqual([['shard-0', { sequenceNumber: '100' }]]);
  });

  it('a run stopped inside a record (eventIndex): that record is read again and only the events after those handled are passed on', () => {
    const book = fresh();
    book.advance({ shardId: 'shard-0', sequenceNumber: '100', eventIndex: 3 });
    expect(book.resumeAt('shard-0')).toEqual({ type: 'AT_SEQUENCE_NUMBER', sequenceNumber: '100' });
    expect(book.handledEvents('shard-0', '100')).toBe(3);
    // Another record, or another shard: nothing of it was handled.
    expect(book.handledEvents('shard-0', '101')).toBe(0);
    expect(book.handledEvents('shard-1', '100')).toBe(0);
    // The record written whole later: resumed after it, nothing to skip.
    book.advance({ shardId: 'shard-0', sequenceNumber: '100' });
    expect(book.resumeAt('shard-0')).toEqual({ type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '100' });
    expect(book.handledEvents('shard-0', '100')).toBe(0);
  });

  it('eventIndex 0 is a position inside the record, not none: the record is read again from its first event', () => {
    const book = fresh();
    book.advance({ shardId: 'shard-0', sequenceNumber: '100', eventIndex: 0 });
    expect(book.resumeAt('shard-0')).toEqual({ type: 'AT_SEQUENCE_NUMBER', sequenceNumber: '100' });
    expect(book.toState(SAVED_AT).shards['shard-0']).toEqual({ sequenceNumber: '100', eventIndex: 0 });
  });

  it('after a reshard: the parent read to its end is finished and no longer open; its children start fresh, then resume on their own', () => {
    const book = fresh();
    book.advance({ shardId: 'shard-0', sequenceNumber: '50', arrivedAt: new Date('2026-12-01T09:59:00.000Z'), shardFinished: true });
    book.advance({ shardId: 'shard-1', sequenceNumber: '80', shardFinished: true, eventIndex: 1 });
    expect(book.finishedShards()).toEqual(['shard-0']);
    // The last record of shard-1 was only partly written: it is not finished, it resumes inside that record.
    expect(book.resumeAt('shard-1')).toEqual({ type: 'AT_SEQUENCE_NUMBER', sequenceNumber: '80' });
    expect(book.openPositions().map(([id]) => id)).toEqual(['shard-1']);
    expect(book.resumeAt('shard-2')).toBeUndefined();
    book.advance({ shardId: 'shard-2', sequenceNumber: '60' });
    book.markFinished('shard-1');
    expect(book.finishedShards().sort()).toEqual(['shard-0', 'shard-1']);
    expect(book.toState(SAVED_AT).shards).toEqual({
      'shard-0': { sequenceNumber: '50', arrivedAt: '2026-12-01T09:59:00.000Z', finished: true },
      'shard-1': { sequenceNumber: '80', eventIndex: 1, finished: true },
      'shard-2': { sequenceNumber: '60' },
    });
  });

  it('a shard the checkpoint calls finished but Kinesis lists open is read on from its saved position; a closed one stays finished', () => {
    const book = fresh();
    book.advance({ shardId: 'shard-0', sequenceNumber: '50', shardFinished: true });
    book.advance({ shardId: 'shard-1', sequenceNumber: '70', shardFinished: true });
    book.markFinished('shard-2');
    const reopened = book.reopenUnclosed([shard('shard-0', false), shard('shard-1', true), shard('shard-2', false), shard('shard-3', false)]);
    expect(reopened).toEqual(['shard-0', 'shard-2']);
    expect(book.resumeAt('shard-0')).toEqual({ type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '50' });
    // Finished with no record read: nothing saved for it any more, it starts where the checkpoint starts.
    expect(book.resumeAt('shard-2')).toBeUndefined();
    expect(book.finishedShards()).toEqual(['shard-1']);
    expect(Object.keys(book.toState(SAVED_AT).shards).sort()).toEqual(['shard-0', 'shard-1']);
  });

  it('after a gap, a shard is read from its oldest record until a position is written again', () => {
    const book = fresh({ type: 'AT_TIMESTAMP', timestamp: '2026-12-01T09:00:00.000Z' });
    book.advance({ shardId: 'shard-0', sequenceNumber: '50' });
    book.restartFromOldest('shard-0');
    expect(book.resumeAt('shard-0')).toEqual({ type: 'TRIM_HORIZON' });
    expect(book.openPositions()).toEqual([]);
    expect(book.toState(SAVED_AT).shards).toEqual({});
    book.advance({ shardId: 'shard-0', sequenceNumber: '900' });
    expect(book.resumeAt('shard-0')).toEqual({ type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '900' });
  });

  it("what it saves is what it was made from, with the run's resource id and stream identity, and the saving time", () => {
    const identity: StreamIdentity = { arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/aws-rds-das-cluster-X', createdAt: '2026-11-01T00:00:00.000Z' };
    const state: CheckpointState = {
      version: 1,
      streamName: 'aws-rds-das-cluster-X',
      resourceId: 'cluster-old',
      start: { type: 'TRIM_HORIZON' },
      savedAt: '2026-11-30T00:00:00.000Z',
      shards: { 'shard-0': { sequenceNumber: '5', eventIndex: 2 }, 'shard-1': { sequenceNumber: '9', finished: true } },
    };
    const book = PositionBook.from(state, 'cluster-X', identity);
    expect(book.toState(SAVED_AT)).toEqual({ ...state, resourceId: 'cluster-X', stream: identity, savedAt: SAVED_AT.toISOString() });
    // The book has its own copies: moving it does not change the state it was read from.
    book.advance({ shardId: 'shard-0', sequenceNumber: '6' });
    expect(state.shards['shard-0']).toEqual({ sequenceNumber: '5', eventIndex: 2 });
    // Without an identity from this run, the saved one is kept.
    expect(PositionBook.from({ ...state, stream: identity }, 'cluster-X', undefined).toState(SAVED_AT).stream).toEqual(identity);
  });
});
