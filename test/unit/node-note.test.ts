import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { stateDirOf } from '../../src/cli/node-note.js';
import { memoryIO } from '../helpers/memory-io.js';

const NOTE = 'past its end of life';
const HOUR = 3_600_000;
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'das-read-state-'));
  dirs.push(dir);
  return join(dir, 'das-read');
}

/** `das-read show` of nothing on stdin, at a terminal (or not), at a time of the test's choosing: what stderr says. */
async function shown(dir: string, at: number, args = ['show'], tty = true): Promise<string> {
  const io = { ...memoryIO({ tty }), stdin: Readable.from([]), stdinIsTTY: false };
  await run(args, io, { nodePastEndOfLife: '20.19.0', stateDir: dir, now: () => new Date(at) });
  return io.stderr.text;
}

describe("Node.js's end-of-life note", () => {
  const t0 = Date.UTC(2026, 11, 7, 9);

  it('at most once a day, remembered in a file of mode 0600', async () => {
    const dir = await stateDir();
    expect(await shown(dir, t0)).toContain(NOTE);
    expect(await shown(dir, t0 + HOUR)).not.toContain(NOTE);
    expect(await shown(dir, t0 + 23 * HOUR)).not.toContain(NOTE);
    expect(await shown(dir, t0 + 24 * HOUR)).toContain(NOTE);
    expect(await shown(dir, t0 + 25 * HOUR)).not.toContain(NOTE);
    expect((await stat(join(dir, 'node-note'))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(dir, 'node-note'), 'utf8')).trim()).toBe(new Date(t0 + 24 * HOUR).toISOString());
  });

  it('a clock set back a week does not silence it for the week', async () => {
    const dir = await stateDir();
    expect(await shown(dir, t0)).toContain(NOTE);
    expect(await shown(dir, t0 - 7 * 24 * HOUR)).toContain(NOTE);
  });

  it('not remembered where no one saw it: a cron run does not use up the day', async () => {
    const dir = await stateDir();
    expect(await shown(dir, t0, ['show'], false)).toBe('');
    expect(await shown(dir, t0 + HOUR)).toContain(NOTE);
  });

  it('never on status, start or stop', async () => {
    const dir = await stateDir();
    // Each without a database: a usage error, said after the note would have been.
    for (const command of ['status', 'start', 'stop']) {
      const stderr = await shown(dir, t0, [command]);
      expect(stderr, command).toMatch(/error/);
      expect(stderr, command).not.toContain(NOTE);
    }
    // Nor did they use up the day.
    expect(await shown(dir, t0)).toContain(NOTE);
  });

  it('a state dir that cannot be written is no error: the note is shown, the run goes on', async () => {
    const parent = await stateDir();
    await writeFile(parent.replace(/das-read$/, 'a-file'), '');
    for (const dir of [join(parent.replace(/das-read$/, 'a-file'), 'das-read')]) {
      const io = { ...memoryIO({ tty: true }), stdin: Readable.from([]), stdinIsTTY: false };
      expect(await run(['show'], io, { nodePastEndOfLife: '20.19.0', stateDir: dir, now: () => new Date(t0) })).toBe(0);
      expect(io.stderr.text).toContain(NOTE);
    }
    const readOnly = await stateDir();
    await shown(readOnly, t0);
    await chmod(readOnly, 0o500);
    expect(await shown(readOnly, t0 + 48 * HOUR)).toContain(NOTE);
    await chmod(readOnly, 0o700);
  });

  it('a state dir under /proc is no error either, and does not hold the run (Node 20 mkdir -p never returns there)', async () => {
    const io = { ...memoryIO({ tty: true }), stdin: Readable.from([]), stdinIsTTY: false };
    expect(await run(['show'], io, { nodePastEndOfLife: '20.19.0', stateDir: '/proc/das-read-x/das-read', now: () => new Date(t0) })).toBe(0);
    expect(io.stderr.text).toContain(NOTE);
  }, 10_000);

  it('in $XDG_STATE_HOME/das-read when it is an absolute path, else ~/.local/state/das-read', () => {
    expect(stateDirOf({ XDG_STATE_HOME: '/x/state', HOME: '/home/u' })).toBe('/x/state/das-read');
    expect(stateDirOf({ XDG_STATE_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.local/state/das-read');
    expect(stateDirOf({ HOME: '/home/u' })).toBe('/home/u/.local/state/das-read');
  });
});
