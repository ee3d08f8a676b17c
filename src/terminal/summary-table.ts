import type { ChalkInstance } from 'chalk';
import type { Counter, EventTally } from '../events/tally.js';
import { visible } from './visible.js';
import { colorOf } from './event-colors.js';
import { number } from './counts.js';

export interface RunFacts {
  records: number;
  kmsDecryptCalls: number;
  dataKeys: number;
  skipped: number;
  elapsedMs: number;
}

/** Minutes drawn at most: the latest. */
const MINUTES = 30;
const BAR = 40;

/** What `show --summary` says of its own run: the saved lines, and what --from/--until left out. */
export interface SavedFacts {
  lines: number;
  unreadable: number;
  /** With --from or --until: events outside the window, and events with no time to place them by. */
  window?: { outside: number; untimed: number };
  elapsedMs: number;
}

const counted = (n: number, noun: string) => `${number(n)} ${noun}${n === 1 ? '' : 's'}`;

/**
 * --summary, on stderr at the end (or on Ctrl-C): what was written, by class, user, database and
 * command; the commonest statements with their literals folded; the failed ones; the run's own
 * figures; and a bar a minute, by class, so a burst is seen at a glance.
 */
export function formatSummary(tally: EventTally, facts: RunFacts, chalk: ChalkInstance, width = 100): string {
  return summaryTable(tally, chalk, width, [
    chalk.bold('das-read summary: ') + `${counted(tally.events, 'event')} written from ${counted(facts.records, 'record')} in ${seconds(facts.elapsedMs)}`,
    `${chalk.bold('data keys'.padEnd(12))}KMS called ${counted(facts.kmsDecryptCalls, 'time')} for ${counted(facts.dataKeys, 'data key')}; ${counted(facts.skipped, 'unreadable record')} skipped`,
  ]);
}

/** `show --summary`: the same table, of the events written from saved lines. */
export function formatSavedSummary(tally: EventTally, facts: SavedFacts, chalk: ChalkInstance, width = 100): string {
  const window = facts.window ? `; ${counted(facts.window.outside, 'event')} outside --from/--until, ${number(facts.window.untimed)} with no time to tell` : '';
  return summaryTable(tally, chalk, width, [
    chalk.bold('das-read summary: ') + `${counted(tally.events, 'event')} written from ${counted(facts.lines, 'saved line')} in ${seconds(facts.elapsedMs)}`,
    `${chalk.bold('lines'.padEnd(12))}${number(facts.unreadable)} unreadable${window}`,
  ]);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function summaryTable(tally: EventTally, chalk: ChalkInstance, width: number, head: string[]): string {
  const shown = (text: string) => visible(text);
  const cut = (text: string, room: number) => ([...text].length > room ? `${[...text].slice(0, Math.max(1, room - 1)).join('')}…` : text);
  const lines: string[] = [...head];
  const heading = (title: string) => lines.push(chalk.bold(title));
  const row = (title: string, counter: Counter) => {
    const cells = counter.top(8).map(([name, count]) => `${shown(name)} ${number(count)}`);
    const more = counter.size > 8 ? `  (+${counter.size - 8} more)` : '';
    lines.push(`${chalk.bold(title.padEnd(12))}${cut(cells.join('  ') + more, width - 12)}`);
  };
  row('by class', tally.byClass);
  row('by user', tally.byUser);
  row('by database', tally.byDatabase);
  row('by command', tally.byCommand);
  const list = (title: string, counter: Counter) => {
    if (counter.size === 0) return;
    heading(title);
    for (const [statement, count] of counter.top(10)) lines.push(`${number(count).padStart(9)}  ${cut(shown(statement), width - 11)}`);
  };
  list('most frequent statements (literals as ?)', tally.statements);
  list('failed', tally.failed);
  const minutes = [...tally.minutes].sort((a, b) => a[0] - b[0]).slice(-MINUTES);
  if (minutes.length > 0) {
    heading(`events a minute, by class (UTC)${chalk.level === 0 ? ": each letter is the class's initial" : ''}`);
    const most = Math.max(...minutes.map(([, classes]) => [...classes.values()].reduce((sum, n) => sum + n, 0)));
    for (const [minute, classes] of minutes) {
      const total = [...classes.values()].reduce((sum, n) => sum + n, 0);
      const bar = [...classes]
        .sort((a, b) => b[1] - a[1])
        .map(([kind, count]) => {
          const cells = Math.max(1, Math.round((count / most) * BAR));
          return chalk.level > 0 ? colorOf(chalk, { type: 'record', class: kind })('█'.repeat(cells)) : (shown(kind)[0] ?? '?').repeat(cells);
        });
      lines.push(`  ${new Date(minute).toISOString().slice(11, 16)}  ${bar.join('')}  ${number(total)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
