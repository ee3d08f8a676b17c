import { Argument, Command, Option } from 'commander';
import { ExitCode, UsageError } from '../errors.js';
import { EXIT_CODES_HELP } from './exit-codes-help.js';
import { addFlags, type CommandSpec, type FlagsOf } from '../cmdutil/flags.js';
import { COMMANDS, type CommandName } from './commands.js';
import { commandTable } from './command-table.js';
import { completionScript, SHELLS, type Shell } from './completion.js';
import { closest, eitherOf } from './did-you-mean.js';
import { visible, visibleLines } from '../terminal/visible.js';

interface ProgramOutput {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

/** What commander hands over, before it is typed by the table of flags. */
export type Flags = Record<string, string | string[] | boolean | undefined>;

/** What each command does with its flags; the program itself knows nothing of AWS or the terminal. */
export type Actions = {
  [C in CommandName]: (
    flags: FlagsOf<(typeof COMMANDS)[C]> & ((typeof COMMANDS)[C] extends { files: string } ? { files: string[] } : unknown),
  ) => Promise<void>;
};

/** The command line, and nothing else: commands get validated options, not commander. */
export function buildProgram(version: string, output: ProgramOutput, actions: Actions): Command {
  const program = new Command('das-read')
    .description(COMMANDS.read.description)
    .version(version, '-V, --version')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: output.writeOut,
      writeErr: output.writeErr,
      outputError: shownError,
    })
    .showHelpAfterError('(das-read --help shows every option)');

  withHelp(addFlags(program, COMMANDS.read), COMMANDS.read).action(async (flags: Flags, self: Command) => {
    // The read takes no word of its own: one is a mistyped command, or a name meant for --cluster.
    const [word] = self.args;
    if (word !== undefined) self.error(notACommand(program, word), { exitCode: ExitCode.usage, code: 'das-read.unknownCommand' });
    return actions.read(typed(flags));
  });

  for (const spec of [COMMANDS.status, COMMANDS.start, COMMANDS.stop, COMMANDS.rules, COMMANDS.lab, COMMANDS.demo]) {
    const command = program
      .command(spec.name)
      .description(spec.description)
      .exitOverride()
      .configureOutput({ writeOut: output.writeOut, writeErr: output.writeErr, outputError: shownError })
      .showHelpAfterError(`(das-read ${spec.name} --help shows its options)`);
    const name = spec.name;
    withHelp(addFlags(command, spec), spec).action(async (flags: Flags, self: Command) => actions[name](typed(withOptionsBefore(self, flags))));
  }
  const withFiles = (spec: CommandSpec & { files: string }) => {
    const command = program
      .command(spec.name)
      .description(spec.description)
      .argument('[file...]', spec.files)
      .exitOverride()
      .configureOutput({ writeOut: output.writeOut, writeErr: output.writeErr, outputError: shownError })
      .showHelpAfterError(`(das-read ${spec.name} --help shows its options)`);
    return withHelp(addFlags(command, spec), spec);
  };
  withFiles(COMMANDS.show).action(async (files: string[], flags: Flags, self: Command) =>
    actions.show({ ...typed<FlagsOf<typeof COMMANDS.show>>(withOptionsBefore(self, flags)), files }),
  );
  withFiles(COMMANDS.decode).action(async (files: string[], flags: Flags, self: Command) =>
    actions.decode({ ...typed<FlagsOf<typeof COMMANDS.decode>>(withOptionsBefore(self, flags)), files }),
  );
  withFiles(COMMANDS.detect).action(async (files: string[], flags: Flags, self: Command) =>
    actions.detect({ ...typed<FlagsOf<typeof COMMANDS.detect>>(withOptionsBefore(self, flags)), files }),
  );
  withFiles(COMMANDS.report).action(async (files: string[], flags: Flags, self: Command) =>
    actions.report({ ...typed<FlagsOf<typeof COMMANDS.report>>(withOptionsBefore(self, flags)), files }),
  );

  const plain = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .exitOverride()
      .configureOutput({ writeOut: output.writeOut, writeErr: output.writeErr, outputError: shownError })
      .showHelpAfterError(`(das-read ${name} --help shows its options)`);
  plain('completion', 'print the shell completion script: source <(das-read completion bash), or zsh, fish')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .action((shell: Shell, flags: Flags, self: Command) => {
      withOptionsBefore(self, flags);
      output.writeOut(completionScript(commandTable(program), shell));
    });
  // As git and gh have it; commander's own help command would print the whole program's help for a mistyped name.
  plain('help', 'show the help of das-read, or of one of its commands')
    .argument('[command]', 'the command')
    .action((name: string | undefined, flags: Flags, self: Command) => {
      withOptionsBefore(self, flags);
      if (name === undefined) return program.outputHelp();
      const command = program.commands.find((candidate) => candidate.name() === name);
      if (!command) return self.error(notACommand(program, name), { exitCode: ExitCode.usage, code: 'das-read.unknownCommand' });
      command.outputHelp();
    });
  program.helpCommand(false);
  // Last, once every subcommand has copied the program's settings: they keep commander's check of
  // their arguments, and the read says what its stray word was (notACommand).
  program.allowExcessArguments();
  return program;
}

/**
 * commander's error messages quote what was typed (an unknown option, a value, a stray word): written
 * with its controls shown, never acted on by the terminal.
 */
function shownError(message: string, write: (text: string) => void): void {
  write(`das-read: ${visibleLines(message)}`);
}

/** A command's own help after its options: its examples and notes, and the exit codes where it says so. */
function withHelp(command: Command, spec: CommandSpec): Command {
  if (spec.help === undefined && !spec.exitCodes) return command;
  return command.addHelpText('after', `\n${spec.help ?? ''}${spec.exitCodes ? EXIT_CODES_HELP : ''}`);
}

/** A word where a command goes: the command it was most likely meant to be, or what goes there. */
function notACommand(program: Command, word: string): string {
  const names = program.commands.map((command) => command.name());
  const near = closest(word, names);
  if (near.length > 0) return `error: unknown command ${visible(word)}; did you mean ${eitherOf(near)}?`;
  return `error: unknown command ${visible(word)}: the commands are ${names.join(', ')}; a read names its stream with --cluster, --instance or --stream-name`;
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
