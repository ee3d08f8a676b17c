import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import { runBin, startBin, userEnv } from '../helpers/bin.js';
import { duckRows } from '../helpers/duckdb.js';
import { startTestLab, type TestLab, type TestStream } from '../helpers/test-lab.js';

let lab: TestLab;
let dir: string;
beforeAll(async () => {
  lab = await startTestLab();
  dir = await mkdtemp(join(tmpdir(), 'das-read-lake-crash-'));
}, 60_000);
afterAll(async () => {
  await lab?.close();
});

const put = (stream: TestStream, from: number, count: number) =>
  stream.put(Array.from({ length: count }, (_, i) => activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(from + i)])));

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('--security-lake-dir with --checkpoint, killed while a file is open', () => {
  it('SIGKILL, then resume: no event missing across the complete files, at most the open file\'s repeated, no partial file in the tree', async () => {
    const stream = await lab.activityStream({ name: 'lake-crash' });
    const lake = join(dir, 'lake');
    const checkpoint = join(dir, 'lake.json');
    const args = ['--cluster', 'lake-crash', '--endpoint-url', lab.endpoint, '--checkpoint', checkpoint, '--security-lake-dir', lake, '--security-lake-every', '1s', '-v'];
    await put(stream, 0, 30);
    const running = startBin(args, userEnv());
    await until(() => running.stderr().includes('reading aws-rds-das-'), 'the read to start');
    // The first 30 are held; the next batch, a second later, finds them due and writes their file.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await put(stream, 30, 10);
    await until(() => /wrote ext\/.*\(30 events\)/.test(running.stderr()), 'the first file');
    // These are read into the open file, and the process dies before it is written.
    await put(stream, 40, 10);
    await new Promise((resolve) => setTimeout(resolve, 400));
    running.child.kill('SIGKILL');
    const killed = await running.finished;
    expect(killed.signal).toBe('SIGKILL');

    const tree = async () => (await readdir(join(lake, 'ext'), { recursive: true })).filter((file) => file.endsWith('.parquet'));
    expect(await tree()).toHaveLength(1);
    const resumed = await runBin([...args, '--no-follow']);
    expect(resumed.code, resumed.stderr).toBe(0);

    const rows = await duckRows(`SELECT unmapped['statementId'] AS id FROM read_parquet('${lake}/ext/**/*.parquet', hive_partitioning = false)`);
    const ids = rows.map((row) => Number(row.id));
    expect(new Set(ids)).toEqual(new Set(Array.from({ length: 50 }, (_, n) => n)));
    // Only what the open file held can come twice: at most the events after the first file.
    expect(ids.length - 50).toBeLessThanOrEqual(20);
    expect(ids.filter((id) => id < 30)).toHaveLength(30);
    // The killed run's unfinished file stayed out of the tree, and the next run cleared it away.
    expect((await readdir(lake)).sort()).toEqual(['.das-read-incomplete', 'ext']);
    expect(await readdir(join(lake, '.das-read-incomplete'))).toEqual([]);
  }, 60_000);
});
