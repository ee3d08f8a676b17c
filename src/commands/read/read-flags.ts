import type { ReadOptions } from './read-options.js';
import type { FlagValues } from '../../cmdutil/flags.js';
import type { DatabaseSource } from '../../aws/database-source.js';
import type { READ } from './read-command.js';
import { UsageError } from '../../errors.js';
import { awsOptionsOf } from '../../cmdutil/aws-flags.js';
import type { FlagsOf } from '../../cmdutil/flags.js';
import { showingOf } from '../../cmdutil/output-flags.js';
import { recordHandlingOf } from '../../cmdutil/record-flags.js';
import { checkWindow, parseDuration, parseFrom, parsePositiveInteger, parseUntil } from '../../cmdutil/time-spec.js';

// The command owns its options (read-options.ts); this file only translates flags into them.

/** The flags as commander hands them over: strings and booleans, unchecked. */
export type RawReadFlags = FlagsOf<typeof READ>;

/** Flags → options; pure, so every rule is one line of a test. */
export function toReadOptions(flags: RawReadFlags, stdoutIsTTY: boolean, now: Date): ReadOptions {
  const from = parseFrom(flags.from ?? 'trim-horizon', now);
  const until = flags.until === undefined ? undefined : parseUntil(flags.until, now);
  checkWindow(from.type === 'AT_TIMESTAMP' ? from.timestamp : undefined, until);
  if (flags.quiet && flags.verbose) throw new UsageError('--quiet and --verbose ask for opposite things: give one');
  const lake = securityLakeOf(flags);
  return {
    source: streamSourceOf(flags),
    aws: awsOptionsOf(flags),
    follow: flags.follow ?? true,
    from,
    ...(until ? { until } : {}),
    ...tailOf(flags),
    batchSize: flags.batchSize === undefined ? 1000 : parsePositiveInteger('--batch-size', flags.batchSize, 10_000),
    ...(flags.checkpoint ? { checkpoint: flags.checkpoint } : {}),
    ...recordHandlingOf(flags),
    ...showingOf(lake ? { ...flags, output: flags.output ?? 'ocsf' } : flags, stdoutIsTTY),
    ...(lake ? { securityLake: lake } : {}),
    summary: flags.summary ?? false,
    verbose: flags.verbose ?? false,
    quiet: flags.quiet ?? false,
    debug: flags.debug ?? false,
  };
}

/** --security-lake-dir and its companions: OCSF only, and a source name Security Lake accepts. */
function securityLakeOf(flags: RawReadFlags): ReadOptions['securityLake'] {
  if (!flags.securityLakeDir) {
    const stray = [
      flags.securityLakeSource !== undefined && flags.securityLakeSource !== 'das-read' && '--security-lake-source',
      flags.securityLakeEvery !== undefined && flags.securityLakeEvery !== '5m' && '--security-lake-every',
    ].filter(Boolean);
    if (stray.length) throw new UsageError(`${stray.join(' and ')} go${stray.length === 1 ? 'es' : ''} with --security-lake-dir`);
    return undefined;
  }
  if (flags.output !== undefined && flags.output !== 'ocsf') throw new UsageError(`--security-lake-dir writes OCSF: it does not go with -o ${flags.output}`);
  const source = flags.securityLakeSource ?? 'das-read';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(source))
    throw new UsageError(`--security-lake-source "${source}" is not a custom source name`, 'Security Lake takes letters, digits, - and _ (up to 64).');
  return { dir: flags.securityLakeDir, source, everyMs: parseDuration('--security-lake-every', flags.securityLakeEvery ?? '5m') };
}

function tailOf(flags: RawReadFlags): { tail?: number } {
  if (flags.tail === undefined) return {};
  if (flags.checkpoint)
    throw new UsageError(
      '--tail and --checkpoint both say where to start: give one',
      'A checkpoint resumes after the last event written; --tail starts with the last n events.',
    );
  if (flags.from) throw new UsageError('--tail and --from both say where to start: give one');
  return { tail: parsePositiveInteger('--tail', flags.tail, 1_000_000) };
}

/** The stream a read names: a cluster's or an instance's, or the stream itself. */
export function streamSourceOf(flags: FlagValues<'cluster' | 'instance' | 'streamName' | 'resourceId'>): DatabaseSource<'cluster' | 'instance' | 'stream'> {
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
