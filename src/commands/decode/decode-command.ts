import { AWS, DATABASE, SHOWING, type CommandSpec } from '../../cmdutil/flags.js';

export const DECODE = {
  name: 'decode',
  description: "decrypt activity-stream records kept outside Kinesis: Firehose's raw delivery to S3 (gzip'd or not), dead letters",
  files: 'archives to read, in order (default: standard input; - is standard input too)',
  flags: [...DATABASE, 'resourceId', ...AWS, 'maxEvents', 'onError', 'deadLetter', 'maxRecordBytes', 'threads', ...SHOWING, 'verbose', 'quiet', 'debug'],
  wording: {
    cluster: 'the Aurora DB cluster the records are from (identifier or ARN): RDS gives its resource id',
    instance: 'the RDS for Oracle / SQL Server DB instance the records are from (identifier or ARN)',
    resourceId: 'the cluster-… or db-… resource id the records are from, without asking RDS',
  },
} as const satisfies CommandSpec;
