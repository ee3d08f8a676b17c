import { UsageError } from '../../errors.js';
import type { DETECT } from './detect-command.js';
import type { FlagsOf } from '../../cmdutil/flags.js';
import { oneOf } from '../../cmdutil/one-of.js';
import { LEVELS, type Level } from '../../detect/finding.js';
import { isRegionName } from '../../detect/finding-place.js';
import { toReadOptions, type RawReadFlags } from '../read/read-flags.js';
import type { ReadOptions } from '../read/read-options.js';
import { toShowOptions } from '../show/show-flags.js';
import { FINDING_OUTPUTS, type FindingOutput } from './finding-form.js';

export type DetectFlags = FlagsOf<typeof DETECT> & { files: string[] };

/** Where the events come from: a stream, read as `das-read --cluster` reads it, or saved files, as `show` reads them. */
export type DetectSource = { kind: 'live'; read: ReadOptions } | { kind: 'saved'; files: string[]; show: ReturnType<typeof toShowOptions> };

export interface DetectOptions {
  source: DetectSource;
  output: FindingOutput;
  rules: { builtin: boolean; paths: string[] };
  failOn?: Level;
  summary: boolean;
  redact: boolean;
  /** For findings' cloud and ASFF: what the flags say of the database's account and region, and its name with files. */
  accountId?: string;
  region?: string;
  database?: { kind: 'cluster' | 'instance'; name: string };
  utc: boolean;
  wide: boolean;
  color: ReadOptions['color'];
  verbose: boolean;
  quiet: boolean;
  debug: boolean;
}

/** Flags that only mean something when a stream is read. */
const STREAM_ONLY = [
  ['streamName', '--stream-name'],
  ['resourceId', '--resource-id'],
  ['checkpoint', '--checkpoint'],
  ['deadLetter', '--dead-letter'],
  ['threads', '--threads'],
  ['maxRecordBytes', '--max-record-bytes'],
] as const;

/** Flags → options; pure. FILE… (or no database named) reads saved events; --cluster, --instance or --stream-name alone reads the stream. */
export function toDetectOptions(flags: DetectFlags, stdoutIsTTY: boolean, now: Date): DetectOptions {
  const output = oneOf('--output', flags.output ?? (stdoutIsTTY ? 'pretty' : 'ocsf'), FINDING_OUTPUTS);
  const failOn = flags.failOn === undefined ? undefined : oneOf('--fail-on', flags.failOn.toLowerCase(), LEVELS);
  if (flags.region !== undefined && !isRegionName(flags.region))
    throw new UsageError(`--region ${JSON.stringify(flags.region)} is not an AWS region name (such as us-east-1)`);
  if (flags.accountId !== undefined && !/^\d{12}$/.test(flags.accountId))
    throw new UsageError(`--account-id "${flags.accountId}" is not an AWS account id (12 digits)`);
  const named = flags.cluster !== undefined || flags.instance !== undefined || flags.streamName !== undefined;
  const saved = flags.files.length > 0 || !named;
  // The events' own forms do not apply: what is written is findings.
  const eventFlags = { ...flags, output: 'ndjson', summary: false } as const;
  let source: DetectSource;
  if (saved) {
    const stray: string[] = STREAM_ONLY.filter(([key]) => flags[key] !== undefined).map(([, flag]) => flag);
    if (flags.follow === false) stray.push('--no-follow');
    if (stray.length)
      throw new UsageError(
        `${stray.join(', ')} go${stray.length === 1 ? 'es' : ''} with reading a stream, not with saved files`,
        'Without FILE…, --cluster reads the stream.',
      );
    source = { kind: 'saved', files: flags.files, show: toShowOptions(eventFlags, false, now) };
  } else {
    source = { kind: 'live', read: toReadOptions(eventFlags as unknown as RawReadFlags, false, now) };
  }
  const database =
    saved && flags.cluster !== undefined
      ? { kind: 'cluster' as const, name: flags.cluster }
      : saved && flags.instance !== undefined
        ? { kind: 'instance' as const, name: flags.instance }
        : undefined;
  if (flags.cluster !== undefined && flags.instance !== undefined) throw new UsageError('--cluster and --instance both name the database: give one');
  return {
    source,
    output,
    rules: { builtin: flags.builtinRules ?? true, paths: flags.rules ?? [] },
    ...(failOn ? { failOn } : {}),
    summary: flags.summary ?? false,
    redact: flags.redact ?? false,
    ...(flags.accountId ? { accountId: flags.accountId } : {}),
    ...(flags.region ? { region: flags.region } : {}),
    ...(database ? { database } : {}),
    utc: flags.utc ?? false,
    wide: flags.wide ?? false,
    color: oneOf('--color', flags.color ?? 'auto', ['auto', 'always', 'never'] as const),
    verbose: flags.verbose ?? false,
    quiet: flags.quiet ?? false,
    debug: flags.debug ?? false,
  };
}
