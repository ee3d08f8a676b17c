import type { AwsClients } from '../aws/clients.js';
import { resolveTarget } from '../aws/resolve.js';
import { createDecoder } from '../decode/decoder.js';
import { decodeBatches } from '../decode/decode-stage.js';
import type { DasEvent, DecodedRecord } from '../decode/types.js';
import { readStream } from '../kinesis/stream-reader.js';
import type { ReadOptions } from '../cli/read-options.js';
import type { Diagnostics } from '../output/diagnostics.js';
import { OutputClosedError, OutputWriter } from '../output/writer.js';
import type { Writable } from 'node:stream';

export type EventFormatter = (event: DasEvent, record: DecodedRecord) => string;

export interface ReadDeps {
  clients: AwsClients;
  stdout: Writable;
  format: EventFormatter;
  log: Diagnostics;
  signal: AbortSignal;
}

export interface ReadSummary {
  events: number;
  records: number;
  kmsDecryptCalls: number;
  /** The output pipe closed before the end: a normal end for `| head`. */
  outputClosed: boolean;
}

/** Resolve → read every shard → decode → write: the whole of `das-read --cluster X`. */
export async function readCommand(options: ReadOptions, deps: ReadDeps): Promise<ReadSummary> {
  const { clients, log } = deps;
  const target = await resolveTarget(options.source, clients.rds, deps.signal);
  const of = target.label === target.streamName ? '' : ` (${target.label})`;
  log.info(`reading ${target.streamName}${of}${options.follow ? '' : ' up to its current end'}`);

  const stop = new AbortController();
  const signal = AbortSignal.any([deps.signal, stop.signal]);
  const decoder = createDecoder({ kms: clients.kms, encryptionContext: target.encryptionContext });
  const writer = new OutputWriter(deps.stdout);
  const summary: ReadSummary = { events: 0, records: 0, kmsDecryptCalls: 0, outputClosed: false };
  const batches = decodeBatches(
    readStream({ kinesis: clients.kinesis, streamName: target.streamName, follow: options.follow, signal }),
    decoder,
    { signal },
  );
  try {
    for await (const batch of batches) {
      let chunk = '';
      for (const record of batch.records) {
        summary.records++;
        for (const event of record.events) {
          if (event.type === 'heartbeat' && !options.includeHeartbeats) continue;
          chunk += deps.format(event, record);
          summary.events++;
        }
      }
      await writer.write(chunk);
      // The records before a bad one are out; now stop at it.
      if (batch.error !== undefined) throw batch.error;
    }
    if (!summary.outputClosed) await writer.flush();
  } catch (error) {
    if (!(error instanceof OutputClosedError)) throw error;
    summary.outputClosed = true;
  } finally {
    stop.abort();
    summary.kmsDecryptCalls = decoder.stats.kmsDecryptCalls;
  }
  return summary;
}
