import { Option, type Command } from 'commander';

interface FlagSpec {
  /** As commander takes it: `--cluster <name>` takes a value, `--wait` does not. */
  readonly flags: string;
  readonly help: string;
  readonly default?: string;
  readonly mandatory?: boolean;
  /** May be given again: the values are collected, in order. */
  readonly repeatable?: boolean;
  /** The words it takes (all of them, or the keywords beside times): shell completion and the man page offer them. */
  readonly values?: readonly string[];
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
    values: ['trim-horizon', 'latest'],
  },
  tail: {
    flags: '--tail <n>',
    help: 'start with the last n events the stream still holds, by arrival across shards (each shard in order), then follow; with --no-follow, exactly those n',
  },
  savedFrom: { flags: '--from <time>', help: 'only events logged at or after this time (UTC unless zoned) or duration ago: 90s, 15m, 2h' },
  until: { flags: '--until <time>', help: 'stop at events that arrived after this time or duration ago' },
  maxEvents: { flags: '--max-events <n>', help: 'stop after writing n events' },
  checkpoint: { flags: '--checkpoint <file>', help: 'resume after the last event written by the previous run, and save the position as events are written' },
  onError: {
    flags: '--on-error <policy>',
    help: 'a record that cannot be read: fail (stop, exit 3) or skip (report it and go on)',
    default: 'fail',
    values: ['fail', 'skip'],
  },
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
    values: ['pretty', 'ndjson', 'json', 'ocsf'],
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
  color: { flags: '--color <when>', help: 'colour the pretty output: auto, always, never', default: 'auto', values: ['auto', 'always', 'never'] },
  verbose: { flags: '-v, --verbose', help: 'report progress on stderr even when it is not a terminal' },
  quiet: { flags: '-q, --quiet', help: 'nothing on stderr but errors: no progress, no warnings' },
  debug: { flags: '--debug', help: 'show stack traces of unexpected errors' },
  statusOutput: { flags: '-o, --output <format>', help: 'text or json', default: 'text', values: ['text', 'json'] },
  detectOutput: {
    flags: '-o, --output <format>',
    help: 'pretty (a block a finding), ocsf (OCSF 1.1.0 Detection Finding, one a line) or asff (Security Hub findings, one a line); default: pretty on a terminal, ocsf otherwise',
    values: ['pretty', 'ocsf', 'asff'],
  },
  reportOutput: {
    flags: '-o, --output <format>',
    help: 'html (one self-contained page) or json (the same figures, for other tools)',
    default: 'html',
    values: ['html', 'json'],
  },
  outputFile: { flags: '-O, --output-file <file>', help: 'write the report to this file (mode 0600, replaced whole) instead of standard output' },
  incremental: {
    flags: '--incremental <dir>',
    help: 'keep a report a day in this folder, and an index page: each run adds what the stream holds since the last (for cron)',
  },
  gapThreshold: {
    flags: '--gap-threshold <duration>',
    help: 'a silence of an instance (no heartbeat, no event) longer than this is a gap in coverage',
    default: '60s',
  },
  accountId: { flags: '--account-id <id>', help: 'the AWS account the events are from, when the database does not say (-o asff needs one)' },
  rules: { flags: '--rules <path>', help: 'also run the Sigma rules of this file, or of the .yml files in this folder (repeatable)', repeatable: true },
  builtinRules: { flags: '--no-builtin-rules', help: "leave out das-read's built-in rules" },
  failOn: {
    flags: '--fail-on <level>',
    help: 'exit 5 when a finding at this level or above is made: informational, low, medium, high, critical',
    values: ['informational', 'low', 'medium', 'high', 'critical'],
  },
  applyImmediately: { flags: '--apply-immediately', help: 'start or stop now rather than in the next maintenance window' },
  wait: { flags: '--wait', help: 'wait until the stream is started or stopped' },
  waitTimeout: { flags: '--wait-timeout <duration>', help: 'give up waiting after this long (90s, 15m)', default: '20m' },
  kmsKey: { flags: '--kms-key <key>', help: 'customer managed KMS key: id, ARN or alias (the default RDS key is refused)', mandatory: true },
  mode: { flags: '--mode <mode>', help: 'async, or sync (Aurora PostgreSQL only)', default: 'async', values: ['async', 'sync'] },
  engineNativeAuditFields: { flags: '--engine-native-audit-fields', help: 'RDS for Oracle / SQL Server: include the engine-native audit fields' },
  yes: { flags: '-y, --yes', help: 'do not ask for confirmation (needed when not at a terminal)' },
  port: {
    flags: '--port <port>',
    help: "the lab endpoint's port on 127.0.0.1 (default: 4566; with --attack, the port of AWS_ENDPOINT_URL when it names this machine, as the lab's export line sets it)",
  },
  postgres: { flags: '--postgres', help: 'load a real throwaway PostgreSQL with pgbench, audited by pgaudit, instead of simulating it' },
  rate: { flags: '--rate <n>', help: 'simulated pgbench transactions per second', default: '10' },
  seconds: { flags: '--seconds <n>', help: 'how long to show live events', default: '12' },
  attack: {
    flags: '--attack <scenario>',
    help:
      'against the lab already running on --port: make an attack a built-in rule catches: failed-login-burst, password-spray, ' +
      'privilege-escalation, audit-tampering, destructive-ddl, server-file-access, bulk-read, catalog-enumeration, new-source, or all',
    // The lab's scenarios (lab/src/attacks.ts, which the reader does not import): a unit test holds them in step.
    values: [
      'failed-login-burst',
      'password-spray',
      'privilege-escalation',
      'audit-tampering',
      'destructive-ddl',
      'server-file-access',
      'bulk-read',
      'catalog-enumeration',
      'new-source',
      'all',
    ],
  },
} as const satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;

type ValueOf<F extends string> = F extends `${string}<${string}>${string}` ? string : boolean;

/** The values commander hands over for these flags: strings for those that take one, booleans otherwise. */
export type FlagValues<N extends FlagName> = {
  [K in N as AttributeOf<K>]?: (typeof FLAGS)[K] extends { repeatable: true } ? string[] : ValueOf<(typeof FLAGS)[K]['flags']>;
};

// Two flags may share a spelling in different commands (-o, --from): their value has the one name.
type AttributeOf<K extends FlagName> = K extends 'statusOutput' | 'detectOutput' | 'reportOutput' ? 'output' : K extends 'savedFrom' ? 'from' : K;

export const DATABASE = ['cluster', 'instance'] as const;
export const AWS = ['region', 'profile', 'endpointUrl'] as const;
export const TRANSITION = ['applyImmediately', 'wait', 'waitTimeout', 'debug'] as const;
/** What a read and `show` share: the form, the filters, redaction and the layout. */
export const SHOWING = [
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

/**
 * A command as its folder declares it (src/commands/<command>/<command>-command.ts): its name, what it
 * does, its flags in the order its help lists them, its own words for shared flags, and its help's end.
 */
export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  readonly flags: readonly FlagName[];
  /** Its own words for a shared flag: start and stop say which way they wait. */
  readonly wording?: Partial<Record<FlagName, string>>;
  /** The command reads files (FILE…): what they are. */
  readonly files?: string;
  /** Examples and notes, after the options. */
  readonly help?: string;
  /** Its help ends with the exit codes. */
  readonly exitCodes?: boolean;
}

/** The values a command's flags hand over, typed by its declaration. */
export type FlagsOf<S extends { readonly flags: readonly FlagName[] }> = FlagValues<S['flags'][number]>;

// commander's own choices() would check the values itself, with its own message, and list them in
// --help after the words that already say them: the table's entry rides beside the option instead.
const SPECS = new WeakMap<Option, FlagSpec>();

/** The words an option takes, for completion and the man page: the table's, or those of commander's choices(). */
export function valuesOf(option: Option): readonly string[] | undefined {
  return SPECS.get(option)?.values ?? option.argChoices;
}

/** Whether an option may be given again, its values collected: the table says, or commander's variadic. */
export function isRepeatable(option: Option): boolean {
  return SPECS.get(option)?.repeatable === true || option.variadic;
}

export function addFlags(command: Command, declared: CommandSpec): Command {
  for (const flag of declared.flags) {
    const spec: FlagSpec = FLAGS[flag];
    const option = new Option(spec.flags, declared.wording?.[flag] ?? spec.help);
    SPECS.set(option, spec);
    if (spec.default !== undefined) option.default(spec.default);
    if (spec.mandatory) option.makeOptionMandatory();
    if (spec.repeatable) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    command.addOption(option);
  }
  return command;
}
