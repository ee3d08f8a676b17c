import type { RawRecord } from '../index.js';
import type { Delivery, LambdaLog } from './delivery.js';
import type { KinesisBatchResponse, KinesisEventRecord, KinesisStreamEvent } from './lambda-events.js';
import type { LinesOf } from './record-lines.js';
import { failureFields, recordBytes } from './record-input.js';

export interface KinesisBatchDeps {
  linesOf: LinesOf;
  delivery: Delivery;
  log: LambdaLog;
}

/**
 * One event source mapping batch (one shard's records, in order): decrypted, filtered, delivered.
 * Lambda retries from the lowest sequence number reported and sends every record after it again:
 * so nothing after the first record that fails is delivered now, and every one of them is
 * reported. A record is never lost, and delivered twice only when its own delivery half failed.
 */
export async function handleKinesisBatch(event: KinesisStreamEvent, deps: KinesisBatchDeps): Promise<KinesisBatchResponse> {
  const records = event.Records;
  const outcomes = await Promise.all(
    records.map((record) =>
      deps.linesOf(rawRecordOf(record), record.eventSourceARN).then(
        (lines) => ({ lines }),
        (error: unknown) => ({ error }),
      ),
    ),
  );
  let cut = outcomes.findIndex((outcome) => 'error' in outcome);
  if (cut === -1) cut = records.length;
  else {
    const failed = records[cut] as KinesisEventRecord;
    deps.log('ERROR', `cannot read record ${failed.kinesis.sequenceNumber} in ${shardOf(failed)}: it and the ${records.length - cut - 1} after it are reported, for Lambda to retry`, {
      ...failureFields((outcomes[cut] as { error: unknown }).error),
      shardId: shardOf(failed),
      sequenceNumber: failed.kinesis.sequenceNumber,
    });
  }
  const lines: string[] = [];
  const owners: number[] = [];
  for (let place = 0; place < cut; place++) {
    for (const line of (outcomes[place] as { lines: string[] }).lines) {
      lines.push(line);
      owners.push(place);
    }
  }
  const delivered = await deps.delivery.deliver(lines);
  const undelivered = delivered.indexOf(false);
  if (undelivered !== -1) cut = Math.min(cut, owners[undelivered] as number);
  return { batchItemFailures: records.slice(cut).map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })) };
}

const shardOf = (record: KinesisEventRecord) => record.eventID.slice(0, record.eventID.lastIndexOf(':')) || 'the shard';

function rawRecordOf(record: KinesisEventRecord): RawRecord {
  const arrival = record.kinesis.approximateArrivalTimestamp;
  return {
    shardId: shardOf(record),
    sequenceNumber: record.kinesis.sequenceNumber,
    data: recordBytes(record.kinesis.data),
    ...(typeof arrival === 'number' ? { arrivalTime: new Date(arrival * 1000) } : {}),
  };
}
