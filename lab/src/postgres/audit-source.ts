import { open } from 'node:fs/promises';
import type { DasEvent } from 'das-read';
import type { ActivitySource } from '../activity-emitter.js';
import type { PostgresServer } from '../pgbench-synthetic.js';
import { AuditLogConverter } from './audit-log.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.js';
import type { AttackReport } from '../lab-activity.js';
import { attackNamed } from '../attacks.js';
import { realAttack, runEvents, runPsql, SETUP_SQL, trickleRun } from './real-activity.js';

/** Follows a growing jsonlog file, handing over whole lines only. */
class LogTail {
  #offset = 0;
  #partial = '';

  constructor(private readonly path: string) {}

  async newLines(): Promise<string[]> {
    let file;
    try {
      file = await open(this.path, 'r');
    } catch {
      return [];
    }
    try {
      const { size } = await file.stat();
      if (size <= this.#offset) return [];
      const buffer = Buffer.alloc(size - this.#offset);
      await file.read(buffer, 0, buffer.length, this.#offset);
      this.#offset = size;
      const text = this.#partial + buffer.toString('utf8');
      const lines = text.split('\n');
      this.#partial = lines.pop() ?? '';
      return lines.filter((line) => line.length > 0);
    } finally {
      await file.close();
    }
  }
}

export interface PostgresLoad extends ActivitySource {
  postgres: ThrowawayPostgres;
  /** Runs the scenario through psql (lab/src/postgres/real-activity.ts): its events come back through pgaudit. */
  attack(scenario: string): Promise<AttackReport | undefined>;
  close(): Promise<void>;
}

/**
 * The real thing: pgbench (`-M prepared -c 5 -b tpcb-like@1 -b select-only@20`, as in
 * the original lab) against a throwaway PostgreSQL, whose pgaudit trail becomes the
 * events of the activity stream.
 */
export async function startPostgresLoad(server: PostgresServer, options: { transactionsPerSecond: number; trickleSeconds?: number }): Promise<PostgresLoad> {
  const postgres = await startThrowawayPostgres();
  try {
    const init = postgres.spawnClient('pgbench', ['-i', '-s', '1', '-q']);
    const code = await new Promise<number | null>((resolve) => init.on('exit', resolve));
    if (code !== 0) throw new Error(`pgbench -i exited with ${code}`);
    await runPsql(postgres, { afterMs: 0, user: 'postgres', password: '', sql: SETUP_SQL });
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  const tail = new LogTail(postgres.logFile);
  // What came before the load (initdb, pgbench -i) is not the lab's activity.
  await tail.newLines();
  const converter = new AuditLogConverter(server);
  const bench = postgres.spawnClient('pgbench', [
    '-M',
    'prepared',
    '-c',
    '5',
    '-b',
    'tpcb-like@1',
    '-b',
    'select-only@20',
    '-R',
    String(options.transactionsPerSecond),
    '-T',
    '86400',
  ]);
  // The trickle beside pgbench, for real: DDL, a failed statement, a refused login, role changes.
  let step = 0;
  let running: Promise<unknown> = Promise.resolve();
  const trickle = setInterval(
    () => {
      running = Promise.all([running, runPsql(postgres, trickleRun(step++))]);
    },
    (options.trickleSeconds ?? 5) * 1000,
  );
  return {
    postgres,
    async eventsUntil(): Promise<DasEvent[]> {
      return converter.convert(await tail.newLines());
    },
    async attack(name) {
      const runs = realAttack(name, postgres);
      const scenario = attackNamed(name);
      if (!runs || !scenario) return undefined;
      const started = Date.now();
      const all = runs.map(async (run) => {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + run.afterMs - Date.now())));
        await runPsql(postgres, run);
      });
      running = Promise.all([running, ...all]);
      return { scenario: name, summary: scenario.summary, events: runEvents(runs), real: true, ...realNote(name) };
    },
    async close() {
      clearInterval(trickle);
      bench.kill('SIGTERM');
      await running;
      await postgres.stop();
    },
  };
}

/** Where the real run differs from what the scenario's summary says, and why. */
function realNote(name: string): { note?: string } {
  const notes: Record<string, string> = {
    'privilege-escalation': 'PostgreSQL has no rds_superuser: pg_read_server_files is granted instead',
    'destructive-ddl': "a scratch table and schema made for it are dropped, not pgbench's",
    'server-file-access': "the program COPY runs is `cat > /dev/null`, the file read is the server's PG_VERSION",
    'audit-tampering': 'ALTER SYSTEM is reset at once, before any reload',
    'catalog-enumeration': 'information_schema only: pgaudit does not log statements on pg_catalog alone',
    'new-source': 'the new source is the Unix socket, [local]',
    'failed-login-burst': '',
  };
  return notes[name] ? { note: notes[name] } : {};
}
