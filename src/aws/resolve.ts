import { withRetry } from './retry.js';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import { callAws } from './aws-errors.js';
import { awsErrorName } from './error-names.js';
import { callerAccount } from './caller-account.js';
import { targetFromStream, type StreamTarget } from './stream-target.js';
import type { DatabaseSource, RdsDatabase } from './database-source.js';
import { UserError } from '../errors.js';

/** What RDS tells about an activity stream, for a cluster and for an instance alike. */
export interface ActivityStreamInfo {
  kind: RdsDatabase['kind'];
  identifier: string;
  arn?: string;
  resourceId?: string;
  engine?: string;
  status?: string;
  mode?: string;
  streamName?: string;
  kmsKeyId?: string;
  engineNativeAuditFieldsIncluded?: boolean;
  policyStatus?: string;
}

/**
 * Where RDS was asked, for a "not found": the client's region, and the account. The credentials carry
 * it with SSO, AWS_ACCOUNT_ID or a profile's aws_account_id; otherwise STS is asked, on this path only.
 */
async function whereAsked(rds: RDSClient, signal?: AbortSignal): Promise<string> {
  const region = await rds.config.region().catch(() => undefined);
  const account =
    (await rds.config
      .credentials()
      .then((credentials) => credentials.accountId)
      .catch(() => undefined)) ?? (await callerAccount(rds, signal));
  return `in ${region ? `region ${region}` : 'this region'}${account ? ` of account ${account}` : ' of this account'}`;
}

/** An RDS call whose "not found" (by any of `notFoundCodes`) becomes `notFound(where it looked)`. */
function describeOrNotFound<T>(
  rds: RDSClient,
  call: () => Promise<T>,
  notFoundCodes: string[],
  notFound: (where: string) => UserError,
  signal?: AbortSignal,
): () => Promise<T> {
  return async () => {
    try {
      return await call();
    } catch (error) {
      if (notFoundCodes.includes(awsErrorName(error) ?? '')) throw notFound(await whereAsked(rds, signal));
      throw error;
    }
  };
}

export async function describeCluster(rds: RDSClient, identifier: string, signal?: AbortSignal): Promise<ActivityStreamInfo> {
  const answer = await callAws(
    'rds:DescribeDBClusters',
    identifier,
    describeOrNotFound(
      rds,
      () =>
        withRetry(
          () => rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }), { abortSignal: signal }),
          signal,
          undefined,
          `rds:DescribeDBClusters of ${identifier}`,
        ),
      ['DBClusterNotFoundFault'],
      (where) =>
        new UserError(
          `no DB cluster "${identifier}" ${where}`,
          undefined,
          'Check --region and the identifier. For RDS for Oracle or SQL Server, name the instance with --instance.',
        ),
      signal,
    ),
  );
  const cluster = answer.DBClusters?.[0];
  if (!cluster) throw new UserError(`RDS returned no cluster for "${identifier}"`);
  return {
    kind: 'cluster',
    identifier: cluster.DBClusterIdentifier ?? identifier,
    arn: cluster.DBClusterArn,
    resourceId: cluster.DbClusterResourceId,
    engine: cluster.Engine,
    status: cluster.ActivityStreamStatus,
    mode: cluster.ActivityStreamMode,
    streamName: cluster.ActivityStreamKinesisStreamName,
    kmsKeyId: cluster.ActivityStreamKmsKeyId,
  };
}

export async function describeInstance(rds: RDSClient, identifier: string, signal?: AbortSignal): Promise<ActivityStreamInfo> {
  const answer = await callAws(
    'rds:DescribeDBInstances',
    identifier,
    describeOrNotFound(
      rds,
      () =>
        withRetry(
          () => rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }), { abortSignal: signal }),
          signal,
          undefined,
          `rds:DescribeDBInstances of ${identifier}`,
        ),
      ['DBInstanceNotFound', 'DBInstanceNotFoundFault'],
      (where) =>
        new UserError(
          `no DB instance "${identifier}" ${where}`,
          undefined,
          'Check --region and the identifier. For an Aurora cluster, name it with --cluster.',
        ),
      signal,
    ),
  );
  const instance = answer.DBInstances?.[0];
  if (!instance) throw new UserError(`RDS returned no instance for "${identifier}"`);
  return {
    kind: 'instance',
    identifier: instance.DBInstanceIdentifier ?? identifier,
    arn: instance.DBInstanceArn,
    resourceId: instance.DbiResourceId,
    engine: instance.Engine,
    status: instance.ActivityStreamStatus,
    mode: instance.ActivityStreamMode,
    streamName: instance.ActivityStreamKinesisStreamName,
    kmsKeyId: instance.ActivityStreamKmsKeyId,
    engineNativeAuditFieldsIncluded: instance.ActivityStreamEngineNativeAuditFieldsIncluded,
    policyStatus: instance.ActivityStreamPolicyStatus,
  };
}

/** The stream of a described cluster or instance, or why it cannot be read now. */
function targetOf(info: ActivityStreamInfo): StreamTarget {
  const what = `${info.kind} ${info.identifier}`;
  if (info.status !== 'started') {
    const state = info.status ?? 'stopped';
    if (state === 'starting') {
      throw new UserError(`the activity stream of ${what} is still starting`, undefined, 'Try again in a few minutes.');
    }
    throw new UserError(`the activity stream of ${what} is ${state}, not started`, undefined, startHint(info));
  }
  if (!info.streamName || !info.resourceId) {
    throw new UserError(`RDS reports the activity stream of ${what} as started but names no Kinesis stream`);
  }
  return targetFromStream(info.streamName, info.resourceId, what, info.arn);
}

function startHint(info: ActivityStreamInfo): string {
  const arn = info.arn ?? `<${info.kind} ARN>`;
  return (
    'Start it with a customer managed KMS key:\n' +
    `  das-read start --${info.kind} ${info.identifier} --kms-key <key> --apply-immediately --wait\n` +
    `or with the AWS CLI: aws rds start-activity-stream --resource-arn ${arn} --mode async --kms-key-id <key> --apply-immediately`
  );
}

export function describeDatabase(rds: RDSClient, ref: RdsDatabase, signal?: AbortSignal): Promise<ActivityStreamInfo> {
  return ref.kind === 'cluster' ? describeCluster(rds, ref.identifier, signal) : describeInstance(rds, ref.identifier, signal);
}

/** The stream the user named, asking RDS only when they named a cluster or an instance. */
export async function resolveTarget(source: DatabaseSource<'cluster' | 'instance' | 'stream'>, rds: RDSClient, signal?: AbortSignal): Promise<StreamTarget> {
  switch (source.kind) {
    case 'cluster':
      return targetOf(await describeCluster(rds, source.identifier, signal));
    case 'instance':
      return targetOf(await describeInstance(rds, source.identifier, signal));
    case 'stream':
      return targetFromStream(source.streamName, source.resourceId);
  }
}

/**
 * The resource id of a cluster or instance, whatever the state of its activity stream: records
 * kept elsewhere (an archive, a dead letter) stay readable after the stream is stopped. A resource
 * id named as it is needs no call.
 */
export async function resourceIdOf(
  source: DatabaseSource<'cluster' | 'instance' | 'resource'>,
  rds: RDSClient,
  signal?: AbortSignal,
): Promise<{ resourceId: string; arn?: string }> {
  if (source.kind === 'resource') return { resourceId: source.resourceId };
  const info = await describeDatabase(rds, source, signal);
  if (!info.resourceId) throw new UserError(`RDS names no resource id for ${info.kind} ${info.identifier}`);
  return { resourceId: info.resourceId, ...(info.arn ? { arn: info.arn } : {}) };
}
