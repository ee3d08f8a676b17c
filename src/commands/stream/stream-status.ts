import { visible } from '../../terminal/visible.js';
import type { ActivityStreamInfo } from '../../aws/resolve.js';

/** `das-read status`: the activity stream as RDS reports it, for people or (as JSON) for scripts. */
export function formatStatus(info: ActivityStreamInfo, json: boolean): string {
  if (json) {
    return (
      JSON.stringify({
        kind: info.kind,
        identifier: info.identifier,
        engine: info.engine ?? null,
        resourceId: info.resourceId ?? null,
        status: info.status ?? 'stopped',
        mode: info.mode ?? null,
        kinesisStreamName: info.streamName ?? null,
        kmsKeyId: info.kmsKeyId ?? null,
        ...(info.kind === 'instance'
          ? { engineNativeAuditFieldsIncluded: info.engineNativeAuditFieldsIncluded ?? false, policyStatus: info.policyStatus ?? null }
          : {}),
      }) + '\n'
    );
  }
  const rows: Array<[string, string | undefined]> = [
    ['activity stream', `${info.status ?? 'stopped'}${info.mode ? ` (${info.mode})` : ''}`],
    ['Kinesis stream', info.streamName],
    ['KMS key', info.kmsKeyId],
    ['resource id', info.resourceId],
  ];
  if (info.kind === 'instance') {
    rows.push(['engine-native audit fields', info.engineNativeAuditFieldsIncluded ? 'included' : 'not included']);
    if (info.policyStatus) rows.push(['policy', info.policyStatus]);
  }
  // What RDS returns is shown as data: an identifier or a name must not reach the terminal raw.
  const lines = rows.filter(([, value]) => value !== undefined).map(([label, value]) => `  ${label.padEnd(27)}${visible(value ?? '')}`);
  return `${info.kind} ${visible(info.identifier)} (${visible(info.engine ?? 'unknown engine')})\n${lines.join('\n')}\n`;
}
