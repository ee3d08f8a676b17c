import { describe, expect, it } from 'vitest';
import type { DasEvent } from '../../src/decode/types.js';
import { compileFilter, isServiceUser, type EventFilterSpec } from '../../src/events/filter.js';
import { isFailure } from '../../src/events/outcome.js';
import { UsageError } from '../../src/errors.js';
import { postgresEvent } from '../../lab/src/synthetic-events.js';
import { loadSamples } from '../helpers/samples.js';

const samples = loadSamples().flatMap((sample) => sample.record.databaseActivityEventList.map((event) => ({ file: sample.file, event })));
const kept = (spec: EventFilterSpec, events: DasEvent[]) => {
  const filter = compileFilter(spec);
  return filter ? events.filter(filter) : events;
};
const pg = (n: number, overrides: Partial<DasEvent> = {}) => postgresEvent(n, overrides);

describe('filters', () => {
  it('none asked for: no filter at all, so no event is parsed to be judged', () => {
    expect(compileFilter({})).toBeUndefined();
  });

  it('a flag given twice is either value; different flags all apply', () => {
    const events = [
      pg(1, { dbUserName: 'alice', databaseName: 'sales' }),
      pg(2, { dbUserName: 'bob', databaseName: 'sales' }),
      pg(3, { dbUserName: 'carol', databaseName: 'hr' }),
    ];
    expect(kept({ users: ['alice', 'carol'] }, events).map((event) => event.statementId)).toEqual([1, 3]);
    expect(kept({ users: ['alice', 'carol'], databases: ['sales'] }, events).map((event) => event.statementId)).toEqual([1]);
    expect(kept({ excludeUsers: ['bob'], excludeDatabases: ['hr'] }, events).map((event) => event.statementId)).toEqual([1]);
  });

  it('names match whole, as globs, without regard to case', () => {
    const events = [pg(1, { dbUserName: 'app_reader' }), pg(2, { dbUserName: 'APP_WRITER' }), pg(3, { dbUserName: 'myapp' })];
    expect(kept({ users: ['app_*'] }, events).map((event) => event.statementId)).toEqual([1, 2]);
    expect(kept({ users: ['app'] }, events)).toEqual([]);
    expect(kept({ users: ['?yapp'] }, events).map((event) => event.statementId)).toEqual([3]);
    // Only * and ? are special: a dot or a bracket in a name is that character.
    expect(
      kept({ objects: ['public.t[1]'] }, [pg(4, { objectName: 'public.t[1]' }), pg(5, { objectName: 'publicXt1' })]).map((event) => event.statementId),
    ).toEqual([4]);
  });

  it('--class and --command, for multi-word commands and Aurora MySQL MAIN / AUX', () => {
    const ddl = pg(1, { class: 'DDL', command: 'CREATE TABLE' });
    const read = pg(2, { class: 'READ', command: 'SELECT' });
    expect(kept({ classes: ['ddl'] }, [ddl, read])).toEqual([ddl]);
    expect(kept({ commands: ['create *'] }, [ddl, read])).toEqual([ddl]);
    expect(kept({ excludeCommands: ['select'] }, [ddl, read])).toEqual([ddl]);
    const mysql = samples.filter(({ file }) => file.startsWith('ams-')).map(({ event }) => event);
    expect(kept({ classes: ['AUX'] }, mysql).every((event) => event.class === 'AUX')).toBe(true);
    expect(kept({ classes: ['AUX'] }, mysql).length).toBeGreaterThan(0);
  });

  it('--grep searches the SQL as a regular expression, any case; an event without SQL matches neither way', () => {
    const events = [
      pg(1, { commandText: 'SELECT * FROM accounts' }),
      pg(2, { commandText: 'update ACCOUNTS set x = 1' }),
      pg(3, { commandText: null, command: 'CONNECT' }),
    ];
    expect(kept({ grep: ['accounts'] }, events).map((event) => event.statementId)).toEqual([1, 2]);
    expect(kept({ grep: ['^update\\b'] }, events).map((event) => event.statementId)).toEqual([2]);
    expect(kept({ excludeGrep: ['accounts'] }, events).map((event) => event.statementId)).toEqual([3]);
  });

  it('a regular expression that is not one is a usage error', () => {
    expect(() => compileFilter({ grep: ['(unclosed'] })).toThrow(UsageError);
    expect(() => compileFilter({ excludeGrep: ['[z-a]'] })).toThrow(/--exclude-grep "\[z-a\]" is not a regular expression/);
  });
});

describe('--skip-service-users: the engines spell their own users each their way', () => {
  it.each([
    ['rdsadmin', 'PostgreSQL', true],
    ['rdsproxyadmin', 'MySQL', true],
    ['RDSADMIN', 'PostgreSQL', false],
    ['RDSADMIN', 'ORACLE', true],
    ['RDSSEC', 'oracle', true],
    ['rdsadmin', 'ORACLE', false],
    ['rdsa', 'SQLSERVER', true],
    ['RDSA', 'SQLSERVER', true],
    ['rdsadmin', 'SQLSERVER', false],
    ['postgres', 'PostgreSQL', false],
  ])('%s on %s: %s', (user, engine, hidden) => {
    expect(isServiceUser({ type: 'record', dbUserName: user, serverType: engine })).toBe(hidden);
  });

  it("hides the published samples' rdsadmin and keeps their master and test users", () => {
    const left = kept(
      { skipServiceUsers: true },
      samples.map(({ event }) => event),
    );
    expect(left.map((event) => event.dbUserName)).not.toContain('rdsadmin');
    expect(left.length).toBeGreaterThan(0);
    expect(left.length).toBeLessThan(samples.length);
  });
});

describe('--errors-only: a failure, as each engine reports it', () => {
  it.each([
    ['PostgreSQL: a SQLSTATE', { serverType: 'PostgreSQL', exitCode: '42P01', errorMessage: 'relation "x" does not exist' }, true],
    ['PostgreSQL: an error message alone', { serverType: 'PostgreSQL', exitCode: null, errorMessage: 'permission denied' }, true],
    ['PostgreSQL: a failed login', { serverType: 'PostgreSQL', command: 'AUTH FAILURE', exitCode: null }, true],
    ['PostgreSQL: success', { serverType: 'PostgreSQL', exitCode: null, errorMessage: null }, false],
    ['MySQL: "0"', { serverType: 'MySQL', exitCode: '0', errorMessage: '' }, false],
    ['MySQL: AUX ""', { serverType: 'MySQL', exitCode: '', errorMessage: '' }, false],
    ['MySQL: 1146', { serverType: 'MySQL', exitCode: '1146', errorMessage: '' }, true],
    ['MySQL: FAILED_CONNECT', { serverType: 'MySQL', command: 'FAILED_CONNECT', exitCode: '1045' }, true],
    ['Oracle: 0', { serverType: 'ORACLE', exitCode: 0 }, false],
    ['Oracle: ORA-00942', { serverType: 'ORACLE', exitCode: 942 }, true],
    ['SQL Server: 1 is success', { serverType: 'SQLSERVER', exitCode: 1 }, false],
    ['SQL Server: 0 is failure', { serverType: 'SQLSERVER', exitCode: 0 }, true],
    ['SQL Server: LOGIN FAILED', { serverType: 'SQLSERVER', command: 'LOGIN FAILED', exitCode: 0 }, true],
  ] as Array<[string, Partial<DasEvent>, boolean]>)('%s', (_name, fields, failed) => {
    expect(isFailure({ type: 'record', ...fields })).toBe(failed);
  });

  it('--exclude-errors is its exclude form', () => {
    const events = [pg(1), pg(2, { exitCode: '42501', errorMessage: 'denied' })];
    expect(kept({ excludeErrors: true }, events).map((event) => event.statementId)).toEqual([1]);
    expect(kept({ errorsOnly: true }, events).map((event) => event.statementId)).toEqual([2]);
  });

  it('none of the published samples is a failure: they are all successful statements', () => {
    expect(samples.filter(({ event }) => isFailure(event)).map(({ file }) => file)).toEqual([]);
  });
});
