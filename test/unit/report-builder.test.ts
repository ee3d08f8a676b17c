import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DasEvent } from '../../src/decode/types.js';
import type { Finding, RuleSummary } from '../../src/detect/finding.js';
import { prepareRedaction, redactEvent } from '../../src/events/redact.js';
import { loginOf } from '../../src/report/aggregate/login-of.js';
import { changeCommandOf } from '../../src/report/aggregate/change-of.js';
import { writeCommandOf } from '../../src/report/aggregate/write-of.js';
import { foldNow, preKeyOf, StatementFolder } from '../../src/report/aggregate/statement-folder.js';
import { FastTime } from '../../src/report/aggregate/fast-time.js';
import { SpaceSaving } from '../../src/report/aggregate/space-saving.js';
import { KeyedTable } from '../../src/report/aggregate/keyed-table.js';
import { parseDasTime } from '../../src/events/das-time.js';
import { ReportBuilder, ReportStateError } from '../../src/report/report-builder.js';
import { restoreReport } from '../../src/report/report-state-reader.js';
import { at, context, ms, sample, seen } from '../helpers/report-events.js';

beforeAll(async () => {
  await prepareRedaction();
});

const pg = (seconds: number, fields: Partial<DasEvent> = {}): DasEvent => ({
  ...sample('apg-02-create-table-v1.1'),
  class: 'READ',
  command: 'SELECT',
  commandText: 'SELECT 1',
  logTime: at(seconds),
  startTime: at(seconds),
  ...fields,
});

describe('loginOf, per engine on the AWS samples', () => {
  it('Aurora PostgreSQL: CONNECT succeeds, AUTH FAILURE and a CONNECT with an SQLSTATE fail, DISCONNECT is no login', () => {
    expect(loginOf(sample('apg-01-connect-v1.1'))).toBe('success');
    expect(loginOf(sample('apg-04-connect-v1.0-2019'))).toBe('success');
    expect(loginOf({ ...sample('apg-01-connect-v1.1'), command: 'AUTH FAILURE', exitCode: '28P01' })).toBe('failure');
    expect(loginOf({ ...sample('apg-01-connect-v1.1'), exitCode: '28000', errorMessage: 'no pg_hba.conf entry' })).toBe('failure');
    expect(loginOf({ ...sample('apg-01-connect-v1.1'), command: 'DISCONNECT' })).toBeUndefined();
    expect(loginOf(sample('apg-02-create-table-v1.1'))).toBeUndefined();
  });

  it('Aurora MySQL: CONNECT with exit code "0" succeeds, FAILED_CONNECT and a CONNECT with an error code fail; AUX and QUERY are no login', () => {
    expect(loginOf(sample('ams-01-connect-main'))).toBe('success');
    expect(loginOf({ ...sample('ams-01-connect-main'), command: 'FAILED_CONNECT', exitCode: '1045' })).toBe('failure');
    expect(loginOf({ ...sample('ams-01-connect-main'), exitCode: '1045' })).toBe('failure');
    expect(loginOf({ ...sample('ams-01-connect-main'), class: 'AUX' })).toBeUndefined();
    expect(loginOf(sample('ams-02-create-table-main'))).toBeUndefined();
    expect(loginOf(sample('ams-05-select-aux'))).toBeUndefined();
  });

  it('RDS for Oracle: LOGON with exit code 0 succeeds, with ORA-01017 fails; LOGOFF and statements are no login', () => {
    const logon = { ...sample('ora-03-select'), command: 'LOGON', commandText: null };
    expect(loginOf(logon)).toBe('success');
    expect(loginOf({ ...logon, exitCode: 1017 })).toBe('failure');
    expect(loginOf({ ...logon, command: 'LOGOFF' })).toBeUndefined();
    expect(loginOf(sample('ora-02-create-table'))).toBeUndefined();
  });

  it('RDS for SQL Server: exit code 1 is success and 0 failure; LOGIN FAILED fails whatever the code; LOGOUT is no login', () => {
    const login = { ...sample('mss-03-select'), class: 'LOGIN', command: 'LOGIN SUCCEEDED', commandText: '' };
    expect(loginOf(login)).toBe('success');
    expect(loginOf({ ...login, exitCode: 0 })).toBe('failure');
    expect(loginOf({ ...login, command: 'LOGIN FAILED', exitCode: 1 })).toBe('failure');
    expect(loginOf({ ...login, command: 'LOGOUT' })).toBeUndefined();
    expect(loginOf(sample('mss-03-select'))).toBeUndefined();
  });
});

describe('changes and writes, per engine', () => {
  it('lists DDL and privilege changes by each engine’s names, and not reads or MySQL’s AUX repeats', () => {
    expect(changeCommandOf(sample('apg-02-create-table-v1.1'))).toBe('CREATE TABLE');
    expect(changeCommandOf(pg(0, { class: 'ROLE', command: 'GRANT', commandText: 'GRANT r TO u' }))).toBe('GRANT');
    expect(changeCommandOf(sample('ams-02-create-table-main'))).toBe('CREATE');
    expect(changeCommandOf({ ...sample('ams-02-create-table-main'), commandText: "/* x */ GRANT ALL ON *.* TO 'u'@'%'" })).toBe('GRANT');
    expect(changeCommandOf(sample('ams-03-create-table-aux'))).toBeUndefined();
    expect(changeCommandOf(sample('ams-04-select-main'))).toBeUndefined();
    expect(changeCommandOf(sample('ora-02-create-table'))).toBe('CREATE TABLE');
    expect(changeCommandOf({ ...sample('ora-03-select'), command: 'ALTER USER' })).toBe('ALTER USER');
    expect(changeCommandOf(sample('ora-03-select'))).toBeUndefined();
    expect(changeCommandOf(sample('mss-02-create-table-schema'))).toBe('ALTER');
    expect(changeCommandOf({ ...sample('mss-03-select'), class: 'SERVER_ROLE', command: 'ADD MEMBER' })).toBe('ADD MEMBER');
    expect(changeCommandOf(sample('mss-03-select'))).toBeUndefined();
  });

  it('counts writes by their command, MySQL’s by its statement, and not MySQL’s AUX repeats', () => {
    expect(writeCommandOf(pg(0, { class: 'WRITE', command: 'UPDATE' }))).toBe('UPDATE');
    expect(writeCommandOf({ ...sample('ams-04-select-main'), commandText: 'insert into test1 values (1)' })).toBe('INSERT');
    expect(writeCommandOf({ ...sample('ams-05-select-aux'), command: 'WRITE' })).toBeUndefined();
    expect(writeCommandOf({ ...sample('ora-03-select'), command: 'MERGE' })).toBe('MERGE');
    expect(writeCommandOf(sample('mss-03-select'))).toBeUndefined();
  });

  it("counts COPY … FROM (pgaudit's WRITE) as a write, not COPY … TO (its READ: rows leave, none change)", () => {
    expect(writeCommandOf(pg(0, { class: 'WRITE', command: 'COPY', commandText: "COPY t FROM '/tmp/t.csv'" }))).toBe('COPY');
    expect(writeCommandOf(pg(0, { class: 'READ', command: 'COPY', commandText: "COPY (SELECT '') TO PROGRAM 'sh'" }))).toBeUndefined();
  });
});

describe('ReportBuilder', () => {
  it('counts the overview as jq would over the same ndjson: distinct non-empty users and sessions (as text), failures by isFailure', () => {
    const builder = new ReportBuilder();
    const events: DasEvent[] = [
      pg(0, { dbUserName: 'alice', sessionId: 's1' }),
      pg(1, { dbUserName: 'alice', sessionId: 's2', exitCode: '42P01', errorMessage: 'relation "t" does not exist' }),
      pg(2, { dbUserName: '', sessionId: '' }),
      pg(3, { dbUserName: null, sessionId: null, serverType: 'MySQL' }),
      { ...sample('mss-03-select'), sessionId: 62, exitCode: 0 },
      { ...sample('ora-03-select'), sessionId: 62 },
    ];
    for (const [index, event] of events.entries())
      builder.add(seen(event, { clusterId: index === 4 ? '' : 'cluster-A', instanceId: index === 5 ? 'db-B' : 'db-A' }));
    builder.heartbeat('db-A', 'cluster-A', ms(10));
    const data = builder.build(context());
    expect(data.overview).toEqual({
      events: 6,
      heartbeats: 1,
      clusters: ['cluster-A'],
      instances: ['db-A', 'db-B'],
      engines: ['MySQL', 'PostgreSQL', 'SQLSERVER', 'oracle'],
      users: 3, // alice, test (SQL Server), TEST (Oracle)
      sessions: 3, // s1, s2, 62 (SQL Server's number and Oracle's as one text)
      failures: 2,
      findings: 0,
      unreadable: 0,
    });
    expect(data.window.firstEvent).toBe(parseDasTime(sample('ora-03-select').logTime as string)?.getTime());
    expect(data.window.lastEvent).toBe(ms(3));
  });

  it('folds statements as --summary does, counts rows and users, and ranks by count and by rows', () => {
    const builder = new ReportBuilder();
    for (let n = 0; n < 5; n++) builder.add(seen(pg(n, { commandText: `SELECT * FROM t WHERE id = ${n}`, rowCount: 1, dbUserName: `u${n % 2}` })));
    builder.add(seen(pg(9, { commandText: "SELECT * FROM big WHERE name = 'x'", rowCount: 1000 })));
    const { statements } = builder.build(context());
    expect(statements.exact).toBe(true);
    expect(statements.distinct).toBe(2);
    expect(statements.byCount[0]).toMatchObject({
      statement: { text: 'SELECT * FROM t WHERE id = ?', cut: 0 },
      count: 5,
      rows: 5,
      users: 2,
      first: ms(0),
      last: ms(4),
    });
    expect(statements.byRows[0]).toMatchObject({ statement: { text: 'SELECT * FROM big WHERE name = ?' }, rows: 1000 });
  });

  it('shows the redacted form of what it lists when the event has one, and groups failures by what is shown', () => {
    const builder = new ReportBuilder();
    for (const secret of ['hunter2', 'swordfish']) {
      const event = pg(1, {
        class: 'ROLE',
        command: 'ALTER ROLE',
        commandText: `ALTER ROLE bob PASSWORD '${secret}'`,
        exitCode: '42601',
        errorMessage: `syntax error at or near "${secret}"`,
      });
      builder.add(seen(event, { shown: redactEvent(event) }));
    }
    const data = builder.build(context());
    const text = JSON.stringify(data);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('swordfish');
    expect(data.changes.rows.map((row) => row.statement.text)).toEqual(['ALTER ROLE bob PASSWORD ?', 'ALTER ROLE bob PASSWORD ?']);
    expect(data.failures.statements.rows).toHaveLength(1);
    expect(data.failures.statements.rows[0]?.count).toBe(2);
  });

  it('keeps the logon table by event time: a success that arrives late still ends the failures before it', () => {
    const builder = new ReportBuilder();
    const connect = (seconds: number, ok: boolean) =>
      seen(
        pg(seconds, {
          class: 'MISC',
          command: ok ? 'CONNECT' : 'AUTH FAILURE',
          commandText: null,
          exitCode: ok ? null : '28P01',
          dbUserName: 'app',
          remoteHost: '10.0.0.9',
        }),
      );
    // Failures at 10, 20, 40; a success at 30 arriving last (another shard).
    for (const event of [connect(10, false), connect(20, false), connect(40, false), connect(30, true)]) builder.add(event);
    const data = builder.build(context());
    expect(data.logons.rows).toEqual([
      { user: 'app', source: '10.0.0.9', successes: 1, failures: 3, lastSuccess: ms(30), lastFailure: ms(40), failuresSinceSuccess: 1 },
    ]);
    expect(data.failures.logins.rows[0]).toMatchObject({
      user: 'app',
      source: '10.0.0.9',
      what: { text: 'AUTH FAILURE' },
      reason: { text: '28P01' },
      count: 3,
    });
  });

  it('counts every failure since the last success when none succeeded, and none when the success is latest', () => {
    const builder = new ReportBuilder();
    for (let n = 0; n < 40; n++) builder.add(seen(pg(n, { command: 'AUTH FAILURE', dbUserName: 'x', remoteHost: 'h' })));
    expect(builder.build(context()).logons.rows[0]?.failuresSinceSuccess).toBe(40);
    builder.add(seen(pg(100, { command: 'CONNECT', dbUserName: 'x', remoteHost: 'h' })));
    expect(builder.build(context()).logons.rows[0]).toMatchObject({ failuresSinceSuccess: 0, successes: 1, failures: 40 });
  });

  it('keeps a flood of random user names bounded, counting what did not fit, with the totals exact', () => {
    const builder = new ReportBuilder({ bounds: { logons: 50, failureGroups: 20, clients: 5, writes: 5, users: 10 } });
    for (let n = 0; n < 2_000; n++) {
      builder.add(seen(pg(n, { command: 'AUTH FAILURE', dbUserName: `guess${n}`, remoteHost: `10.0.${n % 7}.1`, clientApplication: `app${n % 9}` })));
    }
    const data = builder.build(context());
    expect(data.overview.users).toBe(2_000);
    expect(data.logons.rows).toHaveLength(50);
    expect(data.logons.more).toBe(1_950);
    expect(data.failures.logins.rows).toHaveLength(20);
    expect(data.failures.logins.more).toBe(1_980);
    expect(data.clients.rows).toHaveLength(5);
    expect(data.clients.more).toBe(9 * 7 - 5 - (9 * 7 - new Set(Array.from({ length: 2000 }, (_, n) => `${n % 9}/${n % 7}`)).size));
    const perBucket = data.activity.buckets.map((_, index) => Object.values(data.activity.byClass).reduce((sum, row) => sum + (row[index] ?? 0), 0));
    expect(perBucket.reduce((a, b) => a + b, 0) + data.activity.untimed).toBe(2_000);
    const byUser = data.activity.buckets.map(
      (_, index) => Object.values(data.activity.byUser).reduce((sum, row) => sum + (row[index] ?? 0), 0) + (data.activity.byUserOther[index] ?? 0),
    );
    expect(byUser).toEqual(perBucket);
  });

  it('lists changes in time order, privilege changes kept first when there are more than the bound', () => {
    const builder = new ReportBuilder({ bounds: { changes: 3 } });
    builder.add(seen(pg(50, { class: 'ROLE', command: 'GRANT', commandText: 'GRANT admin TO mallory' })));
    for (let n = 0; n < 10; n++) builder.add(seen(pg(n, { class: 'DDL', command: 'CREATE TABLE', commandText: `CREATE TABLE t${n} (a int)` })));
    const { changes } = builder.build(context());
    expect(changes.rows.map((row) => row.command)).toEqual(['CREATE TABLE', 'CREATE TABLE', 'GRANT']);
    expect(changes.rows.map((row) => row.time)).toEqual([ms(0), ms(1), ms(50)]);
    expect(changes.more).toBe(8);
  });

  it('caps statements shown in changes at 2,000 characters, counting the rest', () => {
    const builder = new ReportBuilder();
    builder.add(seen(pg(0, { class: 'DDL', command: 'CREATE TABLE', commandText: `CREATE TABLE t (${'a int, '.repeat(500)}z int)` })));
    const row = builder.build(context()).changes.rows[0];
    expect(row?.statement.text).toHaveLength(2_000);
    expect((row?.statement.text.length ?? 0) + (row?.statement.cut ?? 0)).toBe(`CREATE TABLE t (${'a int, '.repeat(500)}z int)`.length);
  });

  it('chooses activity buckets that show the span in at most 300, and keeps at most the bound while reading', () => {
    const builder = new ReportBuilder({ bounds: { buckets: 100 } });
    // Three days, an event every 10 minutes: 432 minutes-buckets would be kept, the bound is 100.
    for (let n = 0; n < 432; n++) builder.add(seen(pg(n * 600)));
    builder.add(seen(pg(0, { logTime: 'not a time', startTime: null })));
    const data = builder.build(context());
    expect(data.activity.bucketMs).toBe(3_600_000);
    expect(data.activity.buckets.length).toBe(72);
    expect(data.activity.untimed).toBe(1);
    expect(
      Object.values(data.activity.byClass)
        .flat()
        .reduce((a, b) => a + b, 0),
    ).toBe(432);
    const state = builder.toState() as unknown as { activity: { buckets: unknown[] } };
    expect(state.activity.buckets.length).toBeLessThanOrEqual(100);
  });

  it('names the busiest users in the activity chart and sums the rest', () => {
    const builder = new ReportBuilder();
    for (let n = 0; n < 20; n++) for (let k = 0; k <= n; k++) builder.add(seen(pg(k, { dbUserName: `user${String(n).padStart(2, '0')}` })));
    const activity = builder.build(context()).activity;
    expect(Object.keys(activity.byUser)).toEqual(['user19', 'user18', 'user17', 'user16', 'user15', 'user14', 'user13', 'user12']);
    expect(activity.byUserOther.reduce((a, b) => a + b, 0)).toBe(Array.from({ length: 12 }, (_, n) => n + 1).reduce((a, b) => a + b, 0));
  });

  describe('coverage', () => {
    const window = { from: ms(0), until: ms(600) };

    it('names each silence longer than the threshold, from the window start to the first sign and from the last to the end', () => {
      const builder = new ReportBuilder({ gapThresholdMs: 60_000 });
      // Heartbeats every 2 s from 30 s to 200 s, none to 400 s, then to 500 s; an event at 250 s within the silence... of another instance.
      for (let s = 30; s <= 200; s += 2) builder.heartbeat('db-A', 'cluster-A', ms(s));
      for (let s = 400; s <= 500; s += 2) builder.heartbeat('db-A', 'cluster-A', ms(s));
      builder.add(seen(pg(250), { instanceId: 'db-B' }));
      const { coverage } = builder.build(context(window));
      const a = coverage.instances.find((instance) => instance.instanceId === 'db-A');
      expect(a?.gaps).toEqual([
        { from: ms(200), until: ms(400) },
        { from: ms(500), until: ms(600) },
      ]);
      expect(a).toMatchObject({ heartbeats: 137, events: 0, firstSeen: ms(30), lastSeen: ms(500), clusterId: 'cluster-A' });
      const b = coverage.instances.find((instance) => instance.instanceId === 'db-B');
      expect(b?.gaps).toEqual([
        { from: ms(0), until: ms(250) },
        { from: ms(250), until: ms(600) },
      ]);
      expect(coverage.heartbeatsSeen).toBe(true);
      expect(coverage.windowMs).toBe(2 * 600_000);
      // db-A: 600 − 200 − 100 (its first 30 s is within the threshold); db-B: nothing.
      expect(coverage.coveredMs).toBe(300_000);
    });

    it('finds the same gaps whatever order the signs arrive in', () => {
      const times = [...Array.from({ length: 50 }, (_, n) => n * 5), ...Array.from({ length: 20 }, (_, n) => 400 + n * 5)];
      fc.assert(
        fc.property(fc.shuffledSubarray(times, { minLength: times.length, maxLength: times.length }), (order) => {
          const builder = new ReportBuilder();
          for (const s of order) builder.heartbeat('db-A', '', ms(s));
          expect(builder.build(context(window)).coverage.instances[0]?.gaps).toEqual([
            { from: ms(245), until: ms(400) },
            { from: ms(495), until: ms(600) },
          ]);
        }),
        { numRuns: 50 },
      );
    });

    it('takes the stream’s stopped spans out of what is covered: a stop until the next start, or the window end', () => {
      const builder = new ReportBuilder();
      for (let s = 0; s <= 600; s += 2) builder.heartbeat('db-A', '', ms(s));
      const streamEvents = [
        { time: ms(100), eventId: 'RDS-EVENT-0180', kind: 'stopped' as const, sourceId: 'c', message: 'stopped' },
        { time: ms(160), eventId: 'RDS-EVENT-0179', kind: 'started' as const, sourceId: 'c', message: 'started' },
        { time: ms(550), eventId: 'RDS-EVENT-0180', kind: 'stopped' as const, sourceId: 'c', message: 'stopped' },
      ];
      const { coverage } = builder.build(context(window, { streamEvents }));
      expect(coverage.stopped).toEqual([
        { from: ms(100), until: ms(160) },
        { from: ms(550), until: ms(600) },
      ]);
      expect(coverage.coveredMs).toBe(600_000 - 110_000);
      expect(coverage.streamEvents?.map((event) => event.kind)).toEqual(['stopped', 'started', 'stopped']);
    });
  });

  it('turns findings into rows, highest level first, bounded, with their evidence as shown', () => {
    const builder = new ReportBuilder({ bounds: { findings: 2 } });
    const rule = (level: RuleSummary['level']): RuleSummary => ({
      id: `rule-${level}`,
      title: `a ${level} thing`,
      level,
      description: 'd',
      tags: ['attack.t1110'],
      engines: [],
      source: 'builtin/x.yml',
      correlation: false,
    });
    const event = pg(5, { commandText: "SELECT 'secret'" });
    const finding = (level: RuleSummary['level'], uid: string): Finding => ({
      rule: rule(level),
      uid,
      first: at(5),
      last: at(5),
      eventCount: 1,
      evidence: [seen(event, { shown: redactEvent(event) })],
    });
    builder.addFinding(finding('low', 'a'));
    builder.addFinding(finding('medium', 'b'));
    builder.addFinding(finding('critical', 'c'));
    builder.addFinding(finding('informational', 'd'));
    const { findings, overview } = builder.build(context());
    expect(overview.findings).toBe(4);
    expect(findings.rows.map((row) => row.uid)).toEqual(['c', 'b']);
    expect(findings.more).toBe(2);
    expect(findings.rows[0]?.evidence[0]).toMatchObject({ statement: { text: 'SELECT ?', cut: 0 }, time: ms(5) });
  });

  it('counts unreadable records, listing them to a bound', () => {
    const builder = new ReportBuilder({ bounds: { unreadable: 2 } });
    for (let n = 0; n < 5; n++) builder.unreadable(`line ${n} of x.ndjson`, 'not JSON');
    const data = builder.build(context());
    expect(data.overview.unreadable).toBe(5);
    expect(data.coverage.unreadable).toEqual({
      rows: [
        { place: 'line 0 of x.ndjson', problem: 'not JSON' },
        { place: 'line 1 of x.ndjson', problem: 'not JSON' },
      ],
      more: 3,
    });
  });

  it('builds the same report twice: build() changes nothing', () => {
    const builder = new ReportBuilder();
    for (let n = 0; n < 20; n++) builder.add(seen(pg(n, { class: n % 3 ? 'READ' : 'DDL', command: n % 3 ? 'SELECT' : 'CREATE TABLE' })));
    expect(builder.build(context())).toEqual(builder.build(context()));
  });
});

describe('statement folding', () => {
  const engines = ['postgresql', 'mysql', 'oracle', 'sqlserver', undefined] as const;

  it('folds through its pre-key exactly as the folding itself: statements sharing a key fold alike', () => {
    const word = fc.constantFrom('SELECT', 'a', 't1', 'x_2', 'FROM', 'WHERE', 'IN', 'LIMIT', 'e', 'E', 'N', 'q', 'x', 'IDENTIFIED BY', 'PASSWORD');
    const glue = fc.constantFrom(' ', '', ',', '.', '(', ')', '=', '<', '-', '+', '*', ';', '\n', "'");
    const digits = fc.oneof(fc.nat().map(String), fc.constantFrom('0', '007', '5'));
    const body = fc.string({ unit: fc.constantFrom('a', ' ', "''", '1', '-', '*', '(', 'é', '.') });
    // A statement's shape, with slots for numbers and strings filled twice: two statements of one shape.
    const part = fc.oneof(
      word.map((text) => [text, text]),
      glue.map((text) => [text, text]),
      fc.tuple(digits, digits),
      fc.tuple(digits, digits, digits, digits).map(([a, b, c, d]) => [`${a}.${b}`, `${c}.${d}`]),
      fc.tuple(body, body).map(([a, b]) => [`'${a}'`, `'${b}'`]),
    );
    let shared = 0;
    fc.assert(
      fc.property(fc.array(part, { maxLength: 14 }), fc.constantFrom(...engines), (parts, engine) => {
        const a = parts.map((pair) => pair[0]).join('');
        const b = parts.map((pair) => pair[1]).join('');
        const key = preKeyOf(a);
        if (key === undefined) return;
        expect(new StatementFolder().foldText(a, engine)).toBe(foldNow(a, engine));
        if (preKeyOf(b) !== key) return;
        shared++;
        expect(foldNow(b, engine)).toBe(foldNow(a, engine));
      }),
      { numRuns: 3_000 },
    );
    // The property was put to the test, not skipped: most pairs share their key.
    expect(shared).toBeGreaterThan(500);
  });

  it('statements differing only in their numbers and plain strings share a pre-key; others do not', () => {
    expect(preKeyOf("SELECT * FROM t WHERE id = 12 AND name = 'bob'")).toBe(preKeyOf("SELECT * FROM t WHERE id = 7 AND name = 'it''s'"));
    expect(preKeyOf('SELECT * FROM t1')).not.toBe(preKeyOf('SELECT * FROM t2'));
    expect(preKeyOf('SELECT a.1 FROM t')).not.toBe(preKeyOf('SELECT a.2 FROM t'));
    expect(preKeyOf('SELECT $1')).toBeUndefined();
    expect(preKeyOf("SELECT E'\\n'")).toBeUndefined();
    expect(preKeyOf('SELECT 1 -- 2')).toBeUndefined();
    const folder = new StatementFolder();
    expect(folder.foldText('SELECT   *\nFROM t WHERE id = 12', 'postgresql')).toBe('SELECT * FROM t WHERE id = ?');
    expect(folder.foldText('SELECT   *\nFROM t WHERE id = 99', 'postgresql')).toBe('SELECT * FROM t WHERE id = ?');
  });

  it('reads times as parseDasTime does, remembered or not', () => {
    const text = fc.oneof(
      fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).chain((date) =>
        fc
          .tuple(fc.integer({ min: 0, max: 9 }), fc.constantFrom('+00', 'Z', '', '+05:30', '-0800', ' +00', '+99', 'x'), fc.constantFrom(' ', 'T'))
          .map(([digits, zone, separator]) => {
            const iso = date.toISOString();
            const fraction = digits === 0 ? '' : `.${'123456789'.slice(0, digits)}`;
            return `${iso.slice(0, 10)}${separator}${iso.slice(11, 19)}${fraction}${zone}`;
          }),
      ),
      fc.string({ maxLength: 30 }),
      fc.constantFrom('2026-02-30 00:00:00+00', '2026-01-01 24:00:00', ' 2026-01-01 00:00:00', '2026-01-01 00:00:00.', '2026-01-01 00:00:00.1234567890'),
    );
    const fast = new FastTime();
    fc.assert(
      fc.property(fc.array(text, { maxLength: 8 }), (texts) => {
        for (const item of texts) expect(fast.parse(item)).toBe(parseDasTime(item)?.getTime() ?? null);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('ReportBuilder.fromState', () => {
  const valid = () => {
    const builder = new ReportBuilder();
    builder.add(seen(pg(0)));
    return JSON.parse(JSON.stringify(builder.toState())) as Record<string, unknown>;
  };

  it('refuses what is not a state of this version, naming what is wrong', () => {
    expect(() => restoreReport(null)).toThrow(ReportStateError);
    expect(() => restoreReport({ ...valid(), kind: 'x' })).toThrow(/not a das-read report state/);
    expect(() => restoreReport({ ...valid(), stateVersion: 2 })).toThrow(/version is 2/);
    expect(() => restoreReport({ ...valid(), totals: [1, 0, 0, 0, -1] })).toThrow(/totals\[4\] is not a count/);
    expect(() => restoreReport({ ...valid(), totals: [2, 0, 0, 0, 0] })).toThrow(/activity does not count every event/);
    expect(() => restoreReport({ ...valid(), bounds: { ...(valid().bounds as object), statements: 1e9 } })).toThrow(/bounds.statements/);
    expect(() => restoreReport({ ...valid(), first: 10 ** 20 })).toThrow(/first is not a time/);
  });

  it('refuses a kind or version nested deeper than the stack, as a damaged state (fuzz: report-state)', () => {
    const nested = JSON.parse(`${'['.repeat(20_000)}1${']'.repeat(20_000)}`) as unknown;
    expect(() => restoreReport({ ...valid(), stateVersion: nested })).toThrow(ReportStateError);
    expect(() => restoreReport({ ...valid(), kind: nested })).toThrow(ReportStateError);
  });

  it('refuses a state whose activity would make a chart of billions of buckets', () => {
    const state = valid();
    expect(() => restoreReport({ ...state, first: 0 })).toThrow(ReportStateError);
  });
});

describe('SpaceSaving', () => {
  it('counts as space-saving does: exact while keys fit, then the oldest of the least count gives its place, inheriting its count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.nat(12).map(String), { maxLength: 200 }), (capacity, keys) => {
        const counter = new SpaceSaving<null>(capacity);
        // The model: every key with its count, its error, and since when it stands in line at its count: until the
        // first eviction, its first arrival (the counter keeps no line while it is exact); then when it reached its count.
        const model = new Map<string, { count: number; error: number; since: number }>();
        let evicted = false;
        for (const [step, key] of keys.entries()) {
          counter.add(key, () => null);
          const known = model.get(key);
          if (known) model.set(key, { ...known, count: known.count + 1, since: evicted ? step : known.since });
          else if (model.size < capacity) model.set(key, { count: 1, error: 0, since: step });
          else {
            const [victim, least] = [...model].sort((a, b) => a[1].count - b[1].count || a[1].since - b[1].since)[0]!;
            model.delete(victim);
            evicted = true;
            model.set(key, { count: least.count + 1, error: least.count, since: step });
          }
        }
        const counted = Object.fromEntries([...counter.entries()].map((entry) => [entry.key, [entry.count, entry.error]]));
        expect(counted).toEqual(Object.fromEntries([...model].map(([key, value]) => [key, [value.count, value.error]])));
        expect(counter.exact).toBe(new Set(keys).size <= capacity);
        const again = SpaceSaving.fromState(
          JSON.parse(JSON.stringify(counter.toState(() => 0))),
          () => null,
          (problem) => {
            throw new Error(problem);
          },
        );
        expect(again.toState(() => 0)).toEqual(counter.toState(() => 0));
      }),
      { numRuns: 500 },
    );
  });
});

describe('KeyedTable', () => {
  it('counts each key left out once, and past the keys it can tell apart stops counting rather than count one twice', () => {
    const table = new KeyedTable<number>(1);
    for (const key of ['a', 'b', 'b', 'c', 'a', 'c']) table.get(key, () => 0);
    expect([...table.rows.keys()]).toEqual(['a']);
    expect(table.more).toBe(2);
    for (let n = 0; n < 70_000; n++) table.get(`k${n}`, () => 0);
    const counted = table.more;
    expect(counted).toBeLessThanOrEqual(70_002);
    for (let n = 0; n < 70_000; n++) table.get(`k${n}`, () => 0);
    expect(table.more).toBe(counted);
  });
});
