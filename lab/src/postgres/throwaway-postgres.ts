import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UserError } from 'das-read';
import { freePort } from '../http.js';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';
const PGAUDIT = '/usr/lib/postgresql/15/lib/pgaudit.so';

export const POSTGRES_PACKAGES = 'postgresql-15 postgresql-15-pgaudit';

export interface ThrowawayPostgres {
  host: string;
  port: number;
  user: string;
  database: string;
  /** The jsonlog file with pgaudit's lines. */
  logFile: string;
  /** The data directory: where the server's own files are (server-side paths in the lab's attacks). */
  dataDir: string;
  /** The folder of its Unix socket: a connection through it comes from `[local]`. */
  socketDir: string;
  /** Runs one of PostgreSQL's client programs (pgbench, psql) against it; `env` overrides PGUSER, PGHOST, PGPASSWORD… */
  spawnClient(program: string, args: string[], env?: Record<string, string>): ChildProcess;
  stop(): Promise<void>;
}

/** The programs and the extension --postgres runs that this machine lacks. */
export function missingPostgresParts(): string[] {
  return [join(BIN, 'initdb'), join(BIN, 'pg_ctl'), join(BIN, 'pgbench'), PGAUDIT].filter((needed) => !existsSync(needed));
}

/**
 * A PostgreSQL 15 of our own in a temp folder, audited by pgaudit and logging JSON:
 * the closest thing to Aurora's activity stream a laptop can run. Stopped and removed
 * with everything in it by stop().
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const [needed] = missingPostgresParts();
  if (needed !== undefined) {
    throw new UserError(
      `--postgres needs PostgreSQL 15 with pgaudit and pgbench: ${needed} is missing`,
      undefined,
      `On Debian or Ubuntu: sudo apt-get install ${POSTGRES_PACKAGES}`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'das-read-postgres-'));
  // PostgreSQL refuses to run as root: then it runs as the postgres user the package created.
  const asRoot = userInfo().uid === 0;
  const wrap = (program: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args]);
  const data = join(dir, 'data');
  const port = await freePort();
  try {
    if (asRoot) {
      const { uid, gid } = postgresIds();
      await chown(dir, uid, gid);
    }
    await run(...wrap(join(BIN, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']));
    await appendFile(
      join(data, 'postgresql.conf'),
      [
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${dir}'`,
        "shared_preload_libraries = 'pgaudit'",
        "pgaudit.log = 'all'",
        'pgaudit.log_parameter = on',
        'pgaudit.log_relation = on',
        'pgaudit.log_catalog = off',
        'pgaudit.log_client = off',
        'pgaudit.log_rows = on',
        "log_destination = 'jsonlog'",
        'logging_collector = on',
        `log_directory = '${join(dir, 'log')}'`,
        "log_filename = 'postgresql.log'",
        'log_rotation_age = 0',
        'log_rotation_size = 0',
        'log_connections = on',
        'log_disconnections = on',
        'fsync = off',
        '',
      ].join('\n'),
    );
    // Only postgres (pgbench's user) logs in without a password over TCP: the lab's other users give one,
    // so a wrong one is refused as on Aurora. The Unix socket stays trusted.
    const hba = join(data, 'pg_hba.conf');
    await writeFile(hba, `host all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n${await readFile(hba, 'utf8')}`);
    await run(...wrap(join(BIN, 'pg_ctl'), ['-D', data, '-l', join(dir, 'startup.log'), '-w', 'start']));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new UserError(`the throwaway PostgreSQL did not start: ${(error as Error).message.split('\n')[0]}`, undefined, undefined, { cause: error });
  }
  const clients = new Set<ChildProcess>();
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    logFile: join(dir, 'log', 'postgresql.json'),
    dataDir: data,
    socketDir: dir,
    spawnClient(program, args, env = {}) {
      const child = spawn(join(BIN, program), args, {
        env: { PATH: '/usr/bin:/bin', PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'postgres', PGDATABASE: 'postgres', ...env },
        stdio: 'ignore',
      });
      clients.add(child);
      child.on('exit', () => clients.delete(child));
      return child;
    },
    async stop() {
      for (const child of clients) child.kill('SIGTERM');
      await run(...wrap(join(BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'])).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// The uid and gid of the postgres user, from /etc/passwd.
function postgresIds(): { uid: number; gid: number } {
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    // Reported below as a missing user.
  }
  const line = /^postgres:[^:]*:(\d+):(\d+):/m.exec(passwd);
  if (!line) throw new UserError('running as root, --postgres needs the postgres user (from the postgresql package)');
  return { uid: Number(line[1]), gid: Number(line[2]) };
}
