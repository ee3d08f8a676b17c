import { UsageError } from '../errors.js';
import { compileFilter, type EventFilterSpec } from '../events/filter.js';
import type { FlagName, FlagValues } from './flags.js';

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
