import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis';
import type { DasRecordProducer } from '../lab/src/producer.js';
import { activityRecord, postgresEvent } from '../lab/src/synthetic-events.js';

const BIN = fileURLToPath(new URL('../bin/das-read', import.meta.url));

export function dasReadEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: endpoint,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

export interface DrainOptions {
  /** Stop each shard once this many of its records are read. */
  recordsPerShard?: number;
  /** Given each batch as it comes; the shard's next call waits for it. */
  onBatch?: (records: KinesisRecord[]) => Promise<void>;
}

/**
 * The server's own pace: every shard drained with GetRecords alone, back to back, no
 * decoding. The bench's SDK-only reader fetches through it too, opening each batch in `onBatch`.
 */
export async function rawDrain(kinesis: KinesisClient, streamName: string, options: DrainOptions = {}): Promise<{ records: number; seconds: number }> {
  const { recordsPerShard = Infinity, onBatch } = options;
  const started = performance.now();
  const limit = 1000;
  const shards = (await kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
  const counts = await Promise.all(
    shards.map(async (shard) => {
      let count = 0;
      let iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' })))
        .ShardIterator;
      while (iterator && count < recordsPerShard) {
        const answer = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
        const records = answer.Records ?? [];
        count += records.length;
        await onBatch?.(records);
        if (records.length < limit && answer.MillisBehindLatest === 0) break;
        iterator = answer.NextShardIterator;
      }
      return count;
    }),
  );
  return { records: counts.reduce((a, b) => a + b, 0), seconds: (performance.now() - started) / 1000 };
}

/** `das-read --no-follow -o ndjson > /dev/null`, as a user runs it, start-up included. */
export async function dasReadDrain(endpoint: string, cluster: string, extraArgs: readonly string[] = []): Promise<{ seconds: number; code: number | null }> {
  const devNull = openSync('/dev/null', 'w');
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, '--cluster', cluster, '--no-follow', '-o', 'ndjson', ...extraArgs], {
    env: dasReadEnv(endpoint),
    stdio: ['ignore', devNull, 'inherit'],
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  closeSync(devNull);
  return { seconds: (performance.now() - started) / 1000, code };
}

/** Time from PutRecord to the event on das-read's stdout, for records put at a steady rate while it follows. */
export async function followLatency(
  endpoint: string,
  cluster: string,
  kinesis: KinesisClient,
  streamName: string,
  producer: DasRecordProducer,
  resourceId: string,
  options: { records: number; perSecond: number },
): Promise<number[]> {
  const child = spawn(process.execPath, [BIN, '--cluster', cluster, '--from', 'latest', '-o', 'ndjson'], {
    env: dasReadEnv(endpoint),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const putAt = new Map<number, number>();
  const latencies: number[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const now = performance.now();
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const id = (JSON.parse(line) as { statementId: number }).statementId;
      const sent = putAt.get(id);
      if (sent !== undefined) latencies.push(now - sent);
    }
  });
  // Let it list the shards and take its iterators at the tip before the first record.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const base = 9_000_000;
  for (let i = 0; i < options.records; i++) {
    const data = await producer.encode(activityRecord(resourceId, 'db-BENCH', [postgresEvent(base + i)]));
    putAt.set(base + i, performance.now());
    await kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: `k${i}`, Data: data }));
    await new Promise((resolve) => setTimeout(resolve, 1000 / options.perSecond));
  }
  const deadline = performance.now() + 5_000;
  while (latencies.length < options.records && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  child.kill('SIGINT');
  await new Promise((resolve) => child.on('exit', resolve));
  return latencies;
}

/**
 * RSS of das-read draining the stream into a consumer that reads only `bytesPerSecond`:
 * its peak, its samples, and how far it grew from the first tenth of the output to the last.
 */
export async function rssIntoSlowConsumer(
  endpoint: string,
  cluster: string,
  bytesPerSecond: number,
): Promise<{ peakMb: number; samplesMb: number[]; growth: number; seconds: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, '--cluster', cluster, '--no-follow', '-o', 'ndjson'], {
    env: dasReadEnv(endpoint),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const samples: Array<{ mb: number; consumed: number }> = [];
  let peak = 0;
  let consumed = 0;
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
      samples.push({ mb: rss, consumed });
    } catch {
      // It has exited.
    }
  }, 200);
  // Read a slice, then pause: the pipe fills and das-read has to wait.
  let budget = 0;
  const refill = setInterval(() => {
    budget = bytesPerSecond / 10;
    child.stdout.resume();
  }, 100);
  child.stdout.on('data', (chunk: Buffer) => {
    consumed += chunk.length;
    budget -= chunk.length;
    if (budget <= 0) child.stdout.pause();
  });
  await new Promise((resolve) => child.on('exit', resolve));
  clearInterval(sampler);
  clearInterval(refill);
  // The backlog at one tenth is "1x"; at its end, ten times that has gone through.
  const live = samples.filter((sample) => sample.mb > 0);
  const atFirstTenth = live.find((sample) => sample.consumed >= consumed / 10)?.mb ?? NaN;
  // The last sample at least, should the last tenth pass between two samples.
  const lastTenth = live.filter((sample, index) => sample.consumed >= (consumed * 9) / 10 || index === live.length - 1).map((sample) => sample.mb);
  const growth = Math.max(...lastTenth) / atFirstTenth;
  return { peakMb: peak, samplesMb: live.map((sample) => sample.mb), growth, seconds: (performance.now() - started) / 1000 };
}
