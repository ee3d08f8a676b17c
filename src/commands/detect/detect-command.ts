import { AWS, DATABASE, SHOWING, type CommandSpec } from '../../cmdutil/flags.js';

export const DETECT = {
  name: 'detect',
  description: 'run Sigma rules over activity events, live (--cluster, --instance, --stream-name) or saved (FILE…), and write what they find',
  files: "das-read's saved ndjson to read instead of a stream, in order (gzip'd or not; - is standard input)",
  flags: [
    ...DATABASE,
    'streamName',
    'resourceId',
    ...AWS,
    'accountId',
    'follow',
    'from',
    'until',
    'checkpoint',
    'onError',
    'deadLetter',
    'batchSize',
    'maxRecordBytes',
    'threads',
    'detectOutput',
    ...SHOWING.slice(1, 17),
    'rules',
    'builtinRules',
    'failOn',
    'summary',
    'utc',
    'wide',
    'color',
    'verbose',
    'quiet',
    'debug',
  ],
  wording: {
    cluster: 'the Aurora DB cluster to read (identifier or ARN); with FILE…, the one the saved events are from, named in findings without asking RDS',
    instance: 'the RDS for Oracle / SQL Server DB instance to read; with FILE…, the one the saved events are from',
    from: 'where a first run starts: trim-horizon (default), latest, a time (UTC unless zoned), or a duration ago: 90s, 15m, 2h; with FILE…, only events logged at or after that time',
    until: 'stop at events that arrived after this time or duration ago; with FILE…, only events logged at or before it',
    summary: 'at the end (or on Ctrl-C), a table on stderr: findings by rule and by level',
    checkpoint:
      'resume after the last event evaluated by the previous run, and save the position as findings are written (a correlation rule starts afresh each run)',
  },
  help: `Examples:
  das-read detect --cluster prod
  das-read detect --cluster prod --checkpoint /var/lib/das/detect.json --no-follow -o ocsf >> findings.ndjson
  das-read detect audit.ndjson.1.gz --summary --fail-on high
  das-read detect audit.ndjson --cluster arn:aws:rds:eu-west-1:123456789012:cluster:prod -o asff
  das-read detect --no-builtin-rules --rules ./my-rules/ audit.ndjson
  das-read rules --rules ./my-rules/

Findings go to stdout; a finding's evidence is named by the events' eventIds (as -o ndjson writes them).
Exit 0 whatever is found, unless --fail-on says otherwise; a failure (1 to 4) outranks 5.
`,
  exitCodes: true,
} as const satisfies CommandSpec;

export const RULES = {
  name: 'rules',
  description: 'list the detection rules `das-read detect` runs: id, level, title, engines, ATT&CK tags',
  flags: ['rules', 'builtinRules', 'statusOutput', 'debug'],
  wording: { statusOutput: 'text (a table) or json (an array of the rules)' },
} as const satisfies CommandSpec;
