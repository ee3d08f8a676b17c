import type { Readable, Writable } from 'node:stream';
import type { ChalkInstance } from 'chalk';
import { compileFilter, type EventFilterSpec } from '../../events/filter.js';
import { EventTally } from '../../events/tally.js';
import { compileTimeWindow, type TimeWindow } from '../../events/time-window.js';
import { prepareRedaction } from '../../events/redact.js';
import { plainContent, savedLines } from '../../saved/saved-lines.js';
import { MAX_REBUILT_DEPTH, savedEventOf } from '../../saved/saved-event.js';
import type { Diagnostics } from '../../terminal/diagnostics.js';
import type { PrettyLayout } from '../../format/pretty.js';
import type { OutputFormat } from '../../format/event-format.js';
import type { EventFormatter } from '../../format/event-formatter.js';
import { savedEventFormatter } from '../../format/saved-format.js';
import { SavedRecord } from '../../saved/saved-record.js';
import { Utf8Builder } from '../../format/utf8-builder.js';
import { OutputClosedError, OutputWriter } from '../../sinks/writer.js';
import { explainSystemError } from '../../system-errors.js';
import { openSaved, type SavedInput } from '../../saved/saved-input.js';

export interface ShowOptions {
  output: OutputFormat;
  includeHeartbeats: boolean;
  filter: EventFilterSpec;
  redact: boolean;
  /** --from / --until: only events whose own time is inside; an event with no time is left out, and said. */
  window?: TimeWindow;
  /** --summary: tally what is written, for a table at the end. */
  summary?: boolean;
  /** A line longer than this is reported, not held. */
  maxLineBytes: number;
}

/** A saved trail: a file by name, or standard input. */
export type ShowInput = SavedInput;

export interface ShowDeps {
  stdout: Writable;
  /**
   * `das-read detect`: what is written for the events, instead of the events; each saved line is a
   * record of one event (a SavedRecord, its place `FILE:LINE`). It redacts, if asked, itself.
   */
  format?: EventFormatter;
  chalk: ChalkInstance;
  log: Diagnostics;
  layout?: PrettyLayout;
  /** Aborted on SIGINT / SIGTERM: reading stops, what was read is written. */
  signal?: AbortSignal;
  /** Each line (or file's rest) that could not be read, with its place (it is also said on stderr). */
  onUnreadable?: (place: string, problem: string) => void;
}

export interface ShowSummary {
  events: number;
  /** Lines read, but for blank ones. */
  lines: number;
  /** Lines that are not an event, and gzip data that ends early: each reported with its place. */
  unreadable: number;
  /** Inputs that could not be opened at all. */
  missing: number;
  /** With --from / --until: events the other filters kept, outside the window or with no time to place them by. */
  window?: { outside: number; untimed: number };
  /** With --summary: the events written, counted. */
  tally?: EventTally;
}

/** A saved line is a record of one event: the one it writes. */
const ONLY_EVENT = [0] as const;

/** Output is handed over in pieces of about this size: a pipe's reader sees events as they come. */
const WRITE_BYTES = 256 * 1024;

/**
 * das-read's own ndjson, read back (yesterday's trail from cron, gzip'd by logrotate or not) and
 * shown with the live reader's forms, filters and redaction. Nothing is lost on bad input: each
 * line that is not an event is named by file and line, and the rest is shown.
 */
export async function showCommand(inputs: readonly ShowInput[], options: ShowOptions, deps: ShowDeps): Promise<ShowSummary> {
  // --summary folds every statement's literals with --redact's lexers.
  if (options.redact || options.summary) await prepareRedaction();
  const filter = compileFilter(options.filter);
  const inWindow = compileTimeWindow(options.window ?? {});
  const tally = options.summary ? new EventTally() : undefined;
  const leftOut = inWindow ? { outside: 0, untimed: 0 } : undefined;
  const output = new OutputWriter(deps.stdout);
  const text = new Utf8Builder();
  const summary: ShowSummary = { events: 0, lines: 0, unreadable: 0, missing: 0, ...(leftOut ? { window: leftOut } : {}), ...(tally ? { tally } : {}) };
  const flush = async () => {
    await output.write(text.take());
  };
  const bad = (where: string, problem: string) => {
    summary.unreadable++;
    deps.log.warn(`${where}: ${problem}`);
    deps.onUnreadable?.(where, problem);
  };
  const { signal } = deps;
  const format = deps.format ?? savedEventFormatter(options.output, deps.chalk, { redact: options.redact, ...deps.layout });
  // Every form but plain ndjson writes the event again from its object, by a recursive walk.
  const rebuilds = options.output !== 'ndjson' || options.redact || deps.layout?.fields !== undefined || deps.format !== undefined;
  try {
    for (const input of inputs) {
      if (signal?.aborted) break;
      let source: Readable;
      try {
        source = await openSaved(input, signal);
      } catch (error) {
        if (signal?.aborted) break;
        summary.missing++;
        deps.log.error(explainSystemError(error, `read ${input.name}`) ?? error);
        continue;
      }
      try {
        for await (const line of savedLines(await plainContent(source), options.maxLineBytes)) {
          if (line.problem !== undefined) {
            summary.lines++;
            bad(`${input.name}:${line.number}`, line.problem);
            continue;
          }
          if (line.text.trim() === '') continue;
          summary.lines++;
          const { event, problem } = savedEventOf(line.text, rebuilds ? MAX_REBUILT_DEPTH : undefined);
          if (problem !== undefined) {
            bad(`${input.name}:${line.number}`, problem);
            continue;
          }
          if (!options.includeHeartbeats && event.type === 'heartbeat') continue;
          try {
            if (filter && !filter(event)) continue;
            const place = inWindow?.(event);
            if (leftOut && place === 'outside') {
              leftOut.outside++;
              continue;
            }
            if (leftOut && place === 'untimed') {
              // As an include filter drops an event without its field, the window drops an event without a
              // time; but it may belong inside, as a filtered one may not: the auditor is told where it is.
              leftOut.untimed++;
              deps.log.warn(`${input.name}:${line.number}: neither logTime nor startTime is a time: left out by --from/--until`);
              continue;
            }
            // Each saved form writes an event whole or, if it throws, not at all: the builder holds only whole lines.
            format.write(text, new SavedRecord(line.text, event, `${input.name}:${line.number}`), ONLY_EVENT);
          } catch (error) {
            // Past what V8 can build (a string too long, a stack too deep), or a field of a shape no form expects: this line's problem, not the file's.
            if (!(error instanceof Error) || error instanceof OutputClosedError) throw error;
            bad(`${input.name}:${line.number}`, `cannot be written in this form (${error.name}: ${error.message.slice(0, 120)})`);
            continue;
          }
          summary.events++;
          try {
            tally?.add(event);
          } catch (error) {
            // Written whole already: only the table at the end misses it, and says so.
            deps.log.warn(`${input.name}:${line.number}: shown, but not counted in --summary (${(error as Error).name})`);
          }
          if (text.byteLength >= WRITE_BYTES) await flush();
        }
      } catch (error) {
        if (error instanceof OutputClosedError) throw error;
        // Stopped by a signal: not the file's fault.
        if (signal?.aborted) break;
        // Damaged or cut-off gzip: what came before it is shown; the rest of the file cannot be.
        bad(input.name, `${(error as Error).message} (${String((error as NodeJS.ErrnoException).code ?? 'unreadable')}): the rest of it cannot be read`);
      } finally {
        source.destroy();
      }
    }
    // What the form held to the end (detect's pending correlations): after every line, stopped by a signal or not.
    format.end?.(text);
    await flush();
    await output.flush();
  } catch (error) {
    // The reader left (`| head`): a normal end.
    if (!(error instanceof OutputClosedError)) throw error;
  }
  return summary;
}
