import { FirehoseClient } from '@aws-sdk/client-firehose';
import { S3Client } from '@aws-sdk/client-s3';
import { securityLakeDelivery } from './security-lake-delivery.js';
import type { KMSClient } from '@aws-sdk/client-kms';
import { createAwsClients, createDecoder, UserError, type Decoder } from '../index.js';
import { jsonLog, stdoutDelivery, type Delivery, type LambdaLog, type LineSink } from './delivery.js';
import { firehoseDelivery, type FirehoseDeliveryOptions } from './firehose-delivery.js';
import { handleFirehoseTransform } from './firehose-transform.js';
import { handleKinesisBatch } from './kinesis-batch.js';
import { lambdaConfig, type LambdaConfig } from './lambda-config.js';
import { isFirehoseTransformEvent, isKinesisEvent, type FirehoseTransformResponse, type KinesisBatchResponse, type LambdaContext } from './lambda-events.js';
import { recordLines, type LinesOf } from './record-lines.js';
import { RECORD_BOUND_BYTES } from './record-input.js';

export interface RuntimeOptions {
  env: Readonly<Record<string, string | undefined>>;
  stdout: LineSink;
  stderr: LineSink;
  /** Clients of the caller's (a test's); otherwise made from the standard AWS environment. */
  kms?: KMSClient;
  firehose?: FirehoseClient;
  s3?: S3Client;
  firehoseRetry?: FirehoseDeliveryOptions;
  /** Around each record's decoding: a test counts them. */
  decoderFor?: (resourceId: string, make: (resourceId: string) => Decoder) => Decoder;
}

export type LambdaHandler = (event: unknown, context?: LambdaContext) => Promise<KinesisBatchResponse | FirehoseTransformResponse>;

/**
 * What a function instance keeps from one invocation to the next: its configuration, its clients,
 * and a decoder (with its data-key cache) per resource. Made once, at module scope, by the entry.
 */
export function lambdaRuntime(options: RuntimeOptions): LambdaHandler {
  const log: LambdaLog = jsonLog(options.stderr);
  let ready: { config: LambdaConfig; linesOf: LinesOf; delivery: Delivery } | undefined;
  const decoders = new Map<string, Decoder>();
  let kms = options.kms;
  let firehose = options.firehose;
  let s3 = options.s3;

  const make = (resourceId: string) => createDecoder({ kms: (kms ??= createAwsClients({}).kms), resourceId, threads: 0, maxRecordBytes: RECORD_BOUND_BYTES });
  const decoderFor = (resourceId: string) => {
    let decoder = decoders.get(resourceId);
    if (!decoder) {
      decoder = options.decoderFor ? options.decoderFor(resourceId, make) : make(resourceId);
      decoders.set(resourceId, decoder);
    }
    return decoder;
  };

  // Checked at the first invocation, and at each until it is right: an error there names the variable.
  const setUp = () => {
    if (ready) return ready;
    const config = lambdaConfig(options.env);
    const delivery = config.firehoseDeliveryStream
      ? firehoseDelivery((firehose ??= new FirehoseClient({})), config.firehoseDeliveryStream, log, options.firehoseRetry)
      : config.securityLake
        ? securityLakeDelivery((s3 ??= s3Client(options.env)), config.securityLake.bucket, config.securityLake.source, log)
        : stdoutDelivery(options.stdout);
    ready = { config, linesOf: recordLines(config, decoderFor), delivery };
    return ready;
  };

  return async (event) => {
    let state: ReturnType<typeof setUp>;
    try {
      state = setUp();
    } catch (error) {
      log('ERROR', (error as Error).message, error instanceof UserError && error.hint ? { hint: error.hint } : {});
      throw error;
    }
    if (isFirehoseTransformEvent(event)) return handleFirehoseTransform(event, { linesOf: state.linesOf, log });
    if (isKinesisEvent(event)) return handleKinesisBatch(event, { linesOf: state.linesOf, delivery: state.delivery, log });
    const message = 'the event is neither a Kinesis batch (an event source mapping) nor a Firehose data transformation: das-read handles those two';
    log('ERROR', message);
    throw new UserError(message);
  };
}

/** S3 by path (bucket/key) when an endpoint is named: a local or private endpoint has no bucket host names. */
function s3Client(env: Readonly<Record<string, string | undefined>>): S3Client {
  return new S3Client({ forcePathStyle: Boolean(env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL) });
}
