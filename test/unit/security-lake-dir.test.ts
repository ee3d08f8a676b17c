import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { postgresEvent } from '../../lab/src/synthetic-events.js';
import { toOcsf } from '../../src/events/ocsf.js';
import { SecurityLakeDir } from '../../src/sinks/security-lake-dir.js';
import { duckRows } from '../helpers/duckdb.js';
import { scratchDir } from '../helpers/scratch-dir.js';

const line = (n: number) =>
  Buffer.from(
    `${JSON.stringify(toOcsf(postgresEvent(n), { clusterId: 'cluster-A', instanceId: 'db-B', eventId: `s:1:${n}`, region: 'us-east-1', accountId: '000000000000' }))}\n`,
  );

describe('SecurityLakeDir', () => {
  it('holds events until their time is up, then writes them before taking the next; durable bytes follow the files', async () => {
    const dir = await scratchDir('das-read-lake-unit-');
    let now = 0;
    const lake = new SecurityLakeDir({ dir, source: 'das-read', everyMs: 60_000, now: () => new Date(now), createdBy: 'test' });
    await lake.write([line(1), line(2)]);
    expect(lake.durableBytes).toBe(0);
    now = 59_000;
    await lake.write([line(3)]);
    expect(lake.durableBytes).toBe(0);
    now = 61_000;
    const before = lake.bytesWritten;
    await lake.write([line(4)]);
    expect(lake.durableBytes).toBe(before);
    await lake.complete();
    expect(lake.durableBytes).toBe(lake.bytesWritten);
    expect((await readdir(join(dir, 'ext'), { recursive: true })).filter((file) => file.endsWith('.parquet'))).toHaveLength(2);
  });

  it('takes a line cut across chunks whole', async () => {
    const dir = await scratchDir('das-read-lake-unit-');
    const lake = new SecurityLakeDir({ dir, source: 'das-read', everyMs: 60_000, now: () => new Date(0), createdBy: 'test' });
    const bytes = Buffer.concat([line(1), line(2)]);
    await lake.write([bytes.subarray(0, 100), bytes.subarray(100, line(1).length + 7), bytes.subarray(line(1).length + 7)]);
    await lake.complete();
    expect(lake.durableBytes).toBe(bytes.length);
    const rows = await duckRows(`SELECT metadata.uid AS uid FROM read_parquet('${dir}/ext/**/*.parquet', hive_partitioning = false) ORDER BY uid`);
    expect(rows.map((row) => row.uid)).toEqual(['s:1:1', 's:1:2']);
  });

  it("clears half-made files a dead run left, and not another run's", async () => {
    const { utimes, mkdir } = await import('node:fs/promises');
    const dir = await scratchDir('das-read-lake-unit-');
    const scratch = join(dir, '.das-read-incomplete');
    await mkdir(scratch);
    await writeFile(join(scratch, 'dead.parquet'), 'half');
    await writeFile(join(scratch, 'busy.parquet'), 'half');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(join(scratch, 'dead.parquet'), old, old);
    const lake = new SecurityLakeDir({ dir, source: 'das-read', everyMs: 60_000, now: () => new Date(), createdBy: 'test' });
    await lake.write([line(1)]);
    expect(await readdir(scratch)).toEqual(['busy.parquet']);
  });

  it('a file it cannot write (a full disk, a path in the way) stops the durable bytes for good, and says so each time', async () => {
    const dir = await scratchDir('das-read-lake-unit-');
    await writeFile(join(dir, 'ext'), 'not a folder');
    const lake = new SecurityLakeDir({ dir, source: 'das-read', everyMs: 1, now: () => new Date(), createdBy: 'test' });
    await lake.write([line(1)]);
    await expect(lake.complete()).rejects.toThrow(/write ext\/das-read\/region=us-east-1\/accountId=000000000000\/eventDay=\d{8}\/.*\.parquet in /);
    expect(lake.durableBytes).toBe(0);
    await lake.write([line(2)]).catch(() => {});
    await expect(lake.complete()).rejects.toMatchObject({
      message: expect.stringMatching(/^cannot write ext\/das-read\//),
      hint: expect.stringContaining('not marked as read'),
    });
    expect(lake.durableBytes).toBe(0);
  });

  it("clears a dead run's half-made file before writing, however young, places its complete one, and leaves a live run's alone", async () => {
    const dir = await scratchDir('das-read-lake-unit-');
    const scratch = join(dir, '.das-read-incomplete');
    const day = 'ext/das-read/region=us-east-1/accountId=000000000000/eventDay=20260101';
    const dead = join(scratch, `4242@${hostname()}.0badf00d`);
    const live = join(scratch, `4343@${hostname()}.0c0ffee0`);
    for (const run of [dead, live]) await mkdir(join(run, day), { recursive: true });
    // A dead run (pid 4242): killed while writing one file (a disk filled by it), and after the checkpoint moved past another.
    await writeFile(join(dead, day, 'half.parquet.partial'), Buffer.alloc(64 * 1024));
    const made = new SecurityLakeDir({ dir: join(dir, 'elsewhere'), source: 'das-read', everyMs: 60_000, now: () => new Date(), createdBy: 'test' });
    await made.write([line(7)]);
    await made.complete();
    const [complete] = (await readdir(join(dir, 'elsewhere', day))).filter((file) => file.endsWith('.parquet'));
    const { rename } = await import('node:fs/promises');
    await rename(join(dir, 'elsewhere', day, complete as string), join(dead, day, 'complete.parquet'));
    await writeFile(join(live, day, 'busy.parquet.partial'), 'half');

    const placed: string[] = [];
    const lake = new SecurityLakeDir({
      dir,
      source: 'das-read',
      everyMs: 60_000,
      now: () => new Date(),
      createdBy: 'test',
      runner: { pid: 1, isAlive: (pid) => pid !== 4242 },
      onLeftover: (path) => placed.push(path),
    });
    await lake.prepare();
    expect(await readdir(scratch)).toEqual([`4343@${hostname()}.0c0ffee0`]);
    expect(placed).toEqual([`${day}/complete.parquet`]);
    const rows = await duckRows(`SELECT metadata.uid AS uid FROM read_parquet('${dir}/ext/**/*.parquet', hive_partitioning = false)`);
    expect(rows.map((row) => row.uid)).toEqual(['s:1:7']);
  });

  it("saves the positions of a turn's events after its files are on disk and before any is in the tree, and only of events whose positions are known", async () => {
    const dir = await scratchDir('das-read-lake-unit-');
    let now = 0;
    // Positions known up to the end of the first write only (the second one's were never handed over).
    let known = 0;
    const saves: Array<{ upTo: number; inTree: number; ready: number }> = [];
    const parquetUnder = async (root: string) => (await readdir(root, { recursive: true }).catch(() => [])).filter((file) => file.endsWith('.parquet')).length;
    const lake = new SecurityLakeDir({
      dir,
      source: 'das-read',
      everyMs: 60_000,
      now: () => new Date(now),
      createdBy: 'test',
      positions: {
        reach: (bytes) => Math.min(bytes, known),
        save: async (upTo) => {
          saves.push({ upTo, inTree: await parquetUnder(join(dir, 'ext')), ready: await parquetUnder(join(dir, '.das-read-incomplete')) });
        },
      },
    });
    await lake.write([line(1), line(2)]);
    known = lake.bytesWritten;
    await lake.write([line(3)]);
    now = 61_000;
    await lake.complete();
    expect(saves).toEqual([{ upTo: known, inTree: 0, ready: 1 }]);
    expect(lake.durableBytes).toBe(known);
    const rows = await duckRows(`SELECT metadata.uid AS uid FROM read_parquet('${dir}/ext/**/*.parquet', hive_partitioning = false) ORDER BY uid`);
    expect(rows.map((row) => row.uid)).toEqual(['s:1:1', 's:1:2']);
    expect(await readdir(join(dir, '.das-read-incomplete'))).toEqual([]);
  });

  it('a file the disk cannot take is removed at once, with the others of its turn: the disk is not left full', async () => {
    const dir = await scratchDir('das-read-lake-unit-');
    const { nodeLakeFiles } = await import('../../src/sinks/lake-files.js');
    let creates = 0;
    const files = {
      ...nodeLakeFiles,
      create: async (path: string, bytes: Uint8Array) => {
        // The second file: half of it written, then the disk is full.
        if (++creates < 2) return nodeLakeFiles.create(path, bytes);
        await writeFile(path, bytes.subarray(0, bytes.length >> 1));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    };
    const lake = new SecurityLakeDir({ dir, source: 'das-read', everyMs: 60_000, now: () => new Date(), createdBy: 'test', files });
    const late = Buffer.from(
      `${JSON.stringify(toOcsf(postgresEvent(9, { logTime: '2026-01-02 00:00:01.000+00' }), { clusterId: 'cluster-A', instanceId: 'db-B', eventId: 's:1:9', region: 'us-east-1', accountId: '000000000000' }))}\n`,
    );
    await lake.write([line(1), late]);
    await expect(lake.complete()).rejects.toThrow(/no space left on device \(ENOSPC\)/);
    expect(lake.durableBytes).toBe(0);
    expect(await readdir(join(dir, '.das-read-incomplete'), { recursive: true })).toEqual([]);
    expect((await readdir(dir, { recursive: true })).filter((file) => file.endsWith('.parquet'))).toEqual([]);
  });
});
