import type { DasActivityRecord, DasEvent } from '../decode/types.js';

/**
 * Aurora PostgreSQL events with every field the engine sends (das-format.md §4),
 * numbered so a test can tell each one apart.
 */
export function postgresEvent(n: number, overrides: Partial<DasEvent> = {}): DasEvent {
  const logTime = new Date(Date.UTC(2026, 0, 1) + n * 7).toISOString().replace('T', ' ').replace('Z', '000+00');
  return {
    type: 'record',
    class: 'READ',
    clientApplication: 'pgbench',
    command: 'SELECT',
    commandText: `SELECT abalance FROM pgbench_accounts WHERE aid = $1 /* ${n} */`,
    databaseName: 'postgres',
    dbProtocol: 'Postgres 3.0',
    dbUserName: 'pgbench',
    errorMessage: null,
    exitCode: null,
    logTime,
    netProtocol: 'TCP',
    objectName: 'pgbench_accounts',
    objectType: 'TABLE',
    paramList: [String(n)],
    pid: 20000 + (n % 50),
    remoteHost: '10.0.1.17',
    remotePort: String(40000 + (n % 1000)),
    rowCount: 1,
    serverHost: '10.0.1.5',
    serverType: 'PostgreSQL',
    serverVersion: '15.4',
    serviceName: 'Amazon Aurora PostgreSQL-Compatible edition',
    sessionId: `6557a1b2.${(0x4e20 + (n % 50)).toString(16)}`,
    startTime: logTime,
    statementId: n,
    substatementId: 1,
    transactionId: null,
    ...overrides,
  };
}

export function heartbeatEvent(logTime: string): DasEvent {
  return {
    type: 'heartbeat',
    clientApplication: null,
    pid: null,
    dbUserName: null,
    databaseName: null,
    remoteHost: null,
    remotePort: null,
    command: null,
    commandText: null,
    paramList: null,
    objectType: null,
    objectName: null,
    statementId: null,
    substatementId: null,
    exitCode: null,
    sessionId: null,
    rowCount: null,
    serverHost: null,
    serverType: null,
    serviceName: null,
    serverVersion: null,
    startTime: null,
    endTime: null,
    transactionId: null,
    dbProtocol: null,
    netProtocol: null,
    errorMessage: null,
    class: null,
    logTime,
  };
}

export function activityRecord(clusterId: string, instanceId: string, events: DasEvent[]): DasActivityRecord {
  return { type: 'DatabaseActivityMonitoringRecord', clusterId, instanceId, databaseActivityEventList: events };
}
