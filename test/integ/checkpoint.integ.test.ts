import { chmod, chown, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type RunDeps } from '../../src/cli/run.js';
import { ExitCode } from '../../src/errors.js';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import type { CheckpointState } from '../../src/checkpoint/checkpoint-file.js';
import { memoryIO } from '../helpers/memory-io.js';
import { putRaw, splitShard, startTestLab, type TestLab, type TestStream } from '../helpers/test-lab.js';
import { clockPast, waitFor } from '../helpers/wait-for.js';
import { scratchDir } from '../helpers/scratch-dir.js';

let lab: TestLab;
let dir: string;
beforeAll(async () => {
  lab = await startTestLab();
  dir = await scratchDir('das-read-checkpoint-');
});
afterAll(async () => {
  await lab?.close();
});

const noOtherProcess: RunDeps['lockOwner'] = { pid: 4242, ...(process.getuid ? { uid: process.getuid() } : {}), isAlive: () => false };

async function read(args: string[], deps: RunDeps = {}) {
  const io = memoryIO();
  const code = await run([...args, '--endpoint-url', lab.endpoint, '--no-follow'], io, { lockOwner: noOtherProcess, ...deps });
  const events = io.stdout.lines().map((line) => JSON.parse(line) as { statementId: number; eventId: string });
  return { code, events, ids: events.map((event) => event.statementId), stderr: io.stderr.text };
}

let streams = 0;
async function newStream(shards = 1): Promise<{ stream: TestStream; name: string; file: string }> {
  const name = `checkpointed-${++streams}`;
  return { stream: await lab.activityStream({ name, shards }), name, file: join(dir, `${name}.json`) };
}
const records = (stream: TestStream, from: number, count: number, perRecord = 1) =>
  Array.from({ length: count }, (_, r) =>
    activityRecord(
      stream.database.resourceId,
      'db-A',
      Array.from({ length: perRecord }, (_, e) => postgresEvent(from + r * perRecord + e)),
    ),
  );
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
/** Every field name in a parsed JSON value, at any depth. */
const fieldNames = (value: unknown): string[] =>
  typeof value !== 'object' || value === null
    ? []
    : Object.entries(value).flatMap(([name, inner]) => [...(Array.isArray(value) ? [] : [name]), ...fieldNames(inner)]);

describe('--checkpoint', () => {
  it('resumes right after the last event written, run after run, and holds only positions, mode 0600', async () => {
    const { stream, name, file } = await newStream(2);
    await stream.put(records(stream, 0, 10));
    const first = await read(['--cluster', name, '--checkpoint', file]);
    expect(first.code).toBe(0);
    expect(sorted(first.ids)).toEqual(range(0, 10));

    await stream.put(records(stream, 10, 5));
    const second = await read(['--cluster', name, '--checkpoint', file]);
    expect(sorted(second.ids)).toEqual(range(10, 5));
    const third = await read(['--cluster', name, '--checkpoint', file]);
    expect(third).toMatchObject({ code: 0, ids: [] });

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8')) as CheckpointState;
    expect(saved).toMatchObject({ version: 1, streamName: stream.streamName, resourceId: stream.database.resourceId, start: { type: 'TRIM_HORIZON' } });
    expect(Object.keys(saved.shards).sort()).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    for (const position of Object.values(saved.shards)) expect(Object.keys(position).sort()).toEqual(['arrivedAt', 'sequenceNumber']);
    // Field names only: the values hold random resource ids, which may spell KEY by chance.
    expect(fieldNames(saved).filter((field) => /key|plaintext|commandText/i.test(field))).toEqual([]);
    expect(await readFile(file, 'utf8')).not.toContain('pgbench_accounts');
  });

  it('--from latest on a first run skips the backlog, and the next run misses nothing put in between', async () => {
    const { stream, name, file } = await newStream();
    await stream.put(records(stream, 0, 3));
    const first = await read(['--cluster', name, '--checkpoint', file, '--from', 'latest']);
    expect(first).toMatchObject({ code: 0, ids: [] });
    await stream.put(records(stream, 3, 4));
    const second = await read(['--cluster', name, '--checkpoint', file, '--from', 'latest']);
    expect(sorted(second.ids)).toEqual(range(3, 4));
  });

  it('--max-events stops inside a record, and the next run starts with its next event: no gap, no repeat', async () => {
    const { stream, name, file } = await newStream();
    await stream.put(records(stream, 0, 4, 3));
    const first = await read(['--cluster', name, '--checkpoint', file, '--max-events', '4']);
    expect(first).toMatchObject({ code: 0, ids: [0, 1, 2, 3] });
    const saved = JSON.parse(await readFile(file, 'utf8')) as CheckpointState;
    expect(saved.shards['shardId-000000000000']?.eventIndex).toBe(1);
    const second = await read(['--cluster', name, '--checkpoint', file, '--max-events', '5']);
    expect(second.ids).toEqual([4, 5, 6, 7, 8]);
    const third = await read(['--cluster', name, '--checkpoint', file]);
    expect(third.ids).toEqual([9, 10, 11]);
    const all = [...first.events, ...second.events, ...third.events].map((event) => event.eventId);
    expect(new Set(all).size).toBe(12);
  });

  it('events a filter leaves out still move the checkpoint: the next run never re-reads them, and never loses a kept one', async () => {
    const { stream, name, file } = await newStream();
    const users = (from: number, count: number) =>
      Array.from({ length: count }, (_, r) =>
        activityRecord(stream.database.resourceId, 'db-A', [
          postgresEvent(from + 2 * r, { dbUserName: 'alice' }),
          postgresEvent(from + 2 * r + 1, { dbUserName: 'rdsadmin' }),
        ]),
      );
    await stream.put(users(0, 3));
    const first = await read(['--cluster', name, '--checkpoint', file, '--skip-service-users']);
    expect(first).toMatchObject({ code: 0, ids: [0, 2, 4] });
    await stream.put(users(6, 2));
    // The filter changed: what the first run left out is behind the checkpoint, what is new comes whole.
    const second = await read(['--cluster', name, '--checkpoint', file]);
    expect(second.ids).toEqual([6, 7, 8, 9]);
    // A run cut inside a record by --max-events, under a filter, resumes at the first event it did not write.
    await stream.put(users(10, 2));
    const third = await read(['--cluster', name, '--checkpoint', file, '--user', 'ALICE', '--max-events', '1']);
    expect(third.ids).toEqual([10]);
    const fourth = await read(['--cluster', name, '--checkpoint', file]);
    expect(fourth.ids).toEqual([11, 12, 13]);
  });

  it('refuses a checkpoint that belongs to another stream', async () => {
    const a = await newStream();
    const b = await newStream();
    await read(['--cluster', a.name, '--checkpoint', a.file]);
    const result = await read(['--cluster', b.name, '--checkpoint', a.file]);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toContain(`belongs to ${a.stream.streamName}`);
  });

  it('refuses a damaged checkpoint instead of starting over', async () => {
    const { name, file } = await newStream();
    await writeFile(file, '{"version":1,"streamName":');
    const result = await read(['--cluster', name, '--checkpoint', file]);
    expect(result.code).toBe(ExitCode.runtime);
    expect(result.stderr).toContain('is damaged: it is not JSON');
  });

  it('a checkpoint older than the retention is a gap: it says so, reads what is left, exits 4', async () => {
    const { stream, name, file } = await newStream();
    await stream.put(records(stream, 0, 3));
    await read(['--cluster', name, '--checkpoint', file]);
    const saved = JSON.parse(await readFile(file, 'utf8')) as CheckpointState;
    const position = saved.shards['shardId-000000000000'];
    if (position) position.arrivedAt = new Date(Date.now() - 25 * 3_600_000).toISOString();
    await writeFile(file, JSON.stringify(saved));
    const result = await read(['--cluster', name, '--checkpoint', file]);
    expect(result.code).toBe(ExitCode.gap);
    expect(result.stderr).toMatch(/gap in the audit trail: .*longer ago than the stream's retention \(24 h\)/);
    expect(sorted(result.ids)).toEqual(range(0, 3));
  });

  it('a checkpoint pointing at trimmed data is a gap: it reads from the oldest record left, exits 4', async () => {
    const { stream, name, file } = await newStream();
    await stream.put(records(stream, 0, 3));
    const state: CheckpointState = {
      version: 1,
      streamName: stream.streamName,
      resourceId: stream.database.resourceId,
      start: { type: 'TRIM_HORIZON' },
      savedAt: new Date().toISOString(),
      shards: { 'shardId-000000000000': { sequenceNumber: '1', arrivedAt: new Date().toISOString() } },
    };
    await writeFile(file, JSON.stringify(state));
    const result = await read(['--cluster', name, '--checkpoint', file]);
    expect(result.code).toBe(ExitCode.gap);
    expect(result.stderr).toContain('the oldest record left in shardId-000000000000 comes after the checkpoint');
    expect(sorted(result.ids)).toEqual(range(0, 3));
    const again = await read(['--cluster', name, '--checkpoint', file]);
    expect(again).toMatchObject({ code: 0, ids: [] });
  });

  it("a second run on the same checkpoint refuses while the first holds it; a dead holder's lock is taken over", async () => {
    const { name, file } = await newStream();
    await writeFile(`${file}.lock`, JSON.stringify({ pid: 777, host: (await import('node:os')).hostname(), since: '2026-11-25T00:00:00Z' }));
    const busy = await read(['--cluster', name, '--checkpoint', file], { lockOwner: { pid: 1, isAlive: (pid) => pid === 777 } });
    expect(busy.code).toBe(ExitCode.runtime);
    expect(busy.stderr).toContain('another das-read (pid 777');
    const takeover = await read(['--cluster', name, '--checkpoint', file], { lockOwner: { pid: 1, isAlive: () => false } });
    expect(takeover.code).toBe(0);
    await expect(stat(`${file}.lock`)).rejects.toThrow(/ENOENT/);
  });
});

describe('a checkpoint others could have written', () => {
  it('a shard the checkpoint calls finished is read on while Kinesis has it open (no EndingSequenceNumber)', async () => {
    const { stream, name, file } = await newStream();
    await stream.put(records(stream, 0, 3));
    expect((await read(['--cluster', name, '--checkpoint', file])).ids).toEqual([0, 1, 2]);
    const saved = JSON.parse(await readFile(file, 'utf8')) as CheckpointState;
    const position = saved.shards['shardId-000000000000'];
    if (position) position.finished = true;
    await writeFile(file, JSON.stringify(saved));
    await stream.put(records(stream, 3, 4));
    const result = await read(['--cluster', name, '--checkpoint', file]);
    expect(result.code).toBe(0);
    expect(result.ids).toEqual([3, 4, 5, 6]);
    expect(result.stderr).toContain(`the checkpoint ${file} marks shardId-000000000000 as read to its end, but Kinesis has it open`);
    const again = await read(['--cluster', name, '--checkpoint', file]);
    expect(again).toMatchObject({ code: 0, ids: [] });
  });

  it('a field of the wrong type is a damaged checkpoint, named with its path, never passed on to Kinesis', async () => {
    const { stream, name, file } = await newStream();
    await stream.put(records(stream, 0, 2));
    await read(['--cluster', name, '--checkpoint', file]);
    const good = await readFile(file, 'utf8');
    const cases: Array<[(state: CheckpointState) => unknown, string]> = [
      [
        (state) => ({ ...state, shards: { 'shardId-000000000000': { ...state.shards['shardId-000000000000'], finished: 'yes' } } }),
        'shard shardId-000000000000 has a "finished" that is neither true nor false',
      ],
      [(state) => ({ ...state, start: { type: 'AT_TIMESTAMP', timestamp: 'zzz' } }), 'its start position is missing or damaged'],
      [
        (state) => ({ ...state, shards: { 'shardId-000000000000': { ...state.shards['shardId-000000000000'], arrivedAt: 17 } } }),
        'shard shardId-000000000000 has a bad arrival time',
      ],
    ];
    for (const [change, why] of cases) {
      await writeFile(file, JSON.stringify(change(JSON.parse(good) as CheckpointState)));
      const result = await read(['--cluster', name, '--checkpoint', file]);
      expect(result.code).toBe(ExitCode.runtime);
      expect(result.stderr).toContain(`the checkpoint ${file} is damaged: ${why}`);
      expect(result.stderr).not.toContain('SerializationException');
      expect(result.ids).toEqual([]);
    }
  });

  it('refuses, exit 2, a checkpoint in a folder others can write (no sticky bit), or a file another user owns or others can write', async () => {
    const { stream, name } = await newStream();
    await stream.put(records(stream, 0, 2));
    const open = join(dir, `open-${name}`);
    await mkdir(open);
    await chmod(open, 0o777);
    const file = join(open, 'checkpoint.json');
    const refused = await read(['--cluster', name, '--checkpoint', file]);
    expect(refused.code).toBe(ExitCode.usage);
    expect(refused.stderr).toContain(`the checkpoint ${file}: its folder ${open} can be written by its group and every user (mode 0777)`);
    expect(refused.stderr).toContain(`chmod go-w ${open}`);
    expect(refused.ids).toEqual([]);

    await chmod(open, 0o1777);
    expect((await read(['--cluster', name, '--checkpoint', file])).ids).toEqual([0, 1]);
    await chown(file, 65534, 65534);
    const theirs = await read(['--cluster', name, '--checkpoint', file]);
    expect(theirs.code).toBe(ExitCode.usage);
    expect(theirs.stderr).toContain(`the checkpoint ${file}: it belongs to another user (uid 65534)`);
    await chown(file, 0, 0);
    await chmod(file, 0o666);
    const writable = await read(['--cluster', name, '--checkpoint', file]);
    expect(writable.code).toBe(ExitCode.usage);
    expect(writable.stderr).toContain(`chmod 600 ${file}`);
  });
});

describe('--from and --until', () => {
  it('read the window between two moments, by arrival time', async () => {
    const { stream, name } = await newStream();
    // Each moment is taken once the clock has passed the records put before it: they arrived strictly earlier.
    await stream.put(records(stream, 0, 3));
    await clockPast(Date.now());
    const middle = new Date().toISOString();
    await stream.put(records(stream, 3, 3));
    await clockPast(Date.now());
    const end = new Date().toISOString();
    await stream.put(records(stream, 6, 3));
    const fromMiddle = await read(['--cluster', name, '--from', middle]);
    expect(sorted(fromMiddle.ids)).toEqual(range(3, 6));
    const window = await read(['--cluster', name, '--from', middle, '--until', end]);
    expect(sorted(window.ids)).toEqual(range(3, 3));
    const untilMiddle = await read(['--cluster', name, '--until', middle]);
    expect(sorted(untilMiddle.ids)).toEqual(range(0, 3));
  });
});

describe('a record that cannot be read, with a checkpoint', () => {
  async function poisoned() {
    const { stream, name, file } = await newStream();
    const good = (n: number) => stream.producer.encode(activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(n)]));
    await putRaw(lab, stream.streamName, [await good(1), await good(2), Buffer.from('not a DAS record'), await good(3)]);
    return { stream, name, file };
  }

  it('--on-error fail stops at it, checkpointed just before it, every run (exit 3)', async () => {
    const { name, file } = await poisoned();
    const first = await read(['--cluster', name, '--checkpoint', file]);
    expect(first).toMatchObject({ code: ExitCode.unreadableRecord, ids: [1, 2] });
    const second = await read(['--cluster', name, '--checkpoint', file]);
    expect(second).toMatchObject({ code: ExitCode.unreadableRecord, ids: [] });
    expect(second.stderr).toContain('the record data is not JSON');
  });

  it('--on-error skip keeps it in the dead-letter file with its position and reason, and goes on', async () => {
    const { name, file } = await poisoned();
    const deadLetter = join(dir, `${name}.dead.ndjson`);
    const first = await read(['--cluster', name, '--checkpoint', file, '--on-error', 'skip', '--dead-letter', deadLetter]);
    expect(first).toMatchObject({ code: 0, ids: [1, 2, 3] });
    expect(first.stderr).toMatch(/warning:.* skipped: cannot read record \d+ in shardId-000000000000: the record data is not JSON/);
    expect(first.stderr).toContain(`skipped 1 unreadable record; kept in ${deadLetter}`);
    const letters = (await readFile(deadLetter, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, string>);
    expect(letters).toEqual([
      {
        shardId: 'shardId-000000000000',
        sequenceNumber: expect.stringMatching(/^\d+$/),
        arrivalTime: expect.any(String),
        reason: 'the record data is not JSON',
        data: Buffer.from('not a DAS record').toString('base64'),
      },
    ]);
    expect((await stat(deadLetter)).mode & 0o777).toBe(0o600);
    const second = await read(['--cluster', name, '--checkpoint', file, '--on-error', 'skip', '--dead-letter', deadLetter]);
    expect(second).toMatchObject({ code: 0, ids: [] });
  });
});

describe('--checkpoint and the stream it was made on', () => {
  it('a stream resharded, then stopped and started again, is read as the new stream it is: one message naming every shard, exit 4, then all of it', async () => {
    const { stream, name, file } = await newStream(1);
    await stream.put(records(stream, 0, 4));
    await splitShard(lab, stream.streamName, 'shardId-000000000000');
    await stream.put(records(stream, 4, 4));
    const first = await read(['--cluster', name, '--checkpoint', file]);
    expect(first.code).toBe(0);
    expect(sorted(first.ids)).toEqual(range(0, 8));
    const before = JSON.parse(await readFile(file, 'utf8')) as CheckpointState;
    expect(before.stream?.arn).toContain(`stream/${stream.streamName}`);

    // Stopped and started again: Kinesis makes a new stream, with the same name and shardId-000000000000 again.
    const admin = (args: string[]) => run([...args, '--cluster', name, '--endpoint-url', lab.endpoint, '--apply-immediately', '--wait'], memoryIO());
    expect(await admin(['stop', '--yes'])).toBe(0);
    // The stream is deleted after the stop: the start makes its new one once the old is gone.
    await waitFor(
      () =>
        lab.clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream.streamName })).then(
          () => false,
          (error: unknown) => (error as Error).name === 'ResourceNotFoundException',
        ),
      { what: `${stream.streamName} to be deleted` },
    );
    expect(await admin(['start', '--kms-key', stream.keyId])).toBe(0);
    await stream.put(records(stream, 100, 3));

    const second = await read(['--cluster', name, '--checkpoint', file]);
    expect(second.code).toBe(ExitCode.gap);
    expect(second.ids).toEqual([100, 101, 102]);
    expect(second.stderr).toContain(`${stream.streamName} is a new stream`);
    expect(second.stderr).toContain('stopped and started again');
    // Every shard the checkpoint knew: the parent and each child that had records.
    expect(Object.keys(before.shards).length).toBeGreaterThanOrEqual(2);
    expect(second.stderr).toContain(`its shards ${Object.keys(before.shards).sort().join(', ')}`);
    expect(second.stderr.match(/gap in the audit trail/g)).toHaveLength(1);

    const third = await read(['--cluster', name, '--checkpoint', file]);
    expect(third).toMatchObject({ code: 0, ids: [] });
    await stream.put(records(stream, 103, 1));
    expect((await read(['--cluster', name, '--checkpoint', file])).ids).toEqual([103]);
  });

  it("a checkpoint of an earlier version, without the stream's identity, is taken as this stream's and given it", async () => {
    const { stream, name, file } = await newStream(1);
    await stream.put(records(stream, 0, 2));
    expect((await read(['--cluster', name, '--checkpoint', file])).ids).toEqual([0, 1]);
    const saved = JSON.parse(await readFile(file, 'utf8')) as CheckpointState;
    const identity = saved.stream;
    delete saved.stream;
    await writeFile(file, JSON.stringify(saved));
    await stream.put(records(stream, 2, 1));
    expect(await read(['--cluster', name, '--checkpoint', file])).toMatchObject({ code: 0, ids: [2] });
    expect((JSON.parse(await readFile(file, 'utf8')) as CheckpointState).stream).toEqual(identity);
  });
});

describe('--tail', () => {
  it('starts with the last n events the stream holds, across shards, each shard in order', async () => {
    const { stream, name } = await newStream(2);
    // Ten records of three events, over both shards, one after another.
    for (let r = 0; r < 10; r++) {
      await stream.put(records(stream, r * 3, 1, 3), () => `key-${r % 2}`);
      await clockPast(Date.now());
    }
    const last4 = await read(['--cluster', name, '--tail', '4']);
    expect(last4.code).toBe(ExitCode.ok);
    expect([...last4.ids].sort((a, b) => a - b)).toEqual([26, 27, 28, 29]);
    // More than the stream holds: all of it.
    const all = await read(['--cluster', name, '--tail', '1000']);
    expect(all.ids).toHaveLength(30);
    // With a filter, the last n of the events it keeps.
    const odd = await read(['--cluster', name, '--tail', '3', '--grep', '/\\* (1|7|13|19|25) \\*/']);
    expect([...odd.ids].sort((a, b) => a - b)).toEqual([13, 19, 25]);
  });

  it('--no-follow: exactly n events, while the database goes on writing into the stream on every shard', async () => {
    const { stream, name } = await newStream(2);
    for (let r = 0; r < 10; r++) await stream.put(records(stream, r * 3, 1, 3), () => `key-${r % 2}`);
    // A steady load, as the lab's: a record of three events at a time, on either shard, until the read ends.
    let put = 30;
    let reading = true;
    const load = (async () => {
      for (let r = 10; reading; r++, put += 3) await stream.put(records(stream, r * 3, 1, 3), () => `key-${r % 2}`);
    })();
    // Slower calls to list the shards, as a throttled control plane answers: room for more to arrive between the look-back and the read.
    lab.gateway.faults.add({ action: 'kinesis:ListShards', kind: 'slow', delayMs: 300 });
    try {
      for (const n of [4, 20]) {
        const before = put;
        const tail = await read(['--cluster', name, '--tail', String(n)]);
        expect(tail.code).toBe(ExitCode.ok);
        expect(tail.ids, `--tail ${n}`).toHaveLength(n);
        expect(new Set(tail.ids).size).toBe(n);
        // The newest there were: none older than the n before the run began.
        expect(Math.min(...tail.ids)).toBeGreaterThanOrEqual(before - n);
      }
    } finally {
      reading = false;
      lab.gateway.faults.clear();
      await load;
    }
  });

  it('and then follows: events that arrive after it started come whole', async () => {
    const { stream, name } = await newStream();
    await stream.put(records(stream, 0, 5));
    const io = memoryIO();
    const stop = new AbortController();
    const running = run(['--cluster', name, '--endpoint-url', lab.endpoint, '--tail', '2'], io, { signal: stop.signal, lockOwner: noOtherProcess });
    const lines = () => io.stdout.lines().map((line) => (JSON.parse(line) as { statementId: number }).statementId);
    await waitFor(() => lines().length >= 2, { what: 'the last two events' });
    await stream.put(records(stream, 5, 2));
    await waitFor(() => lines().length >= 4, { what: 'the two put after the start' });
    stop.abort('SIGINT');
    await running;
    expect(lines()).toEqual([3, 4, 5, 6]);
  });

  it('with --checkpoint or --from, a usage error: each says where to start', async () => {
    const { name, file } = await newStream();
    expect((await read(['--cluster', name, '--tail', '5', '--checkpoint', file])).code).toBe(ExitCode.usage);
    expect((await read(['--cluster', name, '--tail', '5', '--from', '1h'])).stderr).toContain('--tail and --from both say where to start');
  });
});
