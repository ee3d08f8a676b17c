import { UsageError } from '../errors.js';
import { compileFilter, type EventFilterSpec } from '../events/filter.js';
import { FLAGS, type FlagName, type FlagValues } from './flags.js';

/** Each repeatable filter flag, and the list of the filter it fills. */
const FILTER_LISTS = {
  user: 'users',
  excludeUser: 'excludeUsers',
  database: 'databases',
  excludeDatabase: 'excludeDatabases',
  class: 'classes',
  excludeClass: 'excludeClasses',
  command: 'commands',
  excludeCommand: 'excludeCommands',
  object: 'objects',
  excludeObject: 'excludeObjects',
  grep: 'grep',
  excludeGrep: 'excludeGrep',
} as const satisfies Partial<Record<FlagName, keyof EventFilterSpec>>;

/** The filter flags, checked now: a bad regular expression is a usage error before anything is read. */
export function filterOf(flags: FlagValues<keyof typeof FILTER_LISTS | 'errorsOnly' | 'excludeErrors' | 'skipServiceUsers'>): EventFilterSpec {
  if (flags.errorsOnly && flags.excludeErrors) throw new UsageError('--errors-only and --exclude-errors leave nothing to show: give one');
  const spec: Record<string, unknown> = {};
  for (const [flag, list] of Object.entries(FILTER_LISTS) as Array<[keyof typeof FILTER_LISTS, string]>) {
    if (flags[flag]) spec[list] = flags[flag];
  }
  if (flags.errorsOnly) spec.errorsOnly = true;
  if (flags.excludeErrors) spec.excludeErrors = true;
  if (flags.skipServiceUsers) spec.skipServiceUsers = true;
  compileFilter(spec as EventFilterSpec);
  return spec as EventFilterSpec;
}

/** The filters as the flags that ask for them (`--user app*`, `--errors-only`): for a report to say what it shows. */
export function filterFlagWords(spec: EventFilterSpec): string[] {
  const long = (flag: FlagName) => FLAGS[flag].flags.split(' ')[0] as string;
  const words: string[] = [];
  for (const [flag, list] of Object.entries(FILTER_LISTS) as Array<[keyof typeof FILTER_LISTS, keyof EventFilterSpec]>) {
    for (const value of (spec[list] as readonly string[] | undefined) ?? []) words.push(`${long(flag)} ${value}`);
  }
  if (spec.errorsOnly) words.push(long('errorsOnly'));
  if (spec.excludeErrors) words.push(long('excludeErrors'));
  if (spec.skipServiceUsers) words.push(long('skipServiceUsers'));
  return words;
}
