import { describe, expect, it } from 'vitest';
import { EventTally } from '../../src/events/tally.js';
import { formatSavedSummary, formatSummary } from '../../src/terminal/summary-table.js';
import { makeChalk } from '../../src/terminal/color.js';
import { postgresEvent } from '../../lab/src/synthetic-events.js';

const facts = { records: 3, kmsDecryptCalls: 2, dataKeys: 2, skipped: 1, elapsedMs: 2500 };

function tallied() {
  const tally = new EventTally();
  // Two minutes: 3 reads and a write, then one DDL; statements differing only in their literals.
  tally.add(postgresEvent(0, { logTime: '2026-11-25 13:03:01+00', commandText: "SELECT * FROM t WHERE id = 1 AND name = 'a'" }));
  tally.add(postgresEvent(1, { logTime: '2026-11-25 13:03:02+00', commandText: "SELECT * FROM t WHERE id = 22 AND name = 'bb'" }));
  tally.add(
    postgresEvent(2, {
      logTime: '2026-11-25 13:03:03+00',
      dbUserName: 'alice',
      commandText: 'SELECT * FROM payroll',
      exitCode: '42501',
      errorMessage: 'denied',
    }),
  );
  tally.add(postgresEvent(3, { logTime: '2026-11-25 13:03:04+00', class: 'WRITE', command: 'UPDATE', commandText: 'UPDATE t SET n = 5' }));
  tally.add(
    postgresEvent(4, { logTime: '2026-11-25 13:04:00+00', class: 'DDL', command: 'CREATE TABLE', databaseName: 'hr', commandText: 'CREATE TABLE x (id int)' }),
  );
  return tally;
}

describe('--summary', () => {
  it('counts by class, user, database and command, and folds the literals of statements as pgbadger does', () => {
    const tally = tallied();
    expect(tally.byClass.top(9)).toEqual([
      ['READ', 3],
      ['DDL', 1],
      ['WRITE', 1],
    ]);
    expect(tally.byUser.top(9)).toEqual([
      ['pgbench', 4],
      ['alice', 1],
    ]);
    expect(tally.byDatabase.top(9)).toEqual([
      ['postgres', 4],
      ['hr', 1],
    ]);
    expect(tally.statements.top(1)).toEqual([['SELECT * FROM t WHERE id = ? AND name = ?', 2]]);
    expect(tally.failed.top(9)).toEqual([['SELECT * FROM payroll', 1]]);
  });

  it("says the run's figures, the top and the failed statements, and draws a bar a minute", () => {
    const table = formatSummary(tallied(), facts, makeChalk(0), 100);
    expect(table).toContain('das-read summary: 5 events written from 3 records in 2.5 s\n');
    expect(table).toContain('data keys   KMS called 2 times for 2 data keys; 1 unreadable record skipped\n');
    expect(table).toMatch(/by class {4}READ 3 {2}DDL 1 {2}WRITE 1/);
    expect(table).toMatch(/ {8}2 {2}SELECT \* FROM t WHERE id = \? AND name = \?/);
    expect(table).toMatch(/failed\n {8}1 {2}SELECT \* FROM payroll/);
    const bars = table.split('\n').filter((line) => /^ {2}\d\d:\d\d {2}/.test(line));
    expect(bars).toEqual([expect.stringMatching(/^ {2}13:03 {2}R{30}W{10} {2}4$/), expect.stringMatching(/^ {2}13:04 {2}D{10} {2}1$/)]);
    expect(table.split('\n').every((line) => [...line].length <= 100)).toBe(true);
  });

  it('show --summary: the same table, headed by the saved lines read, those unreadable and those the window left out', () => {
    const table = formatSavedSummary(tallied(), { lines: 9, unreadable: 1, window: { outside: 2, untimed: 1 }, elapsedMs: 100 }, makeChalk(0), 100);
    expect(table).toContain('das-read summary: 5 events written from 9 saved lines in 0.1 s\n');
    expect(table).toContain('lines       1 unreadable; 2 events outside --from/--until, 1 with no time to tell\n');
    const body = (text: string) => text.slice(text.indexOf('by class'));
    expect(body(table)).toBe(body(formatSummary(tallied(), facts, makeChalk(0), 100)));
    expect(formatSavedSummary(tallied(), { lines: 1, unreadable: 0, elapsedMs: 0 }, makeChalk(0))).toContain('lines       0 unreadable\n');
  });

  it('in colour, the bars are blocks coloured by class', () => {
    const table = formatSummary(tallied(), facts, makeChalk(1), 100);
    expect(table).toContain('\u001b[32m██████');
    expect(table).toContain('\u001b[31m██████████');
  });

  it('names and statements are shown as data: no control sequence reaches the terminal', () => {
    const tally = new EventTally();
    tally.add(postgresEvent(0, { dbUserName: 'evil\u001b]0;owned\u0007', commandText: 'SELECT 1 /*\u001b[2J*/', class: 'READ\u009b' }));
    const table = formatSummary(tally, facts, makeChalk(0), 100);
    // eslint-disable-next-line no-control-regex
    expect(table).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(table).toContain('evil\\e]0;owned\\x07');
  });
});
