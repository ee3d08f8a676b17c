import type { AwsOptions } from '../aws/clients.js';
import type { Source } from '../aws/stream-target.js';
import type { OnError, OutputFormat, ReadOptions } from '../commands/read-options.js';
import type { ColorChoice } from '../output/color.js';
import type { PrettyLayout } from '../output/pretty.js';
import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.js';
import { DEFAULT_MAX_RECORD_BYTES } from '../decode/record-limits.js';
import { checkWindow, parseDuration, parseFrom, parseFromTime, parsePositiveInteger, parseUntil } from './time-spec.js';
import type { FlagName, FlagsOf, FlagValues } from './flags.js';
import { compileFilter, type EventFilterSpec } from '../events/filter.js';

// The command owns its options; this file only translates flags into them.
export type { OnError, OutputFormat, ReadOptions } from '../commands/read-options.js';

/** The flags as commander hands them over: strings and booleans, unchecked. */
export type RawReadFlags = FlagsOf<'read'>;

const OUTPUTS: readonly OutputFormat[] = ['pretty', 'ndjson', 'json', 'ocsf'];
const COLORS: readonly ColorChoice[] = ['auto', 'always', 'never'];
const ON_ERROR: readonly OnError[] = ['fail', 'skip'];

/**
 * A decryption thread per core, up to 8: the Encryption SDK is most of a record's cost,
 * and a thread is started only when the load needs it (docs/performance.md).
 */
export function defaultThreads(cores = availableParallelism()): number {
  return Math.min(cores, 8);
}

/** Flags → options; pure, so every rule is one line of a test. */
export function toReadOptions(flags: RawReadFlags, stdoutIsTTY: boolean, now: Date): ReadOptions {
  const from = parseFrom(flags.from ?? 'trim-horizon', now);
  const until = flags.until === undefined ? undefined : parseUntil(flags.until, now);
  checkWindow(from.type === 'AT_TIMESTAMP' ? from.timestamp : undefined, until);
  if (flags.quiet && flags.verbose) throw new UsageError('--quiet and --verbose ask for opposite things: give one');
  const lake = securityLakeOf(flags);
  return {
    source: sourceOf(flags),
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

/** How records are decoded and what becomes of one that cannot be: a read's and `decode`'s alike. */
function recordHandlingOf(flags: FlagValues<'maxEvents' | 'onError' | 'deadLetter' | 'threads' | 'maxRecordBytes'>) {
  const onError = oneOf('--on-error', flags.onError ?? 'fail', ON_ERROR);
  if (flags.deadLetter && onError !== 'skip') {
    throw new UsageError('--dead-letter goes with --on-error skip', 'With --on-error fail (the default) das-read stops at the first unreadable record.');
  }
  return {
    ...(flags.maxEvents === undefined ? {} : { maxEvents: parsePositiveInteger('--max-events', flags.maxEvents) }),
    threads: flags.threads === undefined ? defaultThreads() : flags.threads === '0' ? 0 : parsePositiveInteger('--threads', flags.threads, 64),
    maxRecordBytes: flags.maxRecordBytes === undefined ? DEFAULT_MAX_RECORD_BYTES : parseByteSize('--max-record-bytes', flags.maxRecordBytes),
    onError,
    ...(flags.deadLetter ? { deadLetter: flags.deadLetter } : {}),
  };
}

/** Whose records an archive holds: a cluster or instance RDS is asked about, or a resource id as it is. */
export type ArchiveSource = { kind: 'cluster' | 'instance'; identifier: string } | { kind: 'resource'; resourceId: string };

/** `das-read decode`: the archive's owner, the record handling and the showing flags of a read. */
export function toDecodeOptions(flags: FlagsOf<'decode'>, stdoutIsTTY: boolean) {
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

function archiveSourceOf(flags: FlagsOf<'decode'>): ArchiveSource {
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
    throw new UsageError(`--resource-id "${resourceId}" is not a resource id`, 'It looks like cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ (Aurora) or db-ABCDEFGHIJKLMNOPQRSTUVWXYZ (an RDS instance): the DbClusterResourceId or DbiResourceId.');
  }
  return { kind: 'resource', resourceId };
}

/** `das-read show`: the reading flags it shares, checked the same way; --from and --until are times in its events. */
export function toShowOptions(flags: FlagsOf<'show'>, stdoutIsTTY: boolean, now: Date) {
  const from = flags.from === undefined ? undefined : parseFromTime(flags.from, now);
  const until = flags.until === undefined ? undefined : parseUntil(flags.until, now);
  checkWindow(from, until);
  return {
    ...showingOf(flags, stdoutIsTTY),
    window: { ...(from ? { from } : {}), ...(until ? { until } : {}) },
    summary: flags.summary ?? false,
    quiet: flags.quiet ?? false,
    debug: flags.debug ?? false,
  };
}

/** The form, the filters, redaction and the layout: a read's and `show`'s alike. */
function showingOf(flags: FlagsOf<'show'>, stdoutIsTTY: boolean) {
  const output = oneOf('--output', flags.output ?? (stdoutIsTTY ? 'pretty' : 'ndjson'), OUTPUTS);
  if (output === 'ocsf' && flags.fields) throw new UsageError('--fields does not go with -o ocsf', 'An OCSF event keeps the attributes its schema requires; pick fields with jq instead.');
  if (output === 'ocsf' && flags.includeHeartbeats) throw new UsageError('--include-heartbeats does not go with -o ocsf', 'A heartbeat is no database activity: OCSF has no event for it.');
  return {
    output,
    includeHeartbeats: flags.includeHeartbeats ?? false,
    filter: filterOf(flags),
    redact: flags.redact ?? false,
    utc: flags.utc ?? false,
    wide: flags.wide ?? false,
    ...fieldsOf(flags.fields),
    color: oneOf('--color', flags.color ?? 'auto', COLORS),
  };
}

/** --security-lake-dir and its companions: OCSF only, and a source name Security Lake accepts. */
function securityLakeOf(flags: RawReadFlags): ReadOptions['securityLake'] {
  if (!flags.securityLakeDir) {
    const stray = [flags.securityLakeSource !== undefined && flags.securityLakeSource !== 'das-read' && '--security-lake-source', flags.securityLakeEvery !== undefined && flags.securityLakeEvery !== '5m' && '--security-lake-every'].filter(Boolean);
    if (stray.length) throw new UsageError(`${stray.join(' and ')} go${stray.length === 1 ? 'es' : ''} with --security-lake-dir`);
    return undefined;
  }
  if (flags.output !== undefined && flags.output !== 'ocsf') throw new UsageError(`--security-lake-dir writes OCSF: it does not go with -o ${flags.output}`);
  const source = flags.securityLakeSource ?? 'das-read';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(source)) throw new UsageError(`--security-lake-source "${source}" is not a custom source name`, 'Security Lake takes letters, digits, - and _ (up to 64).');
  return { dir: flags.securityLakeDir, source, everyMs: parseDuration('--security-lake-every', flags.securityLakeEvery ?? '5m') };
}

function tailOf(flags: RawReadFlags): { tail?: number } {
  if (flags.tail === undefined) return {};
  if (flags.checkpoint) throw new UsageError('--tail and --checkpoint both say where to start: give one', 'A checkpoint resumes after the last event written; --tail starts with the last n events.');
  if (flags.from) throw new UsageError('--tail and --from both say where to start: give one');
  return { tail: parsePositiveInteger('--tail', flags.tail, 1_000_000) };
}

function fieldsOf(list: string | undefined): { fields?: string[] } {
  if (list === undefined) return {};
  const fields = list.split(',').map((field) => field.trim()).filter(Boolean);
  if (fields.length === 0) throw new UsageError('--fields names no field', 'For example: --fields logTime,dbUserName,commandText');
  return { fields };
}

/** Pretty lines fit the terminal, unless --wide; in its zone, unless --utc. */
export function layoutOf(options: { utc: boolean; wide: boolean; fields?: string[] }, io: { stdoutColumns?: number }): PrettyLayout {
  return { ...(options.utc ? { utc: true } : {}), ...(!options.wide && io.stdoutColumns ? { width: io.stdoutColumns } : {}), ...(options.fields ? { fields: options.fields } : {}) };
}

/** --region, --profile and --endpoint-url, for every command that talks to AWS. */
export function awsOptionsOf(flags: FlagValues<'region' | 'profile' | 'endpointUrl'>): AwsOptions {
  return {
    ...(flags.region ? { region: flags.region } : {}),
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(flags.endpointUrl ? { endpointUrl: endpointUrl(flags.endpointUrl) } : {}),
  };
}

function sourceOf(flags: RawReadFlags): Source {
  const named = [flags.cluster && '--cluster', flags.instance && '--instance', flags.streamName && '--stream-name'].filter(Boolean);
  if (named.length === 0) {
    throw new UsageError('name the activity stream to read', 'Use --cluster NAME (Aurora), --instance NAME (RDS for Oracle / SQL Server) or --stream-name aws-rds-das-….');
  }
  if (named.length > 1) throw new UsageError(`${named.join(' and ')} name different streams: give one`);
  if (flags.resourceId && !flags.streamName) {
    throw new UsageError('--resource-id goes with --stream-name', 'With --cluster or --instance the resource id comes from RDS.');
  }
  if (flags.cluster) return { kind: 'cluster', identifier: flags.cluster };
  if (flags.instance) return { kind: 'instance', identifier: flags.instance };
  return { kind: 'stream', streamName: flags.streamName ?? '', ...(flags.resourceId ? { resourceId: flags.resourceId } : {}) };
}

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
function filterOf(flags: FlagValues<keyof typeof FILTER_LISTS | 'errorsOnly' | 'excludeErrors' | 'skipServiceUsers'>): EventFilterSpec {
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

const BYTE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** 1048576, 512k, 64m, 1g (powers of 1024). */
function parseByteSize(flag: string, text: string): number {
  const match = /^(\d+)([kmg]?)i?b?$/i.exec(text.trim());
  const value = match ? Number(match[1]) * (BYTE_UNITS[(match[2] ?? '').toLowerCase()] ?? 1) : NaN;
  if (!Number.isSafeInteger(value) || value < 1024 || value > 4 * 1024 ** 3) {
    throw new UsageError(`${flag} takes a size from 1k to 4g, like 64m or 1048576 (got "${text}")`);
  }
  return value;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
}

function endpointUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--endpoint-url "${value}" is not a URL`, 'For example: --endpoint-url http://127.0.0.1:4566');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--endpoint-url must be http or https (got "${value}")`);
  return value;
}
