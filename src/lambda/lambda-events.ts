/** The events Lambda hands the function, as AWS documents them: only the fields das-read reads. */

/** The event source mapping's batch: records of one shard, in order. */
export interface KinesisStreamEvent {
  Records: KinesisEventRecord[];
}

export interface KinesisEventRecord {
  eventSource: 'aws:kinesis';
  /** `shardId-000000000000:<sequence number>` */
  eventID: string;
  /** `arn:aws:kinesis:<region>:<account>:stream/<name>` */
  eventSourceARN: string;
  kinesis: {
    sequenceNumber: string;
    /** base64 */
    data: string;
    /** Seconds since the epoch, with a fraction. */
    approximateArrivalTimestamp?: number;
    partitionKey?: string;
  };
}

/** The partial batch response: Lambda retries from the lowest sequence number named. */
export interface KinesisBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** Amazon Data Firehose's data-transformation invocation. */
export interface FirehoseTransformEvent {
  invocationId: string;
  deliveryStreamArn: string;
  /** Present when the delivery stream reads a Kinesis stream. */
  sourceKinesisStreamArn?: string;
  region?: string;
  records: FirehoseTransformRecord[];
}

export interface FirehoseTransformRecord {
  recordId: string;
  /** base64 */
  data: string;
  /** Milliseconds since the epoch. */
  approximateArrivalTimestamp?: number;
  kinesisRecordMetadata?: { shardId?: string; sequenceNumber?: string; subsequenceNumber?: number; approximateArrivalTimestamp?: number };
}

export type FirehoseResult = 'Ok' | 'Dropped' | 'ProcessingFailed';

export interface FirehoseTransformResponse {
  records: Array<{ recordId: string; result: FirehoseResult; data: string }>;
}

/** What das-read uses of Lambda's context object. */
export interface LambdaContext {
  getRemainingTimeInMillis?(): number;
  awsRequestId?: string;
}

export function isKinesisEvent(event: unknown): event is KinesisStreamEvent {
  const records = (event as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) && records.every((record) => (record as { eventSource?: unknown } | null)?.eventSource === 'aws:kinesis');
}

export function isFirehoseTransformEvent(event: unknown): event is FirehoseTransformEvent {
  const value = event as { records?: unknown; deliveryStreamArn?: unknown } | null;
  return Array.isArray(value?.records) && typeof value.deliveryStreamArn === 'string';
}
