import type { StartRequest } from '../../aws/activity-stream.js';
import { UsageError } from '../../errors.js';
import type { FlagsOf, FlagValues } from '../../cmdutil/flags.js';
import { parseDuration } from '../../cmdutil/time-spec.js';
import { rdsDatabaseOf } from '../../cmdutil/database-flags.js';

export function startRequest(flags: FlagsOf<'start'>): StartRequest {
  const mode = flags.mode ?? 'async';
  if (mode !== 'async' && mode !== 'sync') throw new UsageError(`--mode must be async or sync (got "${mode}")`);
  return {
    ref: rdsDatabaseOf(flags),
    kmsKey: flags.kmsKey ?? '',
    mode,
    applyImmediately: flags.applyImmediately === true,
    engineNativeAuditFields: flags.engineNativeAuditFields === true,
  };
}

export function waitTimeout(flags: FlagValues<'waitTimeout'>): number {
  return parseDuration('--wait-timeout', flags.waitTimeout ?? '20m');
}

export function statusFormat(flags: FlagsOf<'status'>): 'text' | 'json' {
  const format = flags.output ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`-o must be text or json (got "${format}")`);
  return format;
}
