import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { describe, expect, it } from 'vitest';
import type { ReportData } from '../../src/report/report-data.js';
import { embedJson, escapeHtml, shownText } from '../../src/report/html/html-text.js';
import { renderReport } from '../../src/report/html/render-report.js';
import { HOSTILE_HTML, sampleReport } from '../helpers/sample-report.js';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

const isElement = (node: Node): node is Element => 'tagName' in node;

function* walk(node: Node): Generator<Node> {
  yield node;
  const children = 'childNodes' in node ? node.childNodes : [];
  for (const child of children) yield* walk(child);
  if (isElement(node) && node.tagName === 'template') yield* walk((node as DefaultTreeAdapterMap['template']).content);
}

const elements = (html: string) => [...walk(parse(html))].filter(isElement);
const attr = (element: Element, name: string) => element.attrs.find((a) => a.name === name)?.value;
const textOf = (node: Node): string => [...walk(node)].map((n) => (n.nodeName === '#text' ? (n as DefaultTreeAdapterMap['textNode']).value : '')).join('');
const byId = (html: string, id: string) => elements(html).find((element) => attr(element, 'id') === id);
const sectionText = (html: string, id: string) => {
  const section = byId(html, id);
  if (!section) throw new Error(`no #${id}`);
  return textOf(section).replace(/\s+/g, ' ');
};

const SECTION_IDS = ['overview', 'activity', 'statements', 'failures', 'logons', 'changes', 'writes', 'clients', 'findings', 'coverage'];

/** A window in which nothing happened: every list empty. */
function emptyReport(): ReportData {
  const data = sampleReport();
  const none = { rows: [], more: 0 };
  return {
    ...data,
    overview: { ...data.overview, events: 0, users: 0, sessions: 0, failures: 0, findings: 0, unreadable: 0 },
    activity: { bucketMs: 300_000, buckets: [], byClass: {}, byUser: {}, byUserOther: [], untimed: 0 },
    statements: { distinct: 0, exact: true, byCount: [], byRows: [] },
    failures: { statements: none, logins: none },
    logons: none,
    changes: none,
    writes: none,
    clients: none,
    findings: none,
    coverage: { ...data.coverage, instances: [], streamEvents: [], retentionGaps: [], unreadable: none, stopped: [], coveredMs: 0 },
  };
}

describe('the report page', () => {
  const html = renderReport(sampleReport());

  it('is one HTML5 document with every section, in order, each with a heading', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    const sections = elements(html).filter((element) => element.tagName === 'section');
    expect(sections.map((section) => attr(section, 'id'))).toEqual(SECTION_IDS);
    for (const section of sections) expect(section.childNodes.some((child) => isElement(child) && child.tagName === 'h2')).toBe(true);
  });

  it('can make no request: no element names anything outside the page, and the policy allows none', () => {
    const outward = elements(html).flatMap((element) =>
      element.attrs.filter((a) => ['src', 'srcset', 'href', 'action', 'data', 'poster', 'background'].includes(a.name) && !a.value.startsWith('#')),
    );
    expect(outward).toEqual([]);
    const policy =
      attr(
        elements(html).find((element) => attr(element, 'http-equiv') === 'Content-Security-Policy')!,
        'content',
      ) ?? '';
    expect(policy).toMatch(/^default-src 'none'; /);
    expect(policy).toContain('img-src data:');
    expect(policy).toContain("base-uri 'none'");
  });

  it('lets run only its own scripts, each pinned by its hash in the policy', () => {
    const scripts = elements(html).filter((element) => element.tagName === 'script');
    expect(scripts.map((script) => attr(script, 'type') ?? 'js')).toEqual(['application/json', 'js', 'js']);
    const policy =
      attr(
        elements(html).find((element) => attr(element, 'http-equiv') === 'Content-Security-Policy')!,
        'content',
      ) ?? '';
    const allowed = [...policy.matchAll(/'sha256-([^']+)'/g)].map((match) => match[1]);
    const held = scripts.slice(1).map((script) => createHash('sha256').update(textOf(script)).digest('base64'));
    expect(allowed).toEqual(held);
    expect(policy).not.toContain('unsafe-eval');
    expect(policy.match(/script-src[^;]*/)?.[0]).not.toContain('unsafe-inline');
  });

  it('fills each section from the fixture', () => {
    const data = sampleReport();
    const overview = elements(html).filter((element) => attr(element, 'data-count') !== undefined);
    expect(Object.fromEntries(overview.map((element) => [attr(element, 'data-count'), Number(attr(element, 'value'))]))).toEqual({
      events: data.overview.events,
      users: data.overview.users,
      sessions: data.overview.sessions,
      failures: data.overview.failures,
      findings: data.overview.findings,
      heartbeats: data.overview.heartbeats,
      unreadable: data.overview.unreadable,
    });
    expect(sectionText(html, 'overview')).toContain('2026-12-07 10:00:00Z – 2026-12-07 12:00:00Z');
    expect(byId(html, 'chart-by-class')).toBeDefined();
    expect(byId(html, 'chart-by-user')).toBeDefined();
    expect(sectionText(html, 'statements')).toContain('SELECT abalance FROM pgbench_accounts WHERE aid = ?');
    expect(sectionText(html, 'failures')).toContain('password authentication failed for user "postgres"');
    expect(sectionText(html, 'logons')).toContain('198.51.100.4');
    expect(sectionText(html, 'changes')).toContain("CREATE ROLE backdoor LOGIN SUPERUSER PASSWORD '<redacted>'");
    expect(sectionText(html, 'writes')).toContain('hr.salaries');
    expect(sectionText(html, 'clients')).toContain('pgbench');
    expect(sectionText(html, 'findings')).toContain('Brute force: many failed logins then a success');
    expect(sectionText(html, 'findings')).toContain('builtin/brute-force-then-success');
    const coverage = sectionText(html, 'coverage');
    expect(coverage).toContain('2026-12-07 11:12:00Z – 2026-12-07 11:19:30Z (7 min 30 s)');
    expect(coverage).toContain('stopped');
    expect(coverage).toContain('Activity Stream stopped for DB cluster');
    expect(coverage).toContain('2026-12-07 11:35:00Z – 2026-12-07 11:41:00Z (6 min)');
    expect(coverage).toContain('shardId-000000000001');
    expect(coverage).toContain('not JSON after gunzip');
    expect(coverage).toContain('Covered 3 h 40 min of 4 h (2 instances × 2 h) of the window (91.9%)');
  });

  it('says which filters chose the events, and that none did', () => {
    const filtered = sectionText(renderReport(sampleReport()), 'overview');
    expect(filtered).toContain('--user app_rw --exclude-class READ: only the events these kept are counted');
    const whole = sectionText(renderReport({ ...sampleReport(), filters: [] }), 'overview');
    expect(whole).toContain('none: every event of the window');
  });

  it('marks the logons with failures since the last success', () => {
    const rows = elements(html).filter((element) => element.tagName === 'tr' && attr(element, 'class') === 'failed');
    expect(rows.map((row) => textOf(row))).toEqual(expect.arrayContaining([expect.stringContaining('198.51.100.4')]));
  });

  it('says what a bounded list left out, and what a cap cut', () => {
    expect(sectionText(html, 'failures')).toContain('and 5 more not listed');
    expect(sectionText(html, 'logons')).toContain('and 2 more not listed');
    expect(sectionText(html, 'writes')).toContain('and 1 more not listed');
    expect(sectionText(html, 'findings')).toContain('and 1 more not listed');
    expect(sectionText(html, 'findings')).toContain('and 40 more events not listed');
    expect(sectionText(html, 'statements')).toContain('and 211 more not listed');
    const long = sampleReport().statements.byCount[1]!.statement;
    expect(sectionText(html, 'statements')).toContain(`${long.text} … (${long.cut} characters cut)`);
    expect(sectionText(html, 'clients')).not.toContain('more not listed');
  });

  it('says so where a section is empty, rather than leave it out', () => {
    const page = renderReport(emptyReport());
    expect(
      elements(page)
        .filter((element) => element.tagName === 'section')
        .map((section) => attr(section, 'id')),
    ).toEqual(SECTION_IDS);
    expect(sectionText(page, 'activity')).toContain('no events with a time in this window');
    expect(sectionText(page, 'statements')).toContain('no statements in this window');
    expect(sectionText(page, 'failures')).toContain('no failed statements in this window');
    expect(sectionText(page, 'failures')).toContain('no failed logins in this window');
    expect(sectionText(page, 'logons')).toContain('no logons in this window');
    expect(sectionText(page, 'changes')).toContain('no privilege or schema changes in this window');
    expect(sectionText(page, 'writes')).toContain('no writes in this window');
    expect(sectionText(page, 'clients')).toContain('no clients in this window');
    expect(sectionText(page, 'findings')).toContain('no findings in this window');
    expect(sectionText(page, 'coverage')).toContain('no activity stream starts or stops in this window');
    expect(sectionText(page, 'coverage')).toContain('no unreadable records in this window');
    expect(sectionText(page, 'coverage')).toContain('Covered 0 ms of 4 h');
    expect(elements(page).some((element) => attr(element, 'id') === 'chart-by-class')).toBe(false);
  });

  it('claims no checkpoint where none may have been kept: retention gaps are found only by --incremental', () => {
    const coverage = sectionText(renderReport(emptyReport()), 'coverage');
    expect(coverage).not.toContain('the checkpoint’s positions were all still held');
    expect(coverage).toContain('no retention gaps found (only --incremental, whose checkpoint knows what should come next, can find them)');
  });

  it('says when no window was given (saved files read whole), and titles the page by the events’ span', () => {
    const data = sampleReport();
    const page = renderReport({ ...data, window: { ...data.window, from: null, until: null } });
    expect(sectionText(page, 'overview')).toContain('none given: the events’ own span');
    expect(textOf(elements(page).find((element) => element.tagName === 'title')!)).toBe('Activity stream report 2026-12-07 10:00:02Z – 2026-12-07 11:59:58Z');
  });

  it('names what stands for an open end of the window (a live read with no --from): never a dash for a time', () => {
    const data = sampleReport();
    const page = renderReport({ ...data, source: { kind: 'live', names: ['prod'] }, window: { ...data.window, from: null } });
    expect(sectionText(page, 'overview')).toContain('the oldest record held – 2026-12-07 12:00:00Z');
    expect(textOf(elements(page).find((element) => element.tagName === 'title')!)).toBe('Activity stream report 2026-12-07 10:00:02Z – 2026-12-07 12:00:00Z');
  });

  it('says when RDS was not asked, and that silences without heartbeats prove less', () => {
    const data = sampleReport();
    const page = renderReport({
      ...data,
      coverage: { ...data.coverage, streamEvents: null, streamEventsNote: 'no --cluster or --instance named', heartbeatsSeen: false },
    });
    expect(sectionText(page, 'coverage')).toContain('RDS was not asked');
    expect(sectionText(page, 'coverage')).toContain('no --cluster or --instance named');
    expect(sectionText(page, 'coverage')).toContain('No heartbeats in the input');
  });
});

describe('the charts’ data embedded as JSON', () => {
  it('cannot end its script or open a comment, whatever a user is called, and reads back the same', () => {
    const data = sampleReport();
    const names = [...HOSTILE_HTML, '</SCRIPT >', '<!--<script>', '\u2028\u2029', 'a&b'];
    const activity = { ...data.activity, byUser: Object.fromEntries(names.map((name, index) => [name, data.activity.byUser.pgbench!.map((v) => v + index)])) };
    const page = renderReport({ ...data, activity });
    const scripts = elements(page).filter((element) => element.tagName === 'script');
    expect(scripts).toHaveLength(3);
    const json = scripts.find((script) => attr(script, 'id') === 'report-data')!;
    expect(JSON.parse(textOf(json))).toEqual({ activity });
    expect(textOf(json)).not.toMatch(/[<>&\u2028\u2029]/);
  });

  it('escapes each of <, >, &, U+2028 and U+2029 as \\uXXXX', () => {
    expect(embedJson({ a: '</script><!--&\u2028\u2029' })).toBe('{"a":"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029"}');
  });
});

describe('escapeHtml', () => {
  it('writes the characters that make markup as references, and those HTML cannot carry as U+FFFD', () => {
    expect(escapeHtml(`<a href="x" title='y'>&\r\0\uD800`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#13;\uFFFD\uFFFD');
    expect(escapeHtml('\uD83D\uDE00')).toBe('\uD83D\uDE00');
  });
});

/** Every string in the fixture, by its path: each may be anything a client wrote. Typed enumerations are left out. */
function textPaths(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value === 'string') return ['level', 'kind'].includes(String(path.at(-1))) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => textPaths(item, [...path, index]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => textPaths(item, [...path, key]));
  return [];
}

function withText(path: Array<string | number>, text: string): ReportData {
  const data = structuredClone(sampleReport()) as unknown as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = data;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path.at(-1)!] = text;
  return data as unknown as ReportData;
}

/** The page as a reader's browser holds it: every element with its attributes, and all the text outside scripts. */
function shape(page: string): { elements: string[]; text: string } {
  const all = elements(page);
  return {
    elements: all.map((element) => `${element.tagName} ${element.attrs.map((a) => `${a.name}=${JSON.stringify(a.value)}`).join(' ')}`),
    text: [...walk(parse(page))]
      .filter(
        (node) =>
          node.nodeName === '#text' && !('parentNode' in node && node.parentNode && 'tagName' in node.parentNode && node.parentNode.tagName === 'script'),
      )
      .map((node) => (node as DefaultTreeAdapterMap['textNode']).value)
      .join('\u0001'),
  };
}

describe('any text in any field stays text (parse5, the HTML parsing algorithm)', () => {
  const paths = textPaths(sampleReport());
  const MARK = 'QQMARKQQ';
  const piece = fc.oneof(
    fc.constantFrom(
      '<',
      '>',
      '&',
      '"',
      "'",
      '`',
      '=',
      '/',
      '\0',
      '\r',
      '\r\n',
      '\n',
      '\t',
      '\f',
      '\uD800',
      '\uDC00',
      '\u2028',
      '\uFEFF',
      '&amp;',
      '&#0;',
      '&lt',
      ']]>',
      '<!--',
      '-->',
      '<![CDATA[',
    ),
    fc.constantFrom(
      ...HOSTILE_HTML,
      '<style>*{}</style>',
      '<textarea>',
      '<plaintext>',
      '<noscript>',
      '<template>',
      '<math><mi>',
      '<svg><desc>',
      '<table>',
      '</td>',
      '</section>',
    ),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );
  const text = fc.array(piece, { minLength: 1, maxLength: 8 }).map((pieces) => pieces.join(''));

  it('the fixture has the text fields this test walks', () => {
    expect(paths.length).toBeGreaterThan(60);
    expect(paths.map((path) => path.join('.'))).toEqual(
      expect.arrayContaining(['generator', 'findings.rows.0.title', 'clients.rows.0.application', 'statements.byCount.0.statement.text']),
    );
  });

  it('comes out as the same text node content (but for what HTML cannot carry) and makes no element or attribute', () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths), text, (path, value) => {
        fc.pre(!value.includes(MARK) && value !== '');
        const marked = shape(renderReport(withText(path, MARK)));
        const page = shape(renderReport(withText(path, value)));
        const shown = shownText(value);
        expect(marked.text).toContain(MARK);
        expect(page.elements).toEqual(marked.elements.map((element) => element.split(MARK).join(JSON.stringify(shown).slice(1, -1))));
        expect(page.text).toBe(marked.text.split(MARK).join(shown));
      }),
      { numRuns: 120 },
    );
  }, 120_000);

  it('so does a name that is a key: a correlation group’s field, a user or a class (those in the charts’ JSON, read back the same)', () => {
    const withKeys = (key: string): ReportData => {
      const data = structuredClone(sampleReport());
      data.findings.rows[0]!.group = { [key]: 'postgres' };
      data.activity.byUser = { [key]: data.activity.byUser.pgbench! };
      data.activity.byClass = { [key]: data.activity.byClass.READ! };
      return data;
    };
    const marked = shape(renderReport(withKeys(MARK)));
    fc.assert(
      fc.property(text, (value) => {
        fc.pre(!value.includes(MARK) && value !== '');
        const data = withKeys(value);
        const html = renderReport(data);
        const page = shape(html);
        expect(page.elements).toEqual(marked.elements.map((element) => element.split(MARK).join(JSON.stringify(shownText(value)).slice(1, -1))));
        expect(page.text).toBe(marked.text.split(MARK).join(shownText(value)));
        const json = elements(html).find((element) => attr(element, 'id') === 'report-data')!;
        expect(JSON.parse(textOf(json))).toEqual({ activity: data.activity });
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
