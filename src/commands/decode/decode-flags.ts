import { UsageError } from '../../errors.js';
import type { FlagValues } from '../../cmdutil/flags.js';
import type { DatabaseSource } from '../../aws/database-source.js';
import type { DECODE } from './decode-command.js';
import { awsOptionsOf } from '../../cmdutil/aws-flags.js';
import type { FlagsOf } from '../../cmdutil/flags.js';
import { showingOf } from '../../cmdutil/output-flags.js';
import { recordHandlingOf } from '../../cmdutil/record-flags.js';

/** `das-read decode`: the archive's owner, the record handling and the showing flags of a read. */
export function toDecodeOptions(flags: FlagsOf<typeof DECODE>, stdoutIsTTY: boolean) {
  if (flags.quiet && flags.verbose) throw new UsageError('--quiet and --verbose ask for opposite things: give one');
  return {
    source: archiveSourceOf(flags),
    aws: awsOptionsOf(flags),
    ...recordHandlingOf(flags),
    ...showingOf(flags, stdoutIsTTY),
    verbose: flags.verbose ?? false,
    quiet: flags.quiet ?? false,
    debug: flags.debug ?? false,
  };
}

/** Whether the flags name whose records these are (a cluster, an instance or a resource id). */
export function namesOwner(flags: FlagValues<'cluster' | 'instance' | 'resourceId'>): boolean {
  return Boolean(flags.cluster || flags.instance || flags.resourceId);
}

/** Whose records an archive holds: a cluster or instance RDS is asked about, or a resource id as it is. */
export function archiveSourceOf(flags: FlagValues<'cluster' | 'instance' | 'resourceId'>): DatabaseSource<'cluster' | 'instance' | 'resource'> {
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
