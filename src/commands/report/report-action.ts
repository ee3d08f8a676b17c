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
  const text = await reportText(options.output, builder, await reportContext(options, run, builder, context));
  await writeReport(text, options.outputFile, context);
  return context.interrupted() ?? run.exitCode;
}
