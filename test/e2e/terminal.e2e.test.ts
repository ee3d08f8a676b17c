import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import { BIN, runBin, userEnv } from '../helpers/bin.js';
import { HOSTILE_PAYLOADS } from '../helpers/hostile.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';
import { waitFor } from '../helpers/wait-for.js';

// A real terminal: tmux, read back with capture-pane. CI installs it; elsewhere the tests say what is missing.
const haveTmux = spawnSync('tmux', ['-V']).status === 0;
if (!haveTmux && !process.env.CI) console.warn('skipped the terminal tests: they need tmux (apt-get install tmux)'); // eslint-disable-line no-console

const SOCKET = `das-read-test-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

let lab: TestLab;
let sessions = 0;
beforeAll(async () => {
  if (haveTmux || process.env.CI) lab = await startTestLab();
});
afterAll(async () => {
  tmux('kill-server');
  await lab?.close();
});

/** Runs das-read in a new terminal, 400 columns wide unless told; resolves with the screen once it has exited. */
async function inTerminal(
  args: string[],
  keys: (session: string) => Promise<void> = async () => {},
  columns = 400,
): Promise<{ screen: string; title: string; session: string }> {
  const session = `s${++sessions}`;
  const env = Object.entries(userEnv()).map(([name, value]) => `${name}=${shellQuote(value)}`);
  const command = `env -i ${env.join(' ')} TERM=tmux-256color ${process.execPath} ${BIN} ${args.map(shellQuote).join(' ')}; echo "exit:$?"; sleep 60`;
  const started = tmux('new-session', '-d', '-s', session, '-x', String(columns), '-y', '60', command);
  if (started.status !== 0) throw new Error(`tmux: ${started.stderr}`);
  await keys(session);
  // -J joins what the terminal wrapped: a narrow test reads the screen as it is, rows and all.
  const screen = await waitFor(
    () => {
      const shown = tmux('capture-pane', '-p', ...(columns === 400 ? ['-J'] : []), '-t', session).stdout;
      return /exit:\d+/.test(shown) && shown;
    },
    { what: 'das-read to exit in the terminal', timeoutMs: 20_000, intervalMs: 100 },
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}: ${tmux('capture-pane', '-p', '-t', session).stdout}`);
  });
  return { screen, title: tmux('display-message', '-p', '-t', session, '#{pane_title}').stdout.trim(), session };
}

describe.skipIf(!haveTmux && !process.env.CI)('in a real terminal', () => {
  it.each(['always', 'never'])(
    'hostile events with --color %s: the screen shows every event on a line of its own, and keeps its title',
    async (color) => {
      const name = `hostile-${color}`;
      const stream = await lab.activityStream({ name });
      const events = [
        postgresEvent(0, { commandText: 'SELECT 1 AS the_first_line' }),
        ...HOSTILE_PAYLOADS.map(([, payload], i) => postgresEvent(i + 1, { commandText: payload })),
        // A failed login chooses its application name and its user name.
        postgresEvent(90, {
          command: 'AUTH FAILURE',
          class: 'CONNECT',
          clientApplication: 'evil\u001b]0;owned\u0007\u001b[1A\u001b[2K',
          dbUserName: 'intruder\u001b[8m',
          commandText: null,
        }),
        postgresEvent(91, { commandText: 'SELECT 2 AS the_last_line' }),
      ];
      await stream.put([activityRecord(stream.database.resourceId, 'db-A', events)]);
      const { screen, title } = await inTerminal(['--cluster', name, '--endpoint-url', lab.endpoint, '--no-follow', '-o', 'pretty', '--color', color]);
      expect(screen).toContain('exit:0');
      const lines = screen.split('\n').filter((line) => line.startsWith('2026-01-01'));
      expect(lines).toHaveLength(events.length);
      expect(screen).toContain('the_first_line');
      expect(screen).toContain('the_last_line');
      expect(screen).toContain('\\e[2J after-clear');
      expect(screen).toContain('x\\u009b2Jy');
      expect(screen).toContain('access\\u202e level = admin\\u202c');
      expect(screen).toContain('harmless\\rDROP TABLE');
      expect(lines.find((line) => line.includes('AUTH FAILURE'))).toContain('intruder\\e[8m');
      expect(title).not.toMatch(/pwned|owned/);
    },
    30_000,
  );

  it.each(['always', 'never'])(
    'at 80 columns with --color %s: one row an event, none wrapped, a failure marked, times in UTC with --utc',
    async (color) => {
      const name = `narrow-${color}`;
      const stream = await lab.activityStream({ name });
      const events = [
        postgresEvent(1, { commandText: `SELECT ${'abalance, '.repeat(20)}aid FROM pgbench_accounts WHERE aid = $1` }),
        postgresEvent(2, { exitCode: '42501', errorMessage: 'permission denied for table pgbench_accounts' }),
        postgresEvent(3, { class: 'DDL', command: 'CREATE TABLE', commandText: 'CREATE TABLE t (id int)' }),
      ];
      await stream.put([activityRecord(stream.database.resourceId, 'db-A', events)]);
      // --quiet: das-read's own lines on the terminal's stderr are not the events under test.
      const { screen } = await inTerminal(
        ['--cluster', name, '--endpoint-url', lab.endpoint, '--no-follow', '--utc', '--quiet', '--color', color],
        async () => {},
        80,
      );
      expect(screen).toContain('exit:0');
      const rows = screen.split('\n').filter((row) => row.trim() !== '' && !row.startsWith('exit:'));
      // Under 140 columns the date gives its room to what happened.
      expect(rows.filter((row) => /^00:00:00\.\d{3}Z {2}/.test(row))).toHaveLength(events.length);
      expect(rows.every((row) => [...row].length <= 80)).toBe(true);
      expect(rows.filter((row) => !/^00:00:00/.test(row))).toEqual([]);
      expect(rows[0]).toMatch(/…$/);
      expect(rows[1], screen).toMatch(/FAILED {2}permission/);
    },
    30_000,
  );

  it('stdout to a file, stderr a terminal: a live status line, at the tip; gone at Ctrl-C, the events all in the file', async () => {
    const stream = await lab.activityStream({ name: 'watched' });
    await stream.put([activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1), postgresEvent(2), postgresEvent(3)])]);
    const out = `/tmp/das-read-status-${process.pid}.ndjson`;
    const session = `s${++sessions}`;
    const env = Object.entries(userEnv()).map(([name, value]) => `${name}=${shellQuote(value)}`);
    const command = `env -i ${env.join(' ')} TERM=tmux-256color ${process.execPath} ${BIN} --cluster watched --endpoint-url ${lab.endpoint} > ${out}; echo "exit:$?"; sleep 60`;
    expect(tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '20', command).status).toBe(0);
    const shown = () => tmux('capture-pane', '-p', '-t', session).stdout;
    await waitFor(() => /reading: 1 record, 3 events \(\d+\/s\), at the tip, 1 shard/.test(shown()), { what: 'the status line at the tip', intervalMs: 100 });
    tmux('send-keys', '-t', session, 'C-c');
    const screen = await waitFor(() => shown().includes('exit:') && shown(), { what: 'the exit after Ctrl-C', timeoutMs: 10_000, intervalMs: 100 });
    expect(screen).toContain('exit:130');
    expect(screen).not.toContain('reading: 1 record');
    const { readFile, rm } = await import('node:fs/promises');
    expect((await readFile(out, 'utf8')).trim().split('\n')).toHaveLength(3);
    await rm(out, { force: true });
  }, 40_000);

  it("at stop's confirmation prompt, the first Ctrl-C ends it at once (exit 130) and leaves the stream started", async () => {
    const stream = await lab.activityStream({ name: 'prompted' });
    expect(stream.streamName).toBeTruthy();
    const { screen } = await inTerminal(['stop', '--cluster', 'prompted', '--endpoint-url', lab.endpoint], async (session) => {
      await waitFor(() => tmux('capture-pane', '-p', '-t', session).stdout.includes('[y/N]'), { what: 'the prompt', intervalMs: 100 });
      tmux('send-keys', '-t', session, 'C-c');
    });
    expect(screen).toContain('exit:130');
    expect(screen).toContain('not stopped');
    const status = await runBin(['status', '--cluster', 'prompted', '--endpoint-url', lab.endpoint, '-o', 'json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ status: 'started' });
  }, 30_000);
});
