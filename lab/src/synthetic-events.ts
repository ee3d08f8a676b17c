import type { DasActivityRecord, DasEvent } from 'das-read';
import { postgresDasEvent, postgresHeartbeat, type PostgresServer } from './pgbench-synthetic.js';

const SERVER: PostgresServer = { serverHost: '10.0.1.5', serverVersion: '15.4', databaseName: 'postgres', dbUserName: 'pgbench' };

/**
 * An Aurora PostgreSQL event numbered `n` (its statementId), so a test can tell each
 * one apart: a pgbench SELECT, 7 ms after the one before.
 */
export function postgresEvent(n: number, overrides: Partial<DasEvent> = {}): DasEvent {
  const micros = (Date.UTC(2026, 0, 1) + n * 7) * 1000;
  return {
    ...postgresDasEvent(SERVER, {
      startMicros: micros,
      endMicros: micros,
      statementId: n,
      substatementId: 1,
      class: 'READ',
      command: 'SELECT',
      commandText: `SELECT abalance FROM pgbench_accounts WHERE aid = $1 /* ${n} */`,
      objectType: 'TABLE',
      objectName: 'pgbench_accounts',
      paramList: [String(n)],
      rowCount: 1,
      pid: 20000 + (n % 50),
      sessionId: `6557a1b2.${(0x4e20 + (n % 50)).toString(16)}`,
      remoteHost: '10.0.1.17',
      remotePort: String(40000 + (n % 1000)),
      clientApplication: 'pgbench',
      exitCode: null,
      errorMessage: null,
    }),
    ...overrides,
  };
}

export function heartbeatEvent(logTime: string): DasEvent {
  return { ...postgresHeartbeat(0), logTime };
}

export function activityRecord(clusterId: string, instanceId: string, events: DasEvent[]): DasActivityRecord {
  return { type: 'DatabaseActivityMonitoringRecord', clusterId, instanceId, databaseActivityEventList: events };
}

/**
 * A record's JSON whose `event` carries engineNativeAuditFields nested `depth` levels deep, as a
 * client can make them: written as text, because serialising such an object recurses past the
 * stack of the thread that makes it. Give it to the producer's encodePayload, gzip'd.
 */
export function nestedRecordText(clusterId: string, instanceId: string, event: DasEvent, depth: number): string {
  const { engineNativeAuditFields: _fields, ...rest } = event;
  const nested = `${'{"n":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
  const eventText = `${JSON.stringify(rest).slice(0, -1)},"engineNativeAuditFields":${nested}}`;
  return `${JSON.stringify(activityRecord(clusterId, instanceId, [])).slice(0, -2)}${eventText}]}`;
}
