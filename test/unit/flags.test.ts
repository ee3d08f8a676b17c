import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { addFlags, FLAGS, type FlagName } from '../../src/cmdutil/flags.js';
import { COMMAND_FLAGS, COMMANDS, type CommandName } from '../../src/cli/commands.js';
import { buildProgram, type Actions } from '../../src/cli/program.js';
import { ATTACK_NAMES } from '../../lab/src/attacks.js';

const names = Object.keys(FLAGS) as FlagName[];
const commands = Object.keys(COMMAND_FLAGS) as CommandName[];

describe('one table of flags', () => {
  it('each key is the name commander gives the value, so the typed flags are what actions get', () => {
    // -o and --from are spelt the same by two commands with different values: each has the one name.
    const renamed: Partial<Record<FlagName, string>> = { statusOutput: 'output', detectOutput: 'output', reportOutput: 'output', savedFrom: 'from' };
    expect(names.filter((name) => new Option(FLAGS[name].flags).attributeName() !== (renamed[name] ?? name))).toEqual([]);
  });

  it('every flag of the table belongs to a command, and no command lists one twice', () => {
    const used = new Set(commands.flatMap((command) => [...COMMAND_FLAGS[command]]));
    expect(names.filter((name) => !used.has(name))).toEqual([]);
    for (const command of commands) expect(new Set(COMMAND_FLAGS[command]).size, command).toBe(COMMAND_FLAGS[command].length);
  });

  it('the program declares exactly the table: each command its own flags, with their defaults', () => {
    const noop = async () => {};
    const actions = Object.fromEntries(commands.map((command) => [command, noop])) as unknown as Actions;
    const program = buildProgram('0.0.0', { writeOut: () => {}, writeErr: () => {} }, actions);
    const declared = (command: Command) => command.options.map((option) => option.flags).filter((flags) => flags !== '-V, --version');
    const expected = (command: CommandName) => COMMAND_FLAGS[command].map((name) => FLAGS[name].flags);
    expect(declared(program)).toEqual(expected('read'));
    for (const command of commands.filter((name) => name !== 'read')) {
      expect(declared(program.commands.find((sub) => sub.name() === command) as Command), command).toEqual(expected(command));
    }
    expect(program.commands.find((sub) => sub.name() === 'status')?.options.find((option) => option.long === '--output')?.defaultValue).toBe('text');
    expect(program.options.find((option) => option.long === '--output')?.defaultValue).toBeUndefined();
  });

  it('a shared flag says what it does in each command', () => {
    const help = (name: CommandName) => addFlags(new Command(name), COMMANDS[name]).helpInformation();
    expect(help('start')).toContain('wait until the stream is started');
    expect(help('stop')).toContain('wait until the stream is stopped');
    expect(help('start')).toMatch(/--kms-key <key>/);
  });
});

describe('the words a flag takes', () => {
  it("--attack offers the lab's scenarios, every one and all, for completion and the man page", () => {
    const attack: { values?: readonly string[] } = FLAGS.attack;
    expect(attack.values).toEqual([...ATTACK_NAMES, 'all']);
  });
});

describe('--help', () => {
  it('says how the filters match', () => {
    const noop = async () => {};
    let text = '';
    const actions = Object.fromEntries(commands.map((command) => [command, noop])) as unknown as Actions;
    const program = buildProgram('0.0.0', { writeOut: (out) => (text += out), writeErr: () => {} }, actions);
    program.outputHelp();
    expect(text).toMatch(/--exclude-user <name>/);
    expect(text).toMatch(/match the whole value as a glob/);
    expect(text).toMatch(/--grep is a regular expression searched in the SQL/);
    expect(text).toMatch(/with --checkpoint the next run starts after them/);
  });
});
