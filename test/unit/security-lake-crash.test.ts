import { open, readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresEvent } from '../../lab/src/synthetic-events.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/checkpoint/checkpoint-file.js';
import { PositionBook } from '../../src/checkpoint/position-book.js';
import { BatchWriter } from '../../src/write/batch-writer.js';
import { CheckpointCommit } from '../../src/checkpoint/checkpoint-commit.js';
import type { DecodedBatch } from '../../src/decode/decode-stage.js';
import { DecodedActivityRecord } from '../../src/decode/decoded-record.js';
import { makeChalk } from '../../src/terminal/color.js';
import { Diagnostics } from '../../src/terminal/diagnostics.js';
import { eventFormatter } from '../../src/format/event-format.js';
import { nodeLakeFiles, type LakeFiles } from '../../src/sinks/lake-files.js';
import { SecurityLakeDir } from '../../src/sinks/security-lake-dir.js';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { TextSink } from '../helpers/memory-io.js';
import { scratchDir } from '../helpers/scratch-dir.js';

/*
 * The invariant of --security-lake-dir with --checkpoint, over generated streams and generated
 * faults: after the runs that fail and a last one that does not, every event of the stream is in
 * the tree's Parquet files (read back by DuckDB), and once only, except the events of the files
 * being made when a run was killed (complete in its scratch folder, not yet renamed into the
 * tree), which may come once more per such kill. The pipeline is the read command's own
 * (BatchWriter, CheckpointCommit, PositionBook, the checkpoint file, SecurityLakeDir); only the
 * lake's file-system calls are wrapped, to kill the run at any one of them or fill the disk.
 */

const STREAM = 'aws-rds-das-cluster-PROPERTY';
const RESOURCE = 'cluster-PROPERTY';

/** A shard's records, each a number of events; some events fall on the next day (a second file). */
interface Scenario {
  shards: Array<Array<{ events: number; late: boolean }>>;
  /** Records per batch, and the shard each next batch comes from (modulo the shards left). */
  batchSize: number;
  order: number[];
  /** Clock steps per batch (ms); files are due every 1,000 ms. */
  steps: number[];
  faults: Fault[];
}

type Fault =
  /** The process dies at its `at`-th lake file-system call or checkpoint save, before it or right after it. */
  | { kind: 'kill'; at: number; after: boolean }
  /** The process dies right after its `nth` rename of a file into the tree. */
  | { kind: 'placed'; nth: number }
  /** The process dies between two batches. */
  | { kind: 'stop'; afterBatch: number }
  /** The disk fills at the `at`-th file created, for the rest of the run; the checkpoint's own save too, when on it. */
  | { kind: 'enospc'; at: number; checkpointToo: boolean };

class Killed extends Error {}

function enospc(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}

/** The lake's file-system calls, counted; the fault given happens at its call. */
function faulty(fault: Fault | undefined) {
  let calls = 0;
  let creates = 0;
  let placed = 0;
  let dead = false;
  const state = {
    get dead() {
      return dead;
    },
    kill(): never {
      dead = true;
      throw new Killed('killed');
    },
    /** One step of the run that a fault can fall on: a file-system call, or the checkpoint's save. */
    async step<T>(work: () => Promise<T>, half?: () => Promise<void>): Promise<T> {
      if (dead) throw new Killed('dead');
      calls++;
      if (fault?.kind === 'kill' && calls === fault.at && !fault.after) {
        await half?.();
        state.kill();
      }
      const result = await work();
      if (fault?.kind === 'kill' && calls === fault.at && fault.after) state.kill();
      return result;
    },
    /** Whether the disk is full for this create (and from then on). */
    full(): boolean {
      return fault?.kind === 'enospc' && ++creates >= fault.at;
    },
    diskFull: () => fault?.kind === 'enospc' && creates >= fault.at,
  };
  const files: LakeFiles = {
    mkdir: (path) => state.step(() => nodeLakeFiles.mkdir(path)),
    create: (path, bytes) =>
      state.step(
        async () => {
          if (state.full()) {
            // A full disk takes part of a write: a half-made file is left behind.
            const file = await open(path, 'wx');
            await file.write(bytes.subarray(0, bytes.length >> 1)).finally(() => file.close());
            throw enospc();
          }
          await nodeLakeFiles.create(path, bytes);
        },
        async () => {
          const file = await open(path, 'wx');
          await file.write(bytes.subarray(0, bytes.length >> 1)).finally(() => file.close());
        },
      ),
    rename: async (from, to) => {
      await state.step(() => nodeLakeFiles.rename(from, to));
      if (fault?.kind === 'placed' && !to.includes('.das-read-incomplete') && ++placed === fault.nth) state.kill();
    },
    syncFolder: (path) => state.step(() => nodeLakeFiles.syncFolder(path)),
    remove: (path) => state.step(() => nodeLakeFiles.remove(path)),
    list: (path) => state.step(() => nodeLakeFiles.list(path)),
    filesUnder: (path) => state.step(() => nodeLakeFiles.filesUnder(path)),
    modifiedAt: (path) => state.step(() => nodeLakeFiles.modifiedAt(path)),
  };
  return { files, state };
}

interface StreamRecord {
  shardId: string;
  sequenceNumber: string;
  batch: DecodedBatch['outcomes'][number];
}

function streamOf(scenario: Scenario): { shards: StreamRecord[][]; uids: string[] } {
  let n = 0;
  const shards = scenario.shards.map((records, s) => {
    const shardId = `shardId-00000000000${s}`;
    return records.map(({ events, late }, r) => {
      const sequenceNumber = String(10_000 + r);
      const raw = { shardId, sequenceNumber, data: new Uint8Array(), arrivalTime: new Date(Date.UTC(2026, 0, 1)) };
      const list = Array.from({ length: events }, (_, e) => {
        const event = postgresEvent(n++);
        return late && e % 2 === 0 ? { ...event, logTime: '2026-01-02 00:00:01.000+00' } : event;
      });
      const place = { shardId, sequenceNumber, version: '1.2', clusterId: RESOURCE, instanceId: 'db-A' };
      return { shardId, sequenceNumber, batch: { raw, decoded: DecodedActivityRecord.of(place, list) } };
    });
  });
  // The ids -o ocsf gives: the record's place and the event's index.
  const uids = shards.flatMap((records) =>
    records.flatMap((record) =>
      Array.from({ length: record.batch.decoded?.eventCount ?? 0 }, (_, index) => `${record.shardId}:${record.sequenceNumber}:${index}`),
    ),
  );
  return { shards, uids };
}

/** The batches a run reads from where the book says each shard resumes, shards interleaved as the scenario says. */
function* batchesFrom(scenario: Scenario, shards: StreamRecord[][], book: PositionBook): Generator<DecodedBatch> {
  const next = shards.map((records, s) => {
    const at = book.resumeAt(`shardId-00000000000${s}`);
    if (at === undefined || at.type === 'TRIM_HORIZON') return 0;
    const sequence = BigInt((at as { sequenceNumber: string }).sequenceNumber);
    const index = records.findIndex((record) =>
      at.type === 'AT_SEQUENCE_NUMBER' ? BigInt(record.sequenceNumber) >= sequence : BigInt(record.sequenceNumber) > sequence,
    );
    return index === -1 ? records.length : index;
  });
  for (let turn = 0; ; turn++) {
    const open = shards.map((records, s) => s).filter((s) => (next[s] as number) < (shards[s] as StreamRecord[]).length);
    if (open.length === 0) return;
    const s = open[(scenario.order[turn % scenario.order.length] as number) % open.length] as number;
    const from = next[s] as number;
    const records = (shards[s] as StreamRecord[]).slice(from, from + scenario.batchSize);
    next[s] = from + records.length;
    yield { shardId: `shardId-00000000000${s}`, outcomes: records.map((record) => record.batch), shardEnded: false };
  }
}

type Outcome = 'done' | 'killed' | 'failed';

/** One run of the read command's write path, as src/commands/read/read.ts drives it; `pid` names the run. */
async function runOnce(scenario: Scenario, shards: StreamRecord[][], dir: string, pid: number, fault: Fault | undefined): Promise<Outcome> {
  const lakeDir = join(dir, 'lake');
  const checkpoint = join(dir, 'cp.json');
  let clock = Date.UTC(2026, 0, 5);
  const now = () => new Date(clock);
  const saved = await loadCheckpoint(checkpoint);
  const book = saved ? PositionBook.from(saved, RESOURCE, undefined) : new PositionBook(STREAM, RESOURCE, { type: 'TRIM_HORIZON' });
  if (!saved) await saveCheckpoint(checkpoint, book.toState(now()));
  const { files, state } = faulty(fault);
  const lakeRef: { lake?: SecurityLakeDir } = {};
  const commit = new CheckpointCommit(book, checkpoint, now, 0, () => lakeRef.lake?.durableBytes ?? 0);
  const lake = new SecurityLakeDir({
    dir: lakeDir,
    source: 'das-read',
    everyMs: 1_000,
    now,
    createdBy: 'property',
    runner: { pid, isAlive: (other) => other === pid },
    files,
    positions: {
      reach: (bytes) => commit.reach(bytes),
      // The checkpoint's save is a step too: a kill can fall before or after it, and a full disk fails it.
      save: (upTo) =>
        state.step(async () => {
          if (fault?.kind === 'enospc' && fault.checkpointToo && state.diskFull()) throw enospc();
          await commit.save(upTo);
        }),
    },
  });
  lakeRef.lake = lake;
  const writer = new BatchWriter({
    output: lake,
    format: eventFormatter('ocsf', undefined, { ocsf: { region: 'us-east-1', accountId: '000000000000' } }),
    includeHeartbeats: false,
    onError: 'fail',
    log: new Diagnostics(new TextSink(), makeChalk(0), false),
    checkpoint: { commit },
  });
  let failed = false;
  try {
    await lake.prepare();
    let batch = 0;
    for (const decoded of batchesFrom(scenario, shards, book)) {
      clock += scenario.steps[batch % scenario.steps.length] as number;
      await writer.write(decoded);
      if (fault?.kind === 'stop' && ++batch === fault.afterBatch) state.kill();
    }
    await lake.complete();
  } catch (error) {
    if (state.dead) return 'killed';
    failed = true;
    if (!(error instanceof Error) || !/ENOSPC|Killed/.test(`${error.message} ${String((error as { cause?: unknown }).cause)}`)) throw error;
  }
  // As the read command ends: what the lake holds is written, and the positions settle.
  await lake.complete().catch(() => {});
  if (state.dead) return 'killed';
  await writer.settle().catch(() => {});
  return failed ? 'failed' : 'done';
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

// One DuckDB for the file (as test/helpers/duckdb.ts reads, without making one per query).
let duck: { instance: DuckDBInstance; connection: DuckDBConnection } | undefined;

/** How many rows each metadata.uid has in these Parquet files, as DuckDB reads them. */
async function uidCounts(paths: string[]): Promise<Map<string, number>> {
  if (paths.length === 0) return new Map();
  if (!duck) {
    const instance = await DuckDBInstance.create(':memory:');
    duck = { instance, connection: await instance.connect() };
  }
  const list = paths.map((path) => `'${path}'`).join(', ');
  const reader = await duck.connection.runAndReadAll(
    `SELECT metadata.uid AS uid, count(*) AS n FROM read_parquet([${list}], hive_partitioning = false) GROUP BY uid`,
  );
  const rows = reader.getRowObjectsJson() as Array<Record<string, unknown>>;
  return new Map(rows.map((row) => [String(row.uid), Number(row.n)]));
}

const roots: string[] = [];
afterAll(async () => {
  duck?.connection.closeSync();
  duck?.instance.closeSync();
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

/** Runs the faults one after the other, then a run with none, and checks the invariant. */
async function check(scenario: Scenario, strict = false): Promise<void> {
  const dir = await scratchDir('das-read-lake-prop-');
  roots.push(dir);
  const { shards, uids } = streamOf(scenario);
  const scratch = join(dir, 'lake', '.das-read-incomplete');
  /** Per uid: how many more times it may be in the tree, for the files being made at each kill. */
  const mayRepeat = new Map<string, number>();
  let pid = 100;
  for (const fault of scenario.faults) {
    const outcome = await runOnce(scenario, shards, dir, ++pid, fault);
    const left = await filesUnder(scratch);
    if (outcome === 'failed') {
      // A run that ends on an error takes its half-made files away: a full disk stays no fuller.
      expect(left.filter((path) => path.endsWith('.partial'))).toEqual([]);
    }
    // Complete files not yet in the tree are the ones being made; the next run places them.
    for (const [uid, n] of await uidCounts(left.filter((path) => path.endsWith('.parquet')))) mayRepeat.set(uid, (mayRepeat.get(uid) ?? 0) + n);
  }
  expect(await runOnce(scenario, shards, dir, pid + 1, undefined)).toBe('done');

  const tree = await filesUnder(join(dir, 'lake', 'ext'));
  expect(tree.filter((path) => !path.endsWith('.parquet'))).toEqual([]);
  const counts = await uidCounts(tree);
  const wrong = uids.flatMap((uid) => {
    const n = counts.get(uid) ?? 0;
    return n >= 1 && n <= 1 + (mayRepeat.get(uid) ?? 0) ? [] : [`${uid}: ${n} rows`];
  });
  expect(wrong).toEqual([]);
  if (strict) expect([...counts.values()].every((n) => n === 1)).toBe(true);
  expect(counts.size).toBe(uids.length);
  // Nothing is left behind once a run has gone through: what a dead run left was placed or cleared.
  expect((await filesUnder(scratch)).map((path) => relative(scratch, path))).toEqual([]);
}

const shard = fc.array(fc.record({ events: fc.integer({ min: 1, max: 3 }), late: fc.boolean() }), { minLength: 0, maxLength: 12 });
const scenario = (faults: fc.Arbitrary<Fault[]>) =>
  fc.record({
    shards: fc.array(shard, { minLength: 1, maxLength: 3 }).filter((shards) => shards.some((records) => records.length > 0)),
    batchSize: fc.integer({ min: 1, max: 5 }),
    order: fc.array(fc.nat(5), { minLength: 1, maxLength: 6 }),
    steps: fc.array(fc.constantFrom(0, 300, 700, 1_200), { minLength: 1, maxLength: 5 }),
    faults,
  });
const kill = fc.record({ kind: fc.constant('kill' as const), at: fc.integer({ min: 1, max: 40 }), after: fc.boolean() });
const stop = fc.record({ kind: fc.constant('stop' as const), afterBatch: fc.integer({ min: 1, max: 12 }) });
const full = fc.record({ kind: fc.constant('enospc' as const), at: fc.integer({ min: 1, max: 6 }), checkpointToo: fc.boolean() });

describe('--security-lake-dir with --checkpoint: every event in exactly one complete file, whatever stops a run', () => {
  it('a kill at any file-system call or checkpoint save, or between batches, then a resume', async () => {
    await fc.assert(
      fc.asyncProperty(scenario(fc.array(fc.oneof(kill, stop), { minLength: 1, maxLength: 2 })), (generated) => check(generated)),
      { numRuns: 50 },
    );
  }, 120_000);

  it('a disk that fills at the k-th file (with the checkpoint on it or not), then a run once it has room', async () => {
    await fc.assert(
      fc.asyncProperty(scenario(fc.array(full, { minLength: 1, maxLength: 2 })), (generated) => check(generated)),
      { numRuns: 25 },
    );
  }, 120_000);

  it('a kill right after each rename into the tree, two shards, two days: no event repeats', async () => {
    // The case of the report: SIGKILL right after a file was renamed into place.
    const stream: Scenario = {
      shards: [Array.from({ length: 6 }, () => ({ events: 2, late: false })), Array.from({ length: 6 }, () => ({ events: 1, late: true }))],
      batchSize: 2,
      order: [0, 1],
      steps: [400],
      faults: [],
    };
    for (let nth = 1; nth <= 8; nth++) await check({ ...stream, faults: [{ kind: 'placed', nth }] }, true);
  }, 120_000);
});
