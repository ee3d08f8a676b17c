import { Writable } from 'node:stream';
import type { KMSClient } from '@aws-sdk/client-kms';
import { createDecoder } from '../src/decode/decoder.js';
import { decodeBatches } from '../src/decode/decode-stage.js';
import { BatchWriter } from '../src/write/batch-writer.js';
import { ndjsonFormatter } from '../src/format/ndjson.js';
import { OutputWriter } from '../src/sinks/writer.js';
import { Diagnostics } from '../src/terminal/diagnostics.js';
import { makeChalk } from '../src/terminal/color.js';
import type { ShardBatch } from '../src/kinesis/shard-reader.js';
import type { Workload } from './workload.js';

class NullSink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.bytes += chunk.length;
    done();
  }
}

/** The records as four shards' GetRecords batches would bring them, from memory. */
async function* batchesOf(data: Buffer[], batchSize: number): AsyncGenerator<ShardBatch> {
  for (let start = 0; start < data.length; start += batchSize) {
    const shardId = `shardId-00000000000${(start / batchSize) % 4}`;
    const records = data.slice(start, start + batchSize).map((bytes, i) => ({ shardId, sequenceNumber: String(start + i), data: bytes }));
    yield { shardId, records, millisBehindLatest: 0, shardEnded: false };
  }
}

/** Longer than the worker opener's two seconds of backlog before each further thread. */
const WARM_MS = 5_000;

export interface DecodeRun {
  /** The best of the timed passes. */
  eventsPerSecond: number;
  bytesPerSecond: number;
  kmsDecryptCalls: number;
}

export interface DecodeRounds {
  threads: number;
  /** Timed passes over the whole workload, after one untimed warm-up pass over a tenth of it. */
  rounds?: number;
  /** Runs before each timed pass: the floor, measured between them, sees the machine as they do. */
  before?: () => void;
}

/**
 * das-read's decode path as the CLI runs it: wrapper, data-key cache, Encryption SDK,
 * gunzip, ndjson to a null sink. One decoder for every pass, as one process keeps its
 * threads: the passes after the warm-up see them as a running reader does.
 */
export async function decodePath(kms: KMSClient, resourceId: string, workload: Workload, options: DecodeRounds): Promise<DecodeRun> {
  const decoder = createDecoder({ kms, resourceId, threads: options.threads });
  const pass = async (data: Buffer[]) => {
    const writer = new BatchWriter({
      output: new OutputWriter(new NullSink()),
      format: ndjsonFormatter,
      includeHeartbeats: false,
      onError: 'fail',
      log: new Diagnostics(new NullSink(), makeChalk(0), false),
    });
    const started = performance.now();
    for await (const batch of decodeBatches(batchesOf(data, 1000), decoder)) await writer.write(batch);
    return { events: writer.events, seconds: (performance.now() - started) / 1000 };
  };
  try {
    // Warm until a backlog's threads have all started: the CLI starts another only once those
    // running have been busy through two seconds (worker-opener.ts), and they run dry between
    // passes. So the warm-up is one pass long enough: the workload repeated as often as a
    // first short pass's pace says it takes.
    const tenth = workload.data.slice(0, Math.max(100, Math.round(workload.data.length / 10)));
    const first = await pass(tenth);
    const repeats = Math.ceil(WARM_MS / 1000 / (first.seconds * (workload.data.length / tenth.length)));
    await pass(Array.from({ length: repeats }, () => workload.data).flat());
    let best = { events: 0, seconds: Infinity };
    for (let round = 0; round < (options.rounds ?? 1); round++) {
      options.before?.();
      const run = await pass(workload.data);
      if (run.seconds < best.seconds) best = run;
    }
    return { eventsPerSecond: best.events / best.seconds, bytesPerSecond: workload.bytes / best.seconds, kmsDecryptCalls: decoder.stats.kmsDecryptCalls };
  } finally {
    await decoder.close();
  }
}
