import { prepareRedaction } from '../../events/redact.js';
import type { Readable, Writable } from 'node:stream';
import type { KMSClient } from '@aws-sdk/client-kms';
import { createDecoder, type Decoder } from '../../decode/decoder.js';
import { decodeBatches } from '../../decode/decode-stage.js';
import type { RawRecord } from '../../decode/types.js';
import type { ShardBatch } from '../../kinesis/shard-reader.js';
import { RecordError } from '../../errors.js';
import { archiveRecords } from '../../saved/archive-records.js';
import { contentOf } from '../../saved/saved-lines.js';
import { compileFilter, type EventFilterSpec } from '../../events/filter.js';
import type { Diagnostics } from '../../terminal/diagnostics.js';
import type { EventFormatter } from '../../format/event-formatter.js';
import { OutputClosedError, OutputWriter } from '../../sinks/writer.js';
import { DeadLetterFile } from '../../sinks/dead-letter.js';
import { explainSystemError } from '../../system-errors.js';
import { openSaved, type SavedInput } from '../../saved/saved-input.js';
import { BatchWriter } from '../../write/batch-writer.js';
import type { OnError } from '../../write/batch-render.js';

export interface DecodeOptions {
  /** `cluster-…` or `db-…`: whose data keys the records name. */
  resourceId: string;
  includeHeartbeats: boolean;
  filter: EventFilterSpec;
  maxEvents?: number;
  onError: OnError;
  deadLetter?: string;
  threads: number;
  maxRecordBytes: number;
  /** The formatter redacts; its lexers are loaded first. */
  redact?: boolean;
}

/** An archive: a file by name, or standard input. */
export type ArchiveInput = SavedInput;

export interface DecodeDeps {
  kms: KMSClient;
  stdout: Writable;
  format: EventFormatter;
  log: Diagnostics;
  signal: AbortSignal;
}

export interface DecodeSummary {
  events: number;
  records: number;
  skipped: number;
  /** Inputs that could not be opened at all. */
  missing: number;
  kmsDecryptCalls: number;
}

/**
 * A JSON object of an archive is at most this long: a Kinesis record (10 MiB at most) kept as a
 * dead letter is that much again in base64.
 */
const MAX_ARCHIVED_OBJECT_BYTES = 16 * 1024 * 1024;

/** Records an archive holds are decoded this many at a time, as a shard's batch would be. */
const BATCH_RECORDS = 250;

/**
 * Activity-stream records kept outside Kinesis (Firehose's raw delivery to S3, dead letters),
 * decrypted and written with the live reader's forms, filters, redaction, data-key cache and
 * --on-error policy. A record that cannot be read is named by its file and byte.
 */
export async function decodeCommand(inputs: readonly ArchiveInput[], options: DecodeOptions, deps: DecodeDeps): Promise<DecodeSummary> {
  const { log, signal } = deps;
  const summary: DecodeSummary = { events: 0, records: 0, skipped: 0, missing: 0, kmsDecryptCalls: 0 };
  if (options.redact) await prepareRedaction();
  const deadLetter = options.deadLetter ? await DeadLetterFile.open(options.deadLetter) : undefined;
  const decoder = createDecoder({ kms: deps.kms, resourceId: options.resourceId, threads: options.threads, maxRecordBytes: options.maxRecordBytes });
  // Bytes that are no record at all go the way of a record that cannot be read: the same policy, the same report.
  const problems = new WeakMap<RawRecord, string>();
  const checked: Decoder = {
    stats: decoder.stats,
    close: () => decoder.close(),
    decode(record, abort) {
      const problem = problems.get(record);
      if (problem === undefined) return decoder.decode(record, abort);
      return Promise.reject(
        new RecordError({ shardId: record.shardId, sequenceNumber: record.sequenceNumber, ...(record.place ? { place: record.place } : {}) }, problem),
      );
    },
  };

  async function* batches(): AsyncGenerator<ShardBatch> {
    for (const input of inputs) {
      if (signal.aborted) return;
      let source: Readable;
      try {
        source = await openSaved(input, signal);
      } catch (error) {
        if (signal.aborted) return;
        summary.missing++;
        log.error(explainSystemError(error, `read ${input.name}`) ?? error);
        continue;
      }
      try {
        const { content, gzipped } = await contentOf(source);
        let records: RawRecord[] = [];
        for await (const item of archiveRecords(content, { name: input.name, gzipped, maxRecordBytes: MAX_ARCHIVED_OBJECT_BYTES })) {
          // Stopped by a signal: the input was closed under the cutter, and what it cut short is no damage of the archive.
          if (item.problem !== undefined && signal.aborted) break;
          if (item.problem !== undefined) problems.set(item.record, item.problem);
          records.push(item.record);
          if (records.length >= BATCH_RECORDS) {
            yield { shardId: input.name, records, shardEnded: false, millisBehindLatest: undefined };
            records = [];
            if (signal.aborted) return;
          }
        }
        if (records.length > 0) yield { shardId: input.name, records, shardEnded: true, millisBehindLatest: undefined };
      } catch (error) {
        // Stopped by a signal: the input was closed under the reader, which is no fault of the archive.
        if (signal.aborted) return;
        throw error;
      } finally {
        source.destroy();
      }
    }
  }

  const output = new OutputWriter(deps.stdout);
  const filter = compileFilter(options.filter);
  const writer = new BatchWriter({
    output,
    format: deps.format,
    includeHeartbeats: options.includeHeartbeats,
    ...(filter ? { filter } : {}),
    maxEvents: options.maxEvents,
    onError: options.onError,
    deadLetter,
    log,
    fromFiles: true,
  });
  try {
    for await (const batch of decodeBatches(batches(), checked)) {
      if (!(await writer.write(batch))) break;
    }
    await output.flush();
  } catch (error) {
    // The reader left (`| head`): a normal end.
    if (!(error instanceof OutputClosedError)) throw error;
  } finally {
    await decoder.close();
    await deadLetter?.close();
    Object.assign(summary, { events: writer.events, records: writer.records, skipped: writer.skipped, kmsDecryptCalls: decoder.stats.kmsDecryptCalls });
    if (writer.skipped > 0)
      log.warn(`skipped ${writer.skipped} unreadable record${writer.skipped === 1 ? '' : 's'}${deadLetter ? `; kept in ${deadLetter.path}` : ''}`);
  }
  return summary;
}
