import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import { BIN, runBin, runShell, userEnv } from '../helpers/bin.js';
import { describeOnSmallDisk } from '../helpers/small-disk.js';
import { startTestLab, type TestLab, type TestStream } from '../helpers/test-lab.js';
import { waitFor } from '../helpers/wait-for.js';
import { scratchDir } from '../helpers/scratch-dir.js';

let lab: TestLab;
let dir: string;
beforeAll(async () => {
  lab = await startTestLab();
  dir = await scratchDir('das-read-delivery-');
});
afterAll(async () => {
  await lab?.close();
});

const records = (stream: TestStream, from: number, count: number, perRecord = 1) =>
  Array.from({ length: count }, (_, r) =>
    activityRecord(
      stream.database.resourceId,
      'db-A',
      Array.from({ length: perRecord }, (_, e) => postgresEvent(from + r * perRecord + e)),
    ),
  );
const idsIn = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { statementId: number }).statementId);
const range = (count: number) => Array.from({ length: count }, (_, i) => i);
const sortedUnique = (ids: number[]) => [...new Set(ids)].sort((a, b) => a - b);

const das = (name: string, ...more: string[]) => [process.execPath, BIN, '--cluster', name, '--endpoint-url', lab.endpoint, ...more].join(' ');

describe('a pipe whose reader dies', () => {
  it('while following, into `head -1`: the next run repeats what the pipe may have held, and loses nothing', async () => {
    const stream = await lab.activityStream({ name: 'head-one' });
    const checkpoint = join(dir, 'head-one.json');
    const pipeline = runShell(`${das('head-one', '--checkpoint', checkpoint)} | head -1; echo "das-read:\${PIPESTATUS[0]}" >&2`);
    // A live cluster: a few events at a time, so that das-read writes (and once saved) small batches.
    let put = 0;
    let finished: Awaited<typeof pipeline> | undefined;
    void pipeline.then((result) => (finished = result));
    for (let round = 0; round < 40 && !finished; round++) {
      await stream.put(records(stream, put, 3));
      put += 3;
      // A pace, not a proof: the next few come once these had time to be read, unless the pipeline has ended.
      await waitFor(() => finished !== undefined, { what: 'the pipeline to end', timeoutMs: 300 }).catch(() => {});
    }
    const first = await pipeline;
    expect(first.stderr).toContain('das-read:0');
    expect(idsIn(first.stdout)).toHaveLength(1);
    const rest = await runBin(['--cluster', 'head-one', '--endpoint-url', lab.endpoint, '--checkpoint', checkpoint, '--no-follow']);
    expect(rest.code).toBe(0);
    expect(sortedUnique([...idsIn(first.stdout), ...idsIn(rest.stdout)])).toEqual(range(put));
  }, 30_000);

  it('at a normal end, the whole position is saved: the next run has nothing to repeat', async () => {
    const stream = await lab.activityStream({ name: 'piped-end' });
    await stream.put(records(stream, 0, 20));
    const checkpoint = join(dir, 'piped-end.json');
    const first = await runShell(`${das('piped-end', '--checkpoint', checkpoint, '--no-follow')} | cat`);
    expect(idsIn(first.stdout)).toEqual(range(20));
    const again = await runShell(`${das('piped-end', '--checkpoint', checkpoint, '--no-follow')} | cat`);
    expect(again.stdout).toBe('');
  });
});

describe('SIGTERM with a consumer that reads nothing', () => {
  it('stops without waiting for the reader, exit 143, and the next run loses nothing', async () => {
    const stream = await lab.activityStream({ name: 'stalled' });
    await stream.put(records(stream, 0, 300, 3));
    const checkpoint = join(dir, 'stalled.json');
    const child = spawn(process.execPath, [BIN, '--cluster', 'stalled', '--endpoint-url', lab.endpoint, '--checkpoint', checkpoint, '--batch-size', '50'], {
      env: userEnv(),
    });
    // Nobody reads child.stdout until das-read has stopped: the socket fills and every write waits.
    let delivered = '';
    child.stdout.on('data', (chunk: Buffer) => (delivered += chunk.toString()));
    child.stdout.pause();
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // Backed up: this end holds all it buffers unread, so the pipe fills behind it and das-read's writes wait.
    await waitFor(() => child.stdout.readableLength >= child.stdout.readableHighWaterMark, {
      what: 'the output to back up',
      giveUp: () => (child.exitCode === null ? undefined : `it exited (${child.exitCode})`),
    });
    child.kill('SIGTERM');
    // Nothing is read until it has exited: an exit at all shows it did not wait for the reader.
    const code = await exited;
    child.stdout.resume();
    await new Promise((resolve) => child.stdout.on('end', resolve));
    expect(code).toBe(ExitCode.terminated);
    // What the socket held was never read by anyone but this test: a reader that died would have lost it.
    const rest = await runBin(['--cluster', 'stalled', '--endpoint-url', lab.endpoint, '--checkpoint', checkpoint, '--no-follow']);
    expect(rest.code).toBe(0);
    const lastLine = delivered.lastIndexOf('\n');
    expect(sortedUnique([...idsIn(delivered.slice(0, lastLine + 1)), ...idsIn(rest.stdout)])).toEqual(range(900));
  }, 30_000);
});

describe('a closed stdout', () => {
  it('with --checkpoint, refuses to start (exit 2) and saves nothing; `> /dev/null` is a choice, and allowed', async () => {
    const stream = await lab.activityStream({ name: 'closed-out' });
    await stream.put(records(stream, 0, 5));
    const checkpoint = join(dir, 'closed-out.json');
    const closed = await runShell(`${das('closed-out', '--checkpoint', checkpoint, '--no-follow')} >&-`);
    expect(closed.code).toBe(ExitCode.usage);
    expect(closed.stderr).toContain('standard output is closed');
    expect(existsSync(checkpoint)).toBe(false);
    const discarded = await runShell(`${das('closed-out', '--checkpoint', join(dir, 'discarded.json'), '--no-follow')} > /dev/null`);
    expect(discarded.code, discarded.stderr).toBe(0);
    // The closed run cost nothing: a real run still gets every event.
    const read = await runShell(das('closed-out', '--checkpoint', checkpoint, '--no-follow'));
    expect(idsIn(read.stdout)).toEqual(range(5));
  });
});

/** Every line of an audit file parses, and the file ends with a line's end. */
function expectWholeLines(text: string) {
  expect(text === '' || text.endsWith('\n')).toBe(true);
  for (const line of text.split('\n').filter(Boolean)) expect(() => JSON.parse(line) as unknown, line.slice(0, 80)).not.toThrow();
}

describe('a file that cannot take more', () => {
  it('a file size limit (EFBIG) in the middle of `>> audit.ndjson`: cut back to whole lines, named, exit 1; the next run completes it exactly', async () => {
    const stream = await lab.activityStream({ name: 'fsize', shards: 2 });
    await stream.put(records(stream, 0, 200, 2));
    const audit = join(dir, 'fsize.ndjson');
    const checkpoint = join(dir, 'fsize.json');
    // 60 KiB allowed, about 170 KB to write, in batches of 20 records.
    const limited = await runShell(
      `trap '' XFSZ; ulimit -f 60; exec ${das('fsize', '--checkpoint', checkpoint, '--no-follow', '--batch-size', '20')} >> ${audit}`,
    );
    expect(limited.code).toBe(ExitCode.runtime);
    expect(limited.stderr).toMatch(new RegExp(`cannot write the events to ${audit}: (file too large|the device took only part)`));
    expect(limited.stderr).toContain('cut back to its last whole line');
    expect(limited.stderr).not.toContain('bug in das-read');
    const cut = await readFile(audit, 'utf8');
    expectWholeLines(cut);
    expect(idsIn(cut).length).toBeGreaterThan(0);
    const rest = await runShell(`${das('fsize', '--checkpoint', checkpoint, '--no-follow')} >> ${audit}`);
    expect(rest.code, rest.stderr).toBe(0);
    const whole = await readFile(audit, 'utf8');
    expectWholeLines(whole);
    expect(idsIn(whole).sort((a, b) => a - b)).toEqual(range(400));
  });

  describeOnSmallDisk(
    'ENOSPC on a small tmpfs',
    () => dir,
    (disk) => {
      const fill = (leave: number) =>
        runShell(
          `rm -f ${disk()}/filler; head -c $(( $(df --output=avail -B1 ${disk()} | tail -1) - ${leave} )) /dev/zero > ${disk()}/filler 2>/dev/null; true`,
        );

      it('on stdout: the audit file keeps whole lines, the message names the device error, and nothing is lost on resume', async () => {
        const stream = await lab.activityStream({ name: 'enospc-out', shards: 2 });
        await stream.put(records(stream, 0, 150, 2));
        const audit = join(disk(), 'audit.ndjson');
        const checkpoint = join(dir, 'enospc-out.json');
        await fill(48 * 1024);
        const full = await runShell(`${das('enospc-out', '--checkpoint', checkpoint, '--no-follow', '--batch-size', '20')} >> ${audit}`);
        expect(full.code, full.stderr).toBe(ExitCode.runtime);
        expect(full.stderr).toMatch(/no space left on device \(ENOSPC\)|the device took only part of the write/);
        expect(full.stderr).not.toContain('bug in das-read');
        expectWholeLines(await readFile(audit, 'utf8'));
        await rm(join(disk(), 'filler'));
        const rest = await runShell(`${das('enospc-out', '--checkpoint', checkpoint, '--no-follow')} >> ${audit}`);
        expect(rest.code, rest.stderr).toBe(0);
        const whole = await readFile(audit, 'utf8');
        expectWholeLines(whole);
        expect(idsIn(whole).sort((a, b) => a - b)).toEqual(range(300));
        await rm(audit);
      });

      it('on the checkpoint: named, exit 1, no temporary file left, and the next run repeats rather than loses', async () => {
        const stream = await lab.activityStream({ name: 'enospc-cp' });
        await stream.put(records(stream, 0, 5));
        const checkpoint = join(disk(), 'cp', 'enospc-cp.json');
        const first = await runShell(das('enospc-cp', '--checkpoint', checkpoint, '--no-follow'));
        expect(first.code, first.stderr).toBe(0);
        await stream.put(records(stream, 5, 5));
        // Room for the lock's one page, none for the checkpoint's.
        await fill(4096);
        const full = await runShell(das('enospc-cp', '--checkpoint', checkpoint, '--no-follow'));
        expect(full.code).toBe(ExitCode.runtime);
        expect(full.stderr).toContain(`cannot save the checkpoint ${checkpoint}: no space left on device (ENOSPC)`);
        expect(await readdir(join(disk(), 'cp'))).toEqual(['enospc-cp.json']);
        await rm(join(disk(), 'filler'));
        const rest = await runShell(das('enospc-cp', '--checkpoint', checkpoint, '--no-follow'));
        expect(sortedUnique([...idsIn(full.stdout), ...idsIn(rest.stdout)])).toEqual([5, 6, 7, 8, 9]);
        expect(idsIn(rest.stdout)).toContain(9);
      });

      it('a read-only file system (EROFS) under the checkpoint, the dead letter or stdout: each named, exit 1, never "a bug"', async () => {
        const stream = await lab.activityStream({ name: 'erofs' });
        await stream.put(records(stream, 0, 2));
        const ro = join(dir, 'ro');
        await mkdir(ro);
        expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,ro', 'tmpfs', ro]).status).toBe(0);
        try {
          const checkpoint = await runShell(das('erofs', '--checkpoint', join(ro, 'cp.json'), '--no-follow'));
          expect(checkpoint.code).toBe(ExitCode.runtime);
          expect(checkpoint.stderr).toContain(`cannot create the lock ${join(ro, 'cp.json')}.lock: read-only file system (EROFS)`);
          const deadLetter = await runShell(das('erofs', '--on-error', 'skip', '--dead-letter', join(ro, 'dl.ndjson'), '--no-follow'));
          expect(deadLetter.code).toBe(ExitCode.runtime);
          expect(deadLetter.stderr).toContain(`cannot open the dead-letter file ${join(ro, 'dl.ndjson')}: read-only file system (EROFS)`);
          for (const result of [checkpoint, deadLetter]) expect(result.stderr).not.toContain('bug in das-read');
        } finally {
          spawnSync('umount', [ro]);
        }
      });

      it('on the dead letter: named, the run stops, and the records are not counted as kept', async () => {
        const stream = await lab.activityStream({ name: 'enospc-dl' });
        const good = await stream.producer.encode(activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(1)]));
        const { putRaw } = await import('../helpers/test-lab.js');
        await putRaw(lab, stream.streamName, [good, ...Array.from({ length: 3 }, () => Buffer.alloc(20_000, 0x41))]);
        const deadLetter = join(disk(), 'dl.ndjson');
        const checkpoint = join(dir, 'enospc-dl.json');
        await fill(8 * 1024);
        const full = await runShell(das('enospc-dl', '--checkpoint', checkpoint, '--no-follow', '--on-error', 'skip', '--dead-letter', deadLetter));
        expect(full.code).toBe(ExitCode.runtime);
        expect(full.stderr).toContain(`cannot keep 3 unreadable records in the dead-letter file ${deadLetter}: no space left on device (ENOSPC)`);
        expect(full.stderr).not.toMatch(/kept in/);
        await rm(join(disk(), 'filler'));
        const rest = await runShell(das('enospc-dl', '--checkpoint', checkpoint, '--no-follow', '--on-error', 'skip', '--dead-letter', deadLetter));
        expect(rest.code, rest.stderr).toBe(0);
        expect(rest.stderr).toContain(`skipped 3 unreadable records; kept in ${deadLetter}`);
      });
    },
  );
});

describe('the checkpoint lock', () => {
  it("a lock whose pid now belongs to another process (a reused pid) is taken over at once; another host's once it has gone untouched", async () => {
    const stream = await lab.activityStream({ name: 'orphan-lock' });
    await stream.put(records(stream, 0, 3));
    const checkpoint = join(dir, 'orphan-lock.json');
    // pid 1 is alive, but it did not start at the time this lock records: the holder is gone, its number reused.
    await writeFile(`${checkpoint}.lock`, JSON.stringify({ pid: 1, host: hostname(), since: '2026-01-01T00:00:00.000Z', started: 'another-boot:12345' }), {
      mode: 0o600,
    });
    const reused = await runShell(das('orphan-lock', '--checkpoint', checkpoint, '--no-follow'));
    expect(reused.code, reused.stderr).toBe(0);
    expect(existsSync(`${checkpoint}.lock`)).toBe(false);

    await writeFile(`${checkpoint}.lock`, JSON.stringify({ pid: 4242, host: 'container-that-was-recreated', since: '2026-01-01T00:00:00.000Z' }), {
      mode: 0o600,
    });
    const fresh = await runShell(das('orphan-lock', '--checkpoint', checkpoint, '--no-follow'));
    expect(fresh.code).toBe(ExitCode.runtime);
    expect(fresh.stderr).toContain('another das-read (pid 4242 on container-that-was-recreated');
    expect(fresh.stderr).toContain('expires on its own 30 s after its last refresh');
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(`${checkpoint}.lock`, minuteAgo, minuteAgo);
    const taken = await runShell(das('orphan-lock', '--checkpoint', checkpoint, '--no-follow'));
    expect(taken.code, taken.stderr).toBe(0);
    expect(existsSync(`${checkpoint}.lock`)).toBe(false);
  });

  it("a lock of this host's live process is never taken over, however old; a lock of an earlier version names its pid and how to clear it", async () => {
    const stream = await lab.activityStream({ name: 'live-lock' });
    await stream.put(records(stream, 0, 1));
    const checkpoint = join(dir, 'live-lock.json');
    // pid 1 as it really started: alive, and the holder.
    const init = await readFile('/proc/1/stat', 'utf8');
    const boot = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    const started = `${boot}:${init.slice(init.lastIndexOf(')') + 2).split(' ')[19]}`;
    for (const holder of [{ pid: 1, started }, { pid: 1 }]) {
      await writeFile(`${checkpoint}.lock`, JSON.stringify({ ...holder, host: hostname(), since: '2026-01-01T00:00:00.000Z' }), { mode: 0o600 });
      const yearAgo = new Date(Date.now() - 365 * 86_400_000);
      await utimes(`${checkpoint}.lock`, yearAgo, yearAgo);
      const refused = await runShell(das('live-lock', '--checkpoint', checkpoint, '--no-follow'));
      expect(refused.code).toBe(ExitCode.runtime);
      expect(refused.stderr).toContain(`another das-read (pid 1 on ${hostname()}`);
      expect(refused.stderr.includes(`remove ${checkpoint}.lock`)).toBe(holder.started === undefined);
    }
  });

  it('a checkpoint in a folder that does not exist yet: the lock and the checkpoint create it', async () => {
    const stream = await lab.activityStream({ name: 'new-folder' });
    await stream.put(records(stream, 0, 2));
    const checkpoint = join(dir, 'not', 'yet', 'there.json');
    const result = await runShell(das('new-folder', '--checkpoint', checkpoint, '--no-follow'));
    expect(result.code, result.stderr).toBe(0);
    expect(idsIn(result.stdout)).toEqual([0, 1]);
    expect(existsSync(checkpoint)).toBe(true);
  });
});
