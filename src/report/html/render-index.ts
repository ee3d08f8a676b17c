import type { DayEntry } from '../incremental/report-state-file.js';
import { escapeHtml } from './html-text.js';

/** `--incremental`'s index: a row a day, newest first, each linking to its page. Every value is text. */
export function renderIndex(days: Record<string, DayEntry>, facts: { generatedAt: number; source: string }): string {
  const today = new Date(facts.generatedAt).toISOString().slice(0, 10);
  const rows = Object.entries(days)
    .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
    .map(([day, { summary }]) => {
      // Today's window ends at the last run: its share is of the day so far.
      const share = summary.windowMs > 0 ? `${((100 * summary.coveredMs) / summary.windowMs).toFixed(1)}%` : '–';
      const covered = day === today ? `${share} so far` : share;
      const cells = [summary.events, summary.users, summary.failures, summary.findings, summary.unreadable].map(
        (n) => `<td class="n">${n.toLocaleString('en-US')}</td>`,
      );
      return `<tr><td><a href="${escapeHtml(day)}.html">${escapeHtml(day)}</a></td>${cells.join('')}<td class="n">${covered}</td></tr>`;
    });
  const title = `das-read reports${facts.source ? `: ${facts.source}` : ''}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1f2328}
table{border-collapse:collapse;width:100%}th,td{padding:.35rem .6rem;border-bottom:1px solid #d0d7de;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;color:#59636e;padding:.4rem 0}
</style></head>
<body><h1>${escapeHtml(title)}</h1>
<table><caption>A page a day (UTC), kept by das-read report --incremental; updated ${escapeHtml(new Date(facts.generatedAt).toISOString().replace('T', ' ').slice(0, 19))}Z</caption>
<thead><tr><th>Day</th><th class="n">Events</th><th class="n">Users</th><th class="n">Failures</th><th class="n">Findings</th><th class="n">Unreadable</th><th class="n">Covered</th></tr></thead>
<tbody>
${rows.join('\n') || '<tr><td colspan="7">No day has been reported yet.</td></tr>'}
</tbody></table>
</body></html>
`;
}
