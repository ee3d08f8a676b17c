import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import { runBin, startBin, userEnv } from '../helpers/bin.js';
import { duckRows } from '../helpers/duckdb.js';
import { describeOnSmallDisk } from '../helpers/small-disk.js';
import { startTestLab, type TestLab, type TestStream } from '../helpers/test-lab.js';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../lab/src/http.js';
import { LAB_CLUSTER, LAB_KEY_ALIAS, startLabSession } from '../../lab/src/lab-session.js';
import { ocsfProblems } from '../helpers/ocsf-validator.js';
import { ExitCode } from '../../src/errors.js';
import { waitFor } from '../helpers/wait-for.js';
import { scratchDir } from '../helpers/scratch-dir.js';

let lab: TestLab;
let dir: string;
beforeAll(async () => {
  lab = await startTestLab();
  dir = await scratchDir('das-read-lake-crash-');
}, 60_000);
afterAll(async () => {
  await lab?.close();
});

const put = (stream: TestStream, from: number, count: number) =>
  stream.put(Array.from({ length: count }, (_, i) => activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(from + i)])));

const until = (check: () => boolean, what: string) => waitFor(check, { what, timeoutMs: 20_000 });

describe('--security-lake-dir with --checkpoint, killed while a file is open', () => {
  it("SIGKILL, then resume: no event missing across the complete files, at most the open file's repeated, no partial file in the tree", async () => {
    const stream = await lab.activityStream({ name: 'lake-crash' });
    const lake = join(dir, 'lake');
    const checkpoint = join(dir, 'lake.json');
    const args = [
      '--cluster',
      'lake-crash',
      '--endpoint-url',
      lab.endpoint,
      '--checkpoint',
      checkpoint,
      '--security-lake-dir',
      lake,
      '--security-lake-every',
      '1s',
      '-v',
    ];
    await put(stream, 0, 30);
    const running = startBin(args, userEnv());
    await until(() => running.stderr().includes('reading aws-rds-das-'), 'the read to start');
    const written = () => [...running.stderr().matchAll(/wrote ext\/.*\((\d+) events?\)/g)].map((line) => Number(line[1]));
    // The first 30 are held; a batch that comes once they are due (1 s) writes their file, with those it brings.
    // Records are put one at a time until that file is written, not after a guessed wait.
    let total = 30;
    await waitFor(
      async () => {
        if (written().length > 0) return true;
        await put(stream, total++, 1);
        return false;
      },
      { what: 'the first file', timeoutMs: 20_000, intervalMs: 100 },
    );
    // These are read into the open file, and the process dies before it is written.
    await put(stream, total, 10);
    total += 10;
    // Seen at the lab's door: two GetRecords asked after the put, so the first of them returned these (a probe, not a delay).
    const asked = lab.gateway.faults.injected;
    lab.gateway.faults.add({ action: 'kinesis:GetRecords', kind: 'slow', delayMs: 0, times: 2 });
    await until(() => lab.gateway.faults.injected >= asked + 2, 'two reads after the put');
    running.child.kill('SIGKILL');
    const killed = await running.finished;
    expect(killed.signal).toBe('SIGKILL');
    // How many events the files placed before the kill hold (on a slow machine the first may hold more than 30, or a second be placed).
    const placed = written().reduce((sum, events) => sum + events, 0);

    const tree = async () => (await readdir(join(lake, 'ext'), { recursive: true })).filter((file) => file.endsWith('.parquet'));
    expect(await tree()).toHaveLength(written().length);
    const resumed = await runBin([...args, '--no-follow']);
    expect(resumed.code, resumed.stderr).toBe(0);

    const rows = await duckRows(`SELECT unmapped['statementId'] AS id FROM read_parquet('${lake}/ext/**/*.parquet', hive_partitioning = false)`);
    const ids = rows.map((row) => Number(row.id));
    expect(new Set(ids)).toEqual(new Set(Array.from({ length: total }, (_, n) => n)));
    // Only what the open file held can come twice: at most the events after the files placed; those placed, once.
    expect(ids.length - total).toBeLessThanOrEqual(total - placed);
    expect(ids.filter((id) => id < placed)).toHaveLength(placed);
    // Nothing half-made is in the tree: files are made outside it and renamed in whole.
    expect((await readdir(lake)).sort()).toEqual(['.das-read-incomplete', 'ext']);
    expect(await readdir(join(lake, '.das-read-incomplete'))).toEqual([]);
  }, 60_000);
});

/** Every row of the tree's Parquet files, read back by DuckDB: each event's uid and statement id. */
async function lakeRows(lake: string): Promise<{ rows: number; distinct: number; ids: number[] }> {
  const rows = await duckRows(
    `SELECT metadata.uid AS uid, unmapped['statementId'] AS id FROM read_parquet('${lake}/ext/**/*.parquet', hive_partitioning = false)`,
  );
  return { rows: rows.length, distinct: new Set(rows.map((row) => row.uid)).size, ids: [...new Set(rows.map((row) => Number(row.id)))].sort((a, b) => a - b) };
}

/** Files (not folders) left in the scratch area, at any depth. */
async function scratchFiles(lake: string): Promise<string[]> {
  const entries = await readdir(join(lake, '.das-read-incomplete'), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

const range = (count: number) => Array.from({ length: count }, (_, n) => n);

describe('--security-lake-dir with --checkpoint, killed right after a file is renamed into place', () => {
  it("the resumed run writes none of that complete file's events again: rows equal distinct metadata.uid, every event there", async () => {
    const stream = await lab.activityStream({ name: 'lake-kill-placed' });
    const lake = join(dir, 'placed');
    const checkpoint = join(dir, 'placed.json');
    const args = ['--cluster', 'lake-kill-placed', '--endpoint-url', lab.endpoint, '--checkpoint', checkpoint, '--security-lake-dir', lake, '--no-follow'];
    await stream.put(
      Array.from({ length: 8 }, (_, r) =>
        activityRecord(
          stream.database.resourceId,
          'db-A',
          range(5).map((i) => postgresEvent(r * 5 + i)),
        ),
      ),
    );
    // The hook kills the process the moment its first file is renamed into the tree.
    const hook = fileURLToPath(new URL('../fixtures/lake-kill/kill-after-placing.mjs', import.meta.url));
    const killed = await runBin(args, userEnv(), ['--import', hook]);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(await lakeRows(lake)).toEqual({ rows: 40, distinct: 40, ids: range(40) });

    const resumed = await runBin(args);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await lakeRows(lake)).toEqual({ rows: 40, distinct: 40, ids: range(40) });
    expect(await scratchFiles(lake)).toEqual([]);
  }, 60_000);
});

describeOnSmallDisk(
  '--security-lake-dir on a full disk (a small tmpfs)',
  () => dir,
  (disk) => {
    it('ENOSPC on the second of two files: nothing half-made is left, nothing is placed, and the run after the disk has room writes each event once', async () => {
      const stream = await lab.activityStream({ name: 'lake-enospc' });
      // Two days: a small file for the first, one far larger than the room left for the second.
      const small = range(20).map((n) => postgresEvent(n));
      const large = range(10).map((n) =>
        postgresEvent(20 + n, { logTime: `2026-01-02 00:00:0${n}.000+00`, commandText: `SELECT '${randomBytes(30_000).toString('hex')}'` }),
      );
      await stream.put([...small, ...large].map((event) => activityRecord(stream.database.resourceId, 'db-A', [event])));
      const lake = join(disk(), 'lake');
      const checkpoint = join(dir, 'lake-enospc.json');
      const args = ['--cluster', 'lake-enospc', '--endpoint-url', lab.endpoint, '--checkpoint', checkpoint, '--security-lake-dir', lake, '--no-follow'];
      const filler = join(disk(), 'filler');
      const fill = spawnSync('bash', ['-c', `head -c $(( $(df --output=avail -B1 ${disk()} | tail -1) - 256 * 1024 )) /dev/zero > ${filler}`]);
      expect(fill.status).toBe(0);

      const full = await runBin(args);
      expect(full.code, full.stderr).toBe(ExitCode.runtime);
      expect(full.stderr).toContain('no space left on device (ENOSPC)');
      expect(full.stderr).not.toContain('bug in das-read');
      // What it could not finish it took away again: the disk() is not left full for the next run.
      expect(await scratchFiles(lake)).toEqual([]);

      await rm(filler);
      const rest = await runBin(args);
      expect(rest.code, rest.stderr).toBe(0);
      expect(await lakeRows(lake)).toEqual({ rows: 30, distinct: 30, ids: range(30) });
      expect(await scratchFiles(lake)).toEqual([]);
    }, 60_000);
  },
);

describe("docs/ocsf.md's Security Lake block, as printed, against the lab", () => {
  it('writes valid OCSF Parquet files in the layout', async () => {
    const readme = await readFile(fileURLToPath(new URL('../../docs/ocsf.md', import.meta.url)), 'utf8');
    const block = /To try it with no AWS account[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const command = block.split('\n').find((line) => line.startsWith('das-read '));
    expect(command).toContain('--security-lake-dir /tmp/das-lake');
    const port = await freePort();
    const session = await startLabSession({ nodePath: process.execPath, port, transitionMs: 0, transactionsPerSecond: 40 });
    try {
      const out = join(dir, 'readme-lake');
      const env = userEnv();
      const started = await runBin(
        ['start', '--cluster', LAB_CLUSTER, '--kms-key', LAB_KEY_ALIAS, '--apply-immediately', '--wait', '--endpoint-url', `http://127.0.0.1:${port}`],
        env,
      );
      expect(started.code, started.stderr).toBe(0);
      // Enough for more than ten events: the emitter puts up to 20 a record, and a heartbeat or an rdsadmin record may come first.
      await waitFor(() => session.emitter.recordsPut >= 4, { what: 'the lab to put records', timeoutMs: 20_000 });
      const args = (command ?? '')
        .split(' ')
        .slice(1)
        .map((word) => word.replace('/tmp/das-lake', out).replace('127.0.0.1:4566', `127.0.0.1:${port}`));
      const run = await runBin(args, env);
      expect(run.code, run.stderr).toBe(0);
      const files = (await readdir(join(out, 'ext'), { recursive: true })).filter((file) => file.endsWith('.parquet'));
      expect(files.length).toBeGreaterThan(0);
      expect(files[0]).toMatch(/^das-read\/region=us-east-1\/accountId=000000000000\/eventDay=\d{8}\//);
      const rows = await duckRows(`SELECT to_json(t) AS row FROM read_parquet('${out}/ext/**/*.parquet', hive_partitioning = false) t`);
      expect(rows.length).toBeGreaterThan(10);
      // Read back and unflattened (nulls dropped, the map to its JSON values), each row is valid OCSF again.
      const problems = rows.flatMap((row) => ocsfProblems('datastore_activity', fromParquetRow(JSON.parse(String(row.row)) as Record<string, unknown>)));
      expect(problems).toEqual([]);
    } finally {
      await session.close();
    }
  }, 60_000);
});

/** A row as DuckDB gives it, as the OCSF event it was: null columns are attributes not set, times back to epoch ms. */
function fromParquetRow(row: Record<string, unknown>): Record<string, unknown> {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([, item]) => item !== null)
          .map(([key, item]) => [key, strip(item)]),
      );
    }
    return value;
  };
  const event = strip(row) as Record<string, unknown>;
  for (const key of ['time', 'start_time', 'end_time']) if (typeof event[key] === 'string') event[key] = Date.parse(`${String(event[key]).replace(' ', 'T')}Z`);
  if (typeof event.type_uid === 'string') event.type_uid = Number(event.type_uid);
  return event;
}
