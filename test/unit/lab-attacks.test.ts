import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isFailure, UsageError, type DasEvent } from '../../src/index.js';
import { SyntheticPgbench, type PostgresServer } from '../../lab/src/pgbench-synthetic.js';
import { Trickle, TRICKLE } from '../../lab/src/app-activity.js';
import { ATTACK_NAMES, attackEvents, attackNamed, INTRUDER_HOST, SPRAYED_USERS } from '../../lab/src/attacks.js';
import { LabActivity, UnknownAttackError } from '../../lab/src/lab-activity.js';
import { AuditLogConverter } from '../../lab/src/postgres/audit-log.js';
import { ATTACK_SCENARIOS, attackLine, attackScenarios } from '../../src/commands/lab/lab-attack.js';
import { SAMPLES_DIR } from '../helpers/samples.js';

const server: PostgresServer = { serverHost: '10.0.1.5', serverVersion: '15.4', databaseName: 'postgres', dbUserName: 'postgres' };
const START = Date.UTC(2026, 10, 25, 12) * 1000;
const sample = (
  JSON.parse(readFileSync(join(SAMPLES_DIR, 'apg-01-connect-v1.1.json'), 'utf8')) as {
    databaseActivityEvents: { databaseActivityEventList: Record<string, unknown>[] };
  }
).databaseActivityEvents.databaseActivityEventList[0] as Record<string, unknown>;
const seconds = (event: DasEvent) => Date.parse(`${String(event.logTime).slice(0, 19).replace(' ', 'T')}Z`) / 1000;
const scenario = (name: string) => attackEvents(server, attackNamed(name) ?? expect.fail(name), START);

describe("the lab's trickle beside pgbench", () => {
  const trickle = new Trickle(server, 5_000_000);
  trickle.eventsUntil(START);
  const tenMinutes = trickle.eventsUntil(START + 600_000_000);

  it('is a step every 5 seconds, each with the fields of an Aurora PostgreSQL event', () => {
    expect(tenMinutes).toHaveLength(120);
    for (const event of tenMinutes) expect(Object.keys(event).sort()).toEqual(Object.keys(sample).sort());
  });

  it('holds DDL, failed statements, refused logins and role changes, as --class and --errors-only see them', () => {
    expect(tenMinutes.filter((event) => event.class === 'DDL').length).toBeGreaterThan(20);
    expect(tenMinutes.filter((event) => event.class === 'ROLE').length).toBeGreaterThan(20);
    const failed = tenMinutes.filter((event) => isFailure(event));
    expect(failed.filter((event) => event.command === 'AUTH FAILURE' && event.exitCode === '28P01').length).toBeGreaterThan(10);
    expect(failed.filter((event) => event.commandText !== null && /^[0-9A-Z]{5}$/.test(String(event.exitCode))).length).toBeGreaterThan(20);
    expect(failed.every((event) => typeof event.errorMessage === 'string' && event.errorMessage !== '')).toBe(true);
  });

  it('never refuses one user or one host as often as a burst rule counts (8 in 2 minutes)', () => {
    const refused = tenMinutes.filter((event) => event.command === 'AUTH FAILURE').map(seconds);
    for (const at of refused) expect(refused.filter((t) => t >= at && t < at + 120).length).toBeLessThan(8);
    expect(TRICKLE.filter(({ step }) => step.command === 'AUTH FAILURE')).toHaveLength(1);
  });
});

describe('the attack scenarios', () => {
  it('are the ones `das-read lab --attack` names', () => {
    expect([...ATTACK_SCENARIOS]).toEqual([...ATTACK_NAMES]);
    expect(attackScenarios('all')).toEqual(ATTACK_SCENARIOS);
    expect(attackScenarios('bulk-read')).toEqual(['bulk-read']);
    expect(() => attackScenarios('bulk-reads')).toThrow(UsageError);
  });

  it('each come from the intruder host, with the fields of an Aurora PostgreSQL event', () => {
    for (const name of ATTACK_NAMES) {
      const events = scenario(name);
      expect(events.length, name).toBeGreaterThan(0);
      for (const event of events) {
        expect(Object.keys(event).sort()).toEqual(Object.keys(sample).sort());
        expect(event.remoteHost).toBe(INTRUDER_HOST);
      }
    }
  });

  it('failed-login-burst: 8 or more refused logins of one user within 2 minutes', () => {
    const events = scenario('failed-login-burst');
    expect(new Set(events.map((event) => event.dbUserName))).toEqual(new Set(['app_owner']));
    expect(events.filter((event) => event.command === 'AUTH FAILURE' && isFailure(event)).length).toBeGreaterThanOrEqual(8);
    expect(seconds(events.at(-1) as DasEvent) - seconds(events[0] as DasEvent)).toBeLessThan(120);
  });

  it('password-spray: one host refused as many users, one try each', () => {
    const events = scenario('password-spray');
    expect(events.map((event) => event.dbUserName)).toEqual(SPRAYED_USERS);
    expect(events.every((event) => event.command === 'AUTH FAILURE')).toBe(true);
    expect(seconds(events.at(-1) as DasEvent) - seconds(events[0] as DasEvent)).toBeLessThan(600);
  });

  it('the statement scenarios say what they do in their SQL', () => {
    const sql = (name: string) => scenario(name).map((event) => String(event.commandText));
    expect(sql('privilege-escalation').join('\n')).toMatch(/SUPERUSER[\s\S]*GRANT rds_superuser/);
    expect(sql('audit-tampering').join('\n')).toMatch(/ALTER SYSTEM SET pgaudit\.log[\s\S]*log_statement/);
    expect(sql('destructive-ddl').join('\n')).toMatch(/TRUNCATE[\s\S]*DROP TABLE[\s\S]*DROP SCHEMA/);
    expect(sql('server-file-access').join('\n')).toMatch(/TO PROGRAM[\s\S]*pg_read_file[\s\S]*lo_import/);
    expect(scenario('bulk-read').map((event) => event.rowCount)).toEqual([100_000]);
    const catalog = scenario('catalog-enumeration');
    expect(catalog.filter((event) => /information_schema|pg_catalog/.test(String(event.commandText))).length).toBeGreaterThanOrEqual(30);
    expect(seconds(catalog.at(-1) as DasEvent) - seconds(catalog[0] as DasEvent)).toBeLessThan(60);
    expect(scenario('new-source').map((event) => [event.command, event.dbUserName])).toEqual([['CONNECT', 'app_owner']]);
  });
});

describe('the lab activity: load, trickle and attacks on request', () => {
  it('hands each attack event over once its time has come, in time order with the load', async () => {
    let nowMs = START / 1000;
    const load = new SyntheticPgbench(server, { transactionsPerSecond: 20, startMicros: START, random: () => 0.5 });
    const activity = new LabActivity(server, load, new Trickle(server, 5_000_000), () => nowMs);
    await activity.eventsUntil(START);
    const report = await activity.attack('failed-login-burst');
    expect(report).toMatchObject({ scenario: 'failed-login-burst', events: 10, real: false });
    const firstSecond = await activity.eventsUntil(START + 1_000_000);
    expect(firstSecond.filter((event) => event.command === 'AUTH FAILURE')).toHaveLength(1);
    nowMs += 60_000;
    const minute = await activity.eventsUntil(START + 60_000_000);
    expect(minute.filter((event) => event.command === 'AUTH FAILURE' && event.dbUserName === 'app_owner')).toHaveLength(9);
    const times = [...firstSecond, ...minute].map((event) => String(event.startTime));
    expect(times).toEqual([...times].sort());
    expect(minute.some((event) => event.clientApplication === 'pgbench')).toBe(true);
    expect(minute.some((event) => event.class === 'DDL')).toBe(true);
  });

  it('refuses a scenario it does not know, naming the ones it does', async () => {
    const activity = new LabActivity(server, new SyntheticPgbench(server, {}), undefined);
    await expect(activity.attack('drop-everything')).rejects.toThrow(UnknownAttackError);
    await expect(activity.attack('drop-everything')).rejects.toThrow(/password-spray/);
  });
});

describe("the --postgres path's audit trail, as Aurora reports it", () => {
  const line = (fields: Record<string, unknown>) =>
    JSON.stringify({
      timestamp: '2026-12-07 08:46:51.542 UTC',
      dbname: 'postgres',
      remote_host: '127.0.0.1',
      remote_port: 52050,
      backend_type: 'client backend',
      ...fields,
    });

  it('a refused password is an AUTH FAILURE with its SQLSTATE and message', () => {
    const [event] = new AuditLogConverter(server).convert([
      line({
        user: 'app_owner',
        pid: 732,
        session_id: '6b16727b.2dc',
        ps: 'authentication',
        error_severity: 'FATAL',
        state_code: '28P01',
        message: 'password authentication failed for user "app_owner"',
      }),
    ]);
    expect(event).toMatchObject({ command: 'AUTH FAILURE', class: 'MISC', dbUserName: 'app_owner', exitCode: '28P01', remoteHost: '127.0.0.1' });
    expect(isFailure(event as DasEvent)).toBe(true);
  });

  it("pgaudit's rows (pgaudit.log_rows) become the rowCount", () => {
    const [event] = new AuditLogConverter(server).convert([
      line({
        user: 'app_owner',
        pid: 740,
        session_id: '6b16727b.2e4',
        error_severity: 'LOG',
        message: 'AUDIT: SESSION,1,1,READ,SELECT,TABLE,public.pgbench_accounts,SELECT * FROM pgbench_accounts,<none>,100000',
      }),
    ]);
    expect(event).toMatchObject({ command: 'SELECT', rowCount: 100_000, objectName: 'public.pgbench_accounts', commandText: 'SELECT * FROM pgbench_accounts' });
  });
});

describe("what `das-read lab --attack` prints of the lab's answer", () => {
  // Whatever listens on the port answers: its words are shown as data, never acted on by the terminal.
  it('shows control characters written out, one line a scenario', () => {
    const line = attackLine({ scenario: 'bulk-read\u001b]0;owned\u0007', summary: 'rows\nread', events: 1, real: false, note: '\u202edesrever' });
    expect([...line].filter((character) => character.charCodeAt(0) < 0x20 || character === '\u202e')).toEqual([]);
    expect(line).toContain('\\e]0;owned\\x07');
    expect(line).toContain('rows\\nread');
  });
});
