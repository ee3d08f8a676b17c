import type { ActionContext } from '../../cmdutil/action-context.js';
import type { FlagsOf } from '../../cmdutil/flags.js';
import { oneOf } from '../../cmdutil/one-of.js';
import { loadRules, ruleSummary } from '../../detect/load-rules.js';
import type { RuleSummary } from '../../detect/finding.js';
import { ExitCode } from '../../errors.js';
import { chalkFor } from '../../terminal/color.js';
import { visible } from '../../terminal/visible.js';

/** `das-read rules`: the rules `detect` would run with the same flags, as a table or as JSON. */
export async function rulesAction(flags: FlagsOf<'rules'>, context: ActionContext): Promise<number> {
  const output = oneOf('--output', flags.output ?? 'text', ['text', 'json'] as const);
  const rules = (await loadRules({ builtin: flags.builtinRules ?? true, paths: flags.rules ?? [] })).map(ruleSummary);
  const { io } = context;
  if (output === 'json') io.stdout.write(`${JSON.stringify(rules, null, 2)}\n`);
  else io.stdout.write(rulesTable(rules, chalkFor(io, 'stdout')));
  return ExitCode.ok;
}

/** One rule a line: level, id, title, engines, ATT&CK tags. A rule file is text someone wrote: shown as data. */
export function rulesTable(rules: readonly RuleSummary[], chalk: { dim: (text: string) => string; bold: (text: string) => string }): string {
  if (rules.length === 0) return 'no rules loaded\n';
  const shown = (text: string) => visible(text, chalk.dim);
  const idWidth = Math.max(2, ...rules.map((rule) => visible(rule.id).length));
  const lines = [chalk.bold(`${'LEVEL'.padEnd(14)}${'ID'.padEnd(idWidth + 2)}TITLE  [ENGINES]  TAGS`)];
  for (const rule of rules) {
    const engines = rule.engines.length ? rule.engines.join(',') : 'all';
    const tags = rule.tags.filter((tag) => tag.toLowerCase().startsWith('attack.')).join(' ');
    lines.push(
      `${rule.level.padEnd(14)}${shown(rule.id)}${' '.repeat(idWidth + 2 - visible(rule.id).length)}${shown(rule.title)}  [${shown(engines)}]${rule.correlation ? ' (correlation)' : ''}${tags ? `  ${shown(tags)}` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
