import { PutRecordBatchCommand, type FirehoseClient } from '@aws-sdk/client-firehose';
import type { Delivery, LambdaLog } from './delivery.js';

/** Firehose's own limits (PutRecordBatch): records and bytes a call, bytes a record. */
export const FIREHOSE_LIMITS = { records: 500, callBytes: 4 * 1024 * 1024, recordBytes: 1000 * 1024 } as const;

export interface FirehoseDeliveryOptions {
  /** Calls, the first included, before a record Firehose keeps refusing counts as not delivered. */
  attempts?: number;
  /** Before the second call; doubled for each after it. */
  delayMs?: number;
}

/**
 * One Firehose record per event, so that OpenSearch and Splunk see one document each (S3 gets
 * NDJSON). Firehose may take a call and refuse some of its records (throttling, an internal
 * error): those, and only those, are sent again, a few times, with a growing pause.
 */
export function firehoseDelivery(client: FirehoseClient, deliveryStream: string, log: LambdaLog, options: FirehoseDeliveryOptions = {}): Delivery {
  const attempts = options.attempts ?? 4;
  const delayMs = options.delayMs ?? 100;
  return {
    lineLimit: { bytes: FIREHOSE_LIMITS.recordBytes, name: 'a Firehose record' },
    async deliver(lines) {
      const delivered = lines.map(() => false);
      const data = lines.map((line) => Buffer.from(line, 'utf8'));
      let pending = data.flatMap((bytes, index) => {
        if (bytes.length <= FIREHOSE_LIMITS.recordBytes) return [index];
        log(
          'ERROR',
          `an event of ${bytes.length} bytes is larger than a Firehose record (${FIREHOSE_LIMITS.recordBytes} bytes): its record is reported as failed`,
        );
        return [];
      });
      let lastError = '';
      for (let attempt = 1; attempt <= attempts && pending.length > 0; attempt++) {
        if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** (attempt - 2)));
        const refused: number[] = [];
        for (const call of calls(pending, data)) {
          try {
            const answer = await client.send(
              new PutRecordBatchCommand({ DeliveryStreamName: deliveryStream, Records: call.map((index) => ({ Data: data[index] })) }),
            );
            const responses = answer.RequestResponses ?? [];
            call.forEach((index, place) => {
              const response = responses[place];
              if (response && !response.ErrorCode && response.RecordId) delivered[index] = true;
              else {
                refused.push(index);
                lastError = `${response?.ErrorCode ?? 'no answer'}: ${response?.ErrorMessage ?? 'Firehose did not answer for the record'}`;
              }
            });
          } catch (error) {
            refused.push(...call);
            lastError = `${(error as Error).name}: ${(error as Error).message}`;
          }
        }
        pending = refused;
      }
      if (pending.length > 0)
        log(
          'ERROR',
          `Firehose ${deliveryStream} did not take ${pending.length} of ${lines.length} events after ${attempts} attempts (last: ${lastError}): their records are reported as failed`,
        );
      return delivered;
    },
  };
}

/** The records as calls within Firehose's limits, in order. */
function calls(indexes: readonly number[], data: readonly Buffer[]): number[][] {
  const all: number[][] = [];
  let call: number[] = [];
  let bytes = 0;
  for (const index of indexes) {
    const size = (data[index] as Buffer).length;
    if (call.length === FIREHOSE_LIMITS.records || (call.length > 0 && bytes + size > FIREHOSE_LIMITS.callBytes)) {
      all.push(call);
      call = [];
      bytes = 0;
    }
    call.push(index);
    bytes += size;
  }
  if (call.length > 0) all.push(call);
  return all;
}
