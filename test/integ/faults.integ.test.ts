import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';
import { memoryIO, type TextSink } from '../helpers/memory-io.js';
import { mergeShards, splitShard, startTestLab, type TestLab, type TestStream } from '../helpers/test-lab.js';
import { waitFor } from '../helpers/wait-for.js';

let lab: TestLab;
beforeAll(async () => {
  lab = await startTestLab();
});
afterEach(() => lab.gateway.faults.clear());
afterAll(async () => {
  await lab?.close();
});

const records = (stream: TestStream, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => activityRecord(stream.database.resourceId, 'db-A', [postgresEvent(from + i)]));

function statementIds(sink: TextSink): number[] {
  return sink.lines().map((line) => (JSON.parse(line) as { statementId: number }).statementId);
}

function expectExactlyOnce(ids: number[], count: number) {
  expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
}

describe('Kinesis and KMS behaving badly', () => {
  it('throttling bursts, expired iterators, 500s, slow answers and dropped connections: every event exactly once', async () => {
    const stream = await lab.activityStream({ name: 'stormy', shards: 2, producer: { recordsPerDataKey: 5 } });
    await stream.put(records(stream, 0, 60));
    lab.gateway.faults
      .add({ action: 'kinesis:GetRecords', kind: 'throttle', times: 6, rate: 0.5 })
      .add({ action: 'kinesis:GetRecords', kind: 'expired-iterator', times: 3, rate: 0.3 })
      .add({ action: 'kinesis:GetRecords', kind: 'server-error', times: 3, rate: 0.3 })
      .add({ action: 'kinesis:GetShardIterator', kind: 'server-error', times: 2 })
      .add({ action: 'kinesis:ListShards', kind: 'throttle', times: 1 })
      .add({ action: 'kinesis:ListShards', kind: 'limit-exceeded', times: 1 })
      .add({ action: 'kms:Decrypt', kind: 'throttle', times: 3 })
      .add({ action: 'kms:Decrypt', kind: 'server-error', times: 2 })
      .add({ action: 'kinesis:GetRecords', kind: 'slow', delayMs: 300, times: 2 })
      .add({ action: 'kinesis:GetRecords', kind: 'reset', times: 2, rate: 0.3 });
    const io = memoryIO();
    const code = await run(['--cluster', 'stormy', '--endpoint-url', lab.endpoint, '--no-follow', '--batch-size', '7'], io);
    expect(io.stderr.text).toBe('');
    expect(code).toBe(0);
    expectExactlyOnce(statementIds(io.stdout), 60);
    expect(lab.gateway.faults.injected).toBeGreaterThanOrEqual(10);
    // Faults strike at random: one call may meet several in a row, and each waits out das-read's full backoff.
  }, 90_000);

  it('with --verbose, each retry says what is retried, why, and how long das-read keeps trying; RDS is retried too', async () => {
    const stream = await lab.activityStream({ name: 'said-retries' });
    await stream.put(records(stream, 0, 3));
    lab.gateway.faults
      .add({ action: 'rds:DescribeDBClusters', kind: 'throttle', times: 1 })
      .add({ action: 'kinesis:GetRecords', kind: 'server-error', times: 1 });
    const io = memoryIO();
    const code = await run(['--cluster', 'said-retries', '--endpoint-url', lab.endpoint, '--no-follow', '--verbose'], io);
    expect(code).toBe(0);
    expectExactlyOnce(statementIds(io.stdout), 3);
    expect(io.stderr.text).toMatch(/retrying rds:DescribeDBClusters of said-retries in \d+\.\d s \(Throttling\w*; try 2 of 11, giving up within 92 s\)/);
    expect(io.stderr.text).toMatch(/retrying kinesis:GetRecords on shardId-000000000000 in \d+\.\d s/);
    // Without --verbose and away from a terminal, a run that recovers stays silent.
    lab.gateway.faults.add({ action: 'kinesis:GetRecords', kind: 'server-error', times: 1 });
    const quiet = memoryIO();
    expect(await run(['--cluster', 'said-retries', '--endpoint-url', lab.endpoint, '--no-follow'], quiet)).toBe(0);
    expect(quiet.stderr.text).toBe('');
  });

  it('an iterator that expires while following is renewed after the last record read', async () => {
    const stream = await lab.activityStream({ name: 'expiring' });
    await stream.put(records(stream, 0, 5));
    const stop = new AbortController();
    const io = memoryIO();
    const running = run(['--cluster', 'expiring', '--endpoint-url', lab.endpoint], io, { signal: stop.signal });
    await waitFor(() => io.stdout.lines().length >= 5);
    lab.gateway.faults.add({ action: 'kinesis:GetRecords', kind: 'expired-iterator', times: 2 });
    await waitFor(() => lab.gateway.faults.injected >= 2);
    await stream.put(records(stream, 5, 5));
    await waitFor(() => io.stdout.lines().length >= 10);
    stop.abort('SIGINT');
    expect(await running).toBe(130);
    expectExactlyOnce(statementIds(io.stdout), 10);
  });

  it('a reshard while following: the new shards are found and read after their parents, every event once, each key in order', async () => {
    const stream = await lab.activityStream({ name: 'reshard-live', shards: 2 });
    // Keyed by statement id, so that each key's events can be checked for order.
    const keyFrom = (from: number) => (index: number) => `key-${(from + index) % 8}`;
    const stop = new AbortController();
    const io = memoryIO();
    const running = run(['--cluster', 'reshard-live', '--endpoint-url', lab.endpoint], io, { signal: stop.signal });
    await stream.put(records(stream, 0, 20), keyFrom(0));
    await waitFor(() => io.stdout.lines().length >= 20);
    await splitShard(lab, stream.streamName, 'shardId-000000000000');
    await stream.put(records(stream, 20, 20), keyFrom(20));
    await mergeShards(lab, stream.streamName, 'shardId-000000000003', 'shardId-000000000001');
    await stream.put(records(stream, 40, 20), keyFrom(40));
    await waitFor(() => io.stdout.lines().length >= 60, { timeoutMs: 20_000 });
    stop.abort('SIGTERM');
    expect(await running).toBe(143);
    const ids = statementIds(io.stdout);
    expectExactlyOnce(ids, 60);
    for (let k = 0; k < 8; k++) {
      const ofKey = ids.filter((n) => n % 8 === k);
      expect(ofKey).toEqual([...ofKey].sort((a, b) => a - b));
    }
    const shardsRead = new Set(io.stdout.lines().map((line) => (JSON.parse(line) as { eventId: string }).eventId.split(':')[0]));
    expect(shardsRead).toEqual(
      new Set(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003', 'shardId-000000000004']),
    );
  });
});
