import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { postgresEvent } from '../../lab/src/synthetic-events.js';
import { toOcsf } from '../../src/events/ocsf.js';
import { SecurityLakeDir } from '../../src/output/security-lake-dir.js';
import { duckRows } from '../helpers/duckdb.js';

const line = (n: number) => Buffer.from(`${JSON.stringify(toOcsf(postgresEvent(n), { clusterId: 'cluster-A', instanceId: 'db-B', eventId: `s:1:${n}`, region: 'us-east-1', accountId: '000000000000' }))}\n`);

describe('SecurityLakeDir', () => {
  it('holds events until their time is up, then writes them before taking the next; durable bytes follow the files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'das-read-lake-unit-'));
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
    const dir = await mkdtemp(join(tmpdir(), 'das-read-lake-unit-'));
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
    const dir = await mkdtemp(join(tmpdir(), 'das-read-lake-unit-'));
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
    const dir = await mkdtemp(join(tmpdir(), 'das-read-lake-unit-'));
    await writeFile(join(dir, 'ext'), 'not a folder');
    const lake = new SecurityLakeDir({ dir, source: 'das-read', everyMs: 1, now: () => new Date(), createdBy: 'test' });
    await lake.write([line(1)]);
    await expect(lake.complete()).rejects.toThrow(/write ext\/das-read\/region=us-east-1\/accountId=000000000000\/eventDay=\d{8}\/.*\.parquet in /);
    expect(lake.durableBytes).toBe(0);
    await lake.write([line(2)]).catch(() => {});
    await expect(lake.complete()).rejects.toMatchObject({ message: expect.stringMatching(/^cannot write ext\/das-read\//), hint: expect.stringContaining("not marked as read") });
    expect(lake.durableBytes).toBe(0);
  });
});
