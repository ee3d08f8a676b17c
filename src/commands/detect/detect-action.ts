import type { ActionContext } from '../../cmdutil/action-context.js';
import { layoutOf } from '../../cmdutil/pretty-layout.js';
import { savedInputs } from '../../cmdutil/saved-inputs.js';
import { DEFAULT_MAX_RECORD_BYTES } from '../../decode/record-limits.js';
import { createDetector } from '../../detect/detector.js';
import { placeOfName, type FindingPlace } from '../../detect/finding-place.js';
import { loadRules } from '../../detect/load-rules.js';
import { ExitCode } from '../../errors.js';
import { VERSION } from '../../version.js';
import { showExitCode } from '../show/show-action.js';
import { showCommand } from '../show/show.js';
import { toDetectOptions, type DetectFlags, type DetectOptions } from './detect-flags.js';
import { findingForm } from './finding-form.js';
import { formatFindingSummary } from './finding-summary.js';
import { FindingWriter } from './finding-writer.js';

/** `das-read detect`: the rules over a stream or saved events; findings out, and an exit code that says whether every event was evaluated. */
export async function detectAction(flags: DetectFlags, context: ActionContext): Promise<number> {
  const { io } = context;
  const options = toDetectOptions(flags, io.stdoutIsTTY, context.now());
  // A rule that cannot be read stops the run before anything is read: never half the rules.
  const rules = await loadRules(options.rules);
  const writerFor = (place: FindingPlace) =>
    new FindingWriter(
      createDetector(rules),
      findingForm(options.output, {
        chalk: io.colorFor('stdout', options.color),
        layout: layoutOf({ utc: options.utc, wide: options.wide }, io),
        place: { ...place, readerVersion: VERSION },
        now: context.now,
      }),
    );
  let writer: FindingWriter | undefined;
  let exitCode: number;
  const { source } = options;
  if (source.kind === 'live') {
    // The read, and the AWS SDK with it, loads only for a stream: a saved file never needs it.
    const { readWith } = await import('../read/read-action.js');
    exitCode = await readWith(source.read, context, (place, target) => {
      writer = writerFor(livePlace(options, place, target.arn));
      return writer.live({ redact: options.redact });
    });
  } else {
    const inputs = savedInputs(source.files, io, 'saved files to run the rules over', 'das-read detect /var/log/das/prod.ndjson.1.gz');
    writer = writerFor(savedPlace(options));
    const log = context.log({ color: options.color, quiet: options.quiet, debug: options.debug });
    const summary = await showCommand(
      inputs,
      { ...source.show, maxLineBytes: DEFAULT_MAX_RECORD_BYTES },
      { stdout: io.stdout, chalk: io.colorFor('stdout', options.color), log, signal: context.signal, format: writer.saved({ redact: options.redact }) },
    );
    exitCode = showExitCode(summary);
    if (summary.unreadable > 0)
      log.warn(
        `${summary.unreadable} line${summary.unreadable === 1 ? '' : 's'} could not be read, and ${summary.unreadable === 1 ? 'was' : 'were'} not evaluated; exit ${exitCode}`,
      );
    exitCode = context.interrupted() ?? exitCode;
  }
  if (writer) sayBounds(writer, context.log({ color: options.color, quiet: options.quiet, debug: options.debug }));
  if (options.summary && writer)
    io.stderr.write(formatFindingSummary(writer.tally, { events: writer.events, rules: rules.length }, io.colorFor('stderr', options.color)));
  // A failure says more than a finding: the exit code must first say whether every event was evaluated.
  if (exitCode === ExitCode.ok && options.failOn && writer?.tally.reached(options.failOn)) return ExitCode.findings;
  return exitCode;
}

/** What the correlations' bounds cost, said: a burst that went unseen for want of room or time is not silence. */
function sayBounds(writer: FindingWriter, log: { warn(message: string): void }): void {
  const { droppedGroups, droppedEvents, untimedEvents } = writer.detector.stats;
  if (untimedEvents > 0)
    log.warn(
      `${untimedEvents} event${untimedEvents === 1 ? '' : 's'} had neither logTime nor startTime: correlation rules could not place ${untimedEvents === 1 ? 'it' : 'them'} in a window`,
    );
  if (droppedGroups > 0 || droppedEvents > 0)
    log.warn(
      `correlation rules kept within their bounds by forgetting ${droppedGroups} group${droppedGroups === 1 ? '' : 's'} and ${droppedEvents} remembered event${droppedEvents === 1 ? '' : 's'}: a burst spread over them may have gone unseen`,
    );
}

/** A stream's place: the database's ARN from RDS, else what the flags say. */
function livePlace(options: DetectOptions, place: { region?: string; accountId?: string }, arn: string | undefined): FindingPlace {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.accountId ? { accountId: options.accountId } : {}),
    ...place,
    ...(arn ? { databaseArn: arn } : {}),
  };
}

/** Saved events' place: only what the flags say (a database named by ARN says its region and account). */
function savedPlace(options: DetectOptions): FindingPlace {
  const known = { ...(options.region ? { region: options.region } : {}), ...(options.accountId ? { accountId: options.accountId } : {}) };
  return options.database ? placeOfName(options.database.kind, options.database.name, known) : known;
}
