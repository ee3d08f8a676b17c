import type { ActivitySource } from './activity-emitter.js';
import type { PostgresServer } from './pgbench-synthetic.js';
import { startPostgresLoad } from './postgres/audit-source.js';

/** `--postgres`: pgbench against a throwaway PostgreSQL, its audit trail as the stream's events. */
export function postgresSource(say: (line: string) => void, transactionsPerSecond: number): (server: PostgresServer) => Promise<ActivitySource> {
  return async (server) => {
    say('starting a throwaway PostgreSQL 15 with pgaudit, and pgbench against it');
    const load = await startPostgresLoad(server, { transactionsPerSecond });
    say(`PostgreSQL on ${load.postgres.host}:${load.postgres.port}, audited into ${load.postgres.logFile}`);
    return load;
  };
}
