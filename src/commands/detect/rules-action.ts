import type { ActionContext } from '../../cmdutil/action-context.js';
import type { RULES } from './detect-command.js';
import type { FlagsOf } from '../../cmdutil/flags.js';
import { oneOf } from '../../cmdutil/one-of.js';
import { loadRules } from '../../detect/load-rules.js';
import type { RuleSummary } from '../../detect/finding.js';
import type { EventRule, Rule } from '../../detect/rule.js';
import { ExitCode } from '../../errors.js';
import { visible } from '../../terminal/visible.js';

/** A rule as `das-read rules` lists it: whether it makes findings of its own, or only feeds a correlation. */
export type ListedRule = RuleSummary & { reports: boolean };

/** `das-read rules`: the rules `detect` would run with the same flags, as a table or as JSON. */
export async function rulesAction(flags: FlagsOf<typeof RULES>, context: ActionContext): Promise<number> {
  const output = oneOf('--output', flags.output ?? 'text', ['text', 'json'] as const);
  const rules = listedRules(await loadRules({ builtin: flags.builtinRules ?? true, paths: flags.rules ?? [] }));
  const { io } = context;
  if (output === 'json') io.stdout.write(`${JSON.stringify(rules, null, 2)}\n`);
  else io.stdout.write(rulesTable(rules, io.colorFor('stdout'), io.stdoutColumns));
  return ExitCode.ok;
}

/**
 * Each rule with whether it reports: as the detector decides it (src/detect/detector.ts), a rule a correlation names
 * makes no finding of its own (Sigma's `generate: false`, the default), unless a correlation naming it says `generate: true`.
 */
export function listedRules(rules: readonly Rule[]): ListedRule[] {
  const correlations = rules.filter((rule) => rule.kind === 'correlation');
  const silent = new Set<EventRule>();
  for (const correlation of correlations) if (!correlation.generate) for (const rule of correlation.rules) silent.add(rule);
  for (const correlation of correlations) if (correlation.generate) for (const rule of correlation.rules) silent.delete(rule);
  return rules.map((rule) => ({ ...rule.summary, reports: rule.kind === 'correlation' || !silent.has(rule) }));
}

/** A title shows at least this much of itself (besides its note), however narrow the terminal. */
const MIN_TITLE = 12;
/** What the tags keep on a terminal before the title gives way. */
const TAG_ROOM = 24;
const GAP = '  ';

/** How wide untrusted text shows once its hidden characters are written out. */
const shownWidth = (text: string) => [...visible(text)].length;

/** The text cut to `room` columns as shown, with … where it was cut. */
function cut(text: string, room: number): string {
  if (shownWidth(text) <= room) return text;
  let kept = '';
  let width = 0;
  for (const character of text) {
    const own = shownWidth(character);
    if (width + own > room - 1) break;
    kept += character;
    width += own;
  }
  return `${kept}…`;
}

/**
 * One rule a line, in columns: level, id, title, engines, ATT&CK tags. A rule that only feeds a correlation has no
 * level of its own (—) and says so after its title. Every column stays in line: on a terminal (`columns`) the title
 * and the tags are cut to fit, as pretty lines are; elsewhere each column is as wide as its widest cell.
 * A rule file is text someone wrote: shown as data.
 */
export function rulesTable(rules: readonly ListedRule[], chalk: { dim: (text: string) => string; bold: (text: string) => string }, columns?: number): string {
  if (rules.length === 0) return 'no rules loaded\n';
  const rows = rules.map((rule) => ({
    cells: [
      rule.reports ? rule.level : '—',
      rule.id,
      '',
      rule.engines.length ? rule.engines.join(',') : 'all',
      rule.tags.filter((tag) => tag.toLowerCase().startsWith('attack.')).join(' '),
    ],
    title: rule.title,
    suffix: rule.correlation ? ' (correlation)' : rule.reports ? '' : ' (feeds a correlation)',
  }));
  const header = ['LEVEL', 'ID', 'TITLE', 'ENGINES', 'ATT&CK'];
  const widest = (column: number) => Math.max(header[column]?.length ?? 0, ...rows.map((row) => shownWidth(row.cells[column] ?? '')));
  const titles = rows.map((row) => shownWidth(row.title) + row.suffix.length);
  const [level, id, , engines, tags] = [0, 1, 2, 3, 4].map(widest) as [number, number, number, number, number];
  const fixed = level + id + engines + 4 * GAP.length;
  let title = Math.max(header[2]?.length ?? 0, ...titles);
  // On a terminal the title gives way to some of the tags, down to MIN_TITLE and its note; the tags take what is left.
  const notes = Math.max(...rows.map((row) => row.suffix.length));
  if (columns !== undefined) title = Math.max(MIN_TITLE + notes, Math.min(title, columns - fixed - Math.min(tags, TAG_ROOM)));
  const widths = [level, id, title, engines];
  const tagRoom = columns === undefined ? Infinity : Math.max(1, columns - fixed - title);
  for (const row of rows) {
    row.cells[2] = `${cut(row.title, Math.max(1, title - row.suffix.length))}${row.suffix}`;
    row.cells[4] = cut(row.cells[4] ?? '', tagRoom);
  }
  const line = (cells: readonly string[], shown: (text: string) => string) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? shown(cell) : `${shown(cell)}${' '.repeat(Math.max(0, (widths[column] ?? 0) - shownWidth(cell)))}`))
      .join(GAP)
      .trimEnd();
  return `${[chalk.bold(line(header, (text) => text)), ...rows.map((row) => line(row.cells, (text) => visible(text, chalk.dim)))].join('\n')}\n`;
}
