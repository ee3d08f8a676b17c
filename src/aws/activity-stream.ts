import { StartActivityStreamCommand, StopActivityStreamCommand, type RDSClient } from '@aws-sdk/client-rds';
import { callAws } from './aws-errors.js';
import { sleep } from '../sleep.js';
import { UserError, UsageError } from '../errors.js';
import { describeDatabase, type ActivityStreamInfo } from './resolve.js';
import type { RdsDatabase } from './database-source.js';

/** Engines whose activity streams are asynchronous only (docs/das-format.md §1). */
function supportsSync(engine: string | undefined): boolean {
  return engine === 'aurora-postgresql';
}

function supportsNativeAuditFields(engine: string | undefined): boolean {
  return /^(oracle|sqlserver|custom-oracle|custom-sqlserver)/.test(engine ?? '');
}

export interface StartRequest {
  ref: RdsDatabase;
  kmsKey: string;
  mode: 'sync' | 'async';
  applyImmediately: boolean;
  engineNativeAuditFields: boolean;
}

/** Checks what RDS would refuse, with a message that says what to do instead, then asks RDS. */
export async function startActivityStream(rds: RDSClient, request: StartRequest, signal?: AbortSignal): Promise<ActivityStreamInfo> {
  const info = await describeDatabase(rds, request.ref, signal);
  const what = `${info.kind} ${info.identifier}`;
  if (request.mode === 'sync' && !supportsSync(info.engine)) {
    throw new UsageError(
      `${info.engine ?? 'this engine'} streams activity asynchronously only; ${what} cannot use --mode sync`,
      'Leave out --mode (async is the default).',
    );
  }
  if (request.engineNativeAuditFields && !supportsNativeAuditFields(info.engine)) {
    throw new UsageError(`--engine-native-audit-fields is for RDS for Oracle and SQL Server, not ${info.engine ?? 'this engine'}`);
  }
  if (info.status === 'started' || info.status === 'starting') {
    throw new UserError(`the activity stream of ${what} is already ${info.status}`, undefined, `das-read status --${info.kind} ${info.identifier} shows it.`);
  }
  if (!info.arn) throw new UserError(`RDS did not return the ARN of ${what}`);
  const arn = info.arn;
  const answer = await callAws('rds:StartActivityStream', what, () =>
    rds.send(
      new StartActivityStreamCommand({
        ResourceArn: arn,
        Mode: request.mode,
        KmsKeyId: request.kmsKey,
        ApplyImmediately: request.applyImmediately,
        ...(supportsNativeAuditFields(info.engine) ? { EngineNativeAuditFieldsIncluded: request.engineNativeAuditFields } : {}),
      }),
      { abortSignal: signal },
    ),
  );
  return { ...info, status: answer.Status, mode: answer.Mode, streamName: answer.KinesisStreamName, kmsKeyId: answer.KmsKeyId };
}

export async function stopActivityStream(rds: RDSClient, ref: RdsDatabase, applyImmediately: boolean, signal?: AbortSignal): Promise<ActivityStreamInfo> {
  const info = await describeDatabase(rds, ref, signal);
  const what = `${info.kind} ${info.identifier}`;
  if (info.status !== 'started') throw new UserError(`the activity stream of ${what} is ${info.status ?? 'stopped'}, not started`);
  const arn = info.arn ?? '';
  const answer = await callAws('rds:StopActivityStream', what, () =>
    rds.send(new StopActivityStreamCommand({ ResourceArn: arn, ApplyImmediately: applyImmediately }), { abortSignal: signal }),
  );
  return { ...info, status: answer.Status };
}

interface WaitOptions {
  timeoutMs: number;
  /** The longest pause between polls; they start at a quarter second and double up to it. */
  pollMs: number;
  now: () => number;
  /** Called with the status and the time waited so far, for a spinner. */
  onPoll?: (status: string, waitedMs: number) => void;
  signal?: AbortSignal;
}

/** Polls RDS until the activity stream reaches `wanted`; a timeout is an error that says what to check. */
export async function waitForStatus(rds: RDSClient, ref: RdsDatabase, wanted: 'started' | 'stopped', options: WaitOptions): Promise<ActivityStreamInfo> {
  const began = options.now();
  for (let pause = Math.min(250, options.pollMs); ; pause = Math.min(pause * 2, options.pollMs)) {
    const info = await describeDatabase(rds, ref, options.signal);
    const status = info.status ?? 'stopped';
    const waited = options.now() - began;
    options.onPoll?.(status, waited);
    if (status === wanted) return info;
    if (wanted === 'started' && status === 'stopped' && waited > options.pollMs) {
      throw new UserError(
        `the activity stream of ${info.kind} ${info.identifier} went back to stopped instead of starting`,
        undefined,
        'Check the RDS events of the database, and that RDS may use the KMS key.',
      );
    }
    if (waited >= options.timeoutMs) {
      throw new UserError(
        `the activity stream of ${info.kind} ${info.identifier} is still ${status} after ${Math.round(waited / 1000)} s`,
        undefined,
        `It may still get there: RDS can take several minutes. Check with: das-read status --${info.kind} ${info.identifier}`,
      );
    }
    await sleep(Math.min(pause, options.timeoutMs - waited), options.signal);
    if (options.signal?.aborted) throw new UserError('stopped waiting');
  }
}
