import type { RawRecord } from '../index.js';
import type { LambdaLog } from './delivery.js';
import type { FirehoseResult, FirehoseTransformEvent, FirehoseTransformRecord, FirehoseTransformResponse } from './lambda-events.js';
import type { LinesOf } from './record-lines.js';
import { failureFields, recordBytes } from './record-input.js';

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
 * read: Firehose then writes it, as it came, to the error output, where `das-read decode` reads it.
 * Events stay as decrypted, their own times included.
 */
export async function handleFirehoseTransform(event: FirehoseTransformEvent, deps: FirehoseTransformDeps): Promise<FirehoseTransformResponse> {
  const limit = deps.responseLimitBytes ?? RESPONSE_LIMIT_BYTES;
  const outcomes = await Promise.all(
    event.records.map((record) =>
      deps.linesOf(rawRecordOf(record), event.sourceKinesisStreamArn).then(
        (lines) => ({ lines }),
        (error: unknown) => ({ error }),
      ),
    ),
  );
  // Every record first as it came (what Dropped and ProcessingFailed return): that fits, since the
  // request did. Then each Ok in turn, while the response stays within the limit.
  const entries: Entry[] = event.records.map((record, place) => ({
    recordId: record.recordId,
    result: 'error' in (outcomes[place] as object) ? 'ProcessingFailed' : 'Dropped',
    data: record.data,
  }));
  // Counted as if each said ProcessingFailed, the longest result: whatever each ends as, it fits.
  let size = JSON.stringify({ records: entries.map((entry) => ({ ...entry, result: 'ProcessingFailed' })) }).length;
  let overflow = 0;
  for (const [place, outcome] of outcomes.entries()) {
    const record = event.records[place] as FirehoseTransformRecord;
    const entry = entries[place] as Entry;
    if ('error' in outcome) {
      deps.log('ERROR', `cannot read Firehose record ${record.recordId}: returned as ProcessingFailed, to the delivery stream's error output`, { ...failureFields(outcome.error), recordId: record.recordId });
      continue;
    }
    if (outcome.lines.length === 0) continue;
    const data = Buffer.from(outcome.lines.join(''), 'utf8').toString('base64');
    const grown = size + data.length - entry.data.length + 'Ok'.length - 'ProcessingFailed'.length;
    if (grown > limit) {
      entry.result = 'ProcessingFailed';
      overflow++;
      continue;
    }
    Object.assign(entry, { result: 'Ok' satisfies FirehoseResult, data });
    size = grown;
  }
  if (overflow > 0) {
    deps.log('WARN', `${overflow} records' events did not fit in Lambda's ${limit}-byte response: returned as ProcessingFailed, to the error output; a smaller processor buffer (BufferSizeInMBs) avoids it`);
  }
  return { records: entries };
}

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
