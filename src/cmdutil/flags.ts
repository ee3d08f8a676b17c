import { Option, type Command } from 'commander';

interface FlagSpec {
  /** As commander takes it: `--cluster <name>` takes a value, `--wait` does not. */
  readonly flags: string;
  readonly help: string;
  readonly default?: string;
  readonly mandatory?: boolean;
  /** May be given again: the values are collected, in order. */
  readonly repeatable?: boolean;
}

/**
 * Every flag of every command, once: the program's help and each command's typed flags come from
 * here. The key is the name commander gives the value (a test holds them in step).
 */
export const FLAGS = {
  cluster: { flags: '--cluster <name>', help: 'Aurora DB cluster identifier or ARN' },
  instance: { flags: '--instance <name>', help: 'RDS for Oracle / SQL Server DB instance identifier or ARN' },
  streamName: { flags: '--stream-name <name>', help: 'read this Kinesis stream directly, without asking RDS (aws-rds-das-…)' },
  resourceId: { flags: '--resource-id <id>', help: 'with --stream-name: the cluster-… or db-… resource id, when the name does not end with it' },
  region: { flags: '--region <region>', help: 'AWS region (default: from the environment or profile)' },
  profile: { flags: '--profile <name>', help: 'AWS named profile (default: the default credential chain)' },
  endpointUrl: { flags: '--endpoint-url <url>', help: 'send RDS, Kinesis and KMS calls to this endpoint (a local lab)' },
  follow: { flags: '--no-follow', help: 'exit once every shard has reached the end it had when the run started' },
  from: {
    flags: '--from <position>',
    help: 'where a first run starts: trim-horizon (default), latest, a time (UTC unless zoned), or a duration ago: 90s, 15m, 2h',
  },
  tail: { flags: '--tail <n>', help: 'start with the last n events the stream still holds (each shard in order), then follow' },
  savedFrom: { flags: '--from <time>', help: 'only events logged at or after this time (UTC unless zoned) or duration ago: 90s, 15m, 2h' },
  until: { flags: '--until <time>', help: 'stop at events that arrived after this time or duration ago' },
  maxEvents: { flags: '--max-events <n>', help: 'stop after writing n events' },
  checkpoint: { flags: '--checkpoint <file>', help: 'resume after the last event written by the previous run, and save the position as events are written' },
  onError: { flags: '--on-error <policy>', help: 'a record that cannot be read: fail (stop, exit 3) or skip (report it and go on)', default: 'fail' },
  deadLetter: {
    flags: '--dead-letter <file>',
    help: 'with --on-error skip: append each unreadable record, with its position and the reason, to this NDJSON file',
  },
  batchSize: { flags: '--batch-size <n>', help: 'records asked for per GetRecords call, 1 to 10000', default: '1000' },
  maxRecordBytes: {
    flags: '--max-record-bytes <size>',
    help: 'a record larger than this once decompressed is unreadable, not inflated: 64m by default (k, m, g)',
  },
  threads: { flags: '--threads <n>', help: 'decrypt on up to n worker threads (default: one per core, up to 8; 0: on the main thread)' },
  output: {
    flags: '-o, --output <format>',
    help: 'pretty, ndjson, json (each record whole, indented), or ocsf (OCSF 1.1.0 Datastore Activity, one a line); default: pretty on a terminal, ndjson otherwise',
  },
  user: { flags: '--user <name>', help: 'only events of this database user (repeatable; a glob, any case)', repeatable: true },
  excludeUser: { flags: '--exclude-user <name>', help: 'no events of this database user (repeatable)', repeatable: true },
  database: { flags: '--database <name>', help: 'only events in this database (repeatable)', repeatable: true },
  excludeDatabase: { flags: '--exclude-database <name>', help: 'no events in this database (repeatable)', repeatable: true },
  class: { flags: '--class <class>', help: 'only events of this class: READ, WRITE, DDL, ROLE, …; MAIN, AUX for Aurora MySQL (repeatable)', repeatable: true },
  excludeClass: { flags: '--exclude-class <class>', help: 'no events of this class (repeatable)', repeatable: true },
  command: { flags: '--command <command>', help: "only events of this command: SELECT, 'CREATE TABLE', CONNECT, … (repeatable)", repeatable: true },
  excludeCommand: { flags: '--exclude-command <command>', help: 'no events of this command (repeatable)', repeatable: true },
  object: { flags: '--object <name>', help: 'only events on this object: a table, a schema (repeatable)', repeatable: true },
  excludeObject: { flags: '--exclude-object <name>', help: 'no events on this object (repeatable)', repeatable: true },
  grep: { flags: '--grep <regex>', help: 'only events whose SQL matches this regular expression (repeatable; any case)', repeatable: true },
  excludeGrep: { flags: '--exclude-grep <regex>', help: 'no events whose SQL matches this regular expression (repeatable)', repeatable: true },
  redact: {
    flags: '--redact',
    help: "replace bind values, the SQL's literals, comment bodies and passwords, and the values error messages quote back, with ?, in every form",
  },
  errorsOnly: { flags: '--errors-only', help: 'only failed statements and refused logins' },
  excludeErrors: { flags: '--exclude-errors', help: 'no failed statements nor refused logins' },
  skipServiceUsers: { flags: '--skip-service-users', help: "hide the engines' own users: rdsadmin, rdsproxyadmin; Oracle RDSADMIN, RDSSEC; SQL Server rdsa" },
  includeHeartbeats: { flags: '--include-heartbeats', help: 'also print heartbeat events' },
  fields: { flags: '--fields <a,b,c>', help: 'only these fields (ndjson, in this order) or the columns that show them (pretty): dbUserName,commandText,…' },
  summary: {
    flags: '--summary',
    help: 'at the end (or on Ctrl-C), a table on stderr: events by class, user, database, command; top and failed statements; a bar a minute',
  },
  securityLakeDir: {
    flags: '--security-lake-dir <dir>',
    help: "write OCSF events as Amazon Security Lake's Parquet files under dir/ext/<source>/region=…/accountId=…/eventDay=…/ (implies -o ocsf)",
  },
  securityLakeSource: {
    flags: '--security-lake-source <name>',
    help: "with --security-lake-dir: the custom source's name in Security Lake",
    default: 'das-read',
  },
  securityLakeEvery: {
    flags: '--security-lake-every <duration>',
    help: 'with --security-lake-dir: how long events gather before their files are written',
    default: '5m',
  },
  utc: { flags: '--utc', help: "pretty: times in UTC (default: this machine's zone)" },
  wide: { flags: '--wide', help: "pretty: each statement in full, not cut to the terminal's width" },
  color: { flags: '--color <when>', help: 'colour the pretty output: auto, always, never', default: 'auto' },
  verbose: { flags: '-v, --verbose', help: 'report progress on stderr even when it is not a terminal' },
  quiet: { flags: '-q, --quiet', help: 'nothing on stderr but errors: no progress, no warnings' },
  debug: { flags: '--debug', help: 'show stack traces of unexpected errors' },
  statusOutput: { flags: '-o, --output <format>', help: 'text or json', default: 'text' },
  detectOutput: {
    flags: '-o, --output <format>',
    help: 'pretty (a block a finding), ocsf (OCSF 1.1.0 Detection Finding, one a line) or asff (Security Hub findings, one a line); default: pretty on a terminal, ocsf otherwise',
  },
  accountId: { flags: '--account-id <id>', help: 'the AWS account the events are from, when the database does not say (-o asff needs one)' },
  rules: { flags: '--rules <path>', help: 'also run the Sigma rules of this file, or of the .yml files in this folder (repeatable)', repeatable: true },
  builtinRules: { flags: '--no-builtin-rules', help: "leave out das-read's built-in rules" },
  failOn: { flags: '--fail-on <level>', help: 'exit 5 when a finding at this level or above is made: informational, low, medium, high, critical' },
  applyImmediately: { flags: '--apply-immediately', help: 'start or stop now rather than in the next maintenance window' },
  wait: { flags: '--wait', help: 'wait until the stream is started or stopped' },
  waitTimeout: { flags: '--wait-timeout <duration>', help: 'give up waiting after this long (90s, 15m)', default: '20m' },
  kmsKey: { flags: '--kms-key <key>', help: 'customer managed KMS key: id, ARN or alias (the default RDS key is refused)', mandatory: true },
  mode: { flags: '--mode <mode>', help: 'async, or sync (Aurora PostgreSQL only)', default: 'async' },
  engineNativeAuditFields: { flags: '--engine-native-audit-fields', help: 'RDS for Oracle / SQL Server: include the engine-native audit fields' },
  yes: { flags: '-y, --yes', help: 'do not ask for confirmation (needed when not at a terminal)' },
  port: { flags: '--port <port>', help: "the lab endpoint's port on 127.0.0.1", default: '4566' },
  postgres: { flags: '--postgres', help: 'load a real throwaway PostgreSQL with pgbench, audited by pgaudit, instead of simulating it' },
  rate: { flags: '--rate <n>', help: 'simulated pgbench transactions per second', default: '10' },
  seconds: { flags: '--seconds <n>', help: 'how long to show live events', default: '12' },
  attack: {
    flags: '--attack <scenario>',
    help:
      'against the lab already running on --port: make an attack a built-in rule catches: failed-login-burst, password-spray, ' +
      'privilege-escalation, audit-tampering, destructive-ddl, server-file-access, bulk-read, catalog-enumeration, new-source, or all',
  },
} as const satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;

type ValueOf<F extends string> = F extends `${string}<${string}>${string}` ? string : boolean;

/** The values commander hands over for these flags: strings for those that take one, booleans otherwise. */
export type FlagValues<N extends FlagName> = {
  [K in N as AttributeOf<K>]?: (typeof FLAGS)[K] extends { repeatable: true } ? string[] : ValueOf<(typeof FLAGS)[K]['flags']>;
};

// Two flags may share a spelling in different commands (-o, --from): their value has the one name.
type AttributeOf<K extends FlagName> = K extends 'statusOutput' | 'detectOutput' ? 'output' : K extends 'savedFrom' ? 'from' : K;

const DATABASE = ['cluster', 'instance'] as const;
const AWS = ['region', 'profile', 'endpointUrl'] as const;
const TRANSITION = ['applyImmediately', 'wait', 'waitTimeout', 'debug'] as const;
/** What a read and `show` share: the form, the filters, redaction and the layout. */
const SHOWING = [
  'output',
  'user',
  'excludeUser',
  'database',
  'excludeDatabase',
  'class',
  'excludeClass',
  'command',
  'excludeCommand',
  'object',
  'excludeObject',
  'grep',
  'excludeGrep',
  'errorsOnly',
  'excludeErrors',
  'skipServiceUsers',
  'redact',
  'includeHeartbeats',
  'fields',
  'utc',
  'wide',
  'color',
] as const;

/** Each command's flags, in the order its help lists them. */
export const COMMAND_FLAGS = {
  read: [
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
  status: [...DATABASE, ...AWS, 'statusOutput', 'debug'],
  start: [...DATABASE, ...AWS, ...TRANSITION, 'kmsKey', 'mode', 'engineNativeAuditFields'],
  stop: [...DATABASE, ...AWS, ...TRANSITION, 'yes'],
  show: ['savedFrom', 'until', ...SHOWING.slice(0, -3), 'summary', ...SHOWING.slice(-3), 'quiet', 'debug'],
  decode: [...DATABASE, 'resourceId', ...AWS, 'maxEvents', 'onError', 'deadLetter', 'maxRecordBytes', 'threads', ...SHOWING, 'verbose', 'quiet', 'debug'],
  detect: [
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
  rules: ['rules', 'builtinRules', 'statusOutput', 'debug'],
  lab: ['port', 'postgres', 'rate', 'attack', 'debug'],
  demo: ['seconds', 'postgres', 'debug'],
} as const satisfies Record<string, readonly FlagName[]>;

export type CommandName = keyof typeof COMMAND_FLAGS;
export type FlagsOf<C extends CommandName> = FlagValues<(typeof COMMAND_FLAGS)[C][number]>;

/** The per-command words of a shared flag: start and stop say which way they wait. */
const WORDING: Partial<Record<CommandName, Partial<Record<FlagName, string>>>> = {
  start: { applyImmediately: 'start now rather than in the next maintenance window', wait: 'wait until the stream is started' },
  stop: { applyImmediately: 'stop now rather than in the next maintenance window', wait: 'wait until the stream is stopped' },
  demo: { postgres: 'use a real PostgreSQL with pgbench and pgaudit' },
  show: {
    until: 'only events logged at or before this time or duration ago',
    summary: 'at the end (or on Ctrl-C), a table on stderr of the events written: by class, user, database, command; top and failed statements; a bar a minute',
  },
  detect: {
    cluster: 'the Aurora DB cluster to read (identifier or ARN); with FILE…, the one the saved events are from, named in findings without asking RDS',
    instance: 'the RDS for Oracle / SQL Server DB instance to read; with FILE…, the one the saved events are from',
    from: 'where a first run starts: trim-horizon (default), latest, a time (UTC unless zoned), or a duration ago: 90s, 15m, 2h; with FILE…, only events logged at or after that time',
    until: 'stop at events that arrived after this time or duration ago; with FILE…, only events logged at or before it',
    summary: 'at the end (or on Ctrl-C), a table on stderr: findings by rule and by level',
    checkpoint:
      'resume after the last event evaluated by the previous run, and save the position as findings are written (a correlation rule starts afresh each run)',
  },
  rules: { statusOutput: 'text (a table) or json (an array of the rules)' },
  decode: {
    cluster: 'the Aurora DB cluster the records are from (identifier or ARN): RDS gives its resource id',
    instance: 'the RDS for Oracle / SQL Server DB instance the records are from (identifier or ARN)',
    resourceId: 'the cluster-… or db-… resource id the records are from, without asking RDS',
  },
};

export function addFlags(command: Command, name: CommandName): Command {
  for (const flag of COMMAND_FLAGS[name] as readonly FlagName[]) {
    const spec: FlagSpec = FLAGS[flag];
    const option = new Option(spec.flags, WORDING[name]?.[flag] ?? spec.help);
    if (spec.default !== undefined) option.default(spec.default);
    if (spec.mandatory) option.makeOptionMandatory();
    if (spec.repeatable) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    command.addOption(option);
  }
  return command;
}
