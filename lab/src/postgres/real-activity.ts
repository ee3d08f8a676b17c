import { TRICKLE, APP_OWNER, ANALYST } from '../app-activity.js';
import { SPRAYED_USERS } from '../attacks.js';
import type { ThrowawayPostgres } from './throwaway-postgres.js';

/** The password of the lab's users on its throwaway PostgreSQL (nothing to protect: the server lives on loopback for the run). */
const PASSWORD = 'lab';
const WRONG = 'guess';

/** One psql run: as whom, how it connects, the statements (each its own transaction, in one session). */
export interface PsqlRun {
  afterMs: number;
  user: string;
  password: string;
  /** Through the Unix socket: the connection comes from `[local]`, a source the lab's users never use. */
  socket?: boolean;
  sql: string[];
}

/** What the lab's users need before the load starts: not part of the stream (it starts after them). */
export const SETUP_SQL = [
  `CREATE ROLE ${APP_OWNER.dbUserName} LOGIN CREATEROLE PASSWORD '${PASSWORD}'`,
  `CREATE ROLE ${ANALYST.dbUserName} LOGIN PASSWORD '${PASSWORD}'`,
  `GRANT SELECT ON pgbench_accounts, pgbench_history TO ${APP_OWNER.dbUserName}`,
  `GRANT CREATE ON SCHEMA public TO ${APP_OWNER.dbUserName}`,
];

/** The trickle's steps, run for real: the refused login with a wrong password, the rest as written. */
export function trickleRun(step: number): PsqlRun {
  const { actor, step: what } = TRICKLE[step % TRICKLE.length] as (typeof TRICKLE)[number];
  if (what.command === 'AUTH FAILURE') return { afterMs: 0, user: actor.dbUserName, password: WRONG, sql: ['SELECT 1'] };
  return { afterMs: 0, user: actor.dbUserName, password: PASSWORD, sql: [what.commandText ?? 'SELECT 1'] };
}

const every = (ms: number, runs: Array<Omit<PsqlRun, 'afterMs'>>): PsqlRun[] => runs.map((run, n) => ({ ...run, afterMs: n * ms }));
const owner = (...sql: string[]) => ({ user: APP_OWNER.dbUserName, password: PASSWORD, sql });
const superuser = (...sql: string[]) => ({ user: 'postgres', password: '', sql });

/**
 * Each attack scenario as statements a real PostgreSQL runs, made safe for a throwaway server: what is
 * dropped is a scratch table made for it, the program COPY runs is `cat > /dev/null`, the files read are the
 * server's own PG_VERSION, ALTER SYSTEM is undone before anything reloads the configuration.
 */
export function realAttack(name: string, postgres: ThrowawayPostgres): PsqlRun[] | undefined {
  const versionFile = `${postgres.dataDir}/PG_VERSION`;
  switch (name) {
    case 'failed-login-burst':
      return every(
        1_000,
        Array.from({ length: 10 }, () => ({ user: APP_OWNER.dbUserName, password: WRONG, sql: ['SELECT 1'] })),
      );
    case 'password-spray':
      return every(
        1_000,
        SPRAYED_USERS.map((user) => ({ user, password: WRONG, sql: ['SELECT 1'] })),
      );
    case 'privilege-escalation':
      return every(500, [
        superuser("CREATE ROLE maint_svc WITH LOGIN SUPERUSER PASSWORD 'x'"),
        superuser(`ALTER ROLE ${APP_OWNER.dbUserName} WITH SUPERUSER CREATEROLE`),
        superuser(`GRANT pg_read_server_files TO ${APP_OWNER.dbUserName}`),
      ]);
    case 'audit-tampering':
      // The session's SET comes last: after it, that session is no longer audited.
      return every(500, [
        superuser("ALTER SYSTEM SET pgaudit.log = 'none'", 'ALTER SYSTEM RESET pgaudit.log', "SET log_statement = 'none'", "SET pgaudit.log = 'none'"),
      ]);
    case 'destructive-ddl':
      return every(500, [
        owner('CREATE TABLE IF NOT EXISTS scratch_orders (id int)', 'TRUNCATE scratch_orders', 'DROP TABLE scratch_orders'),
        owner('CREATE SCHEMA IF NOT EXISTS scratch_reporting', 'DROP SCHEMA scratch_reporting CASCADE'),
      ]);
    case 'server-file-access':
      return every(500, [
        superuser("COPY (SELECT 'lab') TO PROGRAM 'cat > /dev/null'", `SELECT pg_read_file('${versionFile}')`, `SELECT lo_unlink(lo_import('${versionFile}'))`),
      ]);
    case 'bulk-read':
      return [{ afterMs: 0, ...owner('SELECT * FROM pgbench_accounts') }];
    case 'catalog-enumeration':
      // pgaudit leaves out statements that read only pg_catalog (pgaudit.log_catalog = off): information_schema it logs.
      return every(300, [
        owner(
          ...Array.from(
            { length: 30 },
            (_, n) =>
              [
                'SELECT table_schema, table_name FROM information_schema.tables',
                'SELECT table_name, column_name FROM information_schema.columns',
                'SELECT grantee, table_name, privilege_type FROM information_schema.role_table_grants',
              ][n % 3] as string,
          ),
        ),
      ]);
    case 'new-source':
      return [{ afterMs: 0, ...owner('SELECT 1'), socket: true }];
    default:
      return undefined;
  }
}

/** Runs psql once and waits for it: its statements' failures are the activity, not the lab's. */
export function runPsql(postgres: ThrowawayPostgres, run: PsqlRun): Promise<void> {
  const args = ['-X', '-q', ...run.sql.flatMap((sql) => ['-c', sql])];
  const env: Record<string, string> = { PGUSER: run.user, PGAPPNAME: 'psql', ...(run.password ? { PGPASSWORD: run.password } : {}) };
  if (run.socket) env.PGHOST = postgres.socketDir;
  const child = postgres.spawnClient('psql', args, env);
  return new Promise((resolve) => {
    child.on('exit', () => resolve());
    child.on('error', () => resolve());
  });
}

/** How many events a run makes, about: one a statement, or a refused login. */
export function runEvents(runs: readonly PsqlRun[]): number {
  return runs.reduce((sum, run) => sum + (run.password === WRONG ? 1 : run.sql.length), 0);
}
