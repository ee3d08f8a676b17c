import { open } from 'node:fs/promises';
import type { DasEvent } from 'das-read';
import type { ActivitySource } from '../activity-emitter.js';
import type { PostgresServer } from '../pgbench-synthetic.js';
import { AuditLogConverter } from './audit-log.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.js';

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
  close(): Promise<void>;
}

/**
 * The real thing: pgbench (`-M prepared -c 5 -b tpcb-like@1 -b select-only@20`, as in
 * the original lab) against a throwaway PostgreSQL, whose pgaudit trail becomes the
 * events of the activity stream.
 */
export async function startPostgresLoad(server: PostgresServer, options: { transactionsPerSecond: number }): Promise<PostgresLoad> {
  const postgres = await startThrowawayPostgres();
  try {
    const init = postgres.spawnClient('pgbench', ['-i', '-s', '1', '-q']);
    const code = await new Promise<number | null>((resolve) => init.on('exit', resolve));
    if (code !== 0) throw new Error(`pgbench -i exited with ${code}`);
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
  return {
    postgres,
    async eventsUntil(): Promise<DasEvent[]> {
      return converter.convert(await tail.newLines());
    },
    async close() {
      bench.kill('SIGTERM');
      await postgres.stop();
    },
  };
}
