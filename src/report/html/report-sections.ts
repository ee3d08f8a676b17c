// The report's sections, in the page's order, each drawn from its part of ReportData. An empty part says so in a
// sentence; a bounded list counts what it left out; a capped text counts what was cut.
import type { ChangeRow, FailureRow, FindingRow, LogonRow, ReportData, StatementRow, WriteRow, ClientRow, Span } from '../report-data.js';
import { boundedTable, capped, empty, more, number, section, table, text, time, type Column } from './html-blocks.js';
import { count, duration, escapeHtml, utcTime } from './html-text.js';

export const SECTIONS = [
  ['overview', 'Overview'],
  ['activity', 'Activity over time'],
  ['statements', 'Busiest statements'],
  ['failures', 'Failures'],
  ['logons', 'Logons'],
  ['changes', 'Privilege and schema changes'],
  ['writes', 'Writes'],
  ['clients', 'Clients and applications'],
  ['findings', 'Findings'],
  ['coverage', 'Coverage'],
] as const;

const heading = (id: (typeof SECTIONS)[number][0]) => SECTIONS.find(([key]) => key === id)?.[1] ?? id;

const list = (values: string[], none: string) =>
  values.length ? values.map((value) => text(value)).join(', ') : `<span class="none">${escapeHtml(none)}</span>`;

/** An event's id, small under what it identifies: to find the event in the stream or in saved files. */
const eventId = (id: string) => `<br><span class="sub">event <code class="text">${text(id)}</code></span>`;

const span = (value: Span) => `${time(value.from)} – ${time(value.until)} (${escapeHtml(duration(value.until - value.from))})`;

/** "covered 23 h 10 min of 24 h (96.5%)", or why it cannot be said. */
export function coveredSentence(data: ReportData): { sentence: string; whole: boolean } {
  const { coveredMs, windowMs } = data.coverage;
  if (windowMs <= 0) return { sentence: 'coverage unknown: nothing places the window in time', whole: false };
  const share = (100 * coveredMs) / windowMs;
  const percent = share >= 100 ? '100' : share > 99.9 ? '99.9' : share.toFixed(1);
  const instances = data.coverage.instances.length;
  const of = instances > 1 ? `${duration(windowMs)} (${instances} instances × ${duration(windowMs / instances)})` : duration(windowMs);
  return { sentence: `covered ${duration(coveredMs)} of ${of} of the window (${percent}%)`, whole: coveredMs >= windowMs };
}

function card(key: string, label: string, value: number, bad = false): string {
  return `<div class="card${bad && value > 0 ? ' bad' : ''}"><span class="label">${escapeHtml(label)}</span><data data-count="${key}" value="${value}">${count(value)}</data></div>`;
}

export function overview(data: ReportData): string {
  const { overview: o, window: w, source } = data;
  const covered = coveredSentence(data);
  const cards = [
    card('events', 'events', o.events),
    card('users', 'users', o.users),
    card('sessions', 'sessions', o.sessions),
    card('failures', 'failures', o.failures, true),
    card('findings', 'findings', o.findings, true),
    card('heartbeats', 'heartbeats', o.heartbeats),
    card('unreadable', 'unreadable', o.unreadable, true),
  ].join('\n');
  const facts = [
    [
      'Window',
      w.from === null && w.until === null
        ? '<span class="none">none given: the events’ own span</span>'
        : `${w.from !== null ? time(w.from) : `<span class="none">${source.kind === 'live' ? 'the oldest record held' : 'the first event'}</span>`} – ${
            w.until !== null ? time(w.until) : '<span class="none">the last event</span>'
          }${w.from !== null && w.until !== null ? ` (${escapeHtml(duration(w.until - w.from))})` : ''}`,
    ],
    ['Events from', `${time(w.firstEvent)} to ${time(w.lastEvent)}`],
    [source.kind === 'live' ? 'Read live from' : 'Read from files', list(source.names, 'standard input')],
    ['Clusters', list(o.clusters, 'none seen')],
    ['Instances', list(o.instances, 'none seen')],
    ['Engines', list(o.engines, 'none seen')],
    [
      'Filters',
      data.filters.length
        ? `<span class="filters">${escapeHtml(data.filters.join(' '))}</span>: only the events these kept are counted, listed and given to the rules; coverage is the trail’s`
        : '<span class="none">none: every event of the window</span>',
    ],
    ['Coverage', `<span class="headline${covered.whole ? '' : ' partial'}">${escapeHtml(covered.sentence)}</span> <a href="#coverage">details</a>`],
  ];
  const redacted = data.redacted ? '<p class="note">Redacted (--redact): every statement shown has its literals replaced; the rules saw them as sent.</p>' : '';
  return section(
    'overview',
    heading('overview'),
    `<div class="cards">\n${cards}\n</div>\n<dl class="facts">\n${facts.map(([dt, dd]) => `<dt>${escapeHtml(dt ?? '')}</dt><dd>${dd}</dd>`).join('\n')}\n</dl>\n${redacted}`,
  );
}

export function activity(data: ReportData): string {
  const a = data.activity;
  if (a.buckets.length === 0) return section('activity', heading('activity'), empty('no events with a time in this window'));
  const untimed = a.untimed > 0 ? `<p class="note">${count(a.untimed)} events had no time and are not drawn.</p>` : '';
  const span = `<p class="note">Events per ${escapeHtml(duration(a.bucketMs))}, ${count(a.buckets.length)} buckets from ${escapeHtml(utcTime(a.buckets[0] ?? null))}, stacked; UTC.</p>`;
  return section(
    'activity',
    heading('activity'),
    `${span}${untimed}
<h3>By class</h3>
<div class="chart" id="chart-by-class" data-chart="by-class" role="img" aria-label="events per bucket by class"></div>
<h3>By user</h3>
<div class="chart" id="chart-by-user" data-chart="by-user" role="img" aria-label="events per bucket by user"></div>`,
  );
}

const statementColumns = (): Array<Column<StatementRow>> => [
  { head: 'statement (literals folded)', cell: (row) => capped(row.statement), wide: true },
  { head: 'count', cell: (row) => number(row.count), numeric: true },
  { head: 'rows', cell: (row) => number(row.rows), numeric: true },
  { head: 'users', cell: (row) => number(row.users), numeric: true },
  { head: 'failures', cell: (row) => number(row.failures, true), numeric: true },
  { head: 'first', cell: (row) => time(row.first) },
  { head: 'last', cell: (row) => time(row.last) },
];

export function statements(data: ReportData): string {
  const s = data.statements;
  if (s.byCount.length === 0) return section('statements', heading('statements'), empty('no statements in this window'));
  const exact = s.exact
    ? `${count(s.distinct)} distinct statements`
    : `at least ${count(s.distinct)} distinct statements: more than could be tracked, so the counts below are upper bounds`;
  const notListed = (shown: number) => more(Math.max(0, s.distinct - shown));
  return section(
    'statements',
    heading('statements'),
    `<p class="note">${escapeHtml(exact)}.</p>
<h3>By count</h3>
${table(s.byCount, statementColumns())}
${notListed(s.byCount.length)}
<h3>By rows</h3>
${s.byRows.length ? table(s.byRows, statementColumns()) : empty('no statement reported rows in this window')}`,
  );
}

const failureColumns = (what: string): Array<Column<FailureRow>> => [
  { head: 'user', cell: (row) => text(row.user) },
  { head: 'source', cell: (row) => text(row.source) },
  { head: 'reason', cell: (row) => capped(row.reason) },
  { head: what, cell: (row) => capped(row.what), wide: what === 'statement' },
  { head: 'count', cell: (row) => number(row.count), numeric: true },
  { head: 'first', cell: (row) => time(row.first) },
  { head: 'last', cell: (row) => time(row.last) },
];

export function failures(data: ReportData): string {
  const f = data.failures;
  return section(
    'failures',
    heading('failures'),
    `<h3>Failed statements</h3>
${boundedTable(f.statements, failureColumns('statement'), 'no failed statements in this window')}
<h3>Failed logins</h3>
${boundedTable(f.logins, failureColumns('command'), 'no failed logins in this window')}`,
  );
}

export function logons(data: ReportData): string {
  const columns: Array<Column<LogonRow>> = [
    { head: 'user', cell: (row) => text(row.user) },
    { head: 'source', cell: (row) => text(row.source) },
    { head: 'successes', cell: (row) => number(row.successes), numeric: true },
    { head: 'failures', cell: (row) => number(row.failures, true), numeric: true },
    { head: 'last success', cell: (row) => time(row.lastSuccess) },
    { head: 'last failure', cell: (row) => time(row.lastFailure) },
    { head: 'failures since last success', cell: (row) => number(row.failuresSinceSuccess, true), numeric: true },
  ];
  return section(
    'logons',
    heading('logons'),
    `<p class="note">Per user and source, as pgaudit_analyze keeps them; failures since the last success count them all when none succeeded.</p>
${boundedTable(data.logons, columns, 'no logons in this window', (row) => (row.failuresSinceSuccess > 0 ? 'failed' : ''))}`,
  );
}

export function changes(data: ReportData): string {
  const columns: Array<Column<ChangeRow>> = [
    { head: 'time', cell: (row) => time(row.time) },
    { head: 'user', cell: (row) => text(row.user) },
    { head: 'source', cell: (row) => text(row.source) },
    { head: 'database on instance', cell: (row) => `${text(row.database)}<br><span class="sub">${text(row.instanceId)}</span>` },
    { head: 'class and command', cell: (row) => `${text(row.class)}<br><span class="sub">${text(row.command)}</span>` },
    { head: 'object', cell: (row) => text(row.object) },
    {
      head: 'statement',
      cell: (row) => `${capped(row.statement)}${row.failed ? ' <span class="flag">failed</span>' : ''}${eventId(row.eventId)}`,
      wide: true,
    },
  ];
  return section(
    'changes',
    heading('changes'),
    `<p class="note">DDL and ROLE class events, and each engine's equivalents, in time order, in full.</p>
${boundedTable(data.changes, columns, 'no privilege or schema changes in this window', (row) => (row.failed ? 'failed' : ''))}`,
  );
}

export function writes(data: ReportData): string {
  const columns: Array<Column<WriteRow>> = [
    { head: 'user', cell: (row) => text(row.user) },
    { head: 'object', cell: (row) => text(row.object) },
    { head: 'command', cell: (row) => text(row.command) },
    { head: 'statements', cell: (row) => number(row.count), numeric: true },
    { head: 'rows', cell: (row) => number(row.rows), numeric: true },
  ];
  return section('writes', heading('writes'), `<p class="note">By user and object.</p>\n${boundedTable(data.writes, columns, 'no writes in this window')}`);
}

export function clients(data: ReportData): string {
  const columns: Array<Column<ClientRow>> = [
    { head: 'application', cell: (row) => text(row.application) },
    { head: 'source', cell: (row) => text(row.source) },
    { head: 'users', cell: (row) => list(row.users, '—') },
    { head: 'sessions', cell: (row) => number(row.sessions), numeric: true },
    { head: 'events', cell: (row) => number(row.events), numeric: true },
    { head: 'first', cell: (row) => time(row.first) },
    { head: 'last', cell: (row) => time(row.last) },
  ];
  return section('clients', heading('clients'), boundedTable(data.clients, columns, 'no clients in this window'));
}

function finding(row: FindingRow): string {
  const evidence = table(row.evidence, [
    { head: 'time', cell: (event) => time(event.time) },
    { head: 'user', cell: (event) => text(event.user) },
    { head: 'source', cell: (event) => text(event.source) },
    { head: 'command', cell: (event) => text(event.command) },
    { head: 'statement', cell: (event) => `${capped(event.statement)}${eventId(event.eventId)}`, wide: true },
  ]);
  const group =
    row.group && Object.keys(row.group).length
      ? `<p class="tags">grouped by ${Object.entries(row.group)
          .map(([key, value]) => `${text(key)} = ${text(value)}`)
          .join(', ')}</p>`
      : '';
  const shownEvidence = row.evidence.length
    ? `${evidence}${row.eventCount > row.evidence.length ? `<p class="more">and ${count(row.eventCount - row.evidence.length)} more events not listed</p>` : ''}`
    : empty('no evidence events kept');
  return `<article class="finding">
<h3><span class="level level-${escapeHtml(row.level)}">${escapeHtml(row.level)}</span> <span class="title">${text(row.title)}</span></h3>
<p>${text(row.description, '')}</p>
<dl class="facts"><dt>rule</dt><dd><code class="text">${text(row.ruleId)}</code></dd><dt>when</dt><dd>${time(row.first)} – ${time(row.last)}</dd><dt>events</dt><dd>${count(row.eventCount)}</dd><dt>finding</dt><dd><code class="text">${text(row.uid)}</code></dd></dl>
${row.tags.length ? `<p class="tags">${row.tags.map((tag) => text(tag)).join(' · ')}</p>` : ''}${group}
${shownEvidence}
</article>`;
}

export function findings(data: ReportData): string {
  const f = data.findings;
  const body = f.rows.length === 0 && f.more === 0 ? empty('no findings in this window') : `${f.rows.map(finding).join('\n')}\n${more(f.more)}`;
  return section('findings', heading('findings'), `<p class="note">What the built-in rules (and any --rules) found, as detect reports it.</p>\n${body}`);
}

export function coverage(data: ReportData): string {
  const c = data.coverage;
  const covered = coveredSentence(data);
  const heartbeats = c.heartbeatsSeen
    ? ''
    : '<p class="note">No heartbeats in the input (saved without --include-heartbeats): a silence here is only a time without events, not proof the stream was down.</p>';
  const instances = c.instances.length
    ? // The gaps first: at 1280 px the ids would push them past the right edge, and they are what the section is for.
      table(c.instances, [
        { head: 'instance', cell: (row) => text(row.instanceId) },
        {
          head: `gaps over ${duration(c.gapThresholdMs)}`,
          cell: (row) =>
            row.gaps.length ? `<ul class="spans">${row.gaps.map((gap) => `<li>${span(gap)}</li>`).join('')}</ul>` : '<span class="none">none</span>',
          wide: true,
        },
        { head: 'heartbeats', cell: (row) => number(row.heartbeats), numeric: true },
        { head: 'events', cell: (row) => number(row.events), numeric: true },
        { head: 'first seen', cell: (row) => time(row.firstSeen) },
        { head: 'last seen', cell: (row) => time(row.lastSeen) },
        { head: 'cluster', cell: (row) => text(row.clusterId) },
      ])
    : empty('no instance was heard from in this window');
  const streamEvents =
    c.streamEvents === null
      ? empty('RDS was not asked for the activity stream’s starts and stops')
      : c.streamEvents.length === 0
        ? empty('no activity stream starts or stops in this window')
        : table(c.streamEvents, [
            { head: 'time', cell: (row) => time(row.time) },
            { head: 'what', cell: (row) => (row.kind === 'stopped' ? '<span class="flag">stopped</span>' : escapeHtml(row.kind)) },
            { head: 'RDS event', cell: (row) => text(row.eventId) },
            { head: 'source', cell: (row) => text(row.sourceId) },
            { head: 'message', cell: (row) => text(row.message), wide: true },
          ]);
  const note = c.streamEventsNote === null ? '' : `<p class="note">${text(c.streamEventsNote)}</p>`;
  const stopped = c.stopped.length
    ? `<p>The stream was stopped:</p><ul class="spans">${c.stopped.map((value) => `<li>${span(value)}</li>`).join('')}</ul>`
    : '';
  const retention = c.retentionGaps.length
    ? table(c.retentionGaps, [
        { head: 'shards', cell: (row) => list(row.shardIds, '—') },
        { head: 'what was lost', cell: (row) => text(row.detail), wide: true },
      ])
    : empty('no retention gaps found (only --incremental, whose checkpoint knows what should come next, can find them)');
  const unreadable = boundedTable(
    c.unreadable,
    [
      { head: 'place', cell: (row) => `<code class="text">${text(row.place)}</code>`, id: true },
      { head: 'problem', cell: (row) => text(row.problem), wide: true },
    ],
    'no unreadable records in this window',
  );
  return section(
    'coverage',
    heading('coverage'),
    `<p class="headline${covered.whole ? '' : ' partial'}">${escapeHtml(covered.sentence.charAt(0).toUpperCase() + covered.sentence.slice(1))}.</p>
<p class="note">Per instance, the window less its silences longer than ${escapeHtml(duration(c.gapThresholdMs))} and the stream’s stopped spans, summed over instances.</p>
${heartbeats}
<h3>Heartbeats and gaps, per instance</h3>
${instances}
<h3>Activity stream starts and stops (RDS events)</h3>
${streamEvents}
${note}
${stopped}
<h3>Retention gaps</h3>
${retention}
<h3>Unreadable records</h3>
${unreadable}`,
  );
}
