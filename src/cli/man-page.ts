import type { EventEmitter } from 'node:events';
import type { Command } from 'commander';
import { commandTable, type CommandEntry, type FlagEntry } from './command-table.js';
import { buildProgram, type Actions } from './program.js';

/** The man page of das-read as this build's program has it: nothing runs, the program is only read. */
export function programManPage(version: string): string {
  const nothing = async () => {};
  const actions = new Proxy({} as Actions, { get: () => nothing });
  return manPage(buildProgram(version, { writeOut: nothing, writeErr: nothing }, actions), version);
}

/**
 * das-read.1, in man(7) roff, from the program itself: each command and flag as --help has them,
 * the values a flag takes, and the examples, filters and exit codes the program's help ends with.
 * The build writes it (scripts/write-man-page.js); npm installs it where man finds it.
 */
export function manPage(program: Command, version: string): string {
  const table = commandTable(program);
  const name = table.name;
  const lines: string[] = [
    `.TH ${roff(name.toUpperCase())} 1 "" "${roff(`${name} ${version}`)}" "User Commands"`,
    // Left-aligned and unhyphenated: flags and identifiers stay whole, to be typed as they are shown.
    '.ad l',
    '.nh',
    '.SH NAME',
    `${roff(name)} \\- ${roff(lowerFirst(table.description.replace(/\.$/, '')))}`,
    '.SH SYNOPSIS',
    `.B ${roff(name)}`,
    '[\\fIoptions\\fR]',
    '.br',
    `.B ${roff(name)}`,
    '\\fIcommand\\fR [\\fIoptions\\fR] [\\fIarguments\\fR]',
    '.SH DESCRIPTION',
    `Without a command, ${roff(name)} reads an activity stream: the options below.`,
    'Each command has options of its own, listed under COMMANDS.',
    '.SH OPTIONS',
    ...flagLines(table.read.flags),
    '.SH COMMANDS',
    ...table.commands.flatMap((command) => commandLines(name, command)),
    ...afterHelp(program),
    '.SH SEE ALSO',
    `\\fB${roff(name)} help\\fR \\fIcommand\\fR, \\fB${roff(name)} completion\\fR \\fIshell\\fR, and the README of ${roff(name)}.`,
  ];
  return `${lines.join('\n')}\n`;
}

function commandLines(program: string, command: CommandEntry): string[] {
  const operands = command.arguments.map((argument) => {
    const word = `\\fI${roff(argument.name)}\\fR${argument.variadic ? ' ...' : ''}`;
    return argument.required ? word : `[${word}]`;
  });
  return [
    `.SS "${roff(`${program} ${command.name}`)}${command.flags.length > 1 ? ' [options]' : ''}${operands.length ? ` ${operands.join(' ').replace(/"/g, '')}` : ''}"`,
    roff(upperFirst(command.description)),
    ...command.arguments.flatMap((argument) => ['.TP', `\\fI${roff(argument.name)}\\fR`, roff(argument.description)]),
    ...flagLines(command.flags),
  ];
}

function flagLines(flags: readonly FlagEntry[]): string[] {
  return flags
    .filter((flag) => flag.long !== '--help')
    .flatMap((flag) => {
      const names = flag.names.map((name) => `\\fB${roff(name)}\\fR`).join(', ');
      const value = flag.value ? ` \\fI${roff(flag.value.name)}\\fR` : '';
      const notes = [
        flag.value?.kind === 'words' ? `values: ${flag.value.words.join(', ')}` : undefined,
        flag.defaultValue === undefined ? undefined : `default: ${flag.defaultValue}`,
        flag.mandatory ? 'required' : undefined,
      ].filter((note) => note !== undefined);
      return ['.TP', `${names}${value}`, roff(`${flag.description}${notes.length ? ` (${notes.join('; ')})` : ''}`)];
    });
}

/**
 * The text the program's --help ends with (examples, how filters combine, exit codes), a section a
 * block: one headed by a line such as "Examples:" keeps its lines as they are; "Filters: …" is a paragraph.
 */
function afterHelp(program: Command): string[] {
  let text = '';
  // commander's help text arrives through its events (addHelpText), an EventEmitter its types do not declare.
  (program as unknown as EventEmitter).emit('afterHelp', { error: false, command: program, write: (chunk: string) => (text += chunk) });
  const lines: string[] = [];
  for (const block of text.split(/\n\s*\n/).filter((part) => part.trim() !== '')) {
    const [first = '', ...rest] = block.replace(/^\n+|\n+$/g, '').split('\n');
    const heading = /^([A-Z][A-Za-z ]*):(.*)$/.exec(first.trim());
    const title = heading?.[1] ?? 'Notes';
    lines.push(`.SH ${title === 'Exit codes' ? 'EXIT STATUS' : title.toUpperCase()}`);
    if (heading && heading[2]?.trim() === '') lines.push('.nf', ...rest.map((line) => roff(line.replace(/^ {2}/, ''))), '.fi');
    else lines.push('.PP', roff([heading?.[2] ?? first, ...rest].join(' ').replace(/\s+/g, ' ').trim()));
  }
  return lines;
}

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/** Text as roff shows it: backslashes and hyphens escaped (a flag copied from the page is typed as printed), no line read as a request. */
function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^([.'])/gm, '\\&$1');
}
