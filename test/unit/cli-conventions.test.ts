import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { buildProgram, type Actions } from '../../src/cli/program.js';
import { commandTable } from '../../src/cli/command-table.js';
import { SHELLS } from '../../src/cli/completion.js';
import { programManPage } from '../../src/cli/man-page.js';
import { closest } from '../../src/cli/did-you-mean.js';
import { FLAGS } from '../../src/cmdutil/flags.js';
import { COMMAND_FLAGS } from '../../src/cli/commands.js';
import { memoryIO } from '../helpers/memory-io.js';

async function das(...argv: string[]) {
  const io = memoryIO();
  const code = await run(argv, io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

/** The program's table as the generators read it, its actions never run. */
function table() {
  const nothing = async () => {};
  return commandTable(buildProgram('0.0.0', { writeOut: nothing, writeErr: nothing }, new Proxy({} as Actions, { get: () => nothing })));
}

/** Every flag of a command as the table of flags declares it: its spellings, and the words it takes. */
const declared = (command: keyof typeof COMMAND_FLAGS) =>
  COMMAND_FLAGS[command].map((name) => {
    const spec: { flags: string; values?: readonly string[] } = FLAGS[name];
    return { spellings: spec.flags.split(/[ ,]+/).filter((word) => word.startsWith('-')), values: spec.values ?? [] };
  });

describe('a mistyped command', () => {
  it('says which command was meant, exit 2, instead of "too many arguments"', async () => {
    const result = await das('stauts');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('das-read: error: unknown command stauts; did you mean status?');
    expect(result.stderr).not.toContain('too many arguments');
    expect(result.stdout).toBe('');
  });

  it.each([
    ['a stray word', ['st\u001b[31matus']],
    ['help of a word', ['help', '\u001b]0;pwned\u0007']],
    ['an unknown option', ['--\u001b[2Jx']],
    ['a shell completion', ['completion', '\u001b[2J']],
    ['a carriage return and a bidi override', ['x\ry\u202e']],
  ])('quotes %s with its controls shown, never acted on', async (_, argv) => {
    const result = await das(...argv);
    expect(result.code).toBe(2);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(result.stderr.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    expect(result.stderr).toMatch(/\\e|\\r|\\u202e/);
  });

  it('a word that begins a command offers that command first, then the near ones', async () => {
    const result = await das('stat');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command stat; did you mean status or start?');
    expect((await das('de')).stderr).toContain('unknown command de; did you mean demo, decode or detect?');
  });

  it('after the read’s own flags too', async () => {
    const result = await das('--cluster', 'prod', 'sotp');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command sotp; did you mean stop?');
  });

  it('a word like no command (a cluster named without --cluster) is told what goes there', async () => {
    const result = await das('auroralab-postgres-cluster');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /unknown command auroralab-postgres-cluster: the commands are status, start, stop, .*; a read names its stream with --cluster/,
    );
    expect(result.stderr).not.toContain('did you mean');
  });

  it('a subcommand still refuses a word it does not take', async () => {
    const result = await das('status', 'prod');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("too many arguments for 'status'");
  });

  it('the nearest names: a swap of neighbours is one edit; nothing when nothing is near', () => {
    expect(closest('stauts', ['status', 'start', 'stop'])).toEqual(['status']);
    expect(closest('decdoe', ['show', 'decode'])).toEqual(['decode']);
    expect(closest('lba', ['lab', 'demo'])).toEqual(['lab']);
    expect(closest('prod', ['status', 'start', 'stop', 'lab', 'demo', 'show', 'decode'])).toEqual([]);
    expect(closest('x', ['lab'])).toEqual([]);
  });

  it('every name the word begins, first, then the near ones, each once', () => {
    expect(closest('stat', ['status', 'start', 'stop'])).toEqual(['status', 'start']);
    expect(closest('st', ['status', 'start', 'stop', 'show'])).toEqual(['status', 'start', 'stop']);
    expect(closest('STA', ['status', 'start', 'stop'])).toEqual(['status', 'start']);
    expect(closest('de', ['demo', 'decode', 'detect', 'show'])).toEqual(['demo', 'decode', 'detect']);
    expect(closest('', ['lab'])).toEqual([]);
  });
});

describe('das-read help [command]', () => {
  it('help status is status --help, on stdout, exit 0', async () => {
    const [help, flag] = await Promise.all([das('help', 'status'), das('status', '--help')]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: das-read status \[options\]/);
    expect(help.stdout).toBe(flag.stdout);
  });

  it('help alone is the program’s help, examples and exit codes included', async () => {
    const [help, flag] = await Promise.all([das('help'), das('--help')]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toBe(flag.stdout);
    expect(help.stdout).toMatch(/help \[command\]/);
    expect(help.stdout).toMatch(/completion <shell>/);
  });

  it('help of a mistyped command says which was meant', async () => {
    const result = await das('help', 'stauts');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command stauts; did you mean status?');
    expect(result.stdout).toBe('');
  });
});

describe('das-read completion', () => {
  it.each(SHELLS)('%s: every command, every flag and every value of the table', async (shell) => {
    const result = await das('completion', shell);
    expect(result.code).toBe(0);
    const script = result.stdout;
    const missing: string[] = [];
    for (const command of table().commands) if (!new RegExp(`\\b${command.name}\\b`).test(script)) missing.push(command.name);
    for (const command of Object.keys(COMMAND_FLAGS) as Array<keyof typeof COMMAND_FLAGS>) {
      for (const { spellings, values } of declared(command)) {
        // fish names a flag without its dashes: -l cluster, -s o.
        const spelled = (flag: string) => (shell === 'fish' ? `${flag.startsWith('--') ? '-l' : '-s'} ${flag.replace(/^-+/, '')}` : flag);
        missing.push(...spellings.filter((flag) => !script.includes(spelled(flag))).map((flag) => `${command} ${flag}`));
        missing.push(...values.filter((value) => !script.includes(value)).map((value) => `${command} ${spellings.join('/')} ${value}`));
      }
    }
    expect(missing).toEqual([]);
    for (const words of [
      ['pretty', 'ndjson', 'json', 'ocsf'],
      ['fail', 'skip'],
      ['auto', 'always', 'never'],
      ['trim-horizon', 'latest'],
      ['bash', 'zsh', 'fish'],
    ]) {
      expect(script).toContain(words.join(' '));
    }
  });

  it('a repeatable flag is offered again, in zsh as in the table', async () => {
    const read = table().read.flags;
    expect(read.filter((flag) => flag.repeatable).map((flag) => flag.long)).toEqual(
      Object.values(FLAGS)
        .filter((spec: { repeatable?: boolean; flags: string }) => spec.repeatable && COMMAND_FLAGS.read.some((name) => FLAGS[name].flags === spec.flags))
        .map((spec) => spec.flags.split(' ')[0]),
    );
    const zsh = (await das('completion', 'zsh')).stdout;
    expect(zsh).toContain(`'*'--user'[`);
    expect(zsh).toContain(`'(-o --output)'{-o,--output}'[`);
  });

  it('a shell it does not know is a usage error naming those it does', async () => {
    const result = await das('completion', 'tcsh');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bash, zsh, fish/);
  });

  it('the table is read from commander: a command added to the program is completed without another edit', () => {
    const nothing = async () => {};
    const program = buildProgram('0.0.0', { writeOut: nothing, writeErr: nothing }, new Proxy({} as Actions, { get: () => nothing }));
    program.command('frobnicate').description('a later command').option('--rules <file>', 'its rules').option('--level <level>', 'how loud');
    const added = commandTable(program).commands.find((command) => command.name === 'frobnicate');
    expect(added?.flags.map((flag) => [flag.long, flag.value?.kind])).toEqual([
      ['--rules', 'file'],
      ['--level', 'any'],
      ['--help', undefined],
    ]);
  });
});

describe('the man page', () => {
  const page = programManPage('9.8.7');

  it('names the version, every command and every flag of every command', () => {
    expect(page).toMatch(/^\.TH DAS\\-READ 1 "" "das\\-read 9\.8\.7"/);
    const roff = (text: string) => text.replace(/-/g, '\\-');
    const missing: string[] = [];
    for (const command of table().commands) if (!page.includes(`.SS "${roff(`das-read ${command.name}`)}`)) missing.push(command.name);
    for (const command of Object.keys(COMMAND_FLAGS) as Array<keyof typeof COMMAND_FLAGS>) {
      for (const { spellings, values } of declared(command)) {
        missing.push(...spellings.filter((flag) => !page.includes(`\\fB${roff(flag)}\\fR`)).map((flag) => `${command} ${flag}`));
        if (values.length) expect(page).toContain(`values: ${roff(values.join(', '))}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has the sections a man page has, the exit codes among them', () => {
    for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'COMMANDS', 'EXAMPLES', 'EXIT STATUS', 'SEE ALSO']) {
      expect(page).toContain(`\n.SH ${section}\n`);
    }
    expect(page).toMatch(/\n130 {2}interrupted \(SIGINT\)\n/);
  });

  it('no line of text is read as a request, and no backslash is left unescaped', () => {
    const text = page.split('\n').filter((line) => !/^\.(TH|SH|SS|TP|PP|B|br|nf|fi|ad|nh)( |$)/.test(line));
    expect(text.filter((line) => /^['.]/.test(line))).toEqual([]);
    expect(text.filter((line) => /\\(?![-e&fB IR])/.test(line.replace(/\\f[BIR]/g, '')))).toEqual([]);
  });
});
