import type { ChalkInstance } from 'chalk';
import { formatMoment } from '../../events/das-time.js';
import { fieldText } from '../../events/field-text.js';
import { visible } from '../../terminal/visible.js';
import { factsOf, momentOf } from '../../detect/finding-facts.js';
import type { Finding, Level, SeenEvent } from '../../detect/finding.js';

/** A finding's block at a terminal: how wide, in which zone. */
export interface FindingLayout {
  utc?: boolean;
  /** The terminal's width: each line is cut to it. None: each line in full. */
  width?: number;
}

/** The statements a block shows at most: the rest are counted. */
export const MAX_SHOWN_STATEMENTS = 5;
/** Without a width (--wide, or not a terminal), a statement is still cut here: a block stays a block. */
const MAX_STATEMENT_COLUMNS = 2000;
const INDENT = '  ';
const LABEL = 10;

const LEVEL_STYLE: Record<Level, (chalk: ChalkInstance) => (text: string) => string> = {
  critical: (chalk) => chalk.red.bold.inverse,
  high: (chalk) => chalk.red.bold,
  medium: (chalk) => chalk.yellow.bold,
  low: (chalk) => chalk.cyan,
  informational: (chalk) => chalk.dim,
};

/**
 * One finding as a block a person reads: the level (in colour where there is colour), the rule, who,
 * from where, on which database, when, and the statements that made it. Every value came from a
 * database client or a rule file: shown through `visible`, so it is one line of data and never a
 * control sequence.
 */
export function formatFinding(finding: Finding, chalk: ChalkInstance, layout: FindingLayout = {}): string {
  const { rule } = finding;
  const mark = (escape: string) => chalk.dim(escape);
  const safe = (text: string) => visible(text, mark);
  const width = layout.width;
  /** A line's text cut to the width, by what shows; `style` goes over the escaped text. */
  const fit = (prefix: number, text: string, style: (text: string) => string = (plain) => plain) => {
    let room = (width ?? MAX_STATEMENT_COLUMNS + prefix) - prefix;
    if (visible(text).length <= room) return style(safe(text));
    let kept = '';
    room -= 1;
    for (const character of text) {
      room -= visible(character).length;
      if (room < 0) break;
      kept += character;
    }
    return style(`${safe(kept.trimEnd())}…`);
  };
  const levelStyle = (LEVEL_STYLE[rule.level] ?? LEVEL_STYLE.informational)(chalk);
  const levelText = rule.level.toUpperCase();
  const lines = [`${levelStyle(levelText)}  ${fit(levelText.length + 2, `${rule.title} (${rule.id})`, chalk.bold)}`];
  const row = (label: string, value: string) => {
    if (value === '') return;
    lines.push(`${INDENT}${chalk.dim(label.padEnd(LABEL))}${fit(INDENT.length + LABEL, value)}`);
  };
  const facts = factsOf(finding);
  row('who', facts.users.join(', ') || '?');
  row('from', [facts.hosts.join(', '), facts.applications.length ? `(${facts.applications.join(', ')})` : ''].filter(Boolean).join(' '));
  const where = [...facts.clusterIds, ...facts.instanceIds.filter(() => facts.clusterIds.length === 0)].join(', ');
  row('database', [facts.databases.join(', '), where ? `on ${where}` : ''].filter(Boolean).join(' '));
  const first = timeOf(finding.first, layout.utc === true);
  const last = timeOf(finding.last, layout.utc === true);
  row('when', `${first === last ? first : `${first} – ${last}`}  (${finding.eventCount} event${finding.eventCount === 1 ? '' : 's'})`);
  if (finding.group && Object.keys(finding.group).length) {
    row(
      'by',
      Object.entries(finding.group)
        .map(([key, value]) => `${key}=${value}`)
        .join(', '),
    );
  }
  const shown = finding.evidence.slice(0, MAX_SHOWN_STATEMENTS);
  for (const [index, seen] of shown.entries()) {
    lines.push(`${INDENT}${chalk.dim((index === 0 ? 'evidence' : '').padEnd(LABEL))}${fit(INDENT.length + LABEL, statementOf(seen))}`);
  }
  const more = finding.eventCount - shown.length;
  if (more > 0) lines.push(`${INDENT}${' '.repeat(LABEL)}${chalk.dim(`… and ${more} more event${more === 1 ? '' : 's'}`)}`);
  lines.push(`${INDENT}${chalk.dim('finding'.padEnd(LABEL))}${chalk.dim(fit(INDENT.length + LABEL, finding.uid))}`);
  return `${lines.join('\n')}\n\n`;
}

/** What an evidence event did: its statement, else its command and object. */
function statementOf(seen: SeenEvent): string {
  const { event } = seen;
  const statement = fieldText(event.commandText).trim();
  if (statement) return statement;
  return [fieldText(event.command), fieldText(event.objectName), fieldText(event.errorMessage)].filter(Boolean).join(' ') || seen.eventId;
}

function timeOf(text: string, utc: boolean): string {
  const moment = momentOf(text);
  return moment ? formatMoment(moment, utc) : text || '-';
}
