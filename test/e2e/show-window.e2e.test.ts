import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { postgresEvent } from '../../lab/src/synthetic-events.js';
import { runBin, startBin } from '../helpers/bin.js';
import { scratchDir } from '../helpers/scratch-dir.js';

// A saved trail as cron leaves it, gzip'd, its events placed a microsecond either side of the window's ends.
const SECRET = 'bob@example.com';
const saved = (n: number, logTime: string | null, overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ ...postgresEvent(n, { logTime, startTime: logTime, ...overrides }), clusterId: 'cluster-A', instanceId: 'db-B', eventId: `s:1:${n}` });
const LINES = [
  saved(0, '2026-11-25 08:59:59.999999+00'),
  saved(1, '2026-11-25 09:00:00.000000+00'),
  saved(2, '2026-11-25 09:30:00.000000+00', { class: 'WRITE', command: 'UPDATE', commandText: 'UPDATE t SET n = 5' }),
  saved(3, '2026-11-25 10:00:00.000000+00'),
  saved(4, '2026-11-25 10:00:00.000001+00'),
  saved(5, null),
  saved(6, '2026-11-25 09:45:00.000000+00', { commandText: `SELECT * FROM t WHERE email = '${SECRET}'`, paramList: [] }),
];
const FROM = '2026-11-25T09:00:00Z';
const UNTIL = '2026-11-25T10:00:00Z';
let file: string;

beforeAll(async () => {
  const dir = await scratchDir('das-read-show-window-');
  file = join(dir, 'audit.ndjson.1.gz');
  await writeFile(file, gzipSync(`${LINES.join('\n')}\n`));
});

const shown = (stdout: string) => stdout.split('\n').slice(0, -1);

describe('show --from / --until', () => {
  it('keeps the events whose time is inside, both ends included as a live read keeps them, each line as saved', async () => {
    const result = await runBin(['show', '--from', FROM, '--until', UNTIL, file]);
    expect(result.code, result.stderr).toBe(ExitCode.ok);
    expect(shown(result.stdout)).toEqual([LINES[1], LINES[2], LINES[3], LINES[6]]);
    // The event with no time is not shown, and not lost without a word: its place is named.
    expect(result.stderr).toBe(`das-read: warning: ${file}:6: neither logTime nor startTime is a time: left out by --from/--until\n`);
  });

  it('one end only: the other is open; a zone names the same moment', async () => {
    const from = await runBin(['show', '--from', '2026-11-25T10:00:00+01:00', file]);
    expect(shown(from.stdout)).toEqual([LINES[1], LINES[2], LINES[3], LINES[4], LINES[6]]);
    const until = await runBin(['show', '--until', '2026-11-25 10:00', file]);
    expect(shown(until.stdout)).toEqual([LINES[0], LINES[1], LINES[2], LINES[3], LINES[6]]);
    expect(until.code).toBe(ExitCode.ok);
  });

  it('with the other filters and forms: the window and --class both apply, -o pretty shows the same events', async () => {
    const result = await runBin(['show', '-o', 'pretty', '--utc', '--from', FROM, '--until', UNTIL, '--class', 'READ', file]);
    expect(result.code).toBe(ExitCode.ok);
    expect(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => line.slice(0, 23)),
    ).toEqual(['2026-11-25 09:00:00.000', '2026-11-25 10:00:00.000', '2026-11-25 09:45:00.000']);
  });

  it.each([
    [['--from', 'trim-horizon'], /--from trim-horizon is a place in a live stream/],
    [['--from', 'latest'], /--from latest is a place in a live stream/],
    [['--from', 'yesterday'], /--from "yesterday" is not a time/],
    [['--until', 'soon'], /--until "soon" is not a time/],
    [['--from', UNTIL, '--until', FROM], /is not after --from/],
  ])('%j: a usage error, exit 2, before anything is read', async (flags, message) => {
    const result = await runBin(['show', ...flags, file]);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });
});

describe('show --summary', () => {
  it("prints a live read's table on stderr, of the events written; stdout holds the events alone", async () => {
    const plain = await runBin(['show', '--from', FROM, '--until', UNTIL, file]);
    const result = await runBin(['show', '--summary', '--from', FROM, '--until', UNTIL, file]);
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stdout).toBe(plain.stdout);
    expect(result.stderr).toMatch(/^das-read summary: 4 events written from 7 saved lines in \d+\.\d s$/m);
    expect(result.stderr).toContain('lines       0 unreadable; 2 events outside --from/--until, 1 with no time to tell\n');
    expect(result.stderr).toMatch(/^by class {4}READ 3 {2}WRITE 1$/m);
    expect(result.stderr).toMatch(/^by command {2}SELECT 3 {2}UPDATE 1$/m);
    expect(result.stderr).toMatch(/^ {8}1 {2}UPDATE t SET n = \?$/m);
    // A bar a minute, of the events written: 09:00, 09:30, 09:45, 10:00.
    expect(
      result.stderr
        .split('\n')
        .filter((line) => /^ {2}\d\d:\d\d {2}/.test(line))
        .map((line) => line.slice(2, 7)),
    ).toEqual(['09:00', '09:30', '09:45', '10:00']);
  });

  it('from standard input, after every event, the table counts them all', async () => {
    const running = startBin(['show', '--summary', '-']);
    running.child.stdin.end(gzipSync(`${LINES.join('\n')}\n`));
    const result = await running.finished;
    expect(result.code).toBe(ExitCode.ok);
    expect(shown(result.stdout)).toEqual(LINES);
    expect(result.stderr).toMatch(/^das-read summary: 7 events written from 7 saved lines/);
    expect(result.stderr).toContain('lines       0 unreadable\n');
  });

  it('a line that is not an event is counted among the lines read and the unreadable, and still says exit 3', async () => {
    const damaged = join(await scratchDir('das-read-show-window-'), 'damaged.ndjson');
    await writeFile(damaged, `${LINES[1]}\n{"cut short\n${'x'.repeat(100)}\n${LINES[2]}\n`);
    const result = await runBin(['show', '--summary', damaged]);
    expect(result.code).toBe(ExitCode.unreadableRecord);
    expect(shown(result.stdout)).toEqual([LINES[1], LINES[2]]);
    expect(result.stderr).toMatch(/^das-read summary: 2 events written from 4 saved lines/m);
    expect(result.stderr).toContain('lines       2 unreadable\n');
    expect(result.stderr).toMatch(/damaged\.ndjson:2: /);
  });

  it('--redact: no literal of the statements anywhere, in the events nor in the table', async () => {
    for (const form of ['ndjson', 'json', 'pretty', 'ocsf']) {
      const result = await runBin(['show', '--summary', '--redact', '-o', form, '--from', FROM, file]);
      expect(result.code, form).toBe(ExitCode.ok);
      expect(result.stdout, form).toContain('email = ?');
      expect(result.stdout, form).not.toContain(SECRET);
      expect(result.stderr, form).toContain('SELECT * FROM t WHERE email = ?');
      expect(result.stderr, form).not.toContain(SECRET);
    }
    // Without --redact the events hold it as saved: the search above could find it.
    const plain = await runBin(['show', '--summary', '--from', FROM, file]);
    expect(plain.stdout).toContain(SECRET);
  });
});
