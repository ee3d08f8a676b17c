import type { ChalkInstance } from 'chalk';
import type { FindingTally } from '../../detect/finding-tally.js';
import { visible } from '../../terminal/visible.js';

/** --summary: the findings by rule and by level, for stderr, as a read's table goes there. Rule titles come from rule files: shown as data. */
export function formatFindingSummary(tally: FindingTally, facts: { events: number; rules: number }, chalk: ChalkInstance): string {
  const lines = [
    chalk.bold(
      `Findings: ${tally.total} (${facts.events} event${facts.events === 1 ? '' : 's'} evaluated by ${facts.rules} rule${facts.rules === 1 ? '' : 's'})`,
    ),
  ];
  const rows = tally.byRule();
  if (rows.length) {
    const width = Math.max(5, ...rows.map((row) => String(row.count).length));
    lines.push(chalk.dim(`  ${'level'.padEnd(13)}${'count'.padStart(width)}  rule`));
    for (const { rule, count } of rows) {
      lines.push(
        `  ${rule.level.padEnd(13)}${String(count).padStart(width)}  ${visible(rule.title, chalk.dim)} ${chalk.dim(`(${visible(rule.id, chalk.dim)})`)}`,
      );
    }
  }
  lines.push(
    `  ${tally
      .byLevel()
      .map(({ level, count }) => `${level} ${count}`)
      .join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}
