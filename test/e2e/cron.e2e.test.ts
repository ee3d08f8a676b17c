import { spawn } from 'node:child_process';
import { closeSync, openSync, statSync } from 'node:fs';
import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { chmod, mkdir, open, readFile, rename, unlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import { BIN, runBin, startBin, userEnv } from '../helpers/bin.js';
import { startTestLab, type TestLab, type TestStream } from '../helpers/test-lab.js';
import { waitFor } from '../helpers/wait-for.js';
import { scratchDir } from '../helpers/scratch-dir.js';

let lab: TestLab;
let dir: string;
beforeAll(async () => {
  lab = await startTestLab();
  dir = await scratchDir('das-read-cron-');
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
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { statementId: number }).statementId);

describe('from cron, with a checkpoint', () => {
  it("docs/cron.md's recipe, run twice as written: new events appended once each, das-read.err empty", async () => {
    const readme = await readFile(fileURLToPath(new URL('../../docs/cron.md', import.meta.url)), 'utf8');
    const recipe = /`\/usr\/local\/bin\/das-read-prod`:\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(recipe).toBeDefined();
    const stream = await lab.activityStream({ name: 'prod', shards: 2 });
    await stream.put(records(stream, 0, 30));
    // Only the places change: this machine's folders, and the lab's region for prod's.
    const script = join(dir, 'das-read-prod');
    await writeFile(
      script,
      (recipe ?? '').replaceAll('/var/lib/das-read', join(dir, 'lib')).replaceAll('/var/log/das', join(dir, 'log')).replaceAll('eu-west-1', 'us-east-1'),
      { mode: 0o755 },
    );
    await mkdir(join(dir, 'lib'));
    await mkdir(join(dir, 'log'));
    // cron's environment: a minimal PATH (with das-read on it, as Install puts it), no terminal, no input.
    const env = { ...userEnv({ AWS_ENDPOINT_URL: lab.endpoint }), PATH: `${dirname(BIN)}:${dirname(process.execPath)}:/usr/bin:/bin` };
    const cron = () => new Promise<number | null>((resolve) => spawn('/bin/sh', [script], { env, stdio: 'ignore' }).on('close', resolve));
    expect(await cron()).toBe(0);
    await stream.put(records(stream, 30, 10));
    expect(await cron()).toBe(0);
    expect(await readFile(join(dir, 'log', 'das-read.err'), 'utf8')).toBe('');
    const ids = idsIn(await readFile(join(dir, 'log', 'prod.ndjson'), 'utf8'));
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('killed hard at random points and restarted until done: every event at least once, duplicates bounded by one batch a kill', async () => {
    const stream = await lab.activityStream({ name: 'crashy', shards: 2 });
    await stream.put(records(stream, 0, 150, 2));
    const audit = join(dir, 'crashy.ndjson');
    const checkpoint = join(dir, 'crashy.json');
    const batchSize = 10;
    // Fixed delays, so a failure can be replayed; spread over start-up, the first batches and the middle.
    const killAfterMs = [150, 700, 450, 900, 600, 1_100, 800, 500, 1_300, 650];
    let kills = 0;
    let finished = false;
    for (let attempt = 0; attempt < 40 && !finished; attempt++) {
      const out = await open(audit, 'a');
      const child = spawn(
        process.execPath,
        [BIN, '--cluster', 'crashy', '--endpoint-url', lab.endpoint, '--checkpoint', checkpoint, '--no-follow', '--batch-size', String(batchSize)],
        {
          env: userEnv(),
          stdio: ['ignore', out.fd, 'pipe'],
        },
      );
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const delay = killAfterMs[attempt];
      const timer = delay === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), delay);
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
      clearTimeout(timer);
      await out.close();
      if (signal === 'SIGKILL') kills++;
      else {
        expect(code, stderr).toBe(0);
        finished = true;
      }
    }
    expect(finished).toBe(true);
    expect(kills).toBeGreaterThanOrEqual(3);
    const ids = idsIn(await readFile(audit, 'utf8'));
    expect(new Set(ids)).toEqual(new Set(Array.from({ length: 300 }, (_, i) => i)));
    const duplicates = ids.length - 300;
    expect(duplicates).toBeLessThanOrEqual(kills * batchSize * 2);
    const again = await runBin(['--cluster', 'crashy', '--endpoint-url', lab.endpoint, '--checkpoint', checkpoint, '--no-follow']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
  }, 120_000);

  it('SIGTERM while following: writes what it decoded, saves the checkpoint, exits 143; the next run carries on exactly', async () => {
    const stream = await lab.activityStream({ name: 'terminated', shards: 2 });
    await stream.put(records(stream, 0, 40));
    const checkpoint = join(dir, 'terminated.json');
    const running = startBin(['--cluster', 'terminated', '--endpoint-url', lab.endpoint, '--checkpoint', checkpoint, '--batch-size', '5']);
    await running.lines(10);
    running.child.kill('SIGTERM');
    const first = await running.finished;
    expect(first.code).toBe(ExitCode.terminated);
    const rest = await runBin(['--cluster', 'terminated', '--endpoint-url', lab.endpoint, '--checkpoint', checkpoint, '--no-follow']);
    expect(rest.code).toBe(0);
    const all = [...idsIn(first.stdout), ...idsIn(rest.stdout)];
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('when its reader goes away, exits 0 quietly; the checkpoint trails what was written by what the socket may still hold', async () => {
    const stream = await lab.activityStream({ name: 'piped' });
    await stream.put(records(stream, 0, 10));
    const checkpoint = join(dir, 'piped.json');
    // startBin's stdout is a socket, as any program's that spawns das-read from Node.
    const running = startBin(['--cluster', 'piped', '--endpoint-url', lab.endpoint, '--checkpoint', checkpoint]);
    await running.lines(10);
    const received = running.stdout();
    running.child.stdout.destroy();
    // Read by das-read after its reader left: they must not count as written.
    await stream.put(records(stream, 10, 5));
    const first = await running.finished;
    expect(first.code).toBe(0);
    expect(first.stderr).not.toMatch(/\n\s+at |EPIPE/);
    // 10 events are far less than a socket's buffer: none counts as surely read, so all come again.
    const rest = await runBin(['--cluster', 'piped', '--endpoint-url', lab.endpoint, '--checkpoint', checkpoint, '--no-follow']);
    expect(idsIn(received)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(idsIn(rest.stdout)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('a second run on a checkpoint in use refuses, naming the first', async () => {
    const stream = await lab.activityStream({ name: 'locked' });
    await stream.put(records(stream, 0, 2));
    const checkpoint = join(dir, 'locked.json');
    const first = startBin(['--cluster', 'locked', '--endpoint-url', lab.endpoint, '--checkpoint', checkpoint]);
    await first.lines(2);
    const second = await runBin(['--cluster', 'locked', '--endpoint-url', lab.endpoint, '--checkpoint', checkpoint, '--no-follow']);
    expect(second.code).toBe(ExitCode.runtime);
    expect(second.stderr).toContain(`another das-read (pid ${first.child.pid}`);
    first.child.kill('SIGINT');
    expect((await first.finished).code).toBe(ExitCode.interrupted);
  });
});

/** das-read appending to a file, as cron's `>> audit.ndjson`: its checkpoint moves with every batch. */
function startAppending(args: string[], out: string) {
  const fd = openSync(out, 'a');
  const child = spawn(process.execPath, [BIN, ...args], { env: userEnv(), stdio: ['ignore', fd, 'pipe'] });
  closeSync(fd);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  return { child, finished };
}
const linesOf = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);
/** Whether `file` came to hold `count` lines while `running` ran (within 30 s: the machine may be busy). */
async function reaches(file: string, count: number, running: { child: { exitCode: number | null } }): Promise<boolean> {
  const enough = async () => (await linesOf(file)).length >= count;
  await waitFor(enough, {
    what: `${count} lines in ${file}`,
    timeoutMs: 30_000,
    giveUp: () => (running.child.exitCode === null ? undefined : 'it exited'),
  }).catch(() => {});
  return enough();
}

async function lastSequenceNumber(streamName: string): Promise<string | undefined> {
  const kinesis = lab.clients.kinesis;
  const { ShardIterator } = await kinesis.send(
    new GetShardIteratorCommand({ StreamName: streamName, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
  );
  const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
  return Records?.at(-1)?.SequenceNumber;
}
const savedPosition = async (checkpoint: string) =>
  ((JSON.parse(await readFile(checkpoint, 'utf8').catch(() => '{}')) as { shards?: Record<string, { sequenceNumber?: string }> }).shards ?? {})[
    'shardId-000000000000'
  ]?.sequenceNumber;

describe('the lock, under a holder that stops or loses it', () => {
  const args = (name: string, checkpoint: string, ...more: string[]) => [
    '--cluster',
    name,
    '--endpoint-url',
    lab.endpoint,
    '--checkpoint',
    checkpoint,
    '--batch-size',
    '5',
    ...more,
  ];

  it('a holder stopped (SIGSTOP) past the stale time keeps its lock: a second run refuses, the first resumes and finishes; lines = distinct lines', async () => {
    const stream = await lab.activityStream({ name: 'paused', shards: 2 });
    await stream.put(records(stream, 0, 20));
    const checkpoint = join(dir, 'paused.json');
    const audit = join(dir, 'paused.ndjson');
    const first = startAppending(args('paused', checkpoint), audit);
    try {
      expect(await reaches(audit, 20, first)).toBe(true);
      first.child.kill('SIGSTOP');
      // As if stopped for a minute (a suspended VM, heavy swap): its lock untouched far past 30 s, without waiting that long.
      const past = new Date(Date.now() - 60_000);
      await utimes(`${checkpoint}.lock`, past, past);
      await stream.put(records(stream, 20, 20));
      const second = await runBin([...args('paused', checkpoint, '--no-follow')]);
      expect(second.code).toBe(ExitCode.runtime);
      expect(second.stderr).toContain(`another das-read (pid ${first.child.pid}`);
      expect(second.stdout).toBe('');
      first.child.kill('SIGCONT');
      expect(await reaches(audit, 40, first)).toBe(true);
      first.child.kill('SIGINT');
      expect((await first.finished).code).toBe(ExitCode.interrupted);
    } finally {
      first.child.kill('SIGCONT');
      first.child.kill('SIGKILL');
    }
    const lines = await linesOf(audit);
    expect({ lines: lines.length, distinct: new Set(lines).size }).toEqual({ lines: 40, distinct: 40 });
    expect(idsIn(lines.join('\n')).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  }, 90_000);

  it('a holder whose lock file is replaced stops with exit 2 before writing its next batch; the next run writes the rest once', async () => {
    const stream = await lab.activityStream({ name: 'usurped' });
    await stream.put(records(stream, 0, 10));
    const checkpoint = join(dir, 'usurped.json');
    const audit = join(dir, 'usurped.ndjson');
    const first = startAppending(args('usurped', checkpoint), audit);
    let stopped: { code: number | null; stderr: string } | undefined;
    try {
      expect(await reaches(audit, 10, first)).toBe(true);
      // Its last batch's position saved too, so that what follows is the next batch, not this one's save.
      const last = await lastSequenceNumber(stream.streamName);
      await waitFor(async () => (await savedPosition(checkpoint)) === last, {
        what: "its last batch's position saved",
        giveUp: () => (first.child.exitCode === null ? undefined : 'it exited'),
      });
      // Another run's lock in its place (one that took it over by another host's rule), renamed in whole.
      await writeFile(`${checkpoint}.other`, JSON.stringify({ pid: 999_999, host: 'another-host', since: new Date().toISOString() }), { mode: 0o600 });
      await rename(`${checkpoint}.other`, `${checkpoint}.lock`);
      await stream.put(records(stream, 10, 10));
      // Either it stops, or (the bug) it writes the new records the other run writes too.
      await reaches(audit, 20, first);
      if (first.child.exitCode !== null) stopped = await first.finished;
    } finally {
      first.child.kill('SIGKILL');
    }
    expect(stopped?.code).toBe(ExitCode.usage);
    expect(stopped?.stderr).toContain(`stopping: the lock ${checkpoint}.lock is no longer this run's (it is now pid 999999's on another-host`);
    expect(idsIn((await linesOf(audit)).join('\n'))).toEqual(Array.from({ length: 10 }, (_, i) => i));
    await unlink(`${checkpoint}.lock`);
    const rest = startAppending(args('usurped', checkpoint, '--no-follow'), audit);
    expect((await rest.finished).code).toBe(0);
    const lines = await linesOf(audit);
    expect({ lines: lines.length, distinct: new Set(lines).size }).toEqual({ lines: 20, distinct: 20 });
    expect(idsIn(lines.join('\n'))).toEqual(Array.from({ length: 20 }, (_, i) => i));
  }, 90_000);
});

// Another user for real: setpriv (util-linux) drops root's rights for one run. That user must be able to reach
// the checkout to run its bin: a clone inside a folder only root may enter (mktemp -d) has none to offer.
const othersReach = (path: string): boolean => path === dirname(path) || ((statSync(path).mode & 0o001) !== 0 && othersReach(dirname(path)));
const asNobody = process.getuid?.() === 0 && othersReach(dirname(BIN)) ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : undefined;
describe.skipIf(!asNobody)('a checkpoint folder the running user cannot write', () => {
  it('is named, with what das-read writes there and who must own it, exit 1, before anything is read', async () => {
    const stream = await lab.activityStream({ name: 'not-writable' });
    await stream.put(records(stream, 0, 2));
    const place = await scratchDir('das-read-nobody-');
    await mkdir(join(place, 'lib'));
    await chmod(place, 0o755);
    await chmod(join(place, 'lib'), 0o755);
    const checkpoint = join(place, 'lib', 'prod.json');
    const [command, ...options] = asNobody ?? [];
    const run = spawn(
      command ?? 'false',
      [...options, process.execPath, BIN, '--cluster', 'not-writable', '--endpoint-url', lab.endpoint, '--checkpoint', checkpoint, '--no-follow'],
      { env: userEnv() },
    );
    let stdout = '';
    let stderr = '';
    run.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    run.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => run.on('close', resolve));
    expect(code, stderr).toBe(ExitCode.runtime);
    expect(stdout).toBe('');
    expect(stderr).toContain(`cannot create the lock ${checkpoint}.lock: permission denied (EACCES)`);
    expect(stderr).toContain(`the user running it must be able to write ${join(place, 'lib')}`);
  });
});
