import type { DatabaseSource, RdsDatabase } from '../aws/database-source.js';
import { UsageError } from '../errors.js';
import type { FlagsOf, FlagValues } from './flags.js';

/** The stream a read names: a cluster's or an instance's, or the stream itself. */
export function streamSourceOf(flags: FlagsOf<'read'>): DatabaseSource<'cluster' | 'instance' | 'stream'> {
  const named = [flags.cluster && '--cluster', flags.instance && '--instance', flags.streamName && '--stream-name'].filter(Boolean);
  if (named.length === 0) {
    throw new UsageError(
      'name the activity stream to read',
      'Use --cluster NAME (Aurora), --instance NAME (RDS for Oracle / SQL Server) or --stream-name aws-rds-das-….',
    );
  }
  if (named.length > 1) throw new UsageError(`${named.join(' and ')} name different streams: give one`);
  if (flags.resourceId && !flags.streamName) {
    throw new UsageError('--resource-id goes with --stream-name', 'With --cluster or --instance the resource id comes from RDS.');
  }
  if (flags.cluster) return { kind: 'cluster', identifier: flags.cluster };
  if (flags.instance) return { kind: 'instance', identifier: flags.instance };
  return { kind: 'stream', streamName: flags.streamName ?? '', ...(flags.resourceId ? { resourceId: flags.resourceId } : {}) };
}

/** Whose records an archive holds: a cluster or instance RDS is asked about, or a resource id as it is. */
export function archiveSourceOf(flags: FlagsOf<'decode'>): DatabaseSource<'cluster' | 'instance' | 'resource'> {
  const named = [flags.cluster && '--cluster', flags.instance && '--instance', flags.resourceId && '--resource-id'].filter(Boolean);
  if (named.length === 0) {
    throw new UsageError(
      'name whose records these are: their data keys are bound to it',
      'Use --cluster NAME (Aurora), --instance NAME (RDS for Oracle / SQL Server), or --resource-id cluster-… / db-… without asking RDS.',
    );
  }
  if (named.length > 1) throw new UsageError(`${named.join(' and ')} both name whose records these are: give one`);
  if (flags.cluster) return { kind: 'cluster', identifier: flags.cluster };
  if (flags.instance) return { kind: 'instance', identifier: flags.instance };
  const resourceId = flags.resourceId ?? '';
  if (!/^(cluster|db)-[A-Za-z0-9]+$/.test(resourceId)) {
    throw new UsageError(
      `--resource-id "${resourceId}" is not a resource id`,
      'It looks like cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ (Aurora) or db-ABCDEFGHIJKLMNOPQRSTUVWXYZ (an RDS instance): the DbClusterResourceId or DbiResourceId.',
    );
  }
  return { kind: 'resource', resourceId };
}

/** The database `status`, `start` and `stop` name. */
export function rdsDatabaseOf(flags: FlagValues<'cluster' | 'instance'>): RdsDatabase {
  const { cluster, instance } = flags;
  if (cluster && instance) throw new UsageError('--cluster and --instance name different databases: give one');
  if (cluster) return { kind: 'cluster', identifier: cluster };
  if (instance) return { kind: 'instance', identifier: instance };
  throw new UsageError('name the database', 'Use --cluster NAME (Aurora) or --instance NAME (RDS for Oracle / SQL Server).');
}
