import { UsageError } from '../../errors.js';
import type { FlagsOf } from '../../cmdutil/flags.js';
import { oneOf } from '../../cmdutil/one-of.js';
import { filterOf } from '../../cmdutil/filter-flags.js';
import { checkWindow, parseDuration, parseFrom, parseFromTime, parseUntil } from '../../cmdutil/time-spec.js';
import type { EventFilterSpec } from '../../events/filter.js';
import type { AwsOptions } from '../../aws/clients.js';
import { awsOptionsOf } from '../../cmdutil/aws-flags.js';
import { toReadOptions, type RawReadFlags } from '../read/read-flags.js';
import type { ReadOptions } from '../read/read-options.js';
import type { REPORT } from './report-command.js';

export type ReportFlags = FlagsOf<typeof REPORT> & { files: string[] };

export const REPORT_OUTPUTS = ['html', 'json'] as const;
export type ReportOutput = (typeof REPORT_OUTPUTS)[number];

/**
 * Where the events come from. Either way the report sees every heartbeat and applies the filters
 * itself: a filter that drops a user's events must not drop the heartbeats that prove coverage.
 */
export type ReportSource =
  | { kind: 'live'; read: ReadOptions; database: { kind: 'cluster' | 'instance'; name: string } | undefined }
  | { kind: 'saved'; files: string[]; database: { kind: 'cluster' | 'instance'; name: string } | undefined };

export interface ReportOptions {
  source: ReportSource;
  /** For RDS's DescribeEvents, live or saved. */
  aws: AwsOptions;
  output: ReportOutput;
  outputFile?: string;
  incremental?: string;
  /** The window asked for, in the events' own time; undefined ends are the first and last event (or, live, now). */
  from?: Date;
  until?: Date;
  gapThresholdMs: number;
  filter: EventFilterSpec;
  redact: boolean;
  rules: { builtin: boolean; paths: string[] };
  color: ReadOptions['color'];
  verbose: boolean;
  quiet: boolean;
  debug: boolean;
}

const STREAM_ONLY = [
  ['streamName', '--stream-name'],
  ['resourceId', '--resource-id'],
  ['deadLetter', '--dead-letter'],
  ['threads', '--threads'],
  ['maxRecordBytes', '--max-record-bytes'],
  ['incremental', '--incremental'],
] as const;

/** Flags → options; pure. FILE… (or no database named) reports on saved events; a database alone, on its stream. */
export function toReportOptions(flags: ReportFlags, now: Date, stdoutIsTTY = false): ReportOptions {
  const output = oneOf('--output', flags.output ?? 'html', REPORT_OUTPUTS);
  // A page is for a browser: at a terminal it would be a screenful of markup, and the events' own bytes with it.
  if (output === 'html' && stdoutIsTTY && flags.outputFile === undefined && flags.incremental === undefined)
    throw new UsageError('the report is an HTML page: name the file to write it to', 'For example: -O report.html (or pipe it; -o json gives the figures).');
  if (flags.cluster !== undefined && flags.instance !== undefined) throw new UsageError('--cluster and --instance both name the database: give one');
  if (flags.quiet && flags.verbose) throw new UsageError('--quiet and --verbose ask for opposite things: give one');
  const named = flags.cluster !== undefined || flags.instance !== undefined || flags.streamName !== undefined;
  const saved = flags.files.length > 0 || !named;
  const database =
    flags.cluster !== undefined
      ? { kind: 'cluster' as const, name: flags.cluster }
      : flags.instance !== undefined
        ? { kind: 'instance' as const, name: flags.instance }
        : undefined;
  if (flags.incremental !== undefined && flags.outputFile !== undefined)
    throw new UsageError('--incremental writes its pages into its folder: it does not go with --output-file');
  if (flags.incremental !== undefined && output === 'json')
    throw new UsageError(
      '--incremental keeps HTML pages: -o json goes with a single report',
      'For the figures of a day, run das-read report --from … --until … -o json.',
    );
  const until = flags.until === undefined ? undefined : parseUntil(flags.until, now);
  let source: ReportSource;
  let from: Date | undefined;
  if (saved) {
    const stray: string[] = STREAM_ONLY.filter(([key]) => flags[key] !== undefined).map(([, flag]) => flag);
    if (stray.length)
      throw new UsageError(
        `${stray.join(', ')} go${stray.length === 1 ? 'es' : ''} with reading a stream, not with saved files`,
        'Without FILE…, --cluster reads the stream.',
      );
    from = flags.from === undefined ? undefined : parseFromTime(flags.from, now);
    checkWindow(from, until);
    source = { kind: 'saved', files: flags.files, database };
  } else {
    const start = parseFrom(flags.from ?? 'trim-horizon', now);
    from = start.type === 'AT_TIMESTAMP' ? start.timestamp : start.type === 'LATEST' ? now : undefined;
    // The report reads to the window's end and stops; the filters are its own (see ReportSource).
    const read = toReadOptions(
      {
        ...flags,
        output: 'ndjson',
        follow: false,
        includeHeartbeats: true,
        user: undefined,
        excludeUser: undefined,
        database: undefined,
        excludeDatabase: undefined,
        class: undefined,
        excludeClass: undefined,
        command: undefined,
        excludeCommand: undefined,
        object: undefined,
        excludeObject: undefined,
        grep: undefined,
        excludeGrep: undefined,
        errorsOnly: undefined,
        excludeErrors: undefined,
        skipServiceUsers: undefined,
        redact: undefined,
      } as unknown as RawReadFlags,
      false,
      now,
    );
    source = { kind: 'live', read, database };
  }
  return {
    source,
    aws: awsOptionsOf(flags),
    output,
    ...(flags.outputFile !== undefined ? { outputFile: flags.outputFile } : {}),
    ...(flags.incremental !== undefined ? { incremental: flags.incremental } : {}),
    ...(from ? { from } : {}),
    ...(until ? { until } : {}),
    gapThresholdMs: parseDuration('--gap-threshold', flags.gapThreshold ?? '60s'),
    filter: filterOf(flags),
    redact: flags.redact ?? false,
    rules: { builtin: flags.builtinRules ?? true, paths: flags.rules ?? [] },
    color: oneOf('--color', flags.color ?? 'auto', ['auto', 'always', 'never'] as const),
    verbose: flags.verbose ?? false,
    quiet: flags.quiet ?? false,
    debug: flags.debug ?? false,
  };
}
