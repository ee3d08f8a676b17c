import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import { ExitCode } from '../../src/errors.js';
import { duckRows } from '../helpers/duckdb.js';
import { readOnce } from '../helpers/read-once.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';
import { scratchDir } from '../helpers/scratch-dir.js';

let lab: TestLab;
let dir: string;
beforeAll(async () => {
  lab = await startTestLab();
  dir = await scratchDir('das-read-lake-');
  const stream = await lab.activityStream({ name: 'lake-cluster' });
  // Two days of events, out of order across records: the files are each one day, sorted by time.
  const late = (n: number) => postgresEvent(n, { logTime: `2026-01-02 00:00:0${n % 10}.${String(n).padStart(3, '0')}+00` });
  await stream.put([
    activityRecord(stream.database.resourceId, 'db-A', [
      late(100),
      postgresEvent(1),
      postgresEvent(2, { exitCode: '42501', errorMessage: 'permission denied' }),
    ]),
    activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(3), late(101), postgresEvent(0)]),
  ]);
}, 60_000);
afterAll(async () => {
  await lab?.close();
});

/** The attributes the test reads of an OCSF event. */
interface OcsfLike {
  time: number;
  type_uid: number;
  status_id: number;
  status_detail?: string;
  actor: { user: { name: string }; session: { uid: string } };
  src_endpoint: { ip: string; port: number };
  query_info: { query_string: string };
  metadata: { uid: string };
  unmapped: Record<string, unknown>;
}

async function files(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

describe('--security-lake-dir', () => {
  it("writes Security Lake's layout: one Parquet file per day, sorted by time, holding what -o ocsf holds", async () => {
    const out = join(dir, 'lake');
    const run = await readOnce(lab.endpoint, ['--cluster', 'lake-cluster', '--security-lake-dir', out, '--checkpoint', join(dir, 'lake.json'), '-v']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toEqual([]);
    const written = (await files(out)).filter((file) => !file.startsWith('.das-read-incomplete'));
    expect(written).toHaveLength(2);
    expect(written[0]).toMatch(/^ext\/das-read\/region=us-east-1\/accountId=000000000000\/eventDay=20260101\/\d{8}T\d{6}Z-[0-9a-f-]{36}\.parquet$/);
    expect(written[1]).toMatch(/^ext\/das-read\/region=us-east-1\/accountId=000000000000\/eventDay=20260102\//);
    expect(run.stderr).toMatch(/wrote ext\/das-read\/region=us-east-1\/accountId=000000000000\/eventDay=20260101\/.*\(4 events\)/);

    const ocsf = (await readOnce(lab.endpoint, ['--cluster', 'lake-cluster', '-o', 'ocsf'])).stdout.map((line) => JSON.parse(line) as OcsfLike);
    const rows = await duckRows(
      `SELECT filename, metadata.uid AS uid, epoch_ms(time) AS time, typeof(time) AS time_type, class_uid, type_uid, actor.user.name AS user, actor.session.uid AS session,
              src_endpoint.ip AS ip, src_endpoint.port AS port, database.type AS engine, query_info.query_string AS sql, status_id, status_detail,
              metadata.profiles AS profiles, unmapped['class'] AS class, unmapped['paramList'] AS params, cloud.account.uid AS account
       FROM read_parquet('${out}/ext/**/*.parquet', filename = true, hive_partitioning = false) ORDER BY filename, time`,
    );
    expect(rows).toHaveLength(ocsf.length);
    const byUid = new Map(ocsf.map((event) => [event.metadata.uid as string, event]));
    for (const row of rows) {
      const event = byUid.get(String(row.uid));
      expect(event, String(row.uid)).toBeDefined();
      expect(row).toMatchObject({
        time: String(event?.time),
        time_type: 'TIMESTAMP',
        class_uid: 6005,
        type_uid: String(event?.type_uid),
        user: event?.actor.user.name,
        session: event?.actor.session.uid,
        ip: event?.src_endpoint.ip,
        port: event?.src_endpoint.port,
        engine: 'Aurora PostgreSQL',
        sql: event?.query_info.query_string,
        status_id: event?.status_id,
        status_detail: event?.status_detail ?? null,
        profiles: ['cloud'],
        class: JSON.stringify(event?.unmapped.class),
        params: JSON.stringify(event?.unmapped.paramList),
        account: '000000000000',
      });
    }
    // Each file sorted by time, each day in its own.
    for (const file of new Set(rows.map((row) => row.filename))) {
      const times = rows.filter((row) => row.filename === file).map((row) => Number(row.time));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      const days = new Set(times.map((time) => new Date(time).toISOString().slice(0, 10)));
      expect(days.size).toBe(1);
      expect(String(file)).toContain(`eventDay=${[...days][0]?.replaceAll('-', '')}`);
    }
    // The checkpoint moved past them: a rerun writes nothing.
    const again = await readOnce(lab.endpoint, ['--cluster', 'lake-cluster', '--security-lake-dir', out, '--checkpoint', join(dir, 'lake.json')]);
    expect(again.code).toBe(0);
    expect((await files(out)).filter((file) => file.endsWith('.parquet'))).toHaveLength(2);
  });

  it('refuses what it cannot do, in words', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--cluster', 'lake-cluster', '--security-lake-dir', dir, '-o', 'ndjson'], /writes OCSF: it does not go with -o ndjson/],
      [['--cluster', 'lake-cluster', '--security-lake-source', 'mine'], /--security-lake-source goes with --security-lake-dir/],
      [['--cluster', 'lake-cluster', '--security-lake-dir', dir, '--security-lake-source', 'no spaces'], /is not a custom source name/],
    ];
    for (const [args, words] of cases) {
      const result = await readOnce(lab.endpoint, args);
      expect(result.code, args.join(' ')).toBe(ExitCode.usage);
      expect(result.stderr).toMatch(words);
    }
    const noAccount = await readOnce(lab.endpoint, ['--stream-name', 'aws-rds-das-cluster-NOSUCH', '--security-lake-dir', dir]);
    expect(noAccount.code).toBe(ExitCode.runtime);
    expect(noAccount.stderr).toContain('needs the account the stream is in');
  });
});
