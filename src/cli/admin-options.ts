import type { DatabaseRef } from '../commands/stream-status.js';
import type { StartRequest } from '../commands/stream-control.js';
import { UsageError } from '../errors.js';
import type { FlagsOf, FlagValues } from './flags.js';
import { parseDuration } from './time-spec.js';

export function databaseRef(flags: FlagValues<'cluster' | 'instance'>): DatabaseRef {
  const { cluster, instance } = flags;
  if (cluster && instance) throw new UsageError('--cluster and --instance name different databases: give one');
  if (cluster) return { kind: 'cluster', identifier: cluster };
  if (instance) return { kind: 'instance', identifier: instance };
  throw new UsageError('name the database', 'Use --cluster NAME (Aurora) or --instance NAME (RDS for Oracle / SQL Server).');
}

export function startRequest(flags: FlagsOf<'start'>): StartRequest {
  const mode = flags.mode ?? 'async';
  if (mode !== 'async' && mode !== 'sync') throw new UsageError(`--mode must be async or sync (got "${mode}")`);
  return {
    ref: databaseRef(flags),
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
