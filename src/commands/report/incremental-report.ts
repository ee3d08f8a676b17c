import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActionContext } from '../../cmdutil/action-context.js';
import { loadCheckpoint, saveCheckpoint } from '../../checkpoint/checkpoint-file.js';
import { acquireLock } from '../../checkpoint/lock.js';
import { assertSafeFolder } from '../../checkpoint/safe-place.js';
import type { Rule } from '../../detect/rule.js';
import { ReportBuilder } from '../../report/report-builder.js';
import { restoreReport } from '../../report/report-state-reader.js';
import { renderIndex } from '../../report/html/render-index.js';
import {
  loadReportState,
  readOwnFile,
  readOwnFileSync,
  saveReportState,
  STATE_NAME,
  type DaySummary,
  type IncrementalState,
} from '../../report/incremental/report-state-file.js';
import { withSystemWords } from '../../system-errors.js';
import { UserError } from '../../errors.js';
import { replaceFile, removeLeftoverTemps } from '../../replace-file.js';
import { feedReport } from './feed-report.js';
import type { ReportOptions } from './report-flags.js';
import { reportContext, reportText } from './report-output.js';

const DAY_MS = 86_400_000;

/** The UTC day a time falls in, as the pages are named. */
export function dayOf(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * `--incremental DIR`: the stream read on from where the folder's state says, each event added to
 * the report of its own (UTC) day, then the state, the day pages and the index written. Under a
 * lock: a second run waits for nothing, it is refused.
 */
export async function incrementalReport(options: ReportOptions, rules: readonly Rule[], context: ActionContext): Promise<number> {
  const dir = options.incremental as string;
  const { source } = options;
  if (source.kind !== 'live') throw new Error('incremental reports read a stream');
  const lock = await acquireLock(join(dir, STATE_NAME), context.lockOwner);
  try {
    await removeLeftoverTemps(join(dir, STATE_NAME));
    const state = await loadReportState(dir, context.lockOwner.uid);
    // The stream's own checkpoint machinery works on a copy: only the state's rename makes its positions count.
    const work = join(dir, '.run', 'checkpoint.json');
    await unlink(work).catch(() => {});
    if (state.checkpoint) await saveCheckpoint(work, state.checkpoint);
    const days = new Map<string, ReportBuilder>();
    const startedAt = context.now().getTime();
    // A day is read back only when an event of it comes (today's, as a rule): a site of a year of days is not
    // read whole each run. The formatter cannot wait, so the day is read at once; its folder is checked first.
    if (Object.keys(state.days).length > 0) await assertSafeFolder(join(dir, 'days', 'x'), context.lockOwner.uid, 'report state');
    let unreadableDay: unknown;
    const builderFor = (time: number | null): ReportBuilder => {
      const day = dayOf(time ?? startedAt);
      let builder = days.get(day);
      if (!builder) {
        const kept = state.days[day];
        try {
          builder = kept
            ? dayFrom(join(dir, kept.file), readOwnFileSync(join(dir, kept.file), context.lockOwner.uid))
            : new ReportBuilder({ gapThresholdMs: options.gapThresholdMs });
        } catch (error) {
          // Thrown here, it would make the record unreadable: it is the folder's problem, said once the read is done,
          // and nothing is written, so the next run reads these events again.
          unreadableDay ??= error;
          builder = new ReportBuilder();
        }
        days.set(day, builder);
      }
      return builder;
    };
    const run = await feedReport({ ...options, source: { ...source, read: { ...source.read, checkpoint: work } } }, rules, context, builderFor);
    if (unreadableDay !== undefined) throw unreadableDay;
    await lock.confirm();
    const checkpoint = (await loadCheckpoint(work, context.lockOwner.uid)) ?? state.checkpoint;
    const next: IncrementalState = { version: 1, generation: state.generation + 1, checkpoint, days: { ...state.days } };
    const pages = new Map<string, string>();
    for (const [day, builder] of days) {
      const file = `days/${day}.${next.generation}.json`;
      await replaceFile(join(dir, file), JSON.stringify(builder.toState()));
      const dayOptions = {
        ...options,
        from: new Date(Date.parse(`${day}T00:00:00Z`)),
        until: new Date(Math.min(Date.parse(`${day}T00:00:00Z`) + DAY_MS, startedAt)),
      };
      // A retention gap is the run's: said on the day it was found, and kept there.
      const retentionGaps = [...(state.days[day]?.retentionGaps ?? []), ...(day === dayOf(startedAt) ? run.retentionGaps : [])];
      const buildContext = await reportContext(dayOptions, { ...run, retentionGaps }, builder, context);
      const data = builder.build(buildContext);
      next.days[day] = { file, summary: summaryOf(data), ...(retentionGaps.length ? { retentionGaps } : {}) };
      pages.set(day, await reportText('html', data));
    }
    await saveReportState(dir, next);
    // The state is written: what it no longer names is gone, and the pages follow it.
    for (const day of days.keys()) {
      const old = state.days[day]?.file;
      if (old) await unlink(join(dir, old)).catch(() => {});
    }
    for (const [day, html] of pages) await replaceFile(join(dir, `${day}.html`), html);
    await renderStale(dir, next, options, run, context);
    await replaceFile(join(dir, 'index.html'), renderIndex(next.days, { generatedAt: context.now().getTime(), source: source.database?.name ?? '' }));
    return context.interrupted() ?? run.exitCode;
  } catch (error) {
    throw withSystemWords(error, `keep the reports in ${dir}`);
  } finally {
    await lock.release();
  }
}

/** A page older than its day's state (a run killed after the state was written) is made again. */
async function renderStale(dir: string, state: IncrementalState, options: ReportOptions, run: Awaited<ReturnType<typeof feedReport>>, context: ActionContext) {
  const names = new Set(await readdir(dir));
  for (const [day, entry] of Object.entries(state.days)) {
    const page = `${day}.html`;
    const stale = !names.has(page) || (await stat(join(dir, page))).mtimeMs < (await stat(join(dir, entry.file))).mtimeMs;
    if (!stale) continue;
    const builder = await loadDay(dir, entry.file, context.lockOwner.uid);
    const from = Date.parse(`${day}T00:00:00Z`);
    const dayOptions = { ...options, from: new Date(from), until: new Date(from + DAY_MS) };
    const retentionGaps = entry.retentionGaps ?? [];
    await replaceFile(join(dir, page), await reportText('html', builder.build(await reportContext(dayOptions, { ...run, retentionGaps }, builder, context))));
  }
}

async function loadDay(dir: string, file: string, uid: number | undefined): Promise<ReportBuilder> {
  const path = join(dir, file);
  const text = await readOwnFile(path, uid);
  if (text === undefined) throw new UserError(`the report state ${path} is missing: ${STATE_NAME} names it`, undefined, 'Move the folder away to start again.');
  return dayFrom(path, text);
}

function dayFrom(path: string, text: string): ReportBuilder {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UserError(`the report state ${path} is damaged: it is not JSON`, undefined, 'Move the folder away to start again.');
  }
  return restoreReport(parsed);
}

function summaryOf(data: ReturnType<ReportBuilder['build']>): DaySummary {
  return {
    events: data.overview.events,
    users: data.overview.users,
    failures: data.overview.failures,
    findings: data.overview.findings,
    unreadable: data.overview.unreadable,
    coveredMs: Math.round(data.coverage.coveredMs),
    windowMs: Math.round(data.coverage.windowMs),
  };
}
