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

/** One rule a line, in columns: level, id, title, engines, ATT&CK tags. A rule file is text someone wrote: shown as data. */
export function rulesTable(rules: readonly RuleSummary[], chalk: { dim: (text: string) => string; bold: (text: string) => string }): string {
  if (rules.length === 0) return 'no rules loaded\n';
  const rows = rules.map((rule) => [
    rule.level,
    rule.id,
    `${rule.title}${rule.correlation ? ' (correlation)' : ''}`,
    rule.engines.length ? rule.engines.join(',') : 'all',
    rule.tags.filter((tag) => tag.toLowerCase().startsWith('attack.')).join(' '),
  ]);
  const header = ['LEVEL', 'ID', 'TITLE', 'ENGINES', 'ATT&CK'];
  // Widths by what shows (an escape takes its room); a long title does not push every row.
  const widths = header.map((name, column) => Math.min(column === 2 ? 60 : 80, Math.max(name.length, ...rows.map((row) => visible(row[column] ?? '').length))));
  const line = (cells: string[], shown: (text: string) => string) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? shown(cell) : `${shown(cell)}${' '.repeat(Math.max(0, (widths[column] ?? 0) - visible(cell).length))}`,
      )
      .join('  ')
      .trimEnd();
  return `${[chalk.bold(line(header, (text) => text)), ...rows.map((row) => line(row, (text) => visible(text, chalk.dim)))].join('\n')}\n`;
}
