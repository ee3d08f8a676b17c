import type { DasEvent } from '../../src/decode/types.js';
import { SyntheticPgbench, rdsadminEvent, type PostgresServer } from '../../lab/src/pgbench-synthetic.js';
import { Trickle } from '../../lab/src/app-activity.js';
import { attackEvents, attackNamed } from '../../lab/src/attacks.js';
import { dasTime } from '../../lab/src/das-time.js';
import { loadSamples } from './samples.js';

/**
 * The streams the built-in rules are tried on (test/unit/builtin-rules.test.ts, the bench): for each rule,
 * events that must trigger it; for all of them, a day's ordinary load that must not.
 */
export const SERVER: PostgresServer = { serverHost: '10.0.1.5', serverVersion: '15.4', databaseName: 'postgres', dbUserName: 'postgres' };
export const START_MICROS = Date.UTC(2026, 10, 25, 12) * 1000;

const sampleEvent = (file: string): DasEvent => {
  const sample = loadSamples().find((candidate) => candidate.file === file);
  const event = sample?.record.databaseActivityEventList[0];
  if (!event) throw new Error(`no sample ${file}`);
  return event;
};

// Each engine's own shape, from AWS's published samples, with the fields a scenario changes.
const MYSQL = sampleEvent('ams-04-select-main.json');
const MSSQL = sampleEvent('mss-03-select.json');
const ORACLE = sampleEvent('ora-03-select.json');

/** Times as each engine writes them: Aurora's with +00, Oracle's without a zone, SQL Server's with seven digits. */
function timeOf(template: DasEvent, micros: number): string {
  const aurora = dasTime(micros);
  if (template.serverType === 'oracle') return aurora.slice(0, -3);
  if (template.serverType === 'SQLSERVER') return aurora.replace('+00', '0+00');
  return aurora;
}

/** An event of the template's engine at `atSeconds` after the start, with these fields. */
export function engineEvent(template: DasEvent, atSeconds: number, fields: Partial<DasEvent>): DasEvent {
  const time = timeOf(template, START_MICROS + atSeconds * 1_000_000);
  // AWS's Oracle sample is printed without its type: every activity event is a record.
  return { ...template, type: 'record', logTime: time, ...(template.startTime === null ? {} : { startTime: time }), ...fields };
}

export const mysql = (atSeconds: number, fields: Partial<DasEvent>) => engineEvent(MYSQL, atSeconds, fields);
export const mssql = (atSeconds: number, fields: Partial<DasEvent>) => engineEvent(MSSQL, atSeconds, fields);
export const oracle = (atSeconds: number, fields: Partial<DasEvent>) => engineEvent(ORACLE, atSeconds, fields);

/** The lab's attack scenario, as its events, from the start. */
export const labAttack = (name: string): DasEvent[] => {
  const scenario = attackNamed(name);
  if (!scenario) throw new Error(`no lab scenario ${name}`);
  return attackEvents(SERVER, scenario, START_MICROS);
};

const times = (count: number, every: number) => Array.from({ length: count }, (_, n) => n * every);

/**
 * What a database sees on an ordinary day, none of which a built-in rule should report: pgbench's load and the
 * lab's trickle (DDL, failed statements, a refused login now and then, object grants), RDS's monitoring, and the
 * engines' service users doing what looks like an attack when anyone else does it.
 */
export function benignStream(minutes = 10): DasEvent[] {
  const untilMicros = START_MICROS + minutes * 60_000_000;
  const pgbench = new SyntheticPgbench(SERVER, { transactionsPerSecond: 20, startMicros: START_MICROS, random: mulberry(36) });
  const trickle = new Trickle(SERVER, 5_000_000);
  trickle.eventsUntil(START_MICROS);
  const monitoring = times(minutes * 4, 15).map((at) => rdsadminEvent(SERVER, START_MICROS + at * 1_000_000, 4_000 + at));
  const rdsadmin = (at: number, commandText: string, fields: Partial<DasEvent> = {}) => ({
    ...rdsadminEvent(SERVER, START_MICROS + at * 1_000_000, 4_500),
    commandText,
    ...fields,
  });
  const service: DasEvent[] = [
    // Aurora PostgreSQL's rdsadmin: catalog reads in a burst, settings, grants, drops.
    ...times(30, 1).map((at) => rdsadmin(at, 'SELECT datname FROM pg_catalog.pg_database')),
    rdsadmin(40, "ALTER SYSTEM SET log_min_duration_statement = '1000'", { class: 'MISC', command: 'ALTER SYSTEM' }),
    rdsadmin(41, 'GRANT rds_superuser TO postgres', { class: 'ROLE', command: 'GRANT' }),
    rdsadmin(42, 'DROP TABLE IF EXISTS rds_heartbeat2', { class: 'DDL', command: 'DROP TABLE' }),
    rdsadmin(43, 'SELECT * FROM rds_tools.role_password_encryption_type()', { rowCount: 50_000 }),
    // Aurora MySQL: a pool logging in (exit code "0" is success), rdsadmin rotating the general log.
    ...times(12, 5).map((at) => mysql(at, { command: 'CONNECT', commandText: '', dbUserName: 'app', remoteHost: '10.0.2.9', exitCode: '0' })),
    ...times(12, 5).map((at) => mysql(at, { commandText: 'SELECT id, name FROM customers WHERE id = 7', dbUserName: 'app', rowCount: 1 })),
    mysql(70, { commandText: 'TRUNCATE TABLE mysql.general_log_backup', dbUserName: 'rdsadmin' }),
    mysql(71, { commandText: 'SET GLOBAL general_log = 0', dbUserName: 'rdsadmin' }),
    mysql(72, { class: 'AUX', command: 'DROP', commandText: 'DROP TABLE tmp_import', dbUserName: 'app', objectName: 'tmp_import' }),
    // SQL Server: logins succeeding (exit code 1), rdsa managing the activity stream's own audit.
    ...times(12, 5).map((at) => mssql(at, { command: 'LOGIN SUCCEEDED', commandText: '', dbUserName: 'app', remoteHost: '10.0.3.4', exitCode: 1 })),
    mssql(80, { command: 'ALTER SERVER AUDIT', commandText: 'ALTER SERVER AUDIT [RDS_DAS_AUDIT] WITH (STATE = OFF)', dbUserName: 'rdsa' }),
    mssql(81, { command: 'EXECUTE', commandText: "EXEC sp_addsrvrolemember 'rdsa', 'sysadmin'", dbUserName: 'rdsa' }),
    // Oracle: logons succeeding (exit code 0), RDSADMIN and RDSSEC at work.
    ...times(12, 5).map((at) => oracle(at, { command: 'LOGON', commandText: null, dbUserName: 'APP', remoteHost: '10.0.4.4', exitCode: 0 })),
    oracle(90, { command: 'GRANT', commandText: 'GRANT SELECT ANY TABLE TO RDSADMIN', dbUserName: 'RDSADMIN' }),
    oracle(91, { command: 'NOAUDIT', commandText: 'NOAUDIT POLICY RDS_TMP_POLICY', dbUserName: 'RDSSEC' }),
    oracle(92, { command: 'SELECT', commandText: 'select count(*) from persons', dbUserName: 'TEST', rowCount: 9_000 }),
  ];
  return byTime([...pgbench.eventsUntil(untilMicros), ...trickle.eventsUntil(untilMicros), ...monitoring, ...service]);
}

/** In the order a stream carries them: by their own time, whatever the engine's way of writing it. */
export function byTime(events: DasEvent[]): DasEvent[] {
  const micros = (event: DasEvent) => {
    const text = String(event.logTime ?? event.startTime);
    return Date.parse(`${text.slice(0, 19).replace(' ', 'T')}Z`) * 1000 + Number(text.slice(20, 26).padEnd(6, '0'));
  };
  return events
    .map((event, n) => ({ event, n, at: micros(event) }))
    .sort((a, b) => a.at - b.at || a.n - b.n)
    .map(({ event }) => event);
}

/** A small, seeded PRNG: the same stream on every run. */
export function mulberry(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
