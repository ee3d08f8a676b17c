import { UsageError } from '../errors.js';

const STREAM_PREFIX = 'aws-rds-das-';

/** Everything the reader needs to know about the stream it reads. */
export interface StreamTarget {
  streamName: string;
  /** `cluster-…` or `db-…`: the value of the KMS encryption context, which the decoder builds from it. */
  resourceId: string;
  /** What the user named, for messages. */
  label: string;
  /** The cluster's or instance's ARN, when RDS gave it: its region and account, for OCSF's cloud. */
  arn?: string;
}

export function targetFromStream(streamName: string, resourceId: string | undefined, label = streamName, arn?: string): StreamTarget {
  const id = resourceId ?? resourceIdFromStreamName(streamName);
  return { streamName, resourceId: id, label, ...(arn ? { arn } : {}) };
}

/** Where an ARN says its resource is: `arn:aws:rds:eu-west-1:123456789012:cluster:prod`. */
export function placeOfArn(arn: string | undefined): { region?: string; accountId?: string } {
  const [, , , region, accountId] = (arn ?? '').split(':');
  return { ...(region ? { region } : {}), ...(accountId && /^\d{12}$/.test(accountId) ? { accountId } : {}) };
}

function resourceIdFromStreamName(streamName: string): string {
  if (!streamName.startsWith(STREAM_PREFIX) || streamName.length === STREAM_PREFIX.length) {
    throw new UsageError(
      `cannot tell the resource id from the stream name "${streamName}"`,
      `Activity stream names look like ${STREAM_PREFIX}cluster-ABC…; for another name pass --resource-id.`,
    );
  }
  return streamName.slice(STREAM_PREFIX.length);
}
