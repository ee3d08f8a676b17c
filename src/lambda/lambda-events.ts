/** The events Lambda hands the function, as AWS documents them: only the fields das-read reads. */

/** The event source mapping's batch: records of one shard, in order. */
export interface KinesisStreamEvent extends Partial<TumblingWindow> {
  Records: KinesisEventRecord[];
}

/**
 * What a mapping with TumblingWindowInSeconds adds to each batch: the window, and the state the
 * function returned from its last invocation in that window on that shard ({} at its start).
 */
export interface TumblingWindow {
  window: { start: string; end: string };
  state: Record<string, unknown>;
  shardId: string;
  eventSourceARN: string;
  /** The window's last invocation, often with no records: its state is dropped after it. */
  isFinalInvokeForWindow: boolean;
  /** The state passed 1 MB: Lambda ended the window early, and the next invocation starts afresh. */
  isWindowTerminatedEarly: boolean;
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
  /** With a tumbling window: the state handed to the window's next invocation on the shard (a missing one fails the invocation). */
  state?: Record<string, unknown>;
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

/** A batch of a mapping with a tumbling window: its window's end may come with no records at all. */
export function isWindowed(event: KinesisStreamEvent): event is KinesisStreamEvent & TumblingWindow {
  return typeof event.window === 'object' && event.window !== null && typeof event.shardId === 'string';
}

export function isFirehoseTransformEvent(event: unknown): event is FirehoseTransformEvent {
  const value = event as { records?: unknown; deliveryStreamArn?: unknown } | null;
  return Array.isArray(value?.records) && typeof value.deliveryStreamArn === 'string';
}
