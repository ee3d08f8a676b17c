import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, runShell, userEnv } from '../helpers/bin.js';
import { FLAGS } from '../../src/cmdutil/flags.js';
import { COMMAND_FLAGS } from '../../src/cli/commands.js';

const MAN_PAGE = fileURLToPath(new URL('../../das-read.1', import.meta.url));
const has = async (command: string) => (await runShell(`command -v ${command}`)).code === 0;

/**
 * What bash offers after the words typed so far, the built das-read's script sourced as a user's
 * ~/.bashrc would: the last word is the one being completed ('' for a new word). Each candidate
 * whole, even one holding a line break; in `cwd` (the repository by default).
 */
async function bashCompletesIn(cwd: string, ...words: string[]): Promise<string[]> {
  const quoted = words.map((word) => `'${word}'`).join(' ');
  const script = `source <("${process.execPath}" "${BIN}" completion bash) || exit 9
COMP_WORDS=(das-read ${quoted}); COMP_CWORD=${words.length}; COMP_LINE="das-read ${words.join(' ')}"; COMP_POINT=\${#COMP_LINE}
_das_read; printf '%s\\0' "\${COMPREPLY[@]}"`;
  const result = await runShell(script, userEnv(), cwd);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout.split('\0').filter(Boolean);
}

const bashCompletes = (...words: string[]) => bashCompletesIn(fileURLToPath(new URL('../..', import.meta.url)), ...words);

describe('bash completion, sourced in bash', () => {
  it('completes commands, a command’s flags, and the values of enumerated flags', async () => {
    expect(await bashCompletes('st')).toEqual(['status', 'start', 'stop']);
    expect(await bashCompletes('stat')).toEqual(['status']);
    expect(await bashCompletes('')).toEqual(expect.arrayContaining(['status', 'show', 'decode', 'lab', 'demo', 'completion', 'help']));
    expect(await bashCompletes('--clu')).toEqual(['--cluster']);
    expect(await bashCompletes('-o', '')).toEqual(['pretty', 'ndjson', 'json', 'ocsf']);
    expect(await bashCompletes('--output', '=', 'nd')).toEqual(['ndjson']);
    expect(await bashCompletes('--on-error', '')).toEqual(['fail', 'skip']);
    expect(await bashCompletes('--color', 'a')).toEqual(['auto', 'always']);
    expect(await bashCompletes('--from', '')).toEqual(['trim-horizon', 'latest']);
    expect(await bashCompletes('status', '-o', '')).toEqual(['text', 'json']);
    expect(await bashCompletes('start', '--mo')).toEqual(['--mode']);
    expect(await bashCompletes('--region', 'eu-west-1', 'stop', '--y')).toEqual(['--yes']);
    expect(await bashCompletes('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(await bashCompletes('help', 'de')).toEqual(['demo', 'decode', 'detect']);
    expect(await bashCompletes('lab', '--attack', 'pass')).toEqual(['password-spray']);
    expect(await bashCompletes('lab', '--attack', '')).toContain('all');
  });

  it('offers files where a command takes files (spaces and all), and nothing where a value is free text', async () => {
    expect(await bashCompletes('show', 'package.j')).toEqual(['package.json']);
    expect(await bashCompletes('--checkpoint', 'package.j')).toEqual(['package.json']);
    expect(await bashCompletes('--cluster', '')).toEqual([]);
    const dir = await mkdtemp(join(tmpdir(), 'das-read-completion-'));
    try {
      await writeFile(join(dir, 'audit log.ndjson'), '');
      expect(await bashCompletes('show', join(dir, 'audit'))).toEqual([join(dir, 'audit log.ndjson')]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('offers each file once and whole: no name is globbed, split at a space or a line break', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'das-read-completion-'));
    try {
      for (const name of ['a*', 'a b.ndjson', 'ab1', '*', 'two\nlines.ndjson', '-dash.ndjson']) await writeFile(join(dir, name), '');
      const sorted = async (...words: string[]) => (await bashCompletesIn(dir, ...words)).sort();
      expect(await sorted('show', 'a')).toEqual(['a b.ndjson', 'a*', 'ab1']);
      expect(await sorted('show', '*')).toEqual(['*']);
      expect(await sorted('show', 'two')).toEqual(['two\nlines.ndjson']);
      expect(await sorted('show', 'a\\*')).toEqual(['a*']);
      expect(await sorted('--checkpoint', 'a')).toEqual(['a b.ndjson', 'a*', 'ab1']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('after -- every word is an argument: files, not commands nor flags; a command given its arguments is offered nothing more', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'das-read-completion-'));
    try {
      for (const name of ['status.ndjson', '-dash.ndjson']) await writeFile(join(dir, name), '');
      expect((await bashCompletesIn(dir, '--', '')).sort()).toEqual(['-dash.ndjson', 'status.ndjson']);
      expect(await bashCompletesIn(dir, '--', 'st')).toEqual(['status.ndjson']);
      expect(await bashCompletesIn(dir, 'show', '--', '-')).toEqual(['-dash.ndjson']);
      expect(await bashCompletesIn(dir, 'show', '--', '-o', '')).toEqual(['-dash.ndjson', 'status.ndjson']);
      expect(await bashCompletesIn(dir, 'help', 'status', '')).toEqual([]);
      expect(await bashCompletesIn(dir, 'completion', 'bash', '')).toEqual([]);
      expect(await bashCompletesIn(dir, 'help', '')).toEqual(expect.arrayContaining(['status', 'show']));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('zsh and fish load their scripts without an error, where they are installed', async () => {
    if (await has('zsh')) {
      const result = await runShell(
        `zsh -fc 'autoload -Uz compinit && compinit -u -D && source <("${process.execPath}" "${BIN}" completion zsh) && echo loaded'`,
      );
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('loaded');
    }
    if (await has('fish')) {
      const result = await runShell(`fish -c '"${process.execPath}" "${BIN}" completion fish | source; complete -C "das-read st"'`);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^status\b/m);
    }
  });
});

describe('the man page the build wrote', () => {
  it('lists every command and every flag of the table', async () => {
    const page = await readFile(MAN_PAGE, 'utf8');
    const missing: string[] = [];
    for (const command of Object.keys(COMMAND_FLAGS) as Array<keyof typeof COMMAND_FLAGS>) {
      if (command !== 'read' && !page.includes(`.SS "das\\-read ${command}`)) missing.push(command);
      for (const name of COMMAND_FLAGS[command]) {
        for (const flag of FLAGS[name].flags.split(/[ ,]+/).filter((word) => word.startsWith('-'))) {
          if (!page.includes(`\\fB${flag.replace(/-/g, '\\-')}\\fR`)) missing.push(`${command} ${flag}`);
        }
      }
    }
    for (const command of ['completion', 'help']) if (!page.includes(`.SS "das\\-read ${command}`)) missing.push(command);
    expect(missing).toEqual([]);
  });

  it('man -l renders it without a warning, flags as they are typed', async () => {
    if (!(await has('man'))) return;
    const result = await runShell(`MANWIDTH=100 man --warnings -l "${MAN_PAGE}"`, userEnv({ LANG: 'C.UTF-8' }));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^NAME\n\s+das-read - read, decrypt and print/m);
    expect(result.stdout).toContain('--cluster name');
    expect(result.stdout).toMatch(/-o, --output format\n\s+pretty, ndjson/);
    expect(result.stdout).toMatch(/^EXIT STATUS\n\s+0 {4}success/m);
  });
});
