import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { savedFile } from './detect-share.js';
import { timedRun } from './timed-run.js';

const BIN = fileURLToPath(new URL('../bin/das-read', import.meta.url));
const OVERVIEW_JQ = fileURLToPath(new URL('../test/support/report-overview.jq', import.meta.url));

export interface ReportShare {
  events: number;
  inputBytes: number;
  jqSeconds: number;
  reportSeconds: number;
  /** jq's time over the report's: how many times faster the whole report is made than jq counts its overview. */
  share: number;
  /** The page's size. */
  htmlBytes: number;
  /** The report's peak resident set (GNU time's maximum RSS). */
  maxRssBytes: number;
}

/**
 * `das-read report FILE -O page.html` against jq computing the overview's counts over the same
 * file (test/support/report-overview.jq, the program the browser test checks the page with).
 * One run each: at a million events each takes tens of seconds, and the noise is small beside them.
 */
export async function reportShareOfJq(events: number): Promise<ReportShare> {
  const dir = mkdtempSync(join(tmpdir(), 'das-read-bench-report-'));
  try {
    const file = join(dir, 'audit.ndjson');
    const count = savedFile(file, events);
    const page = join(dir, 'report.html');
    const jq = await timedRun('jq', ['-n', '-c', '-f', OVERVIEW_JQ, file]);
    const report = await timedRun('/usr/bin/time', ['-f', 'maxrss-kb %M', process.execPath, BIN, 'report', file, '-O', page]);
    const rss = /maxrss-kb (\d+)/.exec(report.stderr);
    return {
      events: count,
      inputBytes: statSync(file).size,
      jqSeconds: jq.seconds,
      reportSeconds: report.seconds,
      share: jq.seconds / report.seconds,
      htmlBytes: statSync(page).size,
      maxRssBytes: rss ? Number(rss[1]) * 1024 : NaN,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
