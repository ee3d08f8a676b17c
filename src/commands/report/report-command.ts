import { AWS, DATABASE, SHOWING, type CommandSpec } from '../../cmdutil/flags.js';

export const REPORT = {
  name: 'report',
  description:
    'an audit report of a window: who did what, what failed, what changed, what the rules found, and what the trail covered; one self-contained HTML page (or -o json)',
  files: "das-read's saved ndjson to report on instead of a stream, in order (gzip'd or not; - is standard input)",
  flags: [
    ...DATABASE,
    'streamName',
    'resourceId',
    ...AWS,
    'from',
    'until',
    'reportOutput',
    'outputFile',
    'incremental',
    'gapThreshold',
    'onError',
    'deadLetter',
    'batchSize',
    'maxRecordBytes',
    'threads',
    ...SHOWING.slice(1, 17),
    'rules',
    'builtinRules',
    'color',
    'verbose',
    'quiet',
    'debug',
  ],
  wording: {
    cluster:
      'the Aurora DB cluster to report on (identifier or ARN); with FILE…, the one the saved events are from: RDS is asked for its stream starts and stops',
    instance: 'the RDS for Oracle / SQL Server DB instance to report on; with FILE…, the one the saved events are from',
    from: 'the window starts here: a time (UTC unless zoned) or a duration ago (90s, 15m, 2h, 7d); default: all the stream holds, or the first event saved',
    until: 'the window ends here (a time or a duration ago); default: now, or the last event saved',
    onError:
      'a stream record that cannot be read: fail (stop, exit 3, the report says how far it got) or skip (listed in the coverage, exit 3); a saved line that cannot be read is always listed and skipped',
    color: "colour das-read's own messages on stderr: auto, always, never",
    redact: 'take the values out of statements and bind parameters in the report (the rules still see them as sent)',
  },
  help: `Examples:
  das-read report --cluster prod --from 24h -O prod-today.html
  das-read report /var/log/das/prod.ndjson.1.gz --cluster prod -O yesterday.html
  das-read report --cluster prod --from 7d -o json | jq .overview
  das-read report --cluster prod --incremental /var/www/das/prod --on-error skip   # from cron: a page a day and an index

The report reads the window to its end and stops (it does not follow). A stream is read with its
heartbeats, with no flag needed: they prove which stretches the trail covers. Saved files show
coverage by heartbeats only if they were saved with them
(das-read --cluster prod --no-follow -o ndjson --include-heartbeats > prod.ndjson).
--incremental keeps its own position in DIR (state.json, mode 0600): each run adds what arrived
since the last, and a crash repeats nothing and loses nothing.
`,
  exitCodes: true,
} as const satisfies CommandSpec;
