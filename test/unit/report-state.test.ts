import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DasEvent } from '../../src/decode/types.js';
import type { Finding } from '../../src/detect/finding.js';
import { prepareRedaction } from '../../src/events/redact.js';
import { ReportBuilder, ReportStateError, type ReportBounds } from '../../src/report/report-builder.js';
import { restoreReport } from '../../src/report/report-state-reader.js';
import { loginOf } from '../../src/report/aggregate/login-of.js';
import { at, context, ms, sample } from '../helpers/report-events.js';

// A report continued from a saved state (--incremental: yesterday evening's state, today's events) must be the report
// of all the events; and whatever the bounds, the totals stay exact.

beforeAll(async () => {
  await prepareRedaction();
});

const BASES = [
  'apg-01-connect-v1.1',
  'apg-02-create-table-v1.1',
  'ams-01-connect-main',
  'ams-02-create-table-main',
  'ams-05-select-aux',
  'ora-02-create-table',
  'mss-03-select',
].map(sample);

type Item =
  | { kind: 'event'; base: number; fields: Partial<DasEvent>; instance: string | null; shown: boolean }
  | { kind: 'heartbeat'; instance: string | null; seconds: number | null }
  | { kind: 'finding'; level: number; seconds: number }
  | { kind: 'unreadable'; n: number };

const time = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 3 * 86_400 }).map(at) },
  { weight: 1, arbitrary: fc.constantFrom(null, 'not a time', '') },
);
const few = <const T extends readonly unknown[]>(...values: T) => fc.constantFrom<T[number]>(...values);
const event: fc.Arbitrary<Item> = fc.record({
  kind: fc.constant('event' as const),
  base: fc.nat(BASES.length - 1),
  instance: few('db-A', 'db-B', null, ''),
  shown: fc.boolean(),
  fields: fc.record(
    {
      logTime: time,
      dbUserName: fc.oneof(few('alice', 'bob', '', null, 'rdsadmin'), fc.string({ maxLength: 6 })),
      sessionId: fc.oneof(few('s1', 's2', 62, null, ''), fc.nat(50)),
      remoteHost: few('10.0.0.1', '10.0.0.2', null),
      clientApplication: few('psql', 'pgbench', null),
      command: few('SELECT', 'CONNECT', 'AUTH FAILURE', 'LOGON', 'LOGIN FAILED', 'CREATE TABLE', 'GRANT', 'INSERT', 'QUERY', 'UPDATE', 'DISCONNECT'),
      class: few('READ', 'DDL', 'ROLE', 'WRITE', 'MISC', 'MAIN', 'AUX', null),
      commandText: fc.oneof(
        few(null, 'SELECT 1', "INSERT INTO t VALUES (1, 'x')", 'GRANT r TO u', 'CREATE TABLE t (a int)'),
        fc.nat(30).map((n) => `SELECT * FROM t${n % 4} WHERE id = ${n}`),
        fc.string({ maxLength: 20 }),
      ),
      exitCode: few(null, '0', '28P01', 1, 0, ''),
      errorMessage: few(null, '', 'password authentication failed for user "x"'),
      rowCount: fc.oneof(few(null, 0, -1), fc.nat(1000)),
      objectName: few('t', 'u', null),
      serverType: few('PostgreSQL', 'MySQL', 'oracle', 'SQLSERVER', 'PostgreSQL'),
    },
    { requiredKeys: [] },
  ),
});
const item: fc.Arbitrary<Item> = fc.oneof(
  { weight: 10, arbitrary: event },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('heartbeat' as const),
      instance: few('db-A', 'db-B', null),
      seconds: fc.option(fc.integer({ min: 0, max: 3 * 86_400 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('finding' as const), level: fc.nat(4), seconds: fc.nat(86_400) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unreadable' as const), n: fc.nat(100) }) },
);
const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;

function feed(builder: ReportBuilder, items: readonly Item[], from: number): void {
  for (const [offset, entry] of items.entries()) {
    const n = from + offset;
    if (entry.kind === 'event') {
      const built = { ...BASES[entry.base], ...entry.fields } as DasEvent;
      const shown = entry.shown ? { ...built, commandText: '?', errorMessage: built.errorMessage ? '?' : built.errorMessage } : undefined;
      builder.add({
        event: built,
        ...(shown ? { shown } : {}),
        eventId: `s:${n}`,
        clusterId: entry.instance === null ? null : 'cluster-A',
        instanceId: entry.instance,
      });
    } else if (entry.kind === 'heartbeat') builder.heartbeat(entry.instance, 'cluster-A', entry.seconds === null ? null : ms(entry.seconds));
    else if (entry.kind === 'finding') {
      const level = LEVELS[entry.level] ?? 'low';
      const finding: Finding = {
        rule: { id: `r${entry.level}`, title: 't', level, description: 'd', tags: [], engines: [], source: 's', correlation: false },
        uid: `u${n}`,
        first: at(entry.seconds),
        last: at(entry.seconds + 5),
        eventCount: 2,
        evidence: [{ event: BASES[0] as DasEvent, eventId: `e${n}`, clusterId: null, instanceId: null }],
        ...(entry.level === 3 ? { group: { dbUserName: 'x' } } : {}),
      };
      builder.addFinding(finding);
    } else builder.unreadable(`line ${entry.n}`, 'not JSON');
  }
}

const tinyBounds: fc.Arbitrary<Partial<ReportBounds>> = fc.record(
  {
    statements: fc.integer({ min: 1, max: 4 }),
    users: fc.integer({ min: 1, max: 3 }),
    buckets: fc.integer({ min: 1, max: 5 }),
    chartBuckets: fc.integer({ min: 1, max: 10 }),
    classes: fc.integer({ min: 1, max: 3 }),
    bucketUsers: fc.integer({ min: 1, max: 2 }),
    logons: fc.integer({ min: 1, max: 3 }),
    failureGroups: fc.integer({ min: 1, max: 3 }),
    changes: fc.integer({ min: 1, max: 3 }),
    writes: fc.integer({ min: 1, max: 3 }),
    clients: fc.integer({ min: 1, max: 3 }),
    sessionsPerClient: fc.integer({ min: 1, max: 3 }),
    usersPerStatement: fc.integer({ min: 1, max: 2 }),
    findings: fc.integer({ min: 1, max: 3 }),
    unreadable: fc.integer({ min: 1, max: 3 }),
    instances: fc.integer({ min: 1, max: 2 }),
    stretches: fc.integer({ min: 1, max: 3 }),
    names: fc.integer({ min: 1, max: 3 }),
  },
  { requiredKeys: [] },
);
const windows = fc.oneof(
  fc.constant({ from: null, until: null }),
  fc.tuple(fc.nat(86_400), fc.nat(3 * 86_400)).map(([a, b]) => ({ from: ms(Math.min(a, b)), until: ms(Math.max(a, b)) })),
  fc.nat(86_400).map((a) => ({ from: ms(a), until: null })),
);
const streamEvents = fc.option(
  fc.array(
    fc.record({
      time: fc.nat(3 * 86_400).map(ms),
      eventId: fc.constant(''),
      kind: few('started' as const, 'stopped' as const, 'other' as const),
      sourceId: fc.constant('c'),
      message: fc.constant('m'),
    }),
    { maxLength: 4 },
  ),
);

describe('report state', () => {
  it('a builder restored from the state of the first events, given the rest, builds what one builder of them all builds', () => {
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 60 }),
        fc.nat(),
        fc.option(tinyBounds, { nil: undefined }),
        windows,
        streamEvents,
        (items, cut, bounds, window, stream) => {
          const split = items.length === 0 ? 0 : cut % (items.length + 1);
          const options = { gapThresholdMs: 60_000, ...(bounds ? { bounds } : {}) };
          const whole = new ReportBuilder(options);
          feed(whole, items, 0);
          const first = new ReportBuilder(options);
          feed(first, items.slice(0, split), 0);
          const saved = JSON.parse(JSON.stringify(first.toState())) as unknown;
          const continued = restoreReport(saved);
          feed(continued, items.slice(split), split);
          const ctx = context(window, { streamEvents: stream });
          expect(continued.build(ctx)).toEqual(whole.build(ctx));
          // And its state too: a state saved again reads back to the same.
          expect(JSON.parse(JSON.stringify(continued.toState()))).toEqual(JSON.parse(JSON.stringify(whole.toState())));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps its totals exact whatever the bounds: every event in one bucket or untimed, logins counted once, statements at most the events', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 80 }), tinyBounds, windows, (items, bounds, window) => {
        const builder = new ReportBuilder({ bounds });
        feed(builder, items, 0);
        const data = builder.build(context(window));
        const events = items.filter((entry) => entry.kind === 'event');
        expect(data.overview.events).toBe(events.length);
        const sum = (rows: number[][]) => rows.flat().reduce((a, b) => a + b, 0);
        expect(sum(Object.values(data.activity.byClass)) + data.activity.untimed).toBe(events.length);
        expect(sum([...Object.values(data.activity.byUser), data.activity.byUserOther])).toBe(sum(Object.values(data.activity.byClass)));
        for (const row of Object.values(data.activity.byClass)) expect(row).toHaveLength(data.activity.buckets.length);
        expect(data.activity.buckets.length).toBeLessThanOrEqual(Math.max(1, bounds.chartBuckets ?? 300) + 1);
        const logins = events.filter((entry) => loginOf({ ...BASES[entry.base], ...entry.fields } as DasEvent) !== undefined).length;
        const logons = data.logons.rows.reduce((total, row) => total + row.successes + row.failures, 0);
        // Every login is in the table, unless the table was full (then it is counted in more).
        if (data.logons.more === 0) expect(logons).toBe(logins);
        else expect(logons).toBeLessThan(logins);
        for (const row of data.logons.rows) expect(row.failuresSinceSuccess).toBeLessThanOrEqual(row.failures);
        const statements = data.statements.byCount.reduce((total, row) => total + row.count, 0);
        expect(statements).toBeLessThanOrEqual(events.length);
        expect(data.findings.rows.length + data.findings.more).toBe(data.overview.findings);
        expect(data.coverage.unreadable.rows.length + data.coverage.unreadable.more).toBe(data.overview.unreadable);
        expect(data.coverage.coveredMs).toBeLessThanOrEqual(data.coverage.windowMs);
        expect(data.changes.rows.length).toBeLessThanOrEqual(bounds.changes ?? 2_000);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a state changed by hand so that it no longer adds up', () => {
    const builder = new ReportBuilder();
    feed(builder, [{ kind: 'event', base: 0, fields: { logTime: at(5) }, instance: 'db-A', shown: false }], 0);
    const state = JSON.parse(JSON.stringify(builder.toState())) as Record<string, unknown>;
    const broken = structuredClone(state);
    (broken.logons as { rows: Array<[string, unknown[]]> }).rows[0]![1][6] = 5;
    expect(() => restoreReport(broken)).toThrow(ReportStateError);
    expect(() => restoreReport(broken)).toThrow(/logons.rows\[0\] failures since success do not add up/);
  });
});
