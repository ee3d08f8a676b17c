import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { LAB_CLUSTER, LAB_KEY_ALIAS, startLabSession, type LabSession } from '../../lab/src/lab-session.js';
import { startPostgresLoad, type PostgresLoad } from '../../lab/src/postgres/audit-source.js';
import { missingPostgresParts, POSTGRES_PACKAGES } from '../../lab/src/postgres/throwaway-postgres.js';
import { memoryIO } from '../helpers/memory-io.js';
import { waitFor } from '../helpers/wait-for.js';

type Event = Record<string, unknown>;

async function das(session: LabSession, args: string[]) {
  const io = memoryIO();
  const code = await run([...args, '--endpoint-url', session.lab.endpoint], io, { nodePath: process.execPath });
  const events = () => io.stdout.lines().map((line) => JSON.parse(line) as Event);
  return {
    code,
    stdout: io.stdout.text,
    stderr: io.stderr.text,
    get events() {
      return events();
    },
  };
}

async function startedSession(options: Parameters<typeof startLabSession>[0]): Promise<LabSession> {
  const session = await startLabSession(options);
  const started = await das(session, ['start', '--cluster', LAB_CLUSTER, '--kms-key', LAB_KEY_ALIAS, '--apply-immediately', '--wait']);
  if (started.code !== 0) {
    await session.close();
    throw new Error(`das-read start failed: ${started.stderr}`);
  }
  return session;
}

describe('das-read lab', () => {
  it('emits records as RDS would while the stream is started: load, heartbeats, rdsadmin, keys reused and rotated', async () => {
    const session = await startedSession({ nodePath: process.execPath, port: 0, transitionMs: 200, transactionsPerSecond: 100 });
    try {
      await waitFor(() => session.emitter.recordsPut >= 40, { what: '40 records put', intervalMs: 100 });
      const read = await das(session, ['--cluster', LAB_CLUSTER, '--no-follow', '--include-heartbeats']);
      expect(read.code, read.stderr).toBe(0);
      const commands = new Set(read.events.map((event) => event.command));
      for (const command of ['CONNECT', 'BEGIN', 'UPDATE', 'SELECT', 'INSERT', 'COMMIT']) expect(commands).toContain(command);
      expect(read.events.some((event) => event.type === 'heartbeat')).toBe(true);
      expect(read.events.some((event) => event.dbUserName === 'rdsadmin')).toBe(true);
      expect(new Set(read.events.map((event) => event.clusterId))).toEqual(new Set([session.cluster.resourceId]));
      const perRecord = new Map<string, number>();
      for (const event of read.events) {
        const record = String(event.eventId).split(':').slice(0, 2).join(':');
        perRecord.set(record, (perRecord.get(record) ?? 0) + 1);
      }
      expect(Math.max(...perRecord.values())).toBeGreaterThan(1);
      // One data key per 100 records: fewer KMS decryptions than records, more than one key.
      const keys = session.lab.kms.stats.generateDataKeyCalls;
      expect(keys).toBeGreaterThanOrEqual(1);
      expect(keys).toBeLessThan(perRecord.size);
    } finally {
      await session.close();
    }
  });

  it('stops emitting when the stream is stopped, and the stream is gone', async () => {
    const session = await startedSession({ nodePath: process.execPath, port: 0, transitionMs: 200 });
    try {
      const stopped = await das(session, ['stop', '--cluster', LAB_CLUSTER, '--yes', '--wait']);
      expect(stopped.code, stopped.stderr).toBe(0);
      const put = session.emitter.recordsPut;
      // The emitter's rounds, run here rather than waited for: with the stream stopped, each puts nothing.
      for (let round = 0; round < 3; round++) await session.emitter.flush();
      expect(session.emitter.recordsPut).toBe(put);
      const read = await das(session, ['--cluster', LAB_CLUSTER, '--no-follow']);
      expect(read.code).toBe(1);
      expect(read.stderr).toContain('is stopped, not started');
    } finally {
      await session.close();
    }
  });
});

// Run wherever PostgreSQL is installed, and always in CI (which installs it): CI never passes by skipping.
const missing = missingPostgresParts();
const skipPostgres = missing.length > 0 && !process.env.CI;
// eslint-disable-next-line no-console -- the one line that says why a test did not run
if (skipPostgres) console.warn(`skipped the lab --postgres test: ${missing.join(', ')} missing; to run it: apt-get install ${POSTGRES_PACKAGES}`);

describe.skipIf(skipPostgres)('das-read lab --postgres: a real pgbench, audited by pgaudit', () => {
  it('comes out of das-read as events whose statements are what pgbench ran; leaves nothing behind', async () => {
    let load: PostgresLoad | undefined;
    const session = await startedSession({
      nodePath: process.execPath,
      port: 0,
      transitionMs: 200,
      source: async (server) => (load = await startPostgresLoad(server, { transactionsPerSecond: 50 })),
    });
    try {
      await waitFor(
        async () => (await das(session, ['--cluster', LAB_CLUSTER, '--no-follow'])).events.filter((event) => event.command === 'INSERT').length >= 2,
        { what: 'two INSERTs read', timeoutMs: 30_000, intervalMs: 100 },
      );
      const { events } = await das(session, ['--cluster', LAB_CLUSTER, '--no-follow']);
      const statements = new Set(events.map((event) => event.commandText));
      for (const statement of [
        'UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;',
        'SELECT abalance FROM pgbench_accounts WHERE aid = $1;',
        'UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2;',
        'UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2;',
        'INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP);',
      ]) {
        expect(statements, statement).toContain(statement);
      }
      const insert = events.find((event) => event.command === 'INSERT');
      expect(insert).toMatchObject({
        class: 'WRITE',
        objectType: 'TABLE',
        objectName: 'public.pgbench_history',
        clientApplication: 'pgbench',
        remoteHost: '127.0.0.1',
      });
      expect(insert?.paramList).toHaveLength(4);
      expect(String(insert?.sessionId)).toMatch(/^[0-9a-f]+\.[0-9a-f]+$/);
      expect(events.some((event) => event.command === 'CONNECT' && event.clientApplication === 'pgbench')).toBe(true);
    } finally {
      await session.close();
    }
    expect(load).toBeDefined();
    expect(existsSync(load?.postgres.logFile ?? '/')).toBe(false);
  }, 60_000);
});
