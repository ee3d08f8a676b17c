import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import type { Lab } from '../../lab/src/lab.js';
import type { FirehoseTransformEvent, KinesisStreamEvent } from '../../src/lambda/lambda-events.js';

/**
 * What Lambda's event source mapping hands the function for the stream's records, built as it builds
 * it: each record read back from the stream, its data base64, its shard in eventID.
 */
export async function kinesisEventOf(lab: Lab, streamName: string): Promise<KinesisStreamEvent> {
  const { kinesis } = lab.clients;
  const shards = (await kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
  const Records: KinesisStreamEvent['Records'] = [];
  for (const shard of shards) {
    let iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' })))
      .ShardIterator;
    while (iterator) {
      const answer = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const record of answer.Records ?? []) {
        Records.push({
          eventSource: 'aws:kinesis',
          eventID: `${shard.ShardId}:${record.SequenceNumber}`,
          eventSourceARN: `arn:aws:kinesis:${lab.region}:000000000000:stream/${streamName}`,
          kinesis: {
            sequenceNumber: record.SequenceNumber ?? '',
            data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
            approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000,
            partitionKey: record.PartitionKey ?? '',
          },
        });
      }
      if ((answer.Records ?? []).length === 0) break;
      iterator = answer.NextShardIterator;
    }
  }
  return { Records };
}

/** The same records as Firehose's transform invocation carries them, read from the stream. */
export function firehoseEventOf(event: KinesisStreamEvent, streamArn = event.Records[0]?.eventSourceARN): FirehoseTransformEvent {
  return {
    invocationId: 'invocation-1',
    deliveryStreamArn: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/das-audit',
    ...(streamArn ? { sourceKinesisStreamArn: streamArn } : {}),
    region: 'us-east-1',
    records: event.Records.map((record, place) => ({
      recordId: `record-${place}`,
      data: record.kinesis.data,
      approximateArrivalTimestamp: Math.round((record.kinesis.approximateArrivalTimestamp ?? 0) * 1000),
      kinesisRecordMetadata: {
        shardId: record.eventID.split(':')[0] ?? '',
        sequenceNumber: record.kinesis.sequenceNumber,
        subsequenceNumber: 0,
        approximateArrivalTimestamp: 0,
      },
    })),
  };
}

/** A record's base64 data with one byte of its Encryption SDK message flipped: tampered ciphertext. */
export function tampered(base64: string): string {
  const wrapper = JSON.parse(Buffer.from(base64, 'base64').toString('utf8')) as { databaseActivityEvents: string };
  const message = Buffer.from(wrapper.databaseActivityEvents, 'base64');
  message[message.length - 40] = (message[message.length - 40] as number) ^ 0x01;
  return Buffer.from(JSON.stringify({ ...wrapper, databaseActivityEvents: message.toString('base64') })).toString('base64');
}
