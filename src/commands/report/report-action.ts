import type { ActionContext } from '../../cmdutil/action-context.js';
import { loadRules } from '../../detect/load-rules.js';
import { prepareRedaction } from '../../events/redact.js';
import { ReportBuilder } from '../../report/report-builder.js';
import { feedReport } from './feed-report.js';
import { toReportOptions, type ReportFlags } from './report-flags.js';
import { reportContext, reportText, writeReport } from './report-output.js';

/** `das-read report`: a window of a stream, or saved events, made one page (or -o json); the exit code says whether every record was read. */
export async function reportAction(flags: ReportFlags, context: ActionContext): Promise<number> {
  const options = toReportOptions(flags, context.now(), context.io.stdoutIsTTY);
  // A rule that cannot be read stops the run before anything is read.
  const rules = await loadRules(options.rules);
  // Statements are folded with --redact's lexers.
  await prepareRedaction();
  if (options.incremental !== undefined) {
    const { incrementalReport } = await import('./incremental-report.js');
    return incrementalReport(options, rules, context);
  }
  const builder = new ReportBuilder({ gapThresholdMs: options.gapThresholdMs });
  const run = await feedReport(options, rules, context, () => builder);
  const data = builder.build(await reportContext(options, run, builder, context));
  await writeReport(await reportText(options.output, data), options.outputFile, context);
  const log = context.log({ color: options.color, verbose: options.verbose, quiet: options.quiet, debug: options.debug });
  // A report of nothing is a wrong window, filter or input more often than a quiet database: said, not only shown.
  if (data.overview.events === 0 && data.overview.heartbeats === 0)
    log.warn('the report holds no events: nothing was read in the window (or the filters kept none)');
  else if (data.overview.events === 0) log.warn('the report holds no events, only heartbeats: the filters kept none, or the database was idle');
  if (options.outputFile !== undefined) log.info(`wrote ${options.outputFile}: ${data.overview.events} events, ${data.overview.findings} findings`);
  return context.interrupted() ?? run.exitCode;
}
