import { CommanderError, type Command, type Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { buildProgram, optionsAfterSubcommand, type Actions, type Flags } from '../../src/cli/program.js';

/** The program as run() builds it, its actions recording the flags they were given. */
function program() {
  const calls: Array<{ command: string; flags: Flags }> = [];
  const record = (command: string) => async (flags: Flags) => void calls.push({ command, flags });
  const actions: Actions = {
    read: record('read'),
    status: record('status'),
    start: record('start'),
    stop: record('stop'),
    lab: record('lab'),
    demo: record('demo'),
    show: record('show'),
    decode: record('decode'),
    detect: record('detect'),
    rules: record('rules'),
    report: record('report'),
  };
  let errors = '';
  const built = buildProgram('0.0.0', { writeOut: () => {}, writeErr: (text) => (errors += text) }, actions);
  return { built, calls, errors: () => errors };
}

type Outcome = { honoured: true } | { refused: string };

/** Parses argv as run() does: honoured when the action got the option's value, or the refusal's message. */
async function outcome(argv: string[], key: string, value: string | boolean): Promise<Outcome | { dropped: true }> {
  const { built, calls, errors } = program();
  try {
    await built.parseAsync(optionsAfterSubcommand(built, argv), { from: 'user' });
  } catch (error) {
    if (error instanceof UsageError) return { refused: error.message };
    // --version and --help anywhere before a subcommand do what they say.
    if (error instanceof CommanderError && error.exitCode === 0) return { honoured: true };
    if (error instanceof CommanderError) return { refused: errors() };
    throw error;
  }
  // A repeatable option collects its values: honoured when the one given is there.
  const got = calls[0]?.flags[key];
  return (Array.isArray(got) ? got.includes(value as string) : got === value) ? { honoured: true } : { dropped: true };
}

const SAMPLE: Record<string, string> = {
  endpointUrl: 'http://127.0.0.1:4566',
  region: 'eu-west-1',
  output: 'json',
  kmsKey: 'alias/k',
  mode: 'async',
  port: '4567',
  rate: '5',
  seconds: '3',
  waitTimeout: '90s',
  color: 'never',
};
const argsOf = (option: Option): { words: string[]; key: string; value: string | boolean } => {
  const key = option.attributeName();
  const flag = option.long ?? option.short ?? '';
  if (option.negate) return { words: [flag], key, value: false };
  if (!option.required && !option.optional) return { words: [flag], key, value: true };
  const value = SAMPLE[key] ?? `value-of-${key}`;
  return { words: [flag, value], key, value };
};
/** What the subcommand needs besides the option under test. */
const required = (command: Command, except: string) => (command.name() === 'start' && except !== 'kmsKey' ? ['--kms-key', 'alias/k'] : []);

describe('every option of every command, before and after the subcommand', () => {
  const { built } = program();
  for (const command of built.commands) {
    const options = [...new Map([...built.options, ...command.options].map((option) => [option.long ?? option.short, option])).values()];
    for (const option of options) {
      const { words, key, value } = argsOf(option);
      const name = command.name();
      it(`${words[0]} before \`${name}\` is honoured or refused, never dropped`, async () => {
        const result = await outcome([...words, name, ...required(command, key)], key, value);
        expect(result).not.toHaveProperty('dropped');
        if ('refused' in result) expect(result.refused).toContain(`das-read ${name}`);
      });
      it(`${words[0]} after \`${name}\` is honoured or refused, never dropped`, async () => {
        const result = await outcome([name, ...required(command, key), ...words], key, value);
        expect(result).not.toHaveProperty('dropped');
        if ('refused' in result) expect(result.refused).toMatch(new RegExp(`unknown option '${words[0]}'[\\s\\S]*das-read ${name} --help`));
      });
    }
  }

  it('the options a user puts before a subcommand most: honoured', async () => {
    for (const [argv, key, value] of [
      [['--endpoint-url', 'http://127.0.0.1:4651', 'stop', '--cluster', 'c'], 'endpointUrl', 'http://127.0.0.1:4651'],
      [['--cluster', 'c', 'status'], 'cluster', 'c'],
      [['--region', 'eu-west-1', '--profile', 'audit', 'status', '--cluster', 'c'], 'profile', 'audit'],
      [['--yes', 'stop', '--cluster', 'c'], 'yes', true],
      [['-o', 'json', 'status', '--cluster', 'c'], 'output', 'json'],
    ] as const) {
      expect(await outcome([...argv], key, value), argv.join(' ')).toEqual({ honoured: true });
    }
  });

  it('a reading option before a subcommand is refused, saying where it goes', async () => {
    expect(await outcome(['--checkpoint', 'f', 'status', '--cluster', 'c'], 'checkpoint', 'f')).toEqual({
      refused: '--checkpoint is an option of reading, not of `das-read status`',
    });
    expect(await outcome(['--region', 'a', 'status', '--region', 'b', '--cluster', 'c'], 'region', 'a')).toEqual({
      refused: '--region is given twice, before and after `status`, with different values',
    });
  });

  it('a repeatable option given before and after a subcommand keeps every value, in order', async () => {
    const { built, calls } = program();
    await built.parseAsync(optionsAfterSubcommand(built, ['--user', 'a', 'show', '--user', 'b', 'f.ndjson']), { from: 'user' });
    expect(calls[0]?.flags.user).toEqual(['a', 'b']);
  });
});
