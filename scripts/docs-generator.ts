import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, type Option } from 'commander';
import { format, resolveConfig } from 'prettier';
import { buildProgram, type Actions } from '../src/cli/program.js';
import { EXIT_CODE_MEANINGS, ExitCode } from '../src/errors.js';
import { LAMBDA_ENVIRONMENT } from '../src/lambda/lambda-config.js';

// The reference in docs/ (and the README's exit codes) is written from the code's own tables, never by hand:
// a region between `<!-- generated:KIND ARGS -->` and `<!-- /generated -->` is the generator's; the rest is prose.
// Everything is read off the commander program, so a command added to it appears at the next `npm run docs`.

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The files that may hold generated regions: the README and every page of docs/. */
export async function documentFiles(): Promise<string[]> {
  const docs = (await readdir(join(ROOT, 'docs'))).filter((name) => name.endsWith('.md')).sort();
  return [join(ROOT, 'README.md'), ...docs.map((name) => join(ROOT, 'docs', name))];
}

const REGION = /(<!-- generated:([a-z-]+)((?: [^ >]+)*) -->\n)([\s\S]*?)(<!-- \/generated -->)/g;

/** The program as the CLI builds it; its actions never run here. */
export function program(): Command {
  const idle = new Proxy({}, { get: () => async () => undefined }) as Actions;
  return buildProgram('0.0.0', { writeOut: () => undefined, writeErr: () => undefined }, idle);
}

/** Each region of `text` written anew from `root` and the code's tables; the prose around them untouched. */
export async function regenerate(text: string, file: string, root: Command = program()): Promise<string> {
  const parts: Array<string | Promise<string>> = [];
  let last = 0;
  for (const match of text.matchAll(REGION)) {
    const [whole, open = '', kind = '', args = '', , close = ''] = match;
    // A blank line on each side of the table, as Prettier leaves a block beside an HTML comment.
    parts.push(text.slice(last, match.index), open, '\n', formatted(region(kind, args.trim().split(' ').filter(Boolean), root, file), file), '\n', close);
    last = match.index + whole.length;
  }
  parts.push(text.slice(last));
  return (await Promise.all(parts)).join('');
}

function region(kind: string, args: string[], root: Command, file: string): string {
  switch (kind) {
    case 'commands':
      return commandsOf(root)
        .map((command) => commandSection(command, root))
        .join('\n\n');
    case 'options':
      return optionTable(commandNamed(root, args[0] ?? '', file));
    case 'exit-codes':
      return exitCodeTable(args[0] === 'brief' ? 'summary' : 'detail');
    case 'lambda-variables':
      return lambdaTable();
    default:
      throw new Error(`${file}: no generator for the region "${kind}"`);
  }
}

/** The program itself (it reads a stream), then each subcommand as its --help lists them. */
const commandsOf = (root: Command): Command[] => [root, ...root.createHelp().visibleCommands(root)];

const fullName = (command: Command, root: Command) => (command === root ? root.name() : `${root.name()} ${command.name()}`);

function commandNamed(root: Command, name: string, file: string): Command {
  const found = name === 'read' || name === root.name() ? root : root.commands.find((command) => command.name() === name);
  if (!found) throw new Error(`${file}: the program has no command "${name}"`);
  return found;
}

function commandSection(command: Command, root: Command): string {
  const help = command.createHelp();
  const usage = command === root ? `${root.name()} [options]` : help.commandUsage(command);
  const args = command.registeredArguments.map((argument) => {
    const choices = argument.argChoices ? ` (one of ${argument.argChoices.map((choice) => `\`${choice}\``).join(', ')})` : '';
    return `\`${argument.name()}${argument.variadic ? '…' : ''}\`: ${text(argument.description)}${choices}`;
  });
  return [
    `### ${fullName(command, root)}`,
    text(command.description()) + (command === root ? ' With no subcommand, das-read reads a stream.' : ''),
    `\`\`\`\n${usage}\n\`\`\``,
    ...args,
    optionTable(command),
  ].join('\n\n');
}

function optionTable(command: Command): string {
  const rows = command
    .createHelp()
    .visibleOptions(command)
    .map((option) => [`\`${option.flags}\``, describe(option), defaultOf(option)]);
  return table(['option', 'what it does', 'default'], rows);
}

/** The help text, and what commander also knows of the option: the values it takes, the variable that sets it. */
function describe(option: Option): string {
  const choices = option.argChoices ? ` (one of ${option.argChoices.map((choice) => `\`${choice}\``).join(', ')})` : '';
  const env = option.envVar ? ` (also \`${option.envVar}\`)` : '';
  return text(option.description) + choices + env;
}

function defaultOf(option: Option): string {
  if (option.mandatory) return 'required';
  return option.defaultValue === undefined ? '' : `\`${String(option.defaultValue)}\``;
}

function exitCodeTable(which: 'summary' | 'detail'): string {
  const rows = Object.entries(EXIT_CODE_MEANINGS).map(([name, meaning]) => [
    String(ExitCode[name as keyof typeof ExitCode]),
    which === 'summary' ? text(meaning.summary) : meaning.detail,
  ]);
  return table(['code', 'meaning'], rows);
}

function lambdaTable(): string {
  const rows = Object.entries(LAMBDA_ENVIRONMENT).map(([name, spec]) => [
    `\`${name}\``,
    'flag' in spec ? `\`${spec.flag}\`` : '',
    spec.help,
    'default' in spec ? (spec.default.includes('`') ? spec.default : `\`${spec.default}\``) : '',
  ]);
  return table(['variable', "as the CLI's", 'value', 'default'], rows);
}

const table = (head: string[], rows: string[][]) =>
  [head, head.map(() => '---'), ...rows].map((row) => `| ${row.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`).join('\n');

/** Help text as markdown: what markdown would take for markup is escaped, so it reads as `--help` prints it. */
const text = (help: string) => help.replace(/[\\`*_[\]<>]/g, (char) => `\\${char}`);

/** As `npm run format` would leave it, so Prettier and the generator never disagree about a region. */
async function formatted(markdown: string, file: string): Promise<string> {
  const options = (await resolveConfig(file)) ?? {};
  return format(`${markdown}\n`, { ...options, parser: 'markdown' });
}
