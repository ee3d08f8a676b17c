import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/detector.js';
import { compileRules } from '../../src/detect/compile-rules.js';
import { MAX_CONDITION_DEPTH, parseCondition } from '../../src/detect/sigma/condition.js';
import { UsageError } from '../../src/errors.js';
import type { DasEvent } from '../../src/decode/types.js';

const SEARCHES = [
  "  sel_grant:\n    command: 'GRANT'",
  "  sel_revoke:\n    command: 'REVOKE'",
  "  filter_service:\n    dbUserName: 'rdsadmin'",
  "  _helper:\n    databaseName: 'postgres'",
].join('\n');

function ruleText(condition: string): string {
  return [
    'title: t',
    'id: 00000000-0000-4000-8000-000000000002',
    'logsource:',
    '  category: database',
    'detection:',
    SEARCHES,
    `  condition: ${condition}`,
    '',
  ].join('\n');
}

function matcher(condition: string): (event: Partial<DasEvent>) => boolean {
  const detector = createDetector(compileRules([{ name: 'c.yml', text: ruleText(condition) }]));
  return (event) => detector.observe({ event: { type: 'record', ...event }, eventId: 'e', clusterId: null, instanceId: null }).length > 0;
}

const refusal = (condition: string) => {
  try {
    compileRules([{ name: 'c.yml', text: ruleText(condition) }]);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`${condition} was accepted`);
};

const grant = { command: 'GRANT' };
const grantByService = { command: 'GRANT', dbUserName: 'rdsadmin' };
const revoke = { command: 'REVOKE' };

describe('Sigma conditions', () => {
  it('and, or, not, with not binding tightest and and before or', () => {
    const match = matcher('sel_grant and not filter_service');
    expect(match(grant)).toBe(true);
    expect(match(grantByService)).toBe(false);
    const precedence = matcher('sel_revoke or sel_grant and not filter_service');
    expect(precedence(revoke)).toBe(true);
    expect(precedence(grantByService)).toBe(false);
    expect(matcher('not sel_grant')(revoke)).toBe(true);
  });

  it('parentheses group', () => {
    const match = matcher('(sel_revoke or sel_grant) and not filter_service');
    expect(match({ command: 'REVOKE', dbUserName: 'rdsadmin' })).toBe(false);
    expect(match(revoke)).toBe(true);
    expect(matcher('not (sel_grant or sel_revoke)')({ command: 'SELECT' })).toBe(true);
  });

  it('1 of sel*, all of sel*', () => {
    expect(matcher('1 of sel*')(revoke)).toBe(true);
    expect(matcher('1 of sel*')({ command: 'SELECT' })).toBe(false);
    expect(matcher('all of sel*')(grant)).toBe(false);
  });

  it('1 of them and all of them leave out identifiers starting with _', () => {
    expect(matcher('1 of them')({ dbUserName: 'rdsadmin' })).toBe(true);
    expect(matcher('1 of them')({ databaseName: 'postgres' })).toBe(false);
    expect(matcher('all of them')({ command: 'GRANT', dbUserName: 'rdsadmin', databaseName: 'x' })).toBe(false);
  });

  it('refuses what is not Sigma, with the line of the condition', () => {
    expect(refusal('sel_grant and')).toMatch(/^c\.yml:14: the condition needs an identifier at its end/);
    expect(refusal('sel_grant or missing')).toMatch(/^c\.yml:14: .*"missing", which the detection does not define/);
    expect(refusal('2 of sel*')).toMatch(/only `1 of` and `all of`/);
    expect(refusal('1 of nothing*')).toMatch(/no search identifier matches "nothing\*"/);
    expect(refusal('sel_grant | count() by dbUserName > 5')).toMatch(/aggregations .* correlation rule/);
    expect(refusal('(sel_grant')).toMatch(/closing parenthesis/);
    expect(refusal('sel_grant sel_revoke')).toMatch(/needs `and` or `or`/);
    expect(refusal('sel_*')).toMatch(/needs `1 of` or `all of`/);
  });

  it('refuses nesting deeper than its bound, not with a stack overflow', () => {
    const deep = `${'('.repeat(MAX_CONDITION_DEPTH + 5)}sel_grant${')'.repeat(MAX_CONDITION_DEPTH + 5)}`;
    expect(refusal(deep)).toMatch(/nests deeper than/);
    expect(refusal('not '.repeat(100) + 'sel_grant')).toMatch(/nests deeper than 64/);
    expect(refusal('not '.repeat(10_000) + 'sel_grant')).toMatch(/longer than 16384 characters/);
  });

  it('property: the parser returns a tree or throws a UsageError, whatever the text', () => {
    const word = fc.constantFrom('and', 'or', 'not', '(', ')', '1', 'all', 'of', 'them', 'sel*', 'x', '|', '2', 'AND', '*', '\u0000', ' ');
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.array(word, { maxLength: 60 }).map((words) => words.join(' ')),
    );
    fc.assert(
      fc.property(text, (condition) => {
        try {
          parseCondition(condition, (what) => new UsageError(`c.yml:1: ${what}`));
        } catch (error) {
          if (!(error instanceof UsageError)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
