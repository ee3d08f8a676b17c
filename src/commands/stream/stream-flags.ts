import type { StartRequest } from '../../aws/activity-stream.js';
import type { RdsDatabase } from '../../aws/database-source.js';
import type { START, STATUS } from './stream-command.js';
import { UsageError } from '../../errors.js';
import type { FlagsOf, FlagValues } from '../../cmdutil/flags.js';
import { parseDuration } from '../../cmdutil/time-spec.js';

export function startRequest(flags: FlagsOf<typeof START>): StartRequest {
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

export function statusFormat(flags: FlagsOf<typeof STATUS>): 'text' | 'json' {
  const format = flags.output ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`-o must be text or json (got "${format}")`);
  return format;
}

/** The database `status`, `start` and `stop` name. */
export function rdsDatabaseOf(flags: FlagValues<'cluster' | 'instance'>): RdsDatabase {
  const { cluster, instance } = flags;
  if (cluster && instance) throw new UsageError('--cluster and --instance name different databases: give one');
  if (cluster) return { kind: 'cluster', identifier: cluster };
  if (instance) return { kind: 'instance', identifier: instance };
  throw new UsageError('name the database', 'Use --cluster NAME (Aurora) or --instance NAME (RDS for Oracle / SQL Server).');
}
