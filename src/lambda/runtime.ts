import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { S3Client } from '@aws-sdk/client-s3';
import { securityLakeDelivery } from './security-lake-delivery.js';
import type { KMSClient } from '@aws-sdk/client-kms';
import { createAwsClients, createDecoder, loadRules, UserError, type Decoder, type Rule } from '../index.js';
import { jsonLog, stdoutDelivery, type Delivery, type LambdaLog, type LineSink } from './delivery.js';
import { firehoseDelivery, type FirehoseDeliveryOptions } from './firehose-delivery.js';
import { handleFirehoseTransform } from './firehose-transform.js';
import { handleKinesisBatch } from './kinesis-batch.js';
import { eventBridgeTarget, securityHubTarget, type FindingsTarget, type RetryOptions } from './findings-target.js';
import { lambdaConfig, type DetectConfig, type LambdaConfig } from './lambda-config.js';
import { BatchDetection } from './window-detection.js';
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
  securityHub?: SecurityHubClient;
  eventBridge?: EventBridgeClient;
  findingsRetry?: RetryOptions;
  /** Bytes of a tumbling window's state past which correlations begin afresh: a test's is smaller. */
  stateLimitBytes?: number;
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
  let securityHub = options.securityHub;
  let eventBridge = options.eventBridge;
  let detecting: Promise<{ rules: Rule[]; target: FindingsTarget }> | undefined;

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

  // The rules are read once an instance, at its first invocation; a failure is tried again at the next.
  const detectionFor = (detect: DetectConfig) => {
    detecting ??= (async () => {
      const rules = await rulesOf(detect, options.env);
      const target =
        detect.target === 'securityhub'
          ? securityHubTarget((securityHub ??= new SecurityHubClient({})), log, options.findingsRetry)
          : eventBridgeTarget((eventBridge ??= new EventBridgeClient({})), detect.eventBusName, log, options.findingsRetry);
      return { rules, target };
    })();
    return detecting.catch((error: unknown) => {
      detecting = undefined;
      throw error;
    });
  };

  return async (event) => {
    let state: ReturnType<typeof setUp>;
    let detection: Awaited<ReturnType<typeof detectionFor>> | undefined;
    try {
      state = setUp();
      if (state.config.detect && isKinesisEvent(event)) detection = await detectionFor(state.config.detect);
    } catch (error) {
      log('ERROR', (error as Error).message, error instanceof UserError && error.hint ? { hint: error.hint } : {});
      throw error;
    }
    if (isFirehoseTransformEvent(event)) return handleFirehoseTransform(event, { linesOf: state.linesOf, log });
    if (isKinesisEvent(event))
      return handleKinesisBatch(event, {
        linesOf: state.linesOf,
        delivery: state.delivery,
        log,
        ...(detection
          ? { detection: new BatchDetection(event, { ...detection, log, ...(options.stateLimitBytes ? { stateLimitBytes: options.stateLimitBytes } : {}) }) }
          : {}),
      });
    const message = 'the event is neither a Kinesis batch (an event source mapping) nor a Firehose data transformation: das-read handles those two';
    log('ERROR', message);
    throw new UserError(message);
  };
}

/**
 * The rules DETECT runs. Bundled (sam build), the function has no package around it: the built-in
 * rules are the `rules/builtin` folder copied beside its handler.js (the deploy step), which
 * Lambda's task root holds; imported as das-read/lambda, they are the package's own.
 */
async function rulesOf(detect: DetectConfig, env: Readonly<Record<string, string | undefined>>): Promise<Rule[]> {
  const beside = env.LAMBDA_TASK_ROOT ? join(env.LAMBDA_TASK_ROOT, 'rules', 'builtin') : undefined;
  const builtinDir = beside && existsSync(beside) ? beside : undefined;
  try {
    return await loadRules({ builtin: detect.builtin, paths: detect.paths, ...(builtinDir ? { builtinDir } : {}) });
  } catch (error) {
    // Whether it is the built-in rules that cannot be read (a bundle without its rules folder), or the user's.
    if (
      !detect.builtin ||
      builtinDir ||
      (await loadRules({ builtin: true, paths: [] }).then(
        () => true,
        () => false,
      ))
    )
      throw error;
    throw new UserError(
      `the built-in rules cannot be read: ${(error as Error).message}`,
      undefined,
      "Copy the package's rules folder beside the function's handler.js (cp -r ../rules .aws-sam/build/DecryptFunction/), or set BUILTIN_RULES=false.",
      { cause: error },
    );
  }
}

/** S3 by path (bucket/key) when an endpoint is named: a local or private endpoint has no bucket host names. */
function s3Client(env: Readonly<Record<string, string | undefined>>): S3Client {
  return new S3Client({ forcePathStyle: Boolean(env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL) });
}
