import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { ExitCode } from '../../src/errors.js';
import { memoryIO } from '../helpers/memory-io.js';

/** The base rules the built-in correlations name, silent on their own (Sigma's generate: false). */
const FEEDERS = ['Catalog query', 'Refused database login'];

async function rules(options: { columns?: number } = {}, ...argv: string[]) {
  const io = { ...memoryIO({ tty: options.columns !== undefined, env: { NO_COLOR: '1' } }), ...(options.columns ? { stdoutColumns: options.columns } : {}) };
  expect(await run(['rules', ...argv], io)).toBe(ExitCode.ok);
  return io.stdout.text;
}

/** Where each column of the header starts: every row's cells start there too. */
const starts = (header: string) => [...header.matchAll(/\S+/g)].map((match) => match.index);

describe('das-read rules, the built-in set', () => {
  it('marks the rules that only feed a correlation: no level of their own, and reports: false in JSON', async () => {
    const listed = JSON.parse(await rules({}, '-o', 'json')) as Array<{ title: string; reports: boolean }>;
    expect(listed.filter((rule) => !rule.reports).map((rule) => rule.title)).toEqual(FEEDERS);
    expect(listed.every((rule) => typeof rule.reports === 'boolean')).toBe(true);
    const table = (await rules()).split('\n');
    for (const title of FEEDERS) {
      const row = table.find((line) => line.includes(title));
      expect(row).toMatch(new RegExp(`^—\\s.*${title} \\(feeds a correlation\\)`));
    }
    expect(table.find((line) => line.includes('Burst of refused logins from one source'))).toMatch(/^high\s/);
  });

  it('keeps every column in line after a long title, in a pipe and cut to a terminal’s width', async () => {
    for (const columns of [undefined, 160, 100]) {
      const [header = '', ...rows] = (await rules(columns === undefined ? {} : { columns })).trimEnd().split('\n');
      const [, id = 0, title = 0, engines = 0, attack = 0] = starts(header);
      for (const row of rows) {
        for (const at of [id, title, engines, attack]) expect(row[at - 1], `${columns}: ${row}`).toBe(' ');
        expect(row[engines], `${columns}: ${row}`).toMatch(/\S/);
        expect(row[attack], `${columns}: ${row}`).toMatch(/\S/);
        if (columns !== undefined) expect([...row].length, row).toBeLessThanOrEqual(columns);
      }
      const spray = rows.find((row) => row.includes('b2879723'));
      if (columns === undefined) expect(spray).toContain('One source refused as many database users (password spraying) (correlation)');
      if (columns === 100) expect(spray).toMatch(/…/);
    }
  });
});
