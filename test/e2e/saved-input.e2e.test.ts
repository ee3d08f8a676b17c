import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { postgresEvent } from '../../lab/src/synthetic-events.js';
import { fileURLToPath } from 'node:url';
import { startBin, userEnv, type Running } from '../helpers/bin.js';
import { waitFor } from '../helpers/wait-for.js';
import { scratchDir } from '../helpers/scratch-dir.js';

const line = (n: number) => JSON.stringify({ ...postgresEvent(n), clusterId: 'cluster-A', instanceId: 'db-B', eventId: `s:1:${n}` });
const EXIT = { SIGINT: ExitCode.interrupted, SIGTERM: ExitCode.terminated } as const;

/** Resolves once the process holds `path` open: it is past its start, its signal handlers in place, and reading. */
async function holding(running: Running, path: string): Promise<void> {
  const fds = `/proc/${running.child.pid}/fd`;
  await waitFor(async () => (await Promise.all((await readdir(fds).catch(() => [])).map((fd) => readlink(join(fds, fd)).catch(() => '')))).includes(path), {
    what: `it to hold ${path} open`,
    giveUp: () => (running.child.exitCode === null ? undefined : `exited ${running.child.exitCode}: ${running.stderr()}`),
  });
}

const PROBE = fileURLToPath(new URL('../fixtures/stdin-probe/stdin-probe.mjs', import.meta.url));

/** Started with the probe: its `probe:` lines on stderr say when it handles signals and when it reads stdin. */
function probed(args: string[]): Running {
  const running = startBin(args, userEnv(), ['--import', PROBE]);
  // Stopped, it reads no more: what was still being written to it is refused (EPIPE), as expected.
  running.child.stdin.on('error', () => {});
  return running;
}

/** Resolves once the probe has said `text` `count` times. */
async function probe(running: Running, text: string, count = 1): Promise<void> {
  await waitFor(
    () =>
      running
        .stderr()
        .split('\n')
        .filter((said) => said.startsWith(`probe: ${text}`)).length >= count,
    {
      what: `the probe to say "${text}" ${count} times`,
      intervalMs: 10,
      giveUp: () => (running.child.exitCode === null ? undefined : `exited ${running.child.exitCode}: ${running.stderr()}`),
    },
  );
}

const withoutProbe = (stderr: string) =>
  stderr
    .split('\n')
    .filter((said) => !said.startsWith('probe: '))
    .join('\n');

describe('show and decode stop at the first signal', () => {
  for (const command of [['show'], ['decode', '--resource-id', 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ']]) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      it(`${command[0]} /dev/zero: ${signal} ends it, exit ${EXIT[signal]}`, async () => {
        const running = probed([...command, '/dev/zero']);
        await probe(running, 'handling signals');
        await holding(running, '/dev/zero');
        running.child.kill(signal);
        const finished = await running.finished;
        expect(finished, finished.stderr).toMatchObject({ code: EXIT[signal], signal: null });
      }, 60_000);
    }
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    /** `show` fed 2,000 lines it never sees the end of, stopped by the signal once it has written: what it wrote, whole. */
    const stopped = async (args: string[]) => {
      const running = probed(args);
      // More than one hand-over of output: show has written, so it is reading and its handlers are set.
      const lines = Array.from({ length: 2000 }, (_, n) => line(n));
      running.child.stdin.write(`${lines.join('\n')}\n`);
      await running.lines(1, 30_000);
      running.child.kill(signal);
      const finished = await running.finished;
      expect(finished.code, finished.stderr).toBe(EXIT[signal]);
      const shown = finished.stdout.split('\n').slice(0, -1);
      expect(shown).toEqual(lines.slice(0, shown.length));
      return { finished, shown };
    };

    it(`show from a pipe that never ends: ${signal} ends it, exit ${EXIT[signal]}, every line it wrote whole`, async () => {
      const { finished } = await stopped(['show']);
      expect(withoutProbe(finished.stderr)).toBe('');
    }, 60_000);

    it(`show --summary from a pipe that never ends: ${signal} ends it, exit ${EXIT[signal]}, and the table counts the events written`, async () => {
      const { finished, shown } = await stopped(['show', '--summary']);
      const said = /^das-read summary: ([\d,]+) events? written from ([\d,]+) saved lines? in /m.exec(withoutProbe(finished.stderr));
      expect(said?.[1]?.replace(/,/g, ''), finished.stderr).toBe(String(shown.length));
    }, 60_000);

    it(`decode from a pipe that never ends: ${signal} ends it, exit ${EXIT[signal]}, and what the stop cut short is no damage`, async () => {
      const deadLetter = join(await scratchDir('das-read-signal-'), 'dead.ndjson');
      const running = probed(['decode', '--resource-id', 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ', '--on-error', 'skip', '--dead-letter', deadLetter, '-']);
      running.child.stdin.write('{"not a record"');
      await probe(running, 'handling signals');
      await probe(running, 'read');
      running.child.kill(signal);
      const finished = await running.finished;
      expect(finished, finished.stderr).toMatchObject({ code: EXIT[signal], signal: null });
      expect(withoutProbe(finished.stderr)).toBe('');
      expect(await readFile(deadLetter, 'utf8').catch(() => '')).toBe('');
    }, 60_000);
  }
});

describe('show: gzip through a pipe, in pieces', () => {
  it('the first byte alone, then the rest: read as gzip', async () => {
    const lines = Array.from({ length: 100 }, (_, n) => line(n));
    const gz = gzipSync(`${lines.join('\n')}\n`);
    const running = probed(['show']);
    running.child.stdin.write(gz.subarray(0, 1));
    await probe(running, 'read 1');
    running.child.stdin.end(gz.subarray(1));
    const shown = await running.finished;
    expect(withoutProbe(shown.stderr)).toBe('');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(`${lines.join('\n')}\n`);
  }, 60_000);
});
