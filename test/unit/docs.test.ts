import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { documentFiles, program, regenerate, ROOT } from '../../scripts/docs-generator.js';
import { LAMBDA_ENVIRONMENT } from '../../src/lambda/lambda-config.js';

const files = await documentFiles();
const REFERENCE = join(ROOT, 'docs', 'reference.md');

describe('the generated reference', () => {
  it.each(files.map((file) => [relative(ROOT, file), file]))('%s says what the code says (npm run docs writes it anew)', async (_, file) => {
    const text = await readFile(file, 'utf8');
    expect(await regenerate(text, file)).toBe(text);
  });

  it('holds every command of the program, each with its own options, exit codes and the Lambda variables', async () => {
    const text = await readFile(REFERENCE, 'utf8');
    const root = program();
    for (const command of root.commands) expect(text).toContain(`### das-read ${command.name()}\n`);
    expect(text).toContain('`--kms-key <key>`');
    expect(text).toMatch(/\| 4 +\| gap: /);
    expect(await readFile(join(ROOT, 'docs', 'lambda.md'), 'utf8')).toMatch(/\| `SECURITY_LAKE_SOURCE` +\| `--security-lake-source` +\|.*\| `das-read` +\|/);
  });

  it("names, for each of the Lambda's variables, a flag the CLI has", () => {
    // The read's flags are the program's own; detect's (--rules) are its command's.
    const root = program();
    const flags = [root, ...root.commands].flatMap((command) => command.options.flatMap((option) => [option.long, option.short]));
    const named = Object.values(LAMBDA_ENVIRONMENT).flatMap((spec) => ('flag' in spec ? [spec.flag] : []));
    expect(named.filter((flag) => !flags.includes(flag))).toEqual([]);
  });

  it('follows the program: a command or an option added to it appears at the next run, with no other change', async () => {
    const text = await readFile(REFERENCE, 'utf8');
    const root = program();
    root
      .command('frobnicate')
      .description('list the detection rules')
      .addOption(new Option('--pack <name>', 'only this pack').default('core'))
      .addOption(new Option('--format <form>', 'how to list them').choices(['text', 'yaml']).env('DAS_RULES_FORMAT'));
    root.commands.find((command) => command.name() === 'status')?.addOption(new Option('--watch', 'show it again every few seconds'));
    const written = await regenerate(text, REFERENCE, root);
    expect(written).toMatch(
      /### das-read frobnicate\n\nlist the detection rules\n\n```\ndas-read frobnicate \[options\]\n```\n\n\| option +\| what it does +\| default +\|/,
    );
    expect(written).toMatch(/\| `--pack <name>` +\| only this pack +\| `core` +\|/);
    expect(written).toMatch(/\| `--format <form>` +\| how to list them \(one of `text`, `yaml`\) \(also `DAS_RULES_FORMAT`\) +\| +\|/);
    const status = written.slice(written.indexOf('### das-read status'), written.indexOf('### das-read start'));
    expect(status).toMatch(/\| `--watch` +\| show it again every few seconds +\|/);
  });

  it('writes help text as text: markdown in it is escaped, a pipe does not split the cell', async () => {
    const root = program();
    root.command('odd').addOption(new Option('--glob <pattern>', 'a glob such as app_* or <name>|other'));
    const written = await regenerate('<!-- generated:options odd -->\n<!-- /generated -->\n', REFERENCE, root);
    expect(written).toContain('a glob such as app\\_\\* or \\<name\\>\\|other');
  });

  it('refuses a region it has no generator for, and a command the program does not have', async () => {
    await expect(regenerate('<!-- generated:flags -->\n<!-- /generated -->\n', 'x.md')).rejects.toThrow(/no generator for the region "flags"/);
    await expect(regenerate('<!-- generated:options nope -->\n<!-- /generated -->\n', 'x.md')).rejects.toThrow(/no command "nope"/);
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped but for - and _, spaces as -. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

function anchorsIn(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1] ?? '')));
}

describe("the README's and docs' links", () => {
  it.each(files.map((file) => [relative(ROOT, file), file]))('%s: every link to a file of the repository, and its anchor, exists', (_, file) => {
    const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
    const broken: string[] = [];
    for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [path = '', anchor] = target.split('#');
      const into = path === '' ? file : resolve(dirname(file), path);
      if (!existsSync(into)) broken.push(target);
      else if (anchor !== undefined && into.endsWith('.md') && !anchorsIn(into).has(anchor)) broken.push(target);
    }
    expect(broken).toEqual([]);
  });
});
