import type { Argument, Command, Option } from 'commander';
import { isRepeatable, valuesOf } from '../cmdutil/flags.js';

/** What a flag's value is, for a shell to offer: the table's words, a file, a folder, or anything. */
export type ValueKind = { kind: 'words'; words: readonly string[] } | { kind: 'file' } | { kind: 'dir' } | { kind: 'any' };

export interface FlagEntry {
  /** `-o`, `--output`: every spelling. */
  readonly names: readonly string[];
  readonly long?: string;
  readonly short?: string;
  /** As --help shows it: `-o, --output <format>`. */
  readonly flags: string;
  readonly description: string;
  readonly defaultValue?: string;
  /** Undefined for a flag that takes no value. */
  readonly value?: ValueKind & { readonly name: string };
  readonly repeatable: boolean;
  readonly mandatory: boolean;
}

export interface ArgumentEntry {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
  readonly variadic: boolean;
  /** A command's name (help's), the table's words, files, or anything. */
  readonly value: ValueKind | { kind: 'command' };
}

export interface CommandEntry {
  readonly name: string;
  readonly description: string;
  readonly flags: readonly FlagEntry[];
  readonly arguments: readonly ArgumentEntry[];
}

/** The program as data: the read (the program's own flags) and each subcommand, in the order --help lists them. */
export interface CommandTable {
  readonly name: string;
  readonly description: string;
  readonly read: CommandEntry;
  readonly commands: readonly CommandEntry[];
}

/**
 * Read from commander's objects themselves, not from a list of ours: a command or flag added to the
 * program shows in completion, the man page and `help` without another edit.
 */
export function commandTable(program: Command): CommandTable {
  return {
    name: program.name(),
    description: program.description(),
    read: entryOf(program, program.name()),
    commands: program
      .createHelp()
      .visibleCommands(program)
      .map((command) => entryOf(command, command.name())),
  };
}

function entryOf(command: Command, name: string): CommandEntry {
  const help = command.createHelp();
  const flags = help.visibleOptions(command).map(flagOf);
  return {
    name,
    description: command.description(),
    flags,
    arguments: command.registeredArguments.map(argumentOf),
  };
}

function flagOf(option: Option): FlagEntry {
  const names = [option.short, option.long].filter((name): name is string => name !== undefined);
  const takesValue = option.required || option.optional;
  const defaultValue = option.defaultValue === undefined || typeof option.defaultValue === 'boolean' ? undefined : String(option.defaultValue);
  return {
    names,
    ...(option.long ? { long: option.long } : {}),
    ...(option.short ? { short: option.short } : {}),
    flags: option.flags,
    description: option.description,
    ...(defaultValue === undefined ? {} : { defaultValue }),
    ...(takesValue ? { value: { name: placeholderOf(option.flags), ...valueKind(valuesOf(option), placeholderOf(option.flags)) } } : {}),
    repeatable: isRepeatable(option),
    mandatory: option.mandatory,
  };
}

const placeholderOf = (flags: string) => /[<[]([^>\]]+)[>\]]/.exec(flags)?.[1]?.replace(/\.\.\.$/, '') ?? 'value';

function valueKind(words: readonly string[] | undefined, placeholder: string): ValueKind {
  if (words) return { kind: 'words', words };
  if (/^(file|files|archive|path)$/.test(placeholder)) return { kind: 'file' };
  if (/^(dir|directory|folder)$/.test(placeholder)) return { kind: 'dir' };
  return { kind: 'any' };
}

function argumentOf(argument: Argument): ArgumentEntry {
  return {
    name: argument.name(),
    description: argument.description,
    required: argument.required,
    variadic: argument.variadic,
    value: argument.name() === 'command' ? { kind: 'command' } : valueKind(argument.argChoices, argument.name()),
  };
}
