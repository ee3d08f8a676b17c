import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { SIGNED_SUITE } from '../../lab/src/producer.js';
import { activityRecord, heartbeatEvent, postgresEvent } from '../../lab/src/synthetic-events.js';
import { readStream } from '../../src/kinesis/stream-reader.js';
import { memoryIO } from '../helpers/memory-io.js';
import { loadSamples } from '../helpers/samples.js';
import { mergeShards, splitShard, startTestLab, type TestLab } from '../helpers/test-lab.js';

let lab: TestLab;
beforeAll(async () => {
  lab = await startTestLab();
});
afterAll(async () => {
  await lab?.close();
});

async function readAll(args: string[]) {
  const io = memoryIO();
  const code = await run([...args, '--endpoint-url', lab.endpoint, '--no-follow'], io);
  const events = io.stdout.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, events, stderr: io.stderr.text };
}

const numbered = (from: number, count: number, clusterId: string) =>
  Array.from({ length: count }, (_, i) => activityRecord(clusterId, 'db-WRITER', [postgresEvent(from + i)]));

describe('das-read --cluster', () => {
  it('prints every event of every shard as ndjson, each once, and exits 0', async () => {
    const stream = await lab.activityStream({ name: 'every-shard', shards: 3 });
    const records = Array.from({ length: 30 }, (_, r) =>
      activityRecord(stream.database.resourceId, 'db-INSTANCE1', [postgresEvent(r * 2), postgresEvent(r * 2 + 1)]),
    );
    await stream.put(records);
    const { code, events, stderr } = await readAll(['--cluster', 'every-shard']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(events.map((event) => event.statementId).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(events[0]).toMatchObject({ clusterId: stream.database.resourceId, instanceId: 'db-INSTANCE1' });
  });

  it("gives an event that has its own clusterId or eventId das-read's, once each, through the decryption threads", async () => {
    const stream = await lab.activityStream({ name: 'own-ids', shards: 1 });
    const theirs = { ...postgresEvent(1), clusterId: 'theirs', eventId: 'theirs' };
    await stream.put([
      activityRecord(stream.database.resourceId, 'db-INSTANCE1', [postgresEvent(0), theirs, { ...postgresEvent(2), commandText: 'select "eventId"' }]),
    ]);
    const io = memoryIO();
    expect(await run(['--cluster', 'own-ids', '--endpoint-url', lab.endpoint, '--no-follow', '--threads', '1'], io)).toBe(0);
    const lines = io.stdout.lines();
    for (const line of lines) expect(line.match(/"eventId":/g)).toHaveLength(1);
    const [first, second, third] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(second).toEqual({
      ...theirs,
      clusterId: stream.database.resourceId,
      instanceId: 'db-INSTANCE1',
      eventId: expect.stringMatching(/^shardId-000000000000:\d+:1$/),
    });
    expect(first).toMatchObject({ statementId: 0, clusterId: stream.database.resourceId });
    expect(third).toMatchObject({ commandText: 'select "eventId"', eventId: expect.stringMatching(/:2$/) });
  });

  it('reads a resharded stream completely, parents before their children, each key in order', async () => {
    const stream = await lab.activityStream({ name: 'resharded', shards: 2 });
    const id = stream.database.resourceId;
    // Keyed by statement id, so that each key's events can be checked for order.
    const keyFrom = (from: number) => (index: number) => `key-${(from + index) % 16}`;
    await stream.put(numbered(0, 40, id), keyFrom(0));
    await splitShard(lab, stream.streamName, 'shardId-000000000000');
    await stream.put(numbered(40, 40, id), keyFrom(40));
    // shardId-000000000003 (upper half of the split) is adjacent to shardId-000000000001.
    await mergeShards(lab, stream.streamName, 'shardId-000000000003', 'shardId-000000000001');
    await stream.put(numbered(80, 40, id), keyFrom(80));

    const { code, events } = await readAll(['--cluster', 'resharded']);
    expect(code).toBe(0);
    const ids = events.map((event) => Number(event.statementId));
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 120 }, (_, i) => i));
    for (let k = 0; k < 16; k++) {
      const ofKey = ids.filter((n) => n % 16 === k);
      expect(ofKey, `events of key-${k} in the order they were put`).toEqual([...ofKey].sort((a, b) => a - b));
    }

    // The lineage itself: no child batch before its parents' last batch.
    const order: Array<{ shardId: string; ended: boolean }> = [];
    for await (const batch of readStream({
      kinesis: lab.clients.kinesis,
      streamName: stream.streamName,
      follow: false,
      signal: new AbortController().signal,
    })) {
      order.push({ shardId: batch.shardId, ended: batch.shardEnded });
    }
    const endOf = (shardId: string) => order.findIndex((entry) => entry.shardId === shardId && entry.ended);
    const firstOf = (shardId: string) => order.findIndex((entry) => entry.shardId === shardId);
    const lineage: Record<string, string[]> = {
      'shardId-000000000002': ['shardId-000000000000'],
      'shardId-000000000003': ['shardId-000000000000'],
      'shardId-000000000004': ['shardId-000000000003', 'shardId-000000000001'],
    };
    for (const [child, parents] of Object.entries(lineage)) {
      expect(firstOf(child), `${child} was read`).toBeGreaterThanOrEqual(0);
      for (const parent of parents) expect(endOf(parent), `${parent} ends before ${child} starts`).toBeLessThan(firstOf(child));
    }
  });

  it('--no-follow reads a backlog larger than one batch to its end, though its records arrived in the same millisecond', async () => {
    const stream = await lab.activityStream({ name: 'small-batches' });
    await stream.put(numbered(0, 25, stream.database.resourceId));
    const { code, events } = await readAll(['--cluster', 'small-batches', '--batch-size', '4']);
    expect(code).toBe(0);
    expect(events.map((event) => event.statementId)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('hides heartbeats unless --include-heartbeats', async () => {
    const stream = await lab.activityStream({ name: 'heartbeats' });
    const id = stream.database.resourceId;
    await stream.put([
      activityRecord(id, 'db-A', [heartbeatEvent('2026-01-01 00:00:00.000000+00')]),
      activityRecord(id, 'db-A', [postgresEvent(1), heartbeatEvent('2026-01-01 00:00:02.000000+00')]),
    ]);
    const hidden = await readAll(['--cluster', 'heartbeats']);
    expect(hidden.events.map((event) => event.type)).toEqual(['record']);
    const shown = await readAll(['--cluster', 'heartbeats', '--include-heartbeats']);
    expect(shown.events.map((event) => event.type)).toEqual(['heartbeat', 'record', 'heartbeat']);
  });

  it('decrypts messages with the signed suite 0x0378 as well as 0x0178', async () => {
    const stream = await lab.activityStream({ name: 'signed', producer: { suite: SIGNED_SUITE } });
    await stream.put(numbered(0, 3, stream.database.resourceId));
    const { code, events } = await readAll(['--cluster', 'signed']);
    expect(code).toBe(0);
    expect(events.map((event) => event.statementId)).toEqual([0, 1, 2]);
  });

  it('worker threads and --threads 0 (the main thread) give the same output, key by key', async () => {
    const stream = await lab.activityStream({ name: 'threaded', shards: 2, producer: { recordsPerDataKey: 7 } });
    await stream.put(numbered(0, 60, stream.database.resourceId));
    const inline = await readAll(['--cluster', 'threaded', '--threads', '0']);
    const threaded = await readAll(['--cluster', 'threaded', '--threads', '3']);
    expect(threaded.code).toBe(0);
    const byId = (events: Array<Record<string, unknown>>) => [...events].sort((a, b) => String(a.eventId).localeCompare(String(b.eventId)));
    expect(byId(threaded.events)).toEqual(byId(inline.events));
    expect(threaded.events).toHaveLength(60);
  });

  it('makes one KMS call per data key, not per record', async () => {
    const stream = await lab.activityStream({ name: 'key-reuse', producer: { recordsPerDataKey: 10 } });
    await stream.put(numbered(0, 50, stream.database.resourceId));
    const before = lab.kms.stats.decryptCalls;
    const { code, events } = await readAll(['--cluster', 'key-reuse']);
    expect(code).toBe(0);
    expect(events).toHaveLength(50);
    expect(lab.kms.stats.decryptCalls - before).toBe(stream.producer.dataKeysGenerated);
    expect(stream.producer.dataKeysGenerated).toBe(5);
  });
});

describe('the samples AWS published, through produce → read', () => {
  const samples = loadSamples();
  it.each(samples.map((sample) => [sample.file, sample] as const))('%s comes out field for field', async (file, sample) => {
    const onInstance = file.startsWith('ora') || file.startsWith('mss');
    const engine = { apg: 'aurora-postgresql', ams: 'aurora-mysql', ora: 'oracle-ee', mss: 'sqlserver-ee' }[file.slice(0, 3)];
    const name = file.replace(/\.json$/, '').replace(/[^a-z0-9-]/g, '-');
    const stream = await lab.activityStream({ name, kind: onInstance ? 'instance' : 'cluster', engine, producer: { version: sample.version } });
    await stream.put([sample.record]);
    const { code, events } = await readAll([onInstance ? '--instance' : '--cluster', name, '--include-heartbeats']);
    expect(code).toBe(0);
    expect(events).toEqual(
      sample.record.databaseActivityEventList.map((event, index) => ({
        ...event,
        clusterId: sample.record.clusterId ?? null,
        instanceId: sample.record.instanceId ?? null,
        eventId: expect.stringMatching(new RegExp(`^shardId-000000000000:\\d+:${index}$`)),
      })),
    );
  });
});

describe('a read at a terminal', () => {
  /** One terminal for stdout and stderr alike, as a person's: what it was sent, in order. */
  function terminal() {
    const io = memoryIO({ tty: true });
    return { ...io, stderr: io.stdout, stdoutColumns: 120 };
  }
  const frames = (text: string) => text.split('\r\u001b[2K');

  it('whose filters keep nothing says what it read, not only "reading …": records read, events kept, behind the tip', async () => {
    const stream = await lab.activityStream({ name: 'kept-nothing' });
    await stream.put(numbered(0, 3, stream.database.resourceId));
    const io = terminal();
    expect(await run(['--cluster', 'kept-nothing', '--endpoint-url', lab.endpoint, '--no-follow', '--user', 'nobody'], io)).toBe(0);
    expect(frames(io.stdout.text)).toContain('reading: 3 records, 0 events (0/s), at the tip, 1 shard');
    // Gone at the end: the last line, on a cleared row, says the rest.
    expect(frames(io.stdout.text).at(-1)).toMatch(/das-read: 0 events from 3 records/);
    expect(frames(io.stdout.text).at(-1)).not.toContain('reading:');
  });

  it('says so only until the first event: the line is cleared before an event is written where it stood, and not drawn again', async () => {
    const stream = await lab.activityStream({ name: 'kept-later' });
    const id = stream.database.resourceId;
    await stream.put([
      ...numbered(0, 2, id),
      activityRecord(id, 'db-WRITER', [postgresEvent(2, { dbUserName: 'alice' }), postgresEvent(3, { dbUserName: 'alice' })]),
    ]);
    const io = terminal();
    // A record a batch: the first two keep nothing, the third two events.
    const args = [
      '--cluster',
      'kept-later',
      '--endpoint-url',
      lab.endpoint,
      '--no-follow',
      '--user',
      'alice',
      '--batch-size',
      '1',
      '--utc',
      '--color',
      'never',
    ];
    expect(await run(args, io)).toBe(0);
    const shown = frames(io.stdout.text);
    const first = shown.findIndex((frame) => frame.includes('alice@'));
    expect(shown.slice(0, first).filter((frame) => /^reading: [12] records?, 0 events/.test(frame))).not.toEqual([]);
    // The event starts a cleared row of its own, both events are whole lines, and no status line comes after them.
    expect(shown[first]).toMatch(/^\d\d:\d\d:\d\d\.\d{3}Z {2}READ .*alice@postgres.*\n.*alice@postgres.*\n/);
    expect(shown.slice(first).join('')).not.toContain('reading:');
  });
});
