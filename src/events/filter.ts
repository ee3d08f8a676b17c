import type { DasEvent } from '../decode/types.js';
import { UsageError } from '../errors.js';
import { isFailure } from './outcome.js';
import { fieldText } from './field-text.js';

/** What to keep, as the flags say it: several values of one flag are alternatives, different flags all apply. */
export interface EventFilterSpec {
  users?: readonly string[];
  excludeUsers?: readonly string[];
  databases?: readonly string[];
  excludeDatabases?: readonly string[];
  classes?: readonly string[];
  excludeClasses?: readonly string[];
  commands?: readonly string[];
  excludeCommands?: readonly string[];
  objects?: readonly string[];
  excludeObjects?: readonly string[];
  /** Regular expressions searched in the SQL text. */
  grep?: readonly string[];
  excludeGrep?: readonly string[];
  errorsOnly?: boolean;
  /** The exclude form of errorsOnly: no failures. */
  excludeErrors?: boolean;
  skipServiceUsers?: boolean;
}

export type EventFilter = (event: DasEvent) => boolean;

/**
 * The engines' own users, as each engine spells them (docs/das-format.md §4): Aurora's and RDS Proxy's in
 * lower case, Oracle's in upper case, SQL Server's compared without case, as its logins are.
 */
const ORACLE_SERVICE_USERS = new Set(['RDSADMIN', 'RDSSEC']);
const SQL_SERVER_SERVICE_USERS = new Set(['rdsa']);
const AURORA_SERVICE_USERS = new Set(['rdsadmin', 'rdsproxyadmin']);

export function isServiceUser(event: DasEvent): boolean {
  const user = event.dbUserName;
  if (typeof user !== 'string') return false;
  const engine = fieldText(event.serverType).toUpperCase();
  if (engine === 'ORACLE') return ORACLE_SERVICE_USERS.has(user);
  if (engine === 'SQLSERVER') return SQL_SERVER_SERVICE_USERS.has(user.toLowerCase());
  return AURORA_SERVICE_USERS.has(user);
}

/** `*` any run of characters, `?` one; the whole value, without regard to case. */
function glob(pattern: string): RegExp {
  const body = [...pattern].map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'is');
}

function regex(flag: string, pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'is');
  } catch (error) {
    throw new UsageError(`${flag} "${pattern}" is not a regular expression: ${(error as Error).message}`);
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);

type Test = (event: DasEvent) => boolean;

const matchesAny = (value: string | undefined, patterns: readonly RegExp[]) => value !== undefined && patterns.some((pattern) => pattern.test(value));

/** Keeps an event whose field matches one of `include` (if given) and none of `exclude`. */
function fieldTest(field: keyof DasEvent, include: readonly RegExp[], exclude: readonly RegExp[]): Test[] {
  const tests: Test[] = [];
  const value = (event: DasEvent) => text(event[field]);
  // An event without the field matches no include and no exclude.
  if (include.length) tests.push((event) => matchesAny(value(event), include));
  if (exclude.length) tests.push((event) => !matchesAny(value(event), exclude));
  return tests;
}

/** The filter the spec asks for, or undefined when it asks for none: then no event need be parsed. */
export function compileFilter(spec: EventFilterSpec): EventFilter | undefined {
  const globs = (values: readonly string[] = []) => values.map(glob);
  const tests: Test[] = [
    ...fieldTest('dbUserName', globs(spec.users), globs(spec.excludeUsers)),
    ...fieldTest('databaseName', globs(spec.databases), globs(spec.excludeDatabases)),
    ...fieldTest('class', globs(spec.classes), globs(spec.excludeClasses)),
    ...fieldTest('command', globs(spec.commands), globs(spec.excludeCommands)),
    ...fieldTest('objectName', globs(spec.objects), globs(spec.excludeObjects)),
    ...fieldTest(
      'commandText',
      (spec.grep ?? []).map((pattern) => regex('--grep', pattern)),
      (spec.excludeGrep ?? []).map((pattern) => regex('--exclude-grep', pattern)),
    ),
  ];
  if (spec.errorsOnly) tests.push(isFailure);
  if (spec.excludeErrors) tests.push((event) => !isFailure(event));
  if (spec.skipServiceUsers) tests.push((event) => !isServiceUser(event));
  if (tests.length === 0) return undefined;
  return (event) => tests.every((test) => test(event));
}
