import { readCommand, type ReadDeps } from './read.js';
import type { ReadOptions } from './read-options.js';
import { ExitCode, UsageError } from '../../errors.js';
import { chalkFor } from '../../terminal/color.js';
import { eventFormatter } from '../../format/event-format.js';
import { formatSummary } from '../../terminal/summary-table.js';
import { createStatusLine, type ReadProgress } from '../../terminal/status-line.js';
import type { FlagsOf } from '../../cmdutil/flags.js';
import { layoutOf } from '../../cmdutil/pretty-layout.js';
import { toReadOptions } from './read-flags.js';
import type { ActionContext } from '../../cmdutil/action-context.js';
import { VERSION } from '../../version.js';
import { count, totalsLine } from '../../cmdutil/totals.js';

/** `das-read --cluster X`: read, decrypt, print. */
export async function readAction(flags: FlagsOf<'read'>, context: ActionContext): Promise<number> {
  const { io } = context;
  const options = toReadOptions(flags, io.stdoutIsTTY, context.now());
  return readWith(options, context, (place) =>
    eventFormatter(options.output, chalkFor(io, 'stdout', options.color), {
      redact: options.redact,
      ...layoutOf(options, io),
      ocsf: { ...place, readerVersion: VERSION },
    }),
  );
}

/**
 * A read as the CLI runs it, in whatever form `formatFor` makes (the events, or `detect`'s
 * findings): the status line, the summary, the gaps said, and the exit code.
 */
export async function readWith(options: ReadOptions, context: ActionContext, formatFor: ReadDeps['formatFor']): Promise<number> {
  const { io } = context;
  if (options.checkpoint && io.stdoutTarget?.kind === 'closed') {
    throw new UsageError(
      'standard output is closed (`>&-`): with --checkpoint every event would be marked as read and written nowhere',
      'Send the events to a file (>> audit.ndjson) or a pipe. To drop them on purpose, say so: > /dev/null.',
    );
  }
  // Someone watches stderr while the events go elsewhere: a status line, with the messages above it.
  const status = io.stderrIsTTY && !io.stdoutIsTTY && !options.quiet ? createStatusLine(io.stderr) : undefined;
  const log = context.log({
    color: options.color,
    verbose: options.verbose,
    quiet: options.quiet,
    debug: options.debug,
    ...(status ? { stderr: status.stderr } : {}),
  });
  const startedAt = context.now().getTime();
  const summary = await context
    .withClients(options.aws, (clients) =>
      readCommand(options, {
        ...(status ? { onProgress: (progress: ReadProgress) => status.update(progress) } : {}),
        clients,
        stdout: io.stdout,
        formatFor,
        log,
        signal: context.signal,
        now: context.now,
        lockOwner: context.lockOwner,
        ...(io.stdoutTarget ? { stdoutTarget: io.stdoutTarget } : {}),
      }),
    )
    // Gone before anything else is said, an error included.
    .finally(() => status?.stop());
  if (summary.tally) {
    // Asked for: written whatever --quiet says, to stderr, where it never mixes with the events.
    const facts = {
      records: summary.records,
      kmsDecryptCalls: summary.kmsDecryptCalls,
      dataKeys: summary.dataKeys ?? 0,
      skipped: summary.skipped,
      elapsedMs: context.now().getTime() - startedAt,
    };
    io.stderr.write(formatSummary(summary.tally, facts, chalkFor(io, 'stderr', options.color), io.stderrIsTTY ? 100 : 160));
  }
  log.info(totalsLine(summary));
  if (summary.gaps.length > 0) {
    const shards = [...new Set(summary.gaps.flatMap((gap) => gap.shardIds))].sort();
    log.warn(`the stream had lost events before this run could read them (${count(shards.length, 'shard')}: ${shards.join(', ')}); exit ${ExitCode.gap}`);
  }
  return context.interrupted() ?? (summary.gaps.length > 0 ? ExitCode.gap : ExitCode.ok);
}
