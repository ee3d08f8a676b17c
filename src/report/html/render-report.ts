// One self-contained HTML5 file: its style, uPlot and its own script inline, the charts' data embedded as JSON.
// Its Content-Security-Policy allows no request at all and no script but the two it carries (by hash), so that
// even a value that escaped as markup could neither run nor call out.
import { createHash } from 'node:crypto';
import type { ReportData } from '../report-data.js';
import { chartLibrary } from './chart-library.js';
import { CHART_SCRIPT } from './chart-script.js';
import { embedJson, escapeHtml, utcTime } from './html-text.js';
import { activity, changes, clients, coverage, failures, findings, logons, overview, SECTIONS, statements, writes } from './report-sections.js';
import { REPORT_STYLE } from './report-style.js';

const hash = (script: string) => `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;

/** The policy of a page whose only scripts are these: nothing may be fetched, framed, submitted or based elsewhere. */
export function contentSecurityPolicy(scripts: string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scripts.map(hash).join(' ')}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function renderReport(data: ReportData): string {
  const library = chartLibrary();
  const scripts = [library.script, CHART_SCRIPT];
  // The charts need only the activity: everything else is in the page as text.
  const chartData = embedJson({ activity: data.activity });
  const nav = SECTIONS.map(([id, title]) => `<a href="#${id}">${escapeHtml(title)}</a>`).join('\n');
  const window =
    data.window.from !== null || data.window.until !== null
      ? `${utcTime(data.window.from ?? data.window.firstEvent)} – ${utcTime(data.window.until ?? data.window.lastEvent)}`
      : `${utcTime(data.window.firstEvent)} – ${utcTime(data.window.lastEvent)}`;
  const sections = [
    overview(data),
    activity(data),
    statements(data),
    failures(data),
    logons(data),
    changes(data),
    writes(data),
    clients(data),
    findings(data),
    coverage(data),
  ].join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(scripts))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(data.generator)}">
<title>${escapeHtml(`Activity stream report ${window}`)}</title>
<style>${library.style}</style>
<style>${REPORT_STYLE}</style>
</head>
<body>
<header class="top">
<h1>Database activity report</h1>
<p>${escapeHtml(window)} · ${escapeHtml(data.overview.instances.join(', ') || data.source.names.join(', ') || 'no instance')}</p>
</header>
<nav>
${nav}
</nav>
<main>
${sections}
<footer>Made by ${escapeHtml(data.generator)} at ${escapeHtml(utcTime(data.generatedAt))}. Report format ${escapeHtml(String(data.reportVersion))}. Times are UTC.</footer>
</main>
<script type="application/json" id="report-data">${chartData}</script>
<script>${library.script}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}
