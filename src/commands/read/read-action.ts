import { readCommand, type ReadDeps, type ReadSummary } from './read.js';
import type { READ } from './read-command.js';
import type { ReadOptions } from './read-options.js';
import { ExitCode, UsageError } from '../../errors.js';
import { eventFormatter } from '../../format/event-format.js';
import { formatSummary } from '../../terminal/summary-table.js';
import type { ReadProgress } from '../../terminal/status-line.js';
import { beforeFirstWrite } from '../../terminal/first-write.js';
import type { FlagsOf } from '../../cmdutil/flags.js';
import { layoutOf } from '../../cmdutil/pretty-layout.js';
import { toReadOptions } from './read-flags.js';
import type { ActionContext } from '../../cmdutil/action-context.js';
import { VERSION } from '../../version.js';
import { count, totalsLine } from '../../cmdutil/totals.js';

/** `das-read --cluster X`: read, decrypt, print. */
export async function readAction(flags: FlagsOf<typeof READ>, context: ActionContext): Promise<number> {
  const { io } = context;
  const options = toReadOptions(flags, io.stdoutIsTTY, context.now());
  return readWith(options, context, (place) =>
    eventFormatter(options.output, io.colorFor('stdout', options.color), {
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
export async function readWith(
  options: ReadOptions,
  context: ActionContext,
  formatFor: ReadDeps['formatFor'],
  hooks: { onSkipped?: ReadDeps['onSkipped']; onSummary?: (summary: ReadSummary) => void } = {},
): Promise<number> {
  const { io } = context;
  if (options.checkpoint && io.stdoutTarget?.kind === 'closed') {
    throw new UsageError(
      'standard output is closed (`>&-`): with --checkpoint every event would be marked as read and written nowhere',
      'Send the events to a file (>> audit.ndjson) or a pipe. To drop them on purpose, say so: > /dev/null.',
    );
  }
  // Someone watches stderr: a status line, with the messages above it. When the events come to the
  // same terminal they are the progress: the line says what is read only until the first one (a
  // filter that keeps nothing must not leave a blank screen), then it is gone.
  const status = io.statusLine(options.quiet);
  let statusShown = status !== undefined;
  const stdout =
    status && io.stdoutIsTTY
      ? beforeFirstWrite(io.stdout, () => {
          statusShown = false;
          status.stop();
        })
      : io.stdout;
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
        ...(status
          ? {
              onProgress: (progress: ReadProgress) => {
                if (statusShown) status.update(progress);
              },
            }
          : {}),
        clients,
        stdout,
        formatFor,
        ...(hooks.onSkipped ? { onSkipped: hooks.onSkipped } : {}),
        log,
        signal: context.signal,
        now: context.now,
        lockOwner: context.lockOwner,
        ...(io.stdoutTarget ? { stdoutTarget: io.stdoutTarget } : {}),
      }),
    )
    // Gone before anything else is said, an error included.
    .finally(() => status?.stop());
  hooks.onSummary?.(summary);
  if (summary.tally) {
    // Asked for: written whatever --quiet says, to stderr, where it never mixes with the events.
    const facts = {
      records: summary.records,
      kmsDecryptCalls: summary.kmsDecryptCalls,
      dataKeys: summary.dataKeys ?? 0,
      skipped: summary.skipped,
      elapsedMs: context.now().getTime() - startedAt,
    };
    io.stderr.write(formatSummary(summary.tally, facts, io.colorFor('stderr', options.color), io.tableWidth));
  }
  log.info(totalsLine(summary));
  if (summary.gaps.length > 0) {
    const shards = [...new Set(summary.gaps.flatMap((gap) => gap.shardIds))].sort();
    log.warn(`the stream had lost events before this run could read them (${count(shards.length, 'shard')}: ${shards.join(', ')}); exit ${ExitCode.gap}`);
  }
  return context.interrupted() ?? (summary.gaps.length > 0 ? ExitCode.gap : ExitCode.ok);
}
