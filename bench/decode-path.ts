import { Writable } from 'node:stream';
import type { KMSClient } from '@aws-sdk/client-kms';
import { createDecoder } from '../src/decode/decoder.js';
import { decodeBatches } from '../src/decode/decode-stage.js';
import { BatchWriter } from '../src/commands/batch-writer.js';
import { formatNdjson } from '../src/output/ndjson.js';
import { OutputWriter } from '../src/output/writer.js';
import { Diagnostics } from '../src/output/diagnostics.js';
import { makeChalk } from '../src/output/color.js';
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
async function* batchesOf(workload: Workload, batchSize: number): AsyncGenerator<ShardBatch> {
  for (let start = 0; start < workload.data.length; start += batchSize) {
    const shardId = `shardId-00000000000${(start / batchSize) % 4}`;
    const records = workload.data.slice(start, start + batchSize).map((data, i) => ({ shardId, sequenceNumber: String(start + i), data }));
    yield { shardId, records, millisBehindLatest: 0, shardEnded: false };
  }
}

export interface DecodeRun {
  eventsPerSecond: number;
  bytesPerSecond: number;
  kmsDecryptCalls: number;
}

/** das-read's decode path as the CLI runs it: wrapper, data-key cache, Encryption SDK, gunzip, ndjson to a null sink. */
export async function decodePath(kms: KMSClient, resourceId: string, workload: Workload, threads: number): Promise<DecodeRun> {
  const decoder = createDecoder({ kms, encryptionContext: { 'aws:rds:dbc-id': resourceId }, threads });
  const sink = new NullSink();
  const writer = new BatchWriter({
    output: new OutputWriter(sink),
    format: formatNdjson,
    includeHeartbeats: false,
    onError: 'fail',
    log: new Diagnostics(new NullSink(), makeChalk(0), false),
    now: () => new Date(),
  });
  const started = performance.now();
  for await (const batch of decodeBatches(batchesOf(workload, 1000), decoder)) await writer.write(batch);
  const seconds = (performance.now() - started) / 1000;
  await decoder.close();
  return { eventsPerSecond: writer.events / seconds, bytesPerSecond: workload.bytes / seconds, kmsDecryptCalls: decoder.stats.kmsDecryptCalls };
}
