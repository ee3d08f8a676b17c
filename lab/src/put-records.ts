import { randomUUID } from 'node:crypto';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

/** Puts records in order of the array, 500 a call, retrying the entries Kinesis refused. */
export async function putRecords(kinesis: KinesisClient, streamName: string, data: Uint8Array[], partitionKey?: (index: number) => string): Promise<void> {
  for (let start = 0; start < data.length; start += 500) {
    let entries = data.slice(start, start + 500).map((bytes, offset) => ({
      Data: bytes,
      PartitionKey: partitionKey?.(start + offset) ?? randomUUID(),
    }));
    for (let attempt = 0; entries.length > 0; attempt++) {
      if (attempt > 10) throw new Error(`Kinesis kept refusing ${entries.length} records`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** Math.min(attempt, 6)));
      const answer = await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records: entries }));
      const sent = entries;
      entries = (answer.Records ?? []).flatMap((result, index) => (result.ErrorCode && sent[index] ? [sent[index]] : []));
    }
  }
}
