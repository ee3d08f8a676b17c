import { mkdtemp, readFile, readdir, rm, stat, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dasTime } from '../../lab/src/das-time.js';
import { activityRecord, heartbeatEvent, postgresEvent } from '../../lab/src/synthetic-events.js';
import { ACTIVITY_STREAM_STARTED } from '../../lab/src/local-rds.js';
import { run } from '../../src/cli/run.js';
import type { DasEvent } from '../../src/decode/types.js';
import { ExitCode } from '../../src/errors.js';
import type { ReportData } from '../../src/report/report-data.js';
import { memoryIO } from '../helpers/memory-io.js';
import { startTestLab, type TestLab, type TestStream } from '../helpers/test-lab.js';

// `das-read report` against the lab's stream and RDS: a live window, saved files, and --incremental as cron runs it.

let lab: TestLab;
let stream: TestStream;
let dir: string;
/** The test's events are the last hour's, so the window and RDS's 14 days hold them. */
const base = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
const at = (ms: number, event: DasEvent): DasEvent => ({ ...event, startTime: dasTime((base + ms) * 1000), logTime: dasTime((base + ms) * 1000) });
const beat = (ms: number) => heartbeatEvent(dasTime((base + ms) * 1000));

/** Two minutes of activity with heartbeats every 2 s, then 3 minutes of silence, then a minute more. */
function firstBatch(): DasEvent[] {
  const events: DasEvent[] = [];
  for (let s = 0; s < 120; s += 2) events.push(beat(s * 1000));
  for (let n = 0; n < 20; n++) events.push(at(n * 3000, postgresEvent(n)));
  events.push(at(61_000, postgresEvent(100, { class: 'DDL', command: 'DROP TABLE', commandText: 'DROP TABLE accounts', objectName: 'accounts' })));
  events.push(at(62_000, postgresEvent(101, { class: 'ROLE', command: 'GRANT', commandText: 'GRANT rds_superuser TO mallory', objectName: null })));
  for (let n = 0; n < 4; n++)
    events.push(
      at(
        63_000 + n,
        postgresEvent(110 + n, {
          class: 'MISC',
          command: 'AUTH FAILURE',
          commandText: null,
          dbUserName: 'mallory',
          remoteHost: '203.0.113.7',
          sessionId: `f${n}`,
        }),
      ),
    );
  events.push(
    at(64_000, postgresEvent(120, { exitCode: '42P01', errorMessage: 'relation "nope" does not exist', commandText: 'SELECT * FROM nope WHERE id = 7' })),
  );
  events.push(at(65_000, postgresEvent(121, { clientApplication: '<script>window.pwned=1</script>', dbUserName: '<img src=x onerror=alert(1)>' })));
  for (let s = 300; s < 360; s += 2) events.push(beat(s * 1000));
  events.push(at(330_000, postgresEvent(130)));
  return events.sort((a, b) => String(a.logTime).localeCompare(String(b.logTime)));
}

async function put(list: DasEvent[]): Promise<void> {
  const records = [];
  for (let from = 0; from < list.length; from += 8) records.push(activityRecord(stream.database.resourceId, 'db-REPORT', list.slice(from, from + 8)));
  await stream.put(records);
}

async function das(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIO();
  const code = await run([...args, '--endpoint-url', lab.endpoint], io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

beforeAll(async () => {
  lab = await startTestLab();
  dir = await mkdtemp(join(tmpdir(), 'das-read-report-'));
  stream = await lab.activityStream({ name: 'report-cluster' });
  await put(firstBatch());
}, 60_000);
afterAll(async () => {
  await lab?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('das-read report over the lab', () => {
  it('reports a live window: the overview, the changes, the logons, the failures, and coverage naming the silence', async () => {
    const result = await das(['report', '--cluster', 'report-cluster', '--from', '2h', '-o', 'json']);
    expect(result.code, result.stderr).toBe(ExitCode.ok);
    const data = JSON.parse(result.stdout) as ReportData;
    expect(data.overview.events).toBe(29);
    expect(data.overview.heartbeats).toBe(90);
    expect(data.overview.failures).toBe(5);
    expect(data.overview.clusters).toEqual([stream.database.resourceId]);
    expect(data.changes.rows.map((row) => row.statement.text)).toEqual(['DROP TABLE accounts', 'GRANT rds_superuser TO mallory']);
    const mallory = data.logons.rows.find((row) => row.user === 'mallory');
    expect(mallory).toMatchObject({ source: '203.0.113.7', successes: 0, failures: 4, failuresSinceSuccess: 4 });
    expect(data.failures.statements.rows[0]?.reason.text).toBe('relation "nope" does not exist');
    // The silence from 2 min to 5 min of the batch is named with its times; RDS says when the stream started.
    const gaps = data.coverage.instances.find((instance) => instance.instanceId === 'db-REPORT')?.gaps ?? [];
    expect(gaps.some((gap) => gap.from <= base + 120_000 && gap.until >= base + 300_000 && gap.until - gap.from < 200_000)).toBe(true);
    expect(data.coverage.streamEvents?.map((event) => event.kind)).toContain('started');
    expect(data.coverage.coveredMs).toBeLessThan(data.coverage.windowMs);
  });

  it('writes one self-contained page to -O, mode 0600, with hostile values as text', async () => {
    const page = join(dir, 'report.html');
    const result = await das(['report', '--cluster', 'report-cluster', '--from', '2h', '-O', page]);
    expect(result.code, result.stderr).toBe(ExitCode.ok);
    expect(result.stdout).toBe('');
    expect((await stat(page)).mode & 0o777).toBe(0o600);
    const html = await readFile(page, 'utf8');
    expect(html).toContain('&lt;script&gt;window.pwned=1&lt;/script&gt;');
    expect(html).not.toContain('<script>window.pwned');
    expect(html).not.toContain('<img src=x');
  });

  it('reports saved files, lists an unreadable line by its place, exits 3, and asks RDS with --cluster', async () => {
    const saved = join(dir, 'saved.ndjson');
    const read = await das(['--cluster', 'report-cluster', '--no-follow', '-o', 'ndjson', '--include-heartbeats']);
    await writeFile(saved, `${read.stdout}{"type":"record", broken\n`);
    const result = await das(['report', saved, '--cluster', 'report-cluster', '-o', 'json']);
    expect(result.code, result.stderr).toBe(ExitCode.unreadableRecord);
    expect(result.stderr).toContain('1 line could not be read, and was not reported on; exit 3');
    const data = JSON.parse(result.stdout) as ReportData;
    expect(data.overview.events).toBe(29);
    expect(data.coverage.unreadable.rows.map((row) => row.place)).toEqual([`${saved}:${read.stdout.split('\n').length}`]);
    expect(data.coverage.streamEvents).not.toBeNull();
    // Without a database named, RDS is not asked, and the report says so.
    const alone = JSON.parse((await das(['report', saved, '-o', 'json'])).stdout) as ReportData;
    expect(alone.coverage.streamEvents).toBeNull();
    expect(alone.coverage.streamEventsNote).toMatch(/--cluster/);
  });

  it('--from and --until on saved files count only the heartbeats inside the window, as they count the events', async () => {
    const saved = join(dir, 'saved-window.ndjson');
    await writeFile(saved, (await das(['--cluster', 'report-cluster', '--no-follow', '-o', 'ndjson', '--include-heartbeats'])).stdout);
    const from = new Date(base + 300_000).toISOString();
    const until = new Date(base + 359_000).toISOString();
    const result = await das(['report', saved, '--from', from, '--until', until, '-o', 'json']);
    expect(result.code, result.stderr).toBe(ExitCode.ok);
    const data = JSON.parse(result.stdout) as ReportData;
    expect(data.overview.events).toBe(1);
    // The beats every 2 s from 300 s to 358 s: those of the first two minutes are outside the window.
    expect(data.overview.heartbeats).toBe(30);
    const instance = data.coverage.instances.find((row) => row.instanceId === 'db-REPORT');
    expect(instance).toMatchObject({ heartbeats: 30, firstSeen: base + 300_000, lastSeen: base + 358_000 });
  });

  it('names the stream start just before the window, and counts no stopped stretch when the stream was running', async () => {
    const saved = join(dir, 'window.ndjson');
    const read = await das(['--cluster', 'report-cluster', '--no-follow', '-o', 'ndjson', '--include-heartbeats']);
    await writeFile(saved, read.stdout);
    const { database } = stream;
    const started = (date: number) => ({
      sourceType: 'db-cluster',
      sourceIdentifier: database.identifier,
      message: ACTIVITY_STREAM_STARTED.cluster,
      categories: ['configuration change'],
      date,
    });
    lab.rds.recordEvent(started(base - 600_000));
    lab.rds.recordEvent({ ...started(base - 1_200_000), message: 'a backup of report-cluster ran' });
    const data = JSON.parse((await das(['report', saved, '--cluster', 'report-cluster', '-o', 'json'])).stdout) as ReportData;
    expect(data.coverage.streamEvents?.[0]).toMatchObject({ kind: 'started', eventId: 'RDS-EVENT-0179', time: base - 600_000 });
    expect(data.coverage.stopped).toEqual([]);
  });

  it('says so when the report holds no events, and with --verbose where it wrote the page', async () => {
    const empty = join(dir, 'empty.ndjson');
    await writeFile(empty, '');
    const none = await das(['report', empty, '-o', 'json']);
    expect(none.code).toBe(ExitCode.ok);
    expect(none.stderr).toContain('the report holds no events');
    const page = join(dir, 'said.html');
    const said = await das(['report', '--cluster', 'report-cluster', '--from', '2h', '-O', page, '--verbose']);
    expect(said.stderr).toContain(`wrote ${page}: 29 events`);
    expect(said.stderr).not.toContain('holds no events');
  });

  it('--incremental keeps a day per page and an index; a second run adds only what arrived since, and a failed run repeats nothing', async () => {
    const site = join(dir, 'site');
    const first = await das(['report', '--cluster', 'report-cluster', '--incremental', site]);
    expect(first.code, first.stderr).toBe(ExitCode.ok);
    const day = new Date(base).toISOString().slice(0, 10);
    const names = await readdir(site);
    expect(names).toEqual(expect.arrayContaining(['index.html', `${day}.html`, 'state.json']));
    expect((await stat(join(site, 'state.json'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(site, 'index.html'), 'utf8')).toContain(`href="${day}.html"`);
    const events = async () => {
      const state = JSON.parse(await readFile(join(site, 'state.json'), 'utf8')) as { days: Record<string, { summary: { events: number } }> };
      return Object.values(state.days).reduce((sum, entry) => sum + entry.summary.events, 0);
    };
    expect(await events()).toBe(29);
    // Nothing new: nothing added.
    expect((await das(['report', '--cluster', 'report-cluster', '--incremental', site])).code).toBe(ExitCode.ok);
    expect(await events()).toBe(29);
    // A run that cannot write its state changes nothing: the next adds the new events once.
    await put([at(400_000, postgresEvent(140)), at(401_000, postgresEvent(141))]);
    // A folder where the next day file goes: its rename fails, for root too.
    const { generation } = JSON.parse(await readFile(join(site, 'state.json'), 'utf8')) as { generation: number };
    const blocker = join(site, 'days', `${day}.${generation + 1}.json`);
    await mkdir(join(blocker, 'in-the-way'), { recursive: true });
    const failed = await das(['report', '--cluster', 'report-cluster', '--incremental', site]);
    await rm(blocker, { recursive: true });
    expect(failed.code).not.toBe(ExitCode.ok);
    expect(await events()).toBe(29);
    expect((await das(['report', '--cluster', 'report-cluster', '--incremental', site])).code).toBe(ExitCode.ok);
    expect(await events()).toBe(31);
  });

  it('--incremental reads a kept day only when its events come; a damaged one stops the run with nothing written, and its events are added once it is whole', async () => {
    const site = join(dir, 'tampered');
    expect((await das(['report', '--cluster', 'report-cluster', '--incremental', site])).code).toBe(ExitCode.ok);
    const stateOf = async () => JSON.parse(await readFile(join(site, 'state.json'), 'utf8')) as { generation: number; days: Record<string, { file: string }> };
    const before = await stateOf();
    const day = new Date(base).toISOString().slice(0, 10);
    const file = join(site, before.days[day]?.file ?? '');
    const kept = await readFile(file, 'utf8');
    await writeFile(file, '{"kind":"not a report"}', { mode: 0o600 });
    // A day is read only when its events come (or its page is older than it): a run with nothing of that day reads nothing of it.
    const later = new Date(Date.now() + 60_000);
    await utimes(join(site, `${day}.html`), later, later);
    expect((await das(['report', '--cluster', 'report-cluster', '--incremental', site])).code).toBe(ExitCode.ok);
    const { generation } = await stateOf();
    await put([at(500_000, postgresEvent(150))]);
    const refused = await das(['report', '--cluster', 'report-cluster', '--incremental', site]);
    expect(refused.code).not.toBe(ExitCode.ok);
    expect(refused.stderr).toContain('damaged');
    expect((await stateOf()).generation).toBe(generation);
    await writeFile(file, kept, { mode: 0o600 });
    expect((await das(['report', '--cluster', 'report-cluster', '--incremental', site])).code).toBe(ExitCode.ok);
    const after = await stateOf();
    const summary = JSON.parse(await readFile(join(site, 'state.json'), 'utf8')) as { days: Record<string, { summary: { events: number } }> };
    expect(after.generation).toBe(generation + 1);
    expect(summary.days[day]?.summary.events).toBe(32);
  });

  it('refuses a state file another could have written, and one that is damaged, naming it', async () => {
    const site = join(dir, 'damaged');
    await mkdir(site, { mode: 0o700 });
    await writeFile(join(site, 'state.json'), '{"version":1,"generation":"x"}', { mode: 0o600 });
    const result = await das(['report', '--cluster', 'report-cluster', '--incremental', site]);
    expect(result.code).not.toBe(ExitCode.ok);
    expect(result.stderr).toContain(join(site, 'state.json'));
    expect(result.stderr).toMatch(/damaged/);
  });
});
