import { showCommand, type ShowInput, type ShowSummary } from './show.js';
import type { SHOW } from './show-command.js';
import { DEFAULT_MAX_RECORD_BYTES } from '../../decode/record-limits.js';
import { ExitCode } from '../../errors.js';
import { savedInputs } from '../../cmdutil/saved-inputs.js';
import { formatSavedSummary } from '../../terminal/summary-table.js';
import type { ActionContext } from '../../cmdutil/action-context.js';
import type { FlagsOf } from '../../cmdutil/flags.js';
import { layoutOf } from '../../cmdutil/pretty-layout.js';
import { toShowOptions } from './show-flags.js';

/** `das-read show [FILE…]`: a saved trail, read as comfortably as a live one. */
export async function showAction(flags: FlagsOf<typeof SHOW> & { files: string[] }, context: ActionContext): Promise<number> {
  const { io } = context;
  const options = toShowOptions(flags, io.stdoutIsTTY, context.now());
  const inputs: ShowInput[] = savedInputs(flags.files, io, 'files to show', 'das-read show /var/log/das/prod.ndjson.1.gz -o pretty');
  const log = context.log({ color: options.color, quiet: options.quiet, debug: options.debug });
  const startedAt = context.now().getTime();
  const summary = await showCommand(
    inputs,
    { ...options, maxLineBytes: DEFAULT_MAX_RECORD_BYTES },
    { stdout: io.stdout, chalk: io.colorFor('stdout', options.color), log, layout: layoutOf(options, io), signal: context.signal },
  );
  if (summary.tally) {
    // As a read prints it: asked for, so whatever --quiet says, and on stderr, apart from the events.
    const facts = {
      lines: summary.lines,
      unreadable: summary.unreadable,
      ...(summary.window ? { window: summary.window } : {}),
      elapsedMs: context.now().getTime() - startedAt,
    };
    io.stderr.write(formatSavedSummary(summary.tally, facts, io.colorFor('stderr', options.color), io.tableWidth));
  }
  const exitCode = showExitCode(summary);
  if (summary.unreadable > 0)
    log.warn(
      `${summary.unreadable} line${summary.unreadable === 1 ? '' : 's'} could not be read; exit ${exitCode}${exitCode === ExitCode.unreadableRecord ? '' : ' (a file that could not be opened says more)'}`,
    );
  return context.interrupted() ?? exitCode;
}

/** A file that could not be opened outweighs a line that could not be read; either is said by the exit code. */
export function showExitCode(summary: ShowSummary): number {
  return summary.missing > 0 ? ExitCode.runtime : summary.unreadable > 0 ? ExitCode.unreadableRecord : ExitCode.ok;
}
