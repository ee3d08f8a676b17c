import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, type CheckpointState } from '../../src/checkpoint/checkpoint-file.js';
import { LockLostError } from '../../src/checkpoint/lock.js';
import { PositionBook, type Progress } from '../../src/checkpoint/position-book.js';
import { CheckpointCommit } from '../../src/checkpoint/checkpoint-commit.js';
import { scratchDir } from '../helpers/scratch-dir.js';

let dir: string;
beforeAll(async () => {
  dir = await scratchDir('das-read-commit-');
});
let files = 0;
const checkpointPath = () => join(dir, `c${++files}.json`);

/** The clock the commit is given: it says when each save happened, and only the test moves it. */
function clock(start = '2026-12-01T10:00:00.000Z') {
  let at = Date.parse(start);
  return { now: () => new Date(at), tick: (ms: number) => (at += ms) };
}
const book = () => new PositionBook('aws-rds-das-cluster-X', 'cluster-X', { type: 'TRIM_HORIZON' });
const step = (shardId: string, sequenceNumber: string, more: Partial<Progress> = {}): Progress => ({ shardId, sequenceNumber, ...more });
const saved = (path: string): Promise<CheckpointState | undefined> => loadCheckpoint(path);
const positions = async (path: string) =>
  Object.fromEntries(Object.entries((await saved(path))?.shards ?? {}).map(([shard, position]) => [shard, position.sequenceNumber]));

describe('CheckpointCommit: positions move only behind bytes that are surely read', () => {
  it('to a file or a terminal (nothing unread): each batch is saved as soon as it is written, stamped by the clock', async () => {
    const path = checkpointPath();
    const time = clock();
    const commit = new CheckpointCommit(book(), path, time.now);
    await commit.written(100, [step('shard-0', '1')]);
    expect(await positions(path)).toEqual({ 'shard-0': '1' });
    expect((await saved(path))?.savedAt).toBe('2026-12-01T10:00:00.000Z');
    time.tick(5_000);
    await commit.written(250, [step('shard-0', '2'), step('shard-1', '7')]);
    expect(await positions(path)).toEqual({ 'shard-0': '2', 'shard-1': '7' });
    expect((await saved(path))?.savedAt).toBe('2026-12-01T10:00:05.000Z');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('into a pipe: a batch is saved only once the bytes a pipe can hold unread are written after it', async () => {
    const path = checkpointPath();
    const commit = new CheckpointCommit(book(), path, clock().now, 1_000);
    await commit.written(400, [step('shard-0', '1')]);
    await commit.written(900, [step('shard-0', '2')]);
    // Both may still sit in the pipe: a reader that dies now never saw them.
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
    await commit.written(1_400, [step('shard-0', '3')]);
    // 1,400 written, 1,000 of them perhaps unread: the first batch (up to 400) is surely read, not the second.
    expect(await positions(path)).toEqual({ 'shard-0': '1' });
    await commit.written(2_000, [step('shard-0', '4')]);
    expect(await positions(path)).toEqual({ 'shard-0': '2' });
    // A normal end: the reader is still there, so all that was written was read.
    await commit.settle();
    expect(await positions(path)).toEqual({ 'shard-0': '4' });
  });

  it('an output that keeps its own account (Security Lake): only up to what it calls durable, whatever was written', async () => {
    const path = checkpointPath();
    let durable = 0;
    const commit = new CheckpointCommit(book(), path, clock().now, 0, () => durable);
    await commit.written(10, [step('shard-0', '1')]);
    await commit.written(20, [step('shard-0', '2')]);
    await commit.settle();
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
    // A file placed that holds the first batch's events, not yet the second's.
    expect(commit.reach(15)).toBe(10);
    durable = 15;
    await commit.settle();
    expect(await positions(path)).toEqual({ 'shard-0': '1' });
    expect(commit.reach(15)).toBe(10);
    expect(commit.reach(25)).toBe(20);
    await commit.save(20);
    expect(await positions(path)).toEqual({ 'shard-0': '2' });
  });

  it('a batch that ends a shard marks it finished; a record stopped inside is saved with how many of its events were handled', async () => {
    const path = checkpointPath();
    const commit = new CheckpointCommit(book(), path, clock().now);
    await commit.written(10, [step('shard-0', '9', { arrivedAt: new Date('2026-12-01T09:00:00Z') })], 'shard-0');
    await commit.written(20, [step('shard-1', '4', { eventIndex: 2 })]);
    expect((await saved(path))?.shards).toEqual({
      'shard-0': { sequenceNumber: '9', arrivedAt: '2026-12-01T09:00:00.000Z', finished: true },
      'shard-1': { sequenceNumber: '4', eventIndex: 2 },
    });
    expect(commit.handled('shard-1', '4')).toBe(2);
    expect(commit.handled('shard-1', '5')).toBe(0);
  });

  it('confirms the lock before every save, and never saves once it is lost; with nothing to move it neither asks nor saves', async () => {
    const path = checkpointPath();
    let confirmations = 0;
    let lost = false;
    const confirmLock = async () => {
      confirmations++;
      if (lost) throw new LockLostError(`${path}.lock`, 'it is gone');
    };
    const commit = new CheckpointCommit(book(), path, clock().now, 100, undefined, confirmLock);
    await commit.written(50, [step('shard-0', '1')]);
    expect(confirmations).toBe(0);
    await commit.written(200, [step('shard-0', '2')]);
    expect(confirmations).toBe(1);
    const before = await readFile(path, 'utf8');
    lost = true;
    await expect(commit.written(400, [step('shard-0', '3')])).rejects.toBeInstanceOf(LockLostError);
    await expect(commit.settle()).rejects.toBeInstanceOf(LockLostError);
    expect(await readFile(path, 'utf8')).toBe(before);
  });
});
