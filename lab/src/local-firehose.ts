import { randomUUID } from 'node:crypto';
import { answerJson, ServiceError, type ServiceReply } from './service-error.js';

/** Firehose's documented limits on PutRecordBatch, enforced as Firehose does. */
const MAX_RECORDS = 500;
const MAX_CALL_BYTES = 4 * 1024 * 1024;
const MAX_RECORD_BYTES = 1000 * 1024;

export interface DeliveryStream {
  name: string;
  arn: string;
  /** Each record's data, in the order Firehose took it. */
  records: Buffer[];
}

/**
 * Amazon Data Firehose's Direct PUT, over its JSON 1.1 protocol (X-Amz-Target:
 * Firehose_20150804.<Operation>): enough for the real SDK client to deliver to it, and to be told
 * that some records of a batch were not taken, as Firehose says it under load.
 */
export class LocalFirehose {
  readonly #streams = new Map<string, DeliveryStream>();
  /** PutRecordBatch calls answered, and how many records each carried. */
  readonly calls: number[] = [];
  /** Decides, for each record of a call, whether it is refused (ServiceUnavailableException). */
  refuse: (data: Buffer, place: number) => boolean = () => false;

  constructor(private readonly options: { region: string; accountId: string }) {}

  createDeliveryStream(name: string): DeliveryStream {
    if (this.#streams.has(name)) throw new ServiceError('ResourceInUseException', `Firehose ${name} under account ${this.options.accountId} already exists.`);
    const stream = { name, arn: `arn:aws:firehose:${this.options.region}:${this.options.accountId}:deliverystream/${name}`, records: [] };
    this.#streams.set(name, stream);
    return stream;
  }

  stream(name: string): DeliveryStream {
    const stream = this.#streams.get(name);
    if (!stream) throw new ServiceError('ResourceNotFoundException', `Firehose ${name} under account ${this.options.accountId} not found.`);
    return stream;
  }

  handle(operation: string, body: Buffer): ServiceReply {
    return answerJson(body, (input) => this.#dispatch(operation, input));
  }

  #dispatch(operation: string, input: Record<string, unknown>): unknown {
    switch (operation) {
      case 'CreateDeliveryStream':
        return { DeliveryStreamARN: this.createDeliveryStream(String(input.DeliveryStreamName ?? '')).arn };
      case 'DescribeDeliveryStream': {
        const stream = this.stream(String(input.DeliveryStreamName ?? ''));
        return {
          DeliveryStreamDescription: {
            DeliveryStreamName: stream.name,
            DeliveryStreamARN: stream.arn,
            DeliveryStreamStatus: 'ACTIVE',
            DeliveryStreamType: 'DirectPut',
            Destinations: [],
            HasMoreDestinations: false,
            VersionId: '1',
          },
        };
      }
      case 'PutRecord': {
        const stream = this.stream(String(input.DeliveryStreamName ?? ''));
        stream.records.push(dataOf(input.Record));
        return { RecordId: randomUUID(), Encrypted: false };
      }
      case 'PutRecordBatch':
        return this.#putRecordBatch(input);
      default:
        throw new ServiceError('UnknownOperationException', `The lab's Firehose does not serve ${operation}`);
    }
  }

  #putRecordBatch(input: Record<string, unknown>): unknown {
    const stream = this.stream(String(input.DeliveryStreamName ?? ''));
    const records = Array.isArray(input.Records) ? input.Records : [];
    if (records.length < 1 || records.length > MAX_RECORDS) {
      throw new ServiceError(
        'ValidationException',
        `1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to ${MAX_RECORDS} and greater than or equal to 1`,
      );
    }
    const data = records.map(dataOf);
    const total = data.reduce((sum, bytes) => sum + bytes.length, 0);
    if (total > MAX_CALL_BYTES) throw new ServiceError('InvalidArgumentException', `Records size exceeds ${MAX_CALL_BYTES} bytes limit`);
    this.calls.push(records.length);
    let failed = 0;
    const responses = data.map((bytes, place) => {
      if (this.refuse(bytes, place)) {
        failed++;
        return { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' };
      }
      stream.records.push(bytes);
      return { RecordId: randomUUID() };
    });
    return { FailedPutCount: failed, Encrypted: false, RequestResponses: responses };
  }
}

function dataOf(record: unknown): Buffer {
  const text = (record as { Data?: unknown } | null)?.Data;
  if (typeof text !== 'string') throw new ServiceError('ValidationException', 'Record.Data is required');
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length > MAX_RECORD_BYTES) throw new ServiceError('InvalidArgumentException', `Record size exceeds ${MAX_RECORD_BYTES} bytes limit`);
  return bytes;
}
