// Rule files to compiled rules: the built-in set shipped in rules/builtin/, and the files and folders a user names.
// Only the CLI imports it (the library API has compileRules): it finds the package's folder through import.meta, which
// the Lambda's CommonJS bundle lacks.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import { compileRules, type RuleText } from './compile-rules.js';
import type { RuleSummary } from './finding.js';
import type { Rule } from './rule.js';
import { MAX_RULE_FILE_BYTES } from './sigma/rule-yaml.js';
import { newSourceRule } from './new-source-rule.js';

/**
 * Where the package keeps its built-in rules: rules/builtin/ beside src/ (and dist/), found from this module when asked.
 */
export function builtinRulesDir(): string {
  return fileURLToPath(new URL('../../rules/builtin/', import.meta.url));
}

const RULE_FILE = /\.ya?ml$/i;
/** A folder of rules holds rule files and folders of them, not whole disks. */
const MAX_RULE_FILES = 10_000;

export async function loadRules(options: { builtin: boolean; paths: readonly string[] }): Promise<Rule[]> {
  const texts: RuleText[] = [];
  if (options.builtin) {
    const dir = builtinRulesDir();
    texts.push(...(await readFolder(dir, (file) => `builtin/${relative(dir, file)}`, true)));
  }
  for (const path of options.paths) texts.push(...(await readPath(path)));
  const rules = compileRules(texts);
  // The one built-in Sigma cannot say ("not seen before"), in code: src/detect/new-source-rule.ts.
  if (options.builtin) rules.push(newSourceRule());
  return rules;
}

export function ruleSummary(rule: Rule): RuleSummary {
  return rule.summary;
}

async function readPath(path: string): Promise<RuleText[]> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new UsageError(`${path}: cannot read the rules: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (info.isDirectory()) return readFolder(path, (file) => file, false);
  return [{ name: path, text: await readText(path) }];
}

/** The folder's .yml and .yaml files, in its subfolders too, in name order (so a set loads the same way every time). */
async function readFolder(dir: string, nameOf: (file: string) => string, missingIsEmpty: boolean): Promise<RuleText[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    if (missingIsEmpty && (error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UsageError(`${dir}: cannot read the rules: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const files = entries
    .filter((entry) => entry.isFile() && RULE_FILE.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  if (files.length > MAX_RULE_FILES) throw new UsageError(`${dir}: more than ${MAX_RULE_FILES} rule files`);
  return Promise.all(files.map(async (file) => ({ name: nameOf(file), text: await readText(file) })));
}

async function readText(path: string): Promise<string> {
  try {
    // Not read at all when it could not be a rule file: a path named by mistake may be a disk image.
    if ((await stat(path)).size > MAX_RULE_FILE_BYTES * 4) throw new UsageError(`${path}:1: the file is larger than ${MAX_RULE_FILE_BYTES} characters`);
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${path}: cannot read the rules: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
