import type { AwsOptions } from '../aws/clients.js';
import type { DatabaseRef } from '../commands/stream-status.js';
import type { StartRequest } from '../commands/stream-control.js';
import { UsageError } from '../errors.js';
import type { Flags } from './program.js';
import { parseDuration } from './time-spec.js';
import { awsOptionsOf } from './read-options.js';

const text = (value: string | boolean | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

export function databaseRef(flags: Flags): DatabaseRef {
  const cluster = text(flags.cluster);
  const instance = text(flags.instance);
  if (cluster && instance) throw new UsageError('--cluster and --instance name different databases: give one');
  if (cluster) return { kind: 'cluster', identifier: cluster };
  if (instance) return { kind: 'instance', identifier: instance };
  throw new UsageError('name the database', 'Use --cluster NAME (Aurora) or --instance NAME (RDS for Oracle / SQL Server).');
}

export function adminAws(flags: Flags): AwsOptions {
  return awsOptionsOf({ region: text(flags.region), profile: text(flags.profile), endpointUrl: text(flags.endpointUrl) });
}

export function startRequest(flags: Flags): StartRequest {
  const mode = text(flags.mode) ?? 'async';
  if (mode !== 'async' && mode !== 'sync') throw new UsageError(`--mode must be async or sync (got "${mode}")`);
  return {
    ref: databaseRef(flags),
    kmsKey: text(flags.kmsKey) ?? '',
    mode,
    applyImmediately: flags.applyImmediately === true,
    engineNativeAuditFields: flags.engineNativeAuditFields === true,
  };
}

export function waitTimeout(flags: Flags): number {
  return parseDuration('--wait-timeout', text(flags.waitTimeout) ?? '20m');
}

export function statusFormat(flags: Flags): 'text' | 'json' {
  const format = text(flags.output) ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`-o must be text or json (got "${format}")`);
  return format;
}
