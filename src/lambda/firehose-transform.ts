import type { RawRecord } from '../index.js';
import type { LambdaLog } from './delivery.js';
import type { FirehoseResult, FirehoseTransformEvent, FirehoseTransformRecord, FirehoseTransformResponse } from './lambda-events.js';
import type { LinesOf } from './record-lines.js';
import { failureFields, inflatedAtMost, recordBytes } from './record-input.js';
import { inOrder, WINDOW } from './record-window.js';

/** Lambda's limit on a synchronous invocation's response, which Firehose's transform is. */
export const RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

export interface FirehoseTransformDeps {
  linesOf: LinesOf;
  log: LambdaLog;
  /** Below Lambda's own limit; a test's is smaller. */
  responseLimitBytes?: number;
}

type Entry = FirehoseTransformResponse['records'][number];

/**
 * Firehose's data transformation: each input record comes back once, in order. `Ok` with its
 * events as NDJSON, `Dropped` when it kept none (a heartbeat), `ProcessingFailed` when it cannot be
 * read, or its events do not fit in the response: Firehose then writes it, as it came, to the error
 * output, where `das-read decode` reads it. Events stay as decrypted, their own times included.
 * Records are decoded a few at a time, and each one's events kept only as the response's data, so
 * that memory is the response's and a few records', whatever the batch; whatever throws, every
 * record is answered (ProcessingFailed when nothing better is known).
 */
export async function handleFirehoseTransform(event: FirehoseTransformEvent, deps: FirehoseTransformDeps): Promise<FirehoseTransformResponse> {
  const limit = deps.responseLimitBytes ?? RESPONSE_LIMIT_BYTES;
  const records = event.records;
  // Every record first as it came (what Dropped and ProcessingFailed return): that fits, since the
  // request did. Then each Ok in turn, while the response stays within the limit.
  const entries: Entry[] = records.map((record) => ({ recordId: record.recordId, result: 'ProcessingFailed', data: record.data }));
  // Counted as if each said ProcessingFailed, the longest result: whatever each ends as, it fits.
  let size = JSON.stringify({ records: entries }).length;
  const overflow: string[] = [];
  let place = 0;
  try {
    const outcomes = inOrder(records, (record) => deps.linesOf(rawRecordOf(record), event.sourceKinesisStreamArn), {
      ...WINDOW,
      cost: (record) => inflatedAtMost(record.data),
    });
    for await (const outcome of outcomes) {
      const record = records[place] as FirehoseTransformRecord;
      const entry = entries[place] as Entry;
      place++;
      if ('error' in outcome) {
        deps.log(
          'ERROR',
          `cannot read Firehose record ${record.recordId} (${place} of ${records.length}): returned as ProcessingFailed, to the delivery stream's error output`,
          { ...failureFields(outcome.error), ...placeOf(record) },
        );
        continue;
      }
      const lines = outcome.value;
      if (lines.length === 0) {
        entry.result = 'Dropped';
        continue;
      }
      // Measured before it is made: a record's events too large for any response are never encoded.
      const bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line, 'utf8'), 0);
      const grown = size + 4 * Math.ceil(bytes / 3) - (typeof entry.data === 'string' ? entry.data.length : 0) + 'Ok'.length - 'ProcessingFailed'.length;
      if (grown > limit) {
        overflow.push(record.recordId);
        continue;
      }
      Object.assign(entry, { result: 'Ok' satisfies FirehoseResult, data: Buffer.from(lines.join(''), 'utf8').toString('base64') });
      size = grown;
    }
  } catch (error) {
    deps.log(
      'ERROR',
      `unexpected error at Firehose record ${place + 1} of ${records.length}: it and those after it are returned as ProcessingFailed, to the error output`,
      failureFields(error),
    );
  }
  if (overflow.length > 0) {
    deps.log(
      'WARN',
      `${overflow.length} records' events did not fit in Lambda's ${limit}-byte response: returned as ProcessingFailed, to the error output; a smaller processor buffer (BufferSizeInMBs) avoids it`,
      { recordIds: overflow },
    );
  }
  return { records: entries };
}

const placeOf = (record: FirehoseTransformRecord) => ({
  recordId: record.recordId,
  ...(record.kinesisRecordMetadata?.shardId ? { shardId: record.kinesisRecordMetadata.shardId } : {}),
  ...(record.kinesisRecordMetadata?.sequenceNumber ? { sequenceNumber: record.kinesisRecordMetadata.sequenceNumber } : {}),
});

function rawRecordOf(record: FirehoseTransformRecord): RawRecord {
  const metadata = record.kinesisRecordMetadata;
  const arrival = record.approximateArrivalTimestamp ?? metadata?.approximateArrivalTimestamp;
  // From a Kinesis stream, a record keeps its shard and sequence number, and so its events' ids.
  return {
    shardId: metadata?.shardId ?? 'firehose',
    sequenceNumber: metadata?.sequenceNumber ?? record.recordId,
    data: recordBytes(record.data),
    ...(typeof arrival === 'number' ? { arrivalTime: new Date(arrival) } : {}),
  };
}
