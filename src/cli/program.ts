import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { EXIT_CODES_HELP } from './exit-codes-help.js';

export interface ProgramOutput {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

export type Flags = Record<string, string | boolean | undefined>;

/** What each command does with its flags; the program itself knows nothing of AWS or the terminal. */
export interface Actions {
  read(flags: Flags): Promise<void>;
  status(flags: Flags): Promise<void>;
  start(flags: Flags): Promise<void>;
  stop(flags: Flags): Promise<void>;
  lab(flags: Flags): Promise<void>;
  demo(flags: Flags): Promise<void>;
}

function awsOptions(command: Command): Command {
  return command
    .option('--region <region>', 'AWS region (default: from the environment or profile)')
    .option('--profile <name>', 'AWS named profile (default: the default credential chain)')
    .option('--endpoint-url <url>', 'send RDS, Kinesis and KMS calls to this endpoint (a local lab)');
}

/** What starting and stopping share: RDS's timing, and waiting for it. */
function transitionOptions(command: Command, verb: 'start' | 'stop'): Command {
  return command
    .option('--apply-immediately', `${verb} now rather than in the next maintenance window`)
    .option('--wait', `wait until the stream is ${verb === 'start' ? 'started' : 'stopped'}`)
    .option('--wait-timeout <duration>', 'give up waiting after this long (90s, 15m)', '20m')
    .option('--debug', 'show stack traces of unexpected errors');
}

function databaseOptions(command: Command): Command {
  return command.option('--cluster <name>', 'Aurora DB cluster identifier or ARN').option('--instance <name>', 'RDS for Oracle / SQL Server DB instance identifier or ARN');
}

/** The command line, and nothing else: commands get validated options, not commander. */
export function buildProgram(version: string, output: ProgramOutput, actions: Actions): Command {
  const program = new Command('das-read')
    .description('Read, decrypt and print an Amazon Aurora / RDS Database Activity Stream.')
    .version(version, '-V, --version')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: output.writeOut,
      writeErr: output.writeErr,
      outputError: (message, write) => write(`das-read: ${message}`),
    })
    .showHelpAfterError('(das-read --help shows every option)');

  databaseOptions(program)
    .option('--stream-name <name>', 'read this Kinesis stream directly, without asking RDS (aws-rds-das-…)')
    .option('--resource-id <id>', 'with --stream-name: the cluster-… or db-… resource id, when the name does not end with it');
  awsOptions(program)
    .option('--no-follow', 'exit once every shard has reached the end it had when the run started')
    .option('--from <position>', 'where a first run starts: trim-horizon (default), latest, a time (UTC unless zoned), or a duration ago: 90s, 15m, 2h')
    .option('--until <time>', 'stop at events that arrived after this time or duration ago')
    .option('--max-events <n>', 'stop after writing n events')
    .option('--checkpoint <file>', 'resume after the last event written by the previous run, and save the position as events are written')
    .option('--on-error <policy>', 'a record that cannot be read: fail (stop, exit 3) or skip (report it and go on)', 'fail')
    .option('--dead-letter <file>', 'with --on-error skip: append each unreadable record, with its position and the reason, to this NDJSON file')
    .option('--batch-size <n>', 'records asked for per GetRecords call, 1 to 10000', '1000')
    .option('--max-record-bytes <size>', 'a record larger than this once decompressed is unreadable, not inflated: 64m by default (k, m, g)')
    .option('--threads <n>', 'decrypt on up to n worker threads (default: one per core, up to 8; 0: on the main thread)')
    .addOption(new Option('-o, --output <format>', 'pretty or ndjson (default: pretty on a terminal, ndjson otherwise)'))
    .option('--include-heartbeats', 'also print heartbeat events')
    .addOption(new Option('--color <when>', 'colour the pretty output: auto, always, never').default('auto'))
    .option('-v, --verbose', 'report progress on stderr even when it is not a terminal')
    .option('--debug', 'show stack traces of unexpected errors')
    .addHelpText(
      'after',
      `
Examples:
  das-read --cluster auroralab-postgres-cluster
  das-read --cluster prod -o ndjson | jq 'select(.class=="DDL")'
  das-read --stream-name aws-rds-das-cluster-ABCDEFGH --region eu-west-1 --no-follow
  das-read --cluster prod --checkpoint /var/lib/das/prod.json --no-follow >> audit.ndjson
  das-read status --cluster prod
  das-read lab
${EXIT_CODES_HELP}`,
    )
    .action(async (flags: Flags) => actions.read(flags));

  const subcommand = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .exitOverride()
      .configureOutput({ writeOut: output.writeOut, writeErr: output.writeErr, outputError: (message, write) => write(`das-read: ${message}`) })
      .showHelpAfterError(`(das-read ${name} --help shows its options)`);

  awsOptions(databaseOptions(subcommand('status', 'show the activity stream of a cluster or instance')))
    .addOption(new Option('-o, --output <format>', 'text or json').default('text'))
    .option('--debug', 'show stack traces of unexpected errors')
    .action(async (flags: Flags, command: Command) => actions.status(withOptionsBefore(command, flags)));

  transitionOptions(awsOptions(databaseOptions(subcommand('start', 'start the activity stream of a cluster or instance'))), 'start')
    .requiredOption('--kms-key <key>', 'customer managed KMS key: id, ARN or alias (the default RDS key is refused)')
    .addOption(new Option('--mode <mode>', 'async, or sync (Aurora PostgreSQL only)').default('async'))
    .option('--engine-native-audit-fields', 'RDS for Oracle / SQL Server: include the engine-native audit fields')
    .action(async (flags: Flags, command: Command) => actions.start(withOptionsBefore(command, flags)));

  transitionOptions(awsOptions(databaseOptions(subcommand('stop', 'stop the activity stream: deletes its Kinesis stream and any unread events'))), 'stop')
    .option('-y, --yes', 'do not ask for confirmation (needed when not at a terminal)')
    .action(async (flags: Flags, command: Command) => actions.stop(withOptionsBefore(command, flags)));

  subcommand('lab', 'run Kinesis, KMS and RDS on this machine, with an Aurora PostgreSQL cluster under pgbench load: no AWS account')
    .option('--port <port>', 'the lab endpoint\'s port on 127.0.0.1', '4566')
    .option('--postgres', 'load a real throwaway PostgreSQL with pgbench, audited by pgaudit, instead of simulating it')
    .option('--rate <n>', 'simulated pgbench transactions per second', '10')
    .option('--debug', 'show stack traces of unexpected errors')
    .action(async (flags: Flags, command: Command) => actions.lab(withOptionsBefore(command, flags)));

  subcommand('demo', 'the lab in under a minute: start it, start the stream, read live events, stop everything')
    .option('--seconds <n>', 'how long to show live events', '12')
    .option('--postgres', 'use a real PostgreSQL with pgbench and pgaudit')
    .option('--debug', 'show stack traces of unexpected errors')
    .action(async (flags: Flags, command: Command) => actions.demo(withOptionsBefore(command, flags)));

  return program;
}

/**
 * The program's own options typed before a subcommand (`das-read --region eu-west-1 status …`,
 * as gh, kubectl and aws allow): honoured when the subcommand has them, refused with a usage
 * error saying where they go when it does not. Never dropped.
 */
function withOptionsBefore(command: Command, flags: Flags): Flags {
  const root = command.parent;
  if (!root) return flags;
  const merged: Flags = { ...flags };
  for (const option of root.options) {
    const key = option.attributeName();
    if (root.getOptionValueSource(key) !== 'cli') continue;
    const value = root.getOptionValue(key) as string | boolean | undefined;
    const flag = option.long ?? option.short ?? key;
    if (!command.options.some((own) => own.attributeName() === key)) {
      throw new UsageError(`${flag} is an option of reading, not of \`das-read ${command.name()}\``, `das-read ${command.name()} --help shows its options.`);
    }
    if (command.getOptionValueSource(key) === 'cli' && flags[key] !== value) {
      throw new UsageError(`${flag} is given twice, before and after \`${command.name()}\`, with different values`);
    }
    merged[key] = value;
  }
  return merged;
}

function optionFor(command: Command, token: string): Option | undefined {
  const flag = token.startsWith('--') && token.includes('=') ? token.slice(0, token.indexOf('=')) : token;
  return command.options.find((option) => option.long === flag || option.short === flag);
}

const takesValue = (option: Option | undefined, token: string) => option !== undefined && (option.required || option.optional) && !token.includes('=');

/**
 * A subcommand's own options typed before it (`das-read --yes stop …`) are moved after it, where
 * commander looks for them; the program's options stay where they are, for withOptionsBefore.
 */
export function optionsAfterSubcommand(program: Command, argv: readonly string[]): string[] {
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index] ?? '';
    if (token === '--') break;
    const subcommand = program.commands.find((command) => command.name() === token);
    if (subcommand) {
      const stay: string[] = [];
      const move: string[] = [];
      const before = argv.slice(0, index);
      for (let at = 0; at < before.length; at++) {
        const word = before[at] ?? '';
        const own = optionFor(program, word);
        const theirs = own ? undefined : optionFor(subcommand, word);
        const into = theirs ? move : stay;
        into.push(word);
        if (takesValue(own ?? theirs, word) && at + 1 < before.length) into.push(before[++at] ?? '');
      }
      return [...stay, token, ...move, ...argv.slice(index + 1)];
    }
    if (takesValue(optionFor(program, token), token)) index++;
  }
  return [...argv];
}
