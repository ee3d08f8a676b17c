import { Writable } from 'node:stream';
import type { ActionContext } from '../../cmdutil/action-context.js';
import { savedInputs } from '../../cmdutil/saved-inputs.js';
import { DEFAULT_MAX_RECORD_BYTES } from '../../decode/record-limits.js';
import { createDetector } from '../../detect/detector.js';
import { RecordError } from '../../errors.js';
import { compileFilter } from '../../events/filter.js';
import { compileTimeWindow } from '../../events/time-window.js';
import type { ReportBuilder } from '../../report/report-builder.js';
import { showExitCode } from '../show/show-action.js';
import { showCommand } from '../show/show.js';
import type { ReportOptions } from './report-flags.js';
import { ReportWriter } from './report-writer.js';
import type { Gap } from '../../checkpoint/gaps.js';
import type { StreamTarget } from '../../aws/stream-target.js';
import type { Rule } from '../../detect/rule.js';

/** What reading the events left for the report to say. */
export interface FedRun {
  exitCode: number;
  startedAt: Date;
  retentionGaps: Gap[];
  target?: StreamTarget;
}

/**
 * Reads the stream (or the saved files) into the reports `builderFor` hands out: one, or one a day.
 * A record that stops the run (--on-error fail) is listed in the report, which is still written.
 */
export async function feedReport(
  options: ReportOptions,
  rules: readonly Rule[],
  context: ActionContext,
  builderFor: (time: number | null) => ReportBuilder,
): Promise<FedRun> {
  const { io } = context;
  const log = context.log({ color: options.color, verbose: options.verbose, quiet: options.quiet, debug: options.debug });
  const writer = new ReportWriter({
    detector: createDetector(rules),
    ...(options.filter ? { filter: compileFilter(options.filter) } : {}),
    ...(options.from || options.until
      ? { window: compileTimeWindow({ ...(options.from ? { from: options.from } : {}), ...(options.until ? { until: options.until } : {}) }) }
      : {}),
    redact: options.redact,
    builderFor,
    daily: options.incremental !== undefined,
  });
  const startedAt = context.now();
  const unreadable = (place: string, problem: string) => builderFor(startedAt.getTime()).unreadable(place, problem);
  const { source } = options;
  if (source.kind === 'live') {
    const { readWith } = await import('../read/read-action.js');
    const run: FedRun = { exitCode: 0, startedAt, retentionGaps: [] };
    try {
      run.exitCode = await readWith(
        source.read,
        context,
        (_place, target) => {
          run.target = target;
          return writer.live();
        },
        {
          onSkipped: (error) => unreadable(placeOf(error), error.reason),
          onSummary: (summary) => {
            run.retentionGaps = summary.gaps;
          },
        },
      );
    } catch (error) {
      // --on-error fail: the run stops at the record, and the report says how far it got.
      if (!(error instanceof RecordError)) throw error;
      unreadable(placeOf(error), error.reason);
      log.error(error);
      run.exitCode = error.exitCode;
    }
    return run;
  }
  const inputs = savedInputs(source.files, io, 'saved files to report on', 'das-read report /var/log/das/prod.ndjson.1.gz -O report.html');
  const summary = await showCommand(
    inputs,
    { output: 'ndjson', includeHeartbeats: true, filter: {}, redact: false, maxLineBytes: DEFAULT_MAX_RECORD_BYTES },
    {
      // show writes nothing here (the report's writer takes the events), but would still flush standard output:
      // one that is full or closed must not fail a report that goes to -O.
      stdout: new Writable({ write: (_chunk, _encoding, done) => done() }),
      chalk: io.colorFor('stderr', 'never'),
      log,
      signal: context.signal,
      format: writer.saved(),
      onUnreadable: unreadable,
    },
  );
  const exitCode = showExitCode(summary);
  if (summary.unreadable > 0)
    log.warn(
      `${summary.unreadable} line${summary.unreadable === 1 ? '' : 's'} could not be read, and ${summary.unreadable === 1 ? 'was' : 'were'} not reported on; exit ${exitCode}`,
    );
  return { exitCode, startedAt, retentionGaps: [] };
}

function placeOf(error: RecordError): string {
  return error.position.place ?? `record ${error.position.sequenceNumber} in ${error.position.shardId}`;
}
