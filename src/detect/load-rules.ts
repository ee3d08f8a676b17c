// Rule files to compiled rules: the built-in set shipped in rules/builtin/, and the files and folders a user names.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import type { RuleSummary } from './finding.js';
import type { EventRule, Rule } from './rule.js';
import { resolveCorrelation, type CorrelationDraft } from './sigma/correlation-rule.js';
import { MAX_RULE_FILE_BYTES, RuleFile, type RuleNode } from './sigma/rule-yaml.js';
import { shown } from './sigma/shown.js';
import { compileDocument } from './sigma/sigma-rule.js';
import { newSourceRule } from './new-source-rule.js';

/**
 * Where the package keeps its built-in rules: rules/builtin/ beside src/ (and dist/), found from this module. A
 * CommonJS bundle (the Lambda's, made by sam build) has no import.meta.url: there it is '', and the bundle names
 * its own folder (loadRules' builtinDir).
 */
export const BUILTIN_RULES_DIR = packageRulesDir();

function packageRulesDir(): string {
  try {
    return fileURLToPath(new URL('../../rules/builtin/', import.meta.url));
  } catch {
    return '';
  }
}
const RULE_FILE = /\.ya?ml$/i;
/** A folder of rules holds rule files and folders of them, not whole disks. */
const MAX_RULE_FILES = 10_000;

export interface RuleText {
  /** What messages call it: the path as given, or builtin/<name>.yml. */
  name: string;
  text: string;
}

export async function loadRules(options: { builtin: boolean; paths: readonly string[]; builtinDir?: string }): Promise<Rule[]> {
  const texts: RuleText[] = [];
  const builtinDir = options.builtinDir ?? BUILTIN_RULES_DIR;
  if (options.builtin && builtinDir === '') throw new UsageError('the built-in rules cannot be found: this build of das-read does not know where it is');
  if (options.builtin) texts.push(...(await readFolder(builtinDir, (file) => `builtin/${relative(builtinDir, file)}`, true)));
  for (const path of options.paths) texts.push(...(await readPath(path)));
  const rules = compileRules(texts);
  // The one built-in Sigma cannot say ("not seen before"), in code: src/detect/new-source-rule.ts.
  if (options.builtin) rules.push(newSourceRule());
  return rules;
}

export function ruleSummary(rule: Rule): RuleSummary {
  return rule.summary;
}

/**
 * Every document of every file compiled; correlations resolved against the single-event rules of the whole set (by
 * id or name). Any document refused refuses the load: a rule set is applied whole or not at all.
 */
export function compileRules(files: readonly RuleText[]): Rule[] {
  const rules: Rule[] = [];
  const drafts: CorrelationDraft[] = [];
  const ids = new Map<string, RuleNode>();
  const names = new Map<string, RuleNode>();
  const byRef = new Map<string, EventRule | 'correlation'>();
  for (const file of files) {
    for (const document of new RuleFile(file.name, file.text).documents()) {
      const compiled = compileDocument(document, file.name);
      const summary = compiled.kind === 'event' ? compiled.rule.summary : compiled.draft.summary;
      const name = compiled.kind === 'event' ? compiled.rule.name : compiled.draft.name;
      const earlier = ids.get(summary.id);
      if (earlier) throw (document.get('id') as RuleNode).refuse(`the id ${shown(summary.id)} is already the id of the rule at ${earlier.place}`);
      ids.set(summary.id, document);
      if (name !== undefined) {
        const named = names.get(name);
        if (named) throw (document.get('name') as RuleNode).refuse(`the name ${shown(name)} is already the name of the rule at ${named.place}`);
        names.set(name, document);
      }
      const target = compiled.kind === 'event' ? compiled.rule : 'correlation';
      byRef.set(summary.id, target);
      if (name !== undefined) byRef.set(name, target);
      if (compiled.kind === 'event') rules.push(compiled.rule);
      else drafts.push(compiled.draft);
    }
  }
  for (const draft of drafts) rules.push(resolveCorrelation(draft, (ref) => byRef.get(ref)));
  return rules;
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
