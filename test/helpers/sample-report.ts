// A ReportData that fills every section of the page (a heartbeat gap and a stream stop in coverage included), for the
// page's tests. Its text fields can be swapped for hostile values: every string here stands for one a client wrote.
import { REPORT_VERSION, type CappedText, type ReportData } from '../../src/report/report-data.js';

/** Markup a database client could put in any text it controls: each must render as its own text, inert. */
export const HOSTILE_HTML = [
  '<script>window.pwned=1</script>',
  '<img src=x onerror=window.pwned=1>',
  `"'><svg onload=window.pwned=1>`,
  '</script><script>window.pwned=1</script><!--',
  '</code></td></tr></table><iframe srcdoc="<script>parent.pwned=1</script>"></iframe>',
] as const;

const FROM = Date.UTC(2026, 11, 7, 10, 0, 0);
const UNTIL = Date.UTC(2026, 11, 7, 12, 0, 0);
const MIN = 60_000;
const BUCKET = 5 * MIN;
const at = (minutes: number, seconds = 0) => FROM + minutes * MIN + seconds * 1000;
const whole = (text: string): CappedText => ({ text, cut: 0 });

/** Deterministic counts per bucket with a shape (a morning ramp, a burst at 10:50). */
function series(seed: number, scale: number, n: number): number[] {
  let state = seed;
  return Array.from({ length: n }, (_, index) => {
    state = (state * 9301 + 49297) % 233280;
    const base = scale * (0.6 + 0.4 * Math.sin(index / 4 + seed));
    return Math.round(base + (state / 233280) * scale * 0.3 + (index === 10 ? scale * 2 : 0));
  });
}

export interface SampleText {
  /** A statement (the busiest, a change and a finding's evidence). */
  statement: string;
  /** An application name (clients). */
  application: string;
  /** A user name (logons, charts, failures, changes, clients). */
  user: string;
  /** A finding's rule title (as a user's rule file may write it). */
  ruleTitle: string;
}

export const PLAIN_TEXT: SampleText = {
  statement: 'SELECT abalance FROM pgbench_accounts WHERE aid = ?',
  application: 'pgbench',
  user: 'app_rw',
  ruleTitle: 'Brute force: many failed logins then a success',
};

export function sampleReport(text: Partial<SampleText> = {}): ReportData {
  const t = { ...PLAIN_TEXT, ...text };
  const buckets = Array.from({ length: (UNTIL - FROM) / BUCKET }, (_, index) => FROM + index * BUCKET);
  const n = buckets.length;
  const long = `UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ? AND note = '${'x'.repeat(180)}`;
  return {
    reportVersion: REPORT_VERSION,
    generator: 'das-read 0.1.0',
    generatedAt: Date.UTC(2026, 11, 7, 12, 5, 0),
    redacted: false,
    filters: [`--user ${t.user}`, '--exclude-class READ'],
    source: { kind: 'live', names: ['cluster-PROD'] },
    window: { from: FROM, until: UNTIL, firstEvent: at(0, 2), lastEvent: at(119, 58) },
    overview: {
      events: 48_213,
      heartbeats: 412,
      clusters: ['cluster-PROD'],
      instances: ['db-prod-1', 'db-prod-2'],
      engines: ['PostgreSQL'],
      users: 7,
      sessions: 152,
      failures: 61,
      findings: 3,
      unreadable: 2,
    },
    activity: {
      bucketMs: BUCKET,
      buckets,
      byClass: {
        READ: series(1, 900, n),
        WRITE: series(2, 500, n),
        MISC: series(3, 120, n),
        DDL: series(4, 4, n),
        ROLE: series(5, 2, n),
        '-': series(6, 10, n),
      },
      byUser: { [t.user]: series(7, 700, n), pgbench: series(8, 500, n), reporting: series(9, 200, n), dba_alice: series(10, 30, n) },
      byUserOther: series(11, 40, n),
      untimed: 3,
    },
    statements: {
      distinct: 214,
      exact: true,
      byCount: [
        { statement: whole(t.statement), count: 20_114, rows: 20_114, users: 2, failures: 0, first: at(0, 2), last: at(119, 58) },
        {
          statement: { text: long.slice(0, 120), cut: long.length - 120 },
          count: 10_051,
          rows: 10_051,
          users: 1,
          failures: 3,
          first: at(0, 3),
          last: at(119, 57),
        },
        { statement: whole('BEGIN'), count: 9_980, rows: 0, users: 3, failures: 0, first: at(0, 2), last: at(119, 58) },
      ],
      byRows: [
        { statement: whole('COPY public.orders TO STDOUT'), count: 2, rows: 1_200_000, users: 1, failures: 0, first: at(52), last: at(53) },
        { statement: whole(t.statement), count: 20_114, rows: 20_114, users: 2, failures: 0, first: at(0, 2), last: at(119, 58) },
      ],
    },
    failures: {
      statements: {
        rows: [
          {
            user: t.user,
            source: '10.0.1.23',
            reason: whole('relation "pgbench_acounts" does not exist'),
            what: whole('SELECT * FROM pgbench_acounts WHERE aid = ?'),
            count: 12,
            first: at(14),
            last: at(71),
          },
          {
            user: 'reporting',
            source: '10.0.2.7',
            reason: { text: 'permission denied for table salaries', cut: 0 },
            what: whole('SELECT * FROM hr.salaries'),
            count: 4,
            first: at(33),
            last: at(34),
          },
        ],
        more: 5,
      },
      logins: {
        rows: [
          {
            user: 'postgres',
            source: '203.0.113.9',
            reason: whole('password authentication failed for user "postgres"'),
            what: whole('CONNECT'),
            count: 41,
            first: at(48),
            last: at(50),
          },
          { user: t.user, source: '10.0.1.23', reason: whole('password authentication failed'), what: whole('CONNECT'), count: 1, first: at(5), last: at(5) },
        ],
        more: 0,
      },
    },
    logons: {
      rows: [
        { user: 'postgres', source: '203.0.113.9', successes: 1, failures: 41, lastSuccess: at(50, 30), lastFailure: at(50, 12), failuresSinceSuccess: 0 },
        { user: 'admin', source: '198.51.100.4', successes: 0, failures: 6, lastSuccess: null, lastFailure: at(88), failuresSinceSuccess: 6 },
        { user: t.user, source: '10.0.1.23', successes: 120, failures: 1, lastSuccess: at(110), lastFailure: at(5), failuresSinceSuccess: 0 },
      ],
      more: 2,
    },
    changes: {
      rows: [
        {
          time: at(51, 4),
          user: 'postgres',
          source: '203.0.113.9',
          database: 'postgres',
          instanceId: 'db-prod-1',
          class: 'ROLE',
          command: 'CREATE ROLE',
          object: 'backdoor',
          statement: whole("CREATE ROLE backdoor LOGIN SUPERUSER PASSWORD '<redacted>'"),
          failed: false,
          eventId: 'db-prod-1:49590338271490256608559692538361571095921575989136588898:12',
        },
        {
          time: at(64, 10),
          user: t.user,
          source: '10.0.1.23',
          database: 'bank',
          instanceId: 'db-prod-2',
          class: 'DDL',
          command: 'DROP TABLE',
          object: 'audit_log',
          statement: whole(t.statement),
          failed: true,
          eventId: 'db-prod-2:49590338271490256608559692538361571095921575989136588898:40',
        },
      ],
      more: 0,
    },
    writes: {
      rows: [
        { user: t.user, object: 'pgbench_accounts', command: 'UPDATE', count: 10_051, rows: 10_051 },
        { user: 'pgbench', object: 'pgbench_history', command: 'INSERT', count: 10_049, rows: 10_049 },
        { user: 'dba_alice', object: 'hr.salaries', command: 'DELETE', count: 1, rows: 3_000 },
      ],
      more: 1,
    },
    clients: {
      rows: [
        { application: t.application, source: '10.0.1.23', users: [t.user, 'pgbench'], sessions: 80, events: 40_210, first: at(0, 2), last: at(119, 58) },
        { application: 'psql', source: '203.0.113.9', users: ['postgres'], sessions: 42, events: 90, first: at(48), last: at(52) },
        { application: '', source: '198.51.100.4', users: ['admin'], sessions: 6, events: 6, first: at(80), last: at(88) },
      ],
      more: 0,
    },
    findings: {
      rows: [
        {
          uid: 'das-read:brute-force:cluster-PROD:db-prod-1:1',
          ruleId: 'builtin/brute-force-then-success',
          title: t.ruleTitle,
          level: 'high',
          description: 'Forty-one failed logins from one source, then a success for the same user.',
          tags: ['attack.credential_access', 'attack.t1110'],
          first: at(48),
          last: at(50, 30),
          eventCount: 42,
          group: { user: 'postgres', source: '203.0.113.9' },
          evidence: [
            { eventId: 'db-prod-1:4959:7', time: at(48), user: 'postgres', source: '203.0.113.9', command: 'CONNECT', statement: whole('') },
            { eventId: 'db-prod-1:4959:12', time: at(51, 4), user: 'postgres', source: '203.0.113.9', command: 'CREATE ROLE', statement: whole(t.statement) },
          ],
        },
        {
          uid: 'das-read:role-change:cluster-PROD:db-prod-1:2',
          ruleId: 'builtin/superuser-granted',
          title: 'A role was made superuser',
          level: 'critical',
          description: 'CREATE ROLE … SUPERUSER.',
          tags: [],
          first: at(51, 4),
          last: at(51, 4),
          eventCount: 1,
          evidence: [
            {
              eventId: 'db-prod-1:4959:12',
              time: at(51, 4),
              user: 'postgres',
              source: '203.0.113.9',
              command: 'CREATE ROLE',
              statement: whole("CREATE ROLE backdoor LOGIN SUPERUSER PASSWORD '<redacted>'"),
            },
          ],
        },
      ],
      more: 1,
    },
    coverage: {
      gapThresholdMs: 2 * MIN,
      heartbeatsSeen: true,
      instances: [
        {
          instanceId: 'db-prod-1',
          clusterId: 'cluster-PROD',
          firstSeen: at(0, 1),
          lastSeen: at(119, 59),
          heartbeats: 206,
          events: 30_100,
          gaps: [{ from: at(72), until: at(79, 30) }],
        },
        { instanceId: 'db-prod-2', clusterId: 'cluster-PROD', firstSeen: at(0, 3), lastSeen: at(119, 58), heartbeats: 206, events: 18_113, gaps: [] },
      ],
      streamEvents: [
        { time: at(95), eventId: 'RDS-EVENT-0180', kind: 'stopped', sourceId: 'cluster-PROD', message: 'Activity Stream stopped for DB cluster' },
        { time: at(101), eventId: 'RDS-EVENT-0179', kind: 'started', sourceId: 'cluster-PROD', message: 'Activity Stream started for DB cluster' },
      ],
      streamEventsNote: null,
      retentionGaps: [
        { shardIds: ['shardId-000000000001'], detail: 'checkpoint position 4959…0012 older than the stream’s 24 h retention: records between were lost' },
      ],
      unreadable: {
        rows: [
          {
            place: 'shardId-000000000000:49590338271490256608559692538361571095921575989136588898',
            problem: 'decrypt failed: the data key is not the stream’s',
          },
          { place: 'shardId-000000000001:49590338271490256608559692538361571095921575989136589999', problem: 'not JSON after gunzip' },
        ],
        more: 0,
      },
      // Two instances over 2 h; db-prod-1 silent 7.5 min, both stopped 6 min.
      coveredMs: 2 * (UNTIL - FROM) - 7.5 * MIN - 2 * 6 * MIN,
      windowMs: 2 * (UNTIL - FROM),
      stopped: [{ from: at(95), until: at(101) }],
    },
  };
}
