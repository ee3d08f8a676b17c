import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DasEvent } from '../../src/decode/types.js';
import { createDetector } from '../../src/detect/detector.js';
import type { Finding } from '../../src/detect/finding.js';
import { loadRules } from '../../src/detect/load-rules.js';
import type { Rule } from '../../src/detect/rule.js';
import { MAX_GROUPS } from '../../src/detect/sigma/correlation.js';
import { benignStream, byTime, labAttack, mssql, mysql, oracle } from '../helpers/detect-streams.js';

const BUILTIN = fileURLToPath(new URL('../../rules/builtin', import.meta.url));

let rules: Rule[];
beforeAll(async () => {
  rules = await loadRules({ builtin: true, paths: [] });
});

/** Every finding the rules make over the events, in order, as `das-read detect` would run them. */
function detect(events: readonly DasEvent[], only: readonly Rule[] = rules): Finding[] {
  const detector = createDetector(only);
  const findings = events.flatMap((event, n) =>
    detector.observe({ event, eventId: `shardId-000000000000:4959${n}:0`, clusterId: 'cluster-LAB', instanceId: 'db-LAB' }),
  );
  return [...findings, ...detector.end()];
}
const firing = (findings: readonly Finding[]) => [...new Set(findings.map((finding) => finding.rule.title))].sort();

const spaced = (count: number, every: number, make: (at: number, n: number) => DasEvent) => Array.from({ length: count }, (_, n) => make(n * every, n));

/** Each rule by its title, and streams (from the lab's attacks, and each engine's own events) that must trigger it. */
const TRIGGERS: Record<string, Record<string, () => DasEvent[]>> = {
  'Burst of refused logins for one database user': {
    "lab's failed-login-burst (Aurora PostgreSQL AUTH FAILURE)": () => labAttack('failed-login-burst'),
    'Oracle LOGON refused with ORA-01017': () =>
      spaced(8, 10, (at) => oracle(at, { command: 'LOGON', commandText: null, dbUserName: 'SCOTT', remoteHost: '198.51.100.9', exitCode: 1017 })),
  },
  'Burst of refused logins from one source': {
    "lab's password-spray": () => labAttack('password-spray'),
    'Aurora MySQL CONNECT refused (1045) for three users from one host': () =>
      spaced(9, 10, (at, n) => mysql(at, { command: 'CONNECT', commandText: '', dbUserName: `u${n % 3}`, remoteHost: '198.51.100.7', exitCode: '1045' })),
  },
  'One source refused as many database users (password spraying)': {
    "lab's password-spray": () => labAttack('password-spray'),
    'SQL Server LOGIN FAILED for six logins': () =>
      spaced(6, 30, (at, n) => mssql(at, { command: 'LOGIN FAILED', commandText: '', dbUserName: `sa${n}`, remoteHost: '198.51.100.8', exitCode: 0 })),
  },
  'PostgreSQL role granted or revoked': {
    "lab's privilege-escalation": () => labAttack('privilege-escalation'),
    'REVOKE of a role': () => [{ ...(labAttack('privilege-escalation')[0] as DasEvent), commandText: 'REVOKE pg_monitor FROM app_owner;' }],
  },
  'PostgreSQL role given superuser or administrative rights': {
    "lab's privilege-escalation": () => labAttack('privilege-escalation'),
  },
  'MySQL user granted all privileges or administrative rights': {
    'GRANT ALL … WITH GRANT OPTION': () => [mysql(0, { commandText: "GRANT ALL PRIVILEGES ON *.* TO 'intruder'@'%' WITH GRANT OPTION", dbUserName: 'admin' })],
    'GRANT SUPER': () => [mysql(0, { commandText: "grant super on *.* to 'intruder'@'%'", dbUserName: 'admin' })],
  },
  'SQL Server login added to a server or owner role': {
    sp_addsrvrolemember: () => [mssql(0, { command: 'EXECUTE', commandText: "EXEC sp_addsrvrolemember 'intruder', 'sysadmin'", dbUserName: 'admin' })],
    'ALTER SERVER ROLE … ADD MEMBER': () => [
      mssql(0, { command: 'ALTER', commandText: 'ALTER SERVER ROLE [sysadmin] ADD MEMBER [intruder]', dbUserName: 'admin' }),
    ],
  },
  'Oracle user granted DBA or system privileges': {
    'GRANT DBA': () => [oracle(0, { command: 'GRANT', commandText: 'GRANT DBA TO intruder', dbUserName: 'ADMIN' })],
    'GRANT SELECT ANY TABLE': () => [oracle(0, { command: 'GRANT', commandText: 'grant select any table to intruder', dbUserName: 'ADMIN' })],
  },
  'PostgreSQL audit or logging settings changed': {
    "lab's audit-tampering": () => labAttack('audit-tampering'),
    "set_config('pgaudit.log', …)": () => [
      { ...(labAttack('audit-tampering')[0] as DasEvent), commandText: "SELECT set_config('pgaudit.log', 'none', false);" },
    ],
  },
  'MySQL audit or general log settings changed': {
    'SET GLOBAL server_audit_logging': () => [mysql(0, { commandText: 'SET GLOBAL server_audit_logging = OFF', dbUserName: 'admin' })],
    'UNINSTALL PLUGIN server_audit': () => [mysql(0, { commandText: 'UNINSTALL PLUGIN server_audit', dbUserName: 'admin' })],
  },
  'SQL Server audit turned off or dropped': {
    'ALTER SERVER AUDIT … STATE = OFF': () => [mssql(0, { command: 'ALTER', commandText: 'ALTER SERVER AUDIT [DAS] WITH (STATE = OFF)', dbUserName: 'admin' })],
  },
  'Oracle auditing disabled or its trail purged': {
    'NOAUDIT POLICY': () => [oracle(0, { command: 'NOAUDIT', commandText: 'NOAUDIT POLICY ORA_SECURECONFIG', dbUserName: 'ADMIN' })],
    'DBMS_AUDIT_MGMT.CLEAN_AUDIT_TRAIL': () => [
      oracle(0, { command: 'EXECUTE', commandText: 'BEGIN DBMS_AUDIT_MGMT.CLEAN_AUDIT_TRAIL(audit_trail_type => 1); END;', dbUserName: 'ADMIN' }),
    ],
  },
  'Table, schema or database dropped or truncated': {
    "lab's destructive-ddl": () => labAttack('destructive-ddl'),
    'Aurora MySQL DROP DATABASE': () => [mysql(0, { commandText: 'DROP DATABASE sales', dbUserName: 'admin' })],
    'SQL Server TRUNCATE TABLE': () => [mssql(0, { command: 'TRUNCATE TABLE', commandText: 'TRUNCATE TABLE dbo.Orders', dbUserName: 'admin' })],
  },
  'Database server made to run a program or reach its files': {
    "lab's server-file-access": () => labAttack('server-file-access'),
    xp_cmdshell: () => [mssql(0, { command: 'EXECUTE', commandText: "EXEC xp_cmdshell 'whoami'", dbUserName: 'admin' })],
    'SELECT … INTO OUTFILE': () => [mysql(0, { commandText: "SELECT * FROM users INTO OUTFILE '/tmp/u.csv'", dbUserName: 'admin' })],
    UTL_FILE: () => [oracle(0, { command: 'EXECUTE', commandText: "BEGIN f := UTL_FILE.FOPEN('DATA_PUMP_DIR', 'x.txt', 'w'); END;", dbUserName: 'ADMIN' })],
  },
  'Bulk read of rows in one statement': {
    "lab's bulk-read": () => labAttack('bulk-read'),
  },
  'Burst of catalog queries (database enumeration)': {
    "lab's catalog-enumeration": () => labAttack('catalog-enumeration'),
  },
  'Database user connected from a source not seen before': {
    "a day of app_owner from 10.0.1.30, then the lab's new-source": () => [
      ...aDayOfLogins(),
      ...labAttack('new-source').map((event) => later(event, 25 * 3600)),
    ],
  },
};

/** app_owner logging in from its usual host every half hour for a day (Aurora PostgreSQL, as the lab makes them). */
function aDayOfLogins(): DasEvent[] {
  const login = labAttack('new-source')[0] as DasEvent;
  return Array.from({ length: 49 }, (_, n) => later({ ...login, remoteHost: '10.0.1.30' }, n * 1800));
}

function later(event: DasEvent, seconds: number): DasEvent {
  const time = (text: unknown) => {
    const moment = new Date(Date.parse(`${String(text).slice(0, 19).replace(' ', 'T')}Z`) + seconds * 1000);
    return `${moment.toISOString().slice(0, 19).replace('T', ' ')}${String(text).slice(19)}`;
  };
  return { ...event, startTime: time(event.startTime), logTime: time(event.logTime) };
}

const CASES = Object.entries(TRIGGERS).flatMap(([title, streams]) => Object.entries(streams).map(([stream, events]) => ({ title, stream, events })));

describe('the built-in rules', () => {
  it('all load through the Sigma loader, with the one rule in code beside them', () => {
    const sources = new Set(rules.map((rule) => rule.summary.source));
    const files = readdirSync(BUILTIN).filter((file) => file.endsWith('.yml'));
    expect([...sources].sort()).toEqual([...files.map((file) => `builtin/${file}`), 'builtin/new-source (code)'].sort());
  });

  it('each has a UUID id, a title, a description, a level, ATT&CK technique and tactic tags, and false positives', () => {
    const ids = new Set<string>();
    for (const file of readdirSync(BUILTIN)) {
      for (const document of parseAllDocuments(readFileSync(join(BUILTIN, file), 'utf8'))) {
        const rule = document.toJS() as Record<string, unknown>;
        const where = `${file}: ${String(rule.title)}`;
        expect(rule.id, where).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(ids.has(rule.id as string), `${where}: its id is another rule's`).toBe(false);
        ids.add(rule.id as string);
        expect(typeof rule.title === 'string' && typeof rule.description === 'string', where).toBe(true);
        expect(['informational', 'low', 'medium', 'high', 'critical'], where).toContain(rule.level);
        const tags = rule.tags as string[];
        expect(
          tags.some((tag) => /^attack\.t\d{4}(\.\d{3})?$/.test(tag)),
          `${where}: a technique`,
        ).toBe(true);
        expect(
          tags.some((tag) => /^attack\.[a-z_]+$/.test(tag)),
          `${where}: a tactic`,
        ).toBe(true);
        expect((rule.falsepositives as string[]).length, where).toBeGreaterThan(0);
        if (rule.correlation === undefined) expect((rule.logsource as { category: string }).category, where).toBe('database');
      }
    }
  });

  it('docs/builtin-rules.md lists every rule that reports, with its level', () => {
    const docs = readFileSync(fileURLToPath(new URL('../../docs/builtin-rules.md', import.meta.url)), 'utf8');
    const rows = new Map([...docs.matchAll(/^\| ([^|]+?) \| (\w+) \|/gm)].map((match) => [match[1], match[2]]));
    const reporting = rules.filter((rule) => rule.kind === 'correlation' || !rules.some((other) => other.kind === 'correlation' && other.rules.includes(rule)));
    expect(Object.fromEntries(reporting.map((rule) => [rule.summary.title, rule.summary.level]))).toEqual(
      Object.fromEntries([...rows].filter(([title]) => title !== 'rule')),
    );
  });

  it('each rule that reports has trigger streams below', () => {
    const reporting = firing(detect(CASES.flatMap((c) => c.events())));
    expect(Object.keys(TRIGGERS).sort()).toEqual(reporting);
  });

  it.each(CASES)('$title fires on $stream', ({ title, events }) => {
    expect(firing(detect(byTime(events())))).toContain(title);
  });

  it('stay quiet on ten minutes of pgbench, the lab trickle, RDS monitoring and the service users at work', () => {
    const benign = benignStream(10);
    expect(benign.length).toBeGreaterThan(10_000);
    expect(firing(detect(benign))).toEqual([]);
  });

  it('stay quiet on a successful login as often as a burst counts, on every engine', () => {
    const logins = [
      ...spaced(10, 5, (at) => mysql(at, { command: 'CONNECT', commandText: '', dbUserName: 'app', remoteHost: '10.0.2.9', exitCode: '0' })),
      ...spaced(10, 5, (at) => oracle(at, { command: 'LOGON', commandText: null, dbUserName: 'APP', remoteHost: '10.0.4.4', exitCode: 0 })),
      ...spaced(10, 5, (at) => mssql(at, { command: 'LOGIN SUCCEEDED', commandText: '', dbUserName: 'app', remoteHost: '10.0.3.4', exitCode: 1 })),
    ];
    expect(firing(detect(byTime(logins)))).toEqual([]);
  });

  it('an engine-specific rule leaves the other engines alone', () => {
    const grantDbaOnMysql = [mysql(0, { commandText: 'GRANT DBA TO intruder', dbUserName: 'admin' })];
    expect(firing(detect(grantDbaOnMysql))).not.toContain('Oracle user granted DBA or system privileges');
    const auditOffOnPostgres = [{ ...(labAttack('destructive-ddl')[0] as DasEvent), commandText: 'ALTER SERVER AUDIT [DAS] WITH (STATE = OFF)' }];
    expect(firing(detect(auditOffOnPostgres))).not.toContain('SQL Server audit turned off or dropped');
  });

  it('a new source is reported only after a day of watching, once, and never for a service user or a refused login', () => {
    const day = aDayOfLogins();
    const intruder = labAttack('new-source')[0] as DasEvent;
    const early = [...day.slice(0, 10), later(intruder, 4 * 3600), later(intruder, 25 * 3600)];
    expect(firing(detect(early))).toEqual([]);
    const noise = [
      later({ ...intruder, dbUserName: 'rdsadmin' }, 25 * 3600),
      later({ ...intruder, command: 'AUTH FAILURE', exitCode: '28P01', errorMessage: 'password authentication failed for user "app_owner"' }, 25 * 3600),
    ];
    expect(firing(detect([...day, ...noise]))).toEqual([]);
    const twice = detect([...day, later(intruder, 25 * 3600), later(intruder, 26 * 3600)]);
    expect(twice.filter((finding) => finding.rule.title === 'Database user connected from a source not seen before')).toHaveLength(1);
  });

  it('a burst one short of the threshold, or spread past the window, is no burst', () => {
    const refused = (at: number) => ({
      ...(labAttack('failed-login-burst')[0] as DasEvent),
      logTime: `2026-11-25 12:${String(Math.floor(at / 60)).padStart(2, '0')}:${String(at % 60).padStart(2, '0')}.000000+00`,
    });
    const seven = [0, 10, 20, 30, 40, 50, 60].map(refused);
    const spread = [0, 20, 40, 60, 80, 100, 121, 142].map(refused);
    expect(firing(detect(seven))).toEqual([]);
    expect(firing(detect(spread))).toEqual([]);
  });
});

/** An Aurora PostgreSQL statement, as the lab makes them, with these fields. */
const pg = (fields: Partial<DasEvent>): DasEvent => ({ ...(labAttack('destructive-ddl')[0] as DasEvent), class: 'MISC', command: 'UNKNOWN', ...fields });

/** What an outside attacker tried against the rules: each must fire (or, for a benign statement, stay quiet). */
const ATTACKER: Array<{ title: string; stream: string; events: () => DasEvent[]; fires: boolean }> = [
  // Service users are each engine's own, in its own case.
  ...[
    ['"RDSADMIN" on PostgreSQL', pg({ commandText: 'DROP TABLE accounts', dbUserName: 'RDSADMIN' })],
    ['rdssec on PostgreSQL', pg({ commandText: 'DROP TABLE accounts', dbUserName: 'rdssec' })],
    ['rdsa on PostgreSQL', pg({ commandText: 'DROP TABLE accounts', dbUserName: 'rdsa' })],
    ['rdsa on MySQL', mysql(0, { commandText: 'DROP TABLE accounts', dbUserName: 'rdsa' })],
    ['RdsAdmin on MySQL', mysql(0, { commandText: 'DROP TABLE accounts', dbUserName: 'RdsAdmin' })],
    ['a quoted "rdsadmin" on Oracle', oracle(0, { command: 'DROP TABLE', commandText: 'DROP TABLE accounts', dbUserName: 'rdsadmin' })],
    ['rdsproxyadmin on Oracle', oracle(0, { command: 'DROP TABLE', commandText: 'DROP TABLE accounts', dbUserName: 'rdsproxyadmin' })],
    ['rdsadmin on SQL Server', mssql(0, { command: 'DROP TABLE', commandText: 'DROP TABLE accounts', dbUserName: 'rdsadmin' })],
  ].map(([stream, event]) => ({
    title: 'Table, schema or database dropped or truncated',
    stream: `DROP TABLE by ${stream as string}`,
    events: () => [event as DasEvent],
    fires: true,
  })),
  {
    title: 'PostgreSQL role given superuser or administrative rights',
    stream: 'by "RDSADMIN"',
    events: () => [pg({ commandText: 'ALTER ROLE bob SUPERUSER', dbUserName: 'RDSADMIN' })],
    fires: true,
  },
  {
    title: 'Oracle user granted DBA or system privileges',
    stream: 'by "rdssec"',
    events: () => [oracle(0, { command: 'GRANT', commandText: 'GRANT DBA TO x', dbUserName: 'rdssec' })],
    fires: true,
  },
  {
    title: 'Table, schema or database dropped or truncated',
    stream: 'by RDSA on SQL Server (logins without case)',
    events: () => [mssql(0, { command: 'DROP TABLE', commandText: 'DROP TABLE t', dbUserName: 'RDSA' })],
    fires: false,
  },
  // Single statements written to slip past a pattern anchored at the start or stopped at a `;`.
  ...(
    [
      ['PostgreSQL role given superuser or administrative rights', '/**/ALTER ROLE bob SUPERUSER'],
      ['PostgreSQL role given superuser or administrative rights', "ALTER ROLE bob PASSWORD 'a;b' SUPERUSER"],
      ['PostgreSQL role given superuser or administrative rights', "CREATE ROLE evil LOGIN PASSWORD 'x' IN ROLE rds_superuser"],
      ['PostgreSQL role given superuser or administrative rights', 'ALTER GROUP rds_superuser ADD USER evil'],
      ['PostgreSQL role given superuser or administrative rights', "DO $$BEGIN EXECUTE 'ALTER ROLE bob SUPERUSER'; END$$"],
      ['PostgreSQL role given superuser or administrative rights', 'ALTER/**/ROLE bob/* x */SUPERUSER'],
      ['PostgreSQL audit or logging settings changed', `SET "pgaudit.log" = 'none'`],
      ['PostgreSQL audit or logging settings changed', "SELECT set_config(E'pgaudit.log', 'none', false)"],
      ['PostgreSQL audit or logging settings changed', "UPDATE pg_settings SET setting='none' WHERE name='pgaudit.log'"],
      ['PostgreSQL audit or logging settings changed', "/* c */ SET/**/pgaudit.log = 'none'"],
      ['Database server made to run a program or reach its files', `SELECT pg_catalog."pg_read_file"('/etc/passwd')`],
      ['Database server made to run a program or reach its files', "SELECT pg_read_file/**/('/etc/passwd')"],
      ['Database server made to run a program or reach its files', "COPY t FROM '/etc/passwd'"],
      ['Database server made to run a program or reach its files', "COPY t TO E'/tmp/x'"],
      ['Database server made to run a program or reach its files', "SELECT pg_stat_file('/etc/passwd')"],
      ['Table, schema or database dropped or truncated', '/* c */ DROP TABLE t'],
      ['Table, schema or database dropped or truncated', 'DROP MATERIALIZED VIEW mv; DROP TABLE t'],
    ] as const
  ).map(([title, commandText]) => ({ title, stream: `PostgreSQL ${commandText}`, events: () => [pg({ commandText })], fires: true })),
  ...(
    [
      ['Table, schema or database dropped or truncated', '/*!40000 DROP TABLE t */'],
      ['Table, schema or database dropped or truncated', 'DROP/**/TABLE t'],
      ['Database server made to run a program or reach its files', "LOAD XML INFILE '/etc/passwd' INTO TABLE t"],
      ['MySQL audit or general log settings changed', 'SET GLOBAL/**/server_audit_logging=OFF'],
      ['MySQL audit or general log settings changed', 'SET @@global.server_audit_logging = OFF'],
      ['MySQL user granted all privileges or administrative rights', "/* c */ GRANT ALL ON *.* TO 'a;b'@'%'"],
    ] as const
  ).map(([title, commandText]) => ({ title, stream: `MySQL ${commandText}`, events: () => [mysql(0, { commandText, dbUserName: 'admin' })], fires: true })),
  {
    title: 'Oracle auditing disabled or its trail purged',
    stream: 'DELETE FROM "SYS"."AUD$"',
    events: () => [oracle(0, { command: 'DELETE', commandText: 'DELETE FROM "SYS"."AUD$"', dbUserName: 'ADMIN' })],
    fires: true,
  },
  // What must stay quiet: a string that names a function, pgbench's own truncation, a column named log_something.
  ...(
    [
      ['Database server made to run a program or reach its files', "SELECT 'pg_read_file(' AS doc", {}],
      ['Database server made to run a program or reach its files', 'COPY pgbench_accounts FROM STDIN', {}],
      ['PostgreSQL audit or logging settings changed', 'UPDATE jobs SET log_level = 2 WHERE id = 1', {}],
      [
        'Table, schema or database dropped or truncated',
        'truncate pgbench_history',
        { dbUserName: 'pgbench', clientApplication: 'pgbench', class: 'DDL', command: 'TRUNCATE TABLE' },
      ],
    ] as const
  ).map(([title, commandText, fields]) => ({ title, stream: `PostgreSQL ${commandText}`, events: () => [pg({ commandText, ...fields })], fires: false })),
  {
    title: 'Table, schema or database dropped or truncated',
    stream: "pgbench's truncation with a drop after it",
    events: () => [
      pg({
        commandText: 'truncate pgbench_history; DROP TABLE accounts',
        dbUserName: 'pgbench',
        clientApplication: 'pgbench',
        class: 'DDL',
        command: 'TRUNCATE TABLE',
      }),
    ],
    fires: true,
  },
  {
    title: 'Table, schema or database dropped or truncated',
    stream: 'by RDSADMIN on Oracle',
    events: () => [oracle(0, { command: 'DROP TABLE', commandText: 'DROP TABLE t', dbUserName: 'RDSADMIN' })],
    fires: false,
  },
];

describe('the built-in rules against an attacker', () => {
  it("a flood of one-event groups does not push a group near its threshold out of the Lambda's state", () => {
    const refused = labAttack('failed-login-burst')[0] as DasEvent;
    const admin = (at: number) => later({ ...refused, dbUserName: 'admin', remoteHost: '203.0.113.9' }, at);
    const flood = Array.from({ length: 600 }, (_, n) =>
      later({ ...refused, dbUserName: `u${n}`, remoteHost: `198.18.${n >> 8}.${n & 255}` }, 7 + Math.floor(n / 10)),
    );
    const batches = [[0, 1, 2, 3, 4, 5, 6].map(admin), flood, [67, 68, 69, 70, 71, 72, 73].map(admin)];
    // As the Lambda runs: each batch by a new detector that takes the last one's state.
    let state: unknown;
    let leftOut = 0;
    const findings: Finding[] = [];
    for (const [n, batch] of batches.entries()) {
      const detector = createDetector(rules);
      if (state !== undefined) detector.importState(state);
      for (const [at, event] of batch.entries())
        findings.push(...detector.observe({ event, eventId: `shardId-000000000000:4959${n}${at}:0`, clusterId: 'cluster-LAB', instanceId: 'db-LAB' }));
      state = JSON.parse(JSON.stringify(detector.exportState()));
      leftOut += detector.stats.groupsLeftOutOfState;
    }
    expect(leftOut).toBeGreaterThan(0); // the flood is past the bound: the test is of what the bound keeps
    expect(findings.filter((finding) => finding.group?.dbUserName === 'admin').map((finding) => finding.rule.title)).toContain(
      'Burst of refused logins for one database user',
    );
  });

  it('a flood of one-event groups past MAX_GROUPS does not push a group near its threshold out of memory', () => {
    const refused = labAttack('failed-login-burst')[0] as DasEvent;
    const admin = (at: number) => later({ ...refused, dbUserName: 'admin', remoteHost: '203.0.113.9' }, at);
    const flood = Array.from({ length: MAX_GROUPS + 50 }, (_, n) =>
      later({ ...refused, dbUserName: `u${n}`, remoteHost: `198.18.${n >> 8}.${n & 255}` }, 7 + Math.floor(n / 100)),
    );
    const findings = detect([...[0, 1, 2, 3, 4, 5, 6].map(admin), ...flood, admin(110)]);
    expect(findings.filter((finding) => finding.group?.dbUserName === 'admin').map((finding) => finding.rule.title)).toContain(
      'Burst of refused logins for one database user',
    );
  });

  it('SQL Server failed logins split across case (sa, SA, Sa) are three users: a known limit, written in the docs', () => {
    const hosts = ['198.51.100.21', '198.51.100.22', '198.51.100.23'];
    const split = spaced(12, 1, (at, n) =>
      mssql(at, {
        command: 'LOGIN FAILED',
        commandText: '',
        dbUserName: ['sa', 'SA', 'Sa'][n % 3] as string,
        remoteHost: hosts[Math.floor(n / 4)] as string,
        exitCode: 0,
      }),
    );
    expect(firing(detect(split))).toEqual([]);
    const docs = readFileSync(fileURLToPath(new URL('../../docs/builtin-rules.md', import.meta.url)), 'utf8');
    expect(docs).toMatch(/no case-folding group-by[^.]*SQL Server's logins\s+compare without case/);
  });

  it('a known IPv4 source seen as IPv4-mapped IPv6 (::ffff:10.0.1.30) is no new source', () => {
    const intruder = labAttack('new-source')[0] as DasEvent;
    const mapped = later({ ...intruder, remoteHost: '::FFFF:10.0.1.30' }, 25 * 3600);
    expect(firing(detect([...aDayOfLogins(), mapped]))).toEqual([]);
    const other = later({ ...intruder, remoteHost: '::ffff:10.0.1.31' }, 25 * 3600);
    expect(firing(detect([...aDayOfLogins(), other]))).toEqual(['Database user connected from a source not seen before']);
  });

  it.each(ATTACKER)('$title: $stream (fires: $fires)', ({ title, events, fires }) => {
    const found = firing(detect(events()));
    if (fires) expect(found).toContain(title);
    else expect(found).not.toContain(title);
  });
});
