import { open, stat } from 'node:fs/promises';
import type { ActionContext } from '../../cmdutil/action-context.js';
import type { ReportBuilder, BuildContext } from '../../report/report-builder.js';
import type { ReportData } from '../../report/report-data.js';
import { OutputClosedError, OutputWriter } from '../../sinks/writer.js';
import { withSystemWords } from '../../system-errors.js';
import { VERSION } from '../../version.js';
import { replaceFile } from '../../replace-file.js';
import type { FedRun } from './feed-report.js';
import { filterFlagWords } from '../../cmdutil/filter-flags.js';
import type { ReportOptions, ReportOutput } from './report-flags.js';
import { askStreamEvents } from './report-stream-events.js';

/** What the report says beside its events: where they came from, the window, and what RDS and the read said of the trail. */
export async function reportContext(
  options: ReportOptions,
  run: FedRun,
  builder: ReportBuilder,
  context: ActionContext,
  window: { from: number | null; until: number | null } = windowOf(options, run),
): Promise<BuildContext> {
  const base: BuildContext = {
    generator: `das-read ${VERSION}`,
    generatedAt: context.now().getTime(),
    redacted: options.redact,
    filters: filterFlagWords(options.filter),
    source: sourceOf(options, run),
    window,
    streamEvents: null,
    streamEventsNote: null,
    retentionGaps: run.retentionGaps.map((gap) => ({ shardIds: gap.shardIds, detail: gap.detail })),
  };
  // Where the events alone place the window, RDS is asked about the same stretch.
  const seen = builder.eventSpan;
  const from = window.from ?? seen.firstEvent;
  const until = window.until ?? seen.lastEvent;
  const asked = await askStreamEvents(options, run, { from, until }, context);
  return { ...base, streamEvents: asked.events, streamEventsNote: asked.note };
}

/** The window the report covers: the one asked for; a read's ends at its start, as it read to the end the stream had then. */
function windowOf(options: ReportOptions, run: FedRun): { from: number | null; until: number | null } {
  return {
    from: options.from?.getTime() ?? null,
    until: options.until?.getTime() ?? (options.source.kind === 'live' ? run.startedAt.getTime() : null),
  };
}

function sourceOf(options: ReportOptions, run: FedRun): BuildContext['source'] {
  const { source } = options;
  if (source.kind === 'saved') return { kind: 'saved', names: source.files.length ? source.files : ['-'] };
  return { kind: 'live', names: [source.database?.name ?? run.target?.label ?? run.target?.streamName ?? ''] };
}

/** Characters JSON may carry raw that a terminal would act on, or that would reorder the text around them. */
const INERT_IN_JSON = /[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The page, or the figures as one JSON document; the renderer loads only for a page. */
export async function reportText(output: ReportOutput, data: ReportData): Promise<string> {
  // The same JSON, with what a terminal would act on (C1 controls, bidi overrides, line separators) written as \u escapes.
  if (output === 'json') return JSON.stringify(data).replace(INERT_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n';
  const { renderReport } = await import('../../report/html/render-report.js');
  return renderReport(data);
}

/** To the file, replaced whole (mode 0600: it holds what the database was asked), or to standard output. */
export async function writeReport(text: string, file: string | undefined, context: ActionContext): Promise<void> {
  if (file !== undefined) {
    try {
      await ((await isSpecialFile(file)) ? writeInto(file, text) : replaceFile(file, text));
    } catch (error) {
      throw withSystemWords(error, `write the report ${file}`);
    }
    return;
  }
  const output = new OutputWriter(context.io.stdout);
  try {
    await output.write([Buffer.from(text)]);
    await output.flush();
  } catch (error) {
    // The reader left (`| head`): a normal end.
    if (!(error instanceof OutputClosedError)) throw withSystemWords(error, 'write the report to standard output');
  }
}

/**
 * A FIFO, a device or a socket (`-O /dev/stdout`, `-O >(gzip > page.gz)`, `-O /dev/null`): a rename would put a
 * file in its place (as root, over /dev/null itself), and a reader waiting on it would never see the page.
 */
async function isSpecialFile(file: string): Promise<boolean> {
  const found = await stat(file).catch(() => undefined);
  return found !== undefined && !found.isFile() && !found.isDirectory();
}

async function writeInto(file: string, text: string): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}
