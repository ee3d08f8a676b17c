import { AWS, DATABASE, SHOWING, type CommandSpec } from '../../cmdutil/flags.js';

/** `das-read --cluster …`: the program's own command, its flags and its help. */
export const READ = {
  name: 'read',
  description: 'Read, decrypt and print an Amazon Aurora / RDS Database Activity Stream.',
  flags: [
    ...DATABASE,
    'streamName',
    'resourceId',
    ...AWS,
    'follow',
    'from',
    'tail',
    'until',
    'maxEvents',
    'checkpoint',
    'onError',
    'deadLetter',
    'batchSize',
    'maxRecordBytes',
    'threads',
    ...SHOWING.slice(0, -3),
    'securityLakeDir',
    'securityLakeSource',
    'securityLakeEvery',
    'summary',
    ...SHOWING.slice(-3),
    'verbose',
    'quiet',
    'debug',
  ],
  help: `
Examples:
  das-read --cluster auroralab-postgres-cluster
  das-read --cluster prod -o ndjson | jq 'select(.class=="DDL")'
  das-read --stream-name aws-rds-das-cluster-ABCDEFGH --region eu-west-1 --no-follow
  das-read --cluster prod --checkpoint /var/lib/das/prod.json --no-follow >> audit.ndjson
  das-read status --cluster prod
  das-read lab
  das-read --cluster prod --class DDL --class ROLE --skip-service-users
  das-read --cluster prod --errors-only --exclude-user 'app_*'
  das-read show audit.ndjson.1.gz audit.ndjson -o pretty --class DDL

Filters: --user, --database, --class, --command and --object match the whole value as a glob
(* any run, ? one character), in any case; --grep is a regular expression searched in the SQL,
in any case. A flag given twice keeps events that match either value; different flags must all
match; each --exclude-… leaves out what it matches. An event without the field matches no filter.
Events left out are still read: with --checkpoint the next run starts after them.
`,
  exitCodes: true,
} as const satisfies CommandSpec;
