import type { ActivitySource } from '../lab/activity-emitter.js';
import type { PostgresServer } from '../lab/pgbench-synthetic.js';
import { startPostgresLoad } from '../lab/postgres/audit-source.js';
import type { Diagnostics } from '../output/diagnostics.js';

/** `--postgres`: pgbench against a throwaway PostgreSQL, its audit trail as the stream's events. */
export function postgresSource(log: Diagnostics, transactionsPerSecond: number): (server: PostgresServer) => Promise<ActivitySource> {
  return async (server) => {
    log.info('starting a throwaway PostgreSQL 15 with pgaudit, and pgbench against it');
    const load = await startPostgresLoad(server, { transactionsPerSecond });
    log.info(`PostgreSQL on ${load.postgres.host}:${load.postgres.port}, audited into ${load.postgres.logFile}`);
    return load;
  };
}
