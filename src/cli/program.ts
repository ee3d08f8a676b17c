import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { EXIT_CODES_HELP } from './exit-codes-help.js';
import { addFlags, type CommandName, type FlagsOf } from '../cmdutil/flags.js';

interface ProgramOutput {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

/** What commander hands over, before it is typed by the table of flags. */
export type Flags = Record<string, string | string[] | boolean | undefined>;

/** What each command does with its flags; the program itself knows nothing of AWS or the terminal. */
export type Actions = { [C in CommandName]: (flags: FlagsOf<C> & (C extends 'show' | 'decode' | 'detect' ? { files: string[] } : unknown)) => Promise<void> };

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

  addFlags(program, 'read')
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
  das-read --cluster prod --class DDL --class ROLE --skip-service-users
  das-read --cluster prod --errors-only --exclude-user 'app_*'
  das-read show audit.ndjson.1.gz audit.ndjson -o pretty --class DDL

Filters: --user, --database, --class, --command and --object match the whole value as a glob
(* any run, ? one character), in any case; --grep is a regular expression searched in the SQL,
in any case. A flag given twice keeps events that match either value; different flags must all
match; each --exclude-… leaves out what it matches. An event without the field matches no filter.
Events left out are still read: with --checkpoint the next run starts after them.
${EXIT_CODES_HELP}`,
    )
    .action(async (flags: Flags) => actions.read(typed(flags)));

  const subcommands: Array<[Exclude<CommandName, 'read' | 'show' | 'decode' | 'detect'>, string]> = [
    ['status', 'show the activity stream of a cluster or instance'],
    ['start', 'start the activity stream of a cluster or instance'],
    ['stop', 'stop the activity stream: deletes its Kinesis stream and any unread events'],
    ['rules', 'list the detection rules `das-read detect` runs: id, level, title, engines, ATT&CK tags'],
    ['lab', 'run Kinesis, KMS and RDS on this machine, with an Aurora PostgreSQL cluster under pgbench load: no AWS account'],
    ['demo', 'the lab in under a minute: start it, start the stream, read live events, stop everything'],
  ];
  for (const [name, description] of subcommands) {
    const command = program
      .command(name)
      .description(description)
      .exitOverride()
      .configureOutput({ writeOut: output.writeOut, writeErr: output.writeErr, outputError: (message, write) => write(`das-read: ${message}`) })
      .showHelpAfterError(`(das-read ${name} --help shows its options)`);
    addFlags(command, name).action(async (flags: Flags, self: Command) => actions[name](typed(withOptionsBefore(self, flags))));
  }
  const withFiles = (name: 'show' | 'decode' | 'detect', description: string, files: string) => {
    const command = program
      .command(name)
      .description(description)
      .argument('[file...]', files)
      .exitOverride()
      .configureOutput({ writeOut: output.writeOut, writeErr: output.writeErr, outputError: (message, write) => write(`das-read: ${message}`) })
      .showHelpAfterError(`(das-read ${name} --help shows its options)`);
    return addFlags(command, name);
  };
  withFiles(
    'show',
    "show das-read's saved ndjson (audit files, gzip'd or not) with the same forms and filters",
    'files to read, in order (default: standard input; - is standard input too)',
  ).action(async (files: string[], flags: Flags, self: Command) => actions.show({ ...typed<FlagsOf<'show'>>(withOptionsBefore(self, flags)), files }));
  withFiles(
    'decode',
    "decrypt activity-stream records kept outside Kinesis: Firehose's raw delivery to S3 (gzip'd or not), dead letters",
    'archives to read, in order (default: standard input; - is standard input too)',
  ).action(async (files: string[], flags: Flags, self: Command) => actions.decode({ ...typed<FlagsOf<'decode'>>(withOptionsBefore(self, flags)), files }));
  withFiles(
    'detect',
    'run Sigma rules over activity events, live (--cluster, --instance, --stream-name) or saved (FILE…), and write what they find',
    "das-read's saved ndjson to read instead of a stream, in order (gzip'd or not; - is standard input)",
  )
    .addHelpText(
      'after',
      `
Examples:
  das-read detect --cluster prod
  das-read detect --cluster prod --checkpoint /var/lib/das/detect.json --no-follow -o ocsf >> findings.ndjson
  das-read detect audit.ndjson.1.gz --summary --fail-on high
  das-read detect audit.ndjson --cluster arn:aws:rds:eu-west-1:123456789012:cluster:prod -o asff
  das-read detect --no-builtin-rules --rules ./my-rules/ audit.ndjson
  das-read rules --rules ./my-rules/

Findings go to stdout; a finding's evidence is named by the events' eventIds (as -o ndjson writes them).
Exit 0 whatever is found, unless --fail-on says otherwise; a failure (1 to 4) outranks 5.
${EXIT_CODES_HELP}`,
    )
    .action(async (files: string[], flags: Flags, self: Command) => actions.detect({ ...typed<FlagsOf<'detect'>>(withOptionsBefore(self, flags)), files }));
  return program;
}

// commander's values are typed by the table they were declared from (flags.ts): strings for a flag
// that takes a value, booleans for one that does not.
const typed = <T>(flags: Flags): T => flags as T;

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
    const value = root.getOptionValue(key) as string | string[] | boolean | undefined;
    const flag = option.long ?? option.short ?? key;
    if (!command.options.some((own) => own.attributeName() === key)) {
      throw new UsageError(`${flag} is an option of reading, not of \`das-read ${command.name()}\``, `das-read ${command.name()} --help shows its options.`);
    }
    const mine = flags[key];
    // A repeatable flag collects: the values before the subcommand come first.
    if (Array.isArray(value) && Array.isArray(mine)) {
      merged[key] = [...value, ...mine];
      continue;
    }
    if (command.getOptionValueSource(key) === 'cli' && mine !== value) {
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
