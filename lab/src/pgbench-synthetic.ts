import type { DasEvent } from 'das-read';
import { dasTime } from './das-time.js';

/** Where the synthetic cluster lives: what its events say about the server. */
export interface PostgresServer {
  serverHost: string;
  serverVersion: string;
  databaseName: string;
  dbUserName: string;
}

interface Session {
  pid: number;
  sessionId: string;
  remotePort: string;
  statementId: number;
}

interface Statement {
  class: string;
  command: string;
  sql: string;
  objectName: string | null;
  params: () => string[];
  rows: number | null;
  micros: number;
}

const ACCOUNTS = 100_000;
const int = (random: () => number, max: number) => 1 + Math.floor(random() * max);

/**
 * The events Aurora PostgreSQL reports for the original lab's
 * `pgbench -M prepared -c 5 -b tpcb-like@1 -b select-only@20`: each client connects,
 * runs transactions (tpcb-like once for every 20 select-only), and disconnects at the end.
 */
export class SyntheticPgbench {
  readonly #sessions: Session[] = [];
  #clock: number | undefined;
  #runEnds = 0;

  constructor(
    private readonly server: PostgresServer,
    private readonly options: { clients?: number; transactionsPerSecond?: number; random?: () => number; startMicros?: number; runSeconds?: number },
  ) {
    this.#clock = options.startMicros;
  }

  get #random(): () => number {
    return this.options.random ?? Math.random;
  }

  /**
   * Every event up to `untilMicros`, in the order the server would log them: pgbench
   * runs of `runSeconds` (default 60), each connecting its clients, running
   * transactions and disconnecting.
   */
  eventsUntil(untilMicros: number): DasEvent[] {
    this.#clock ??= untilMicros;
    const events: DasEvent[] = [];
    const gap = 1_000_000 / (this.options.transactionsPerSecond ?? 20);
    while (this.#clock + gap <= untilMicros) {
      if (this.#sessions.length === 0) {
        this.#runEnds = this.#clock + (this.options.runSeconds ?? 60) * 1_000_000;
        while (this.#sessions.length < (this.options.clients ?? 5)) events.push(this.#connect());
      }
      if (this.#clock >= this.#runEnds) {
        events.push(...this.finish());
        continue;
      }
      this.#clock += gap * (0.5 + this.#random());
      const session = this.#sessions[Math.floor(this.#random() * this.#sessions.length)] as Session;
      const script = this.#random() < 1 / 21 ? this.#tpcbLike() : [this.#selectOnly()];
      for (const statement of script) events.push(this.#event(session, statement));
    }
    return events;
  }

  /** Every client disconnects, as pgbench does at its end. */
  finish(): DasEvent[] {
    return this.#sessions
      .splice(0)
      .map((session) =>
        this.#event(session, { class: 'MISC', command: 'DISCONNECT', sql: '', objectName: null, params: () => [], rows: null, micros: 40 }, true),
      );
  }

  get #now(): number {
    return this.#clock ?? 0;
  }

  #connect(): DasEvent {
    const pid = 10_000 + Math.floor(this.#random() * 20_000);
    const session: Session = {
      pid,
      // PostgreSQL's session id: backend start time and pid, in hex.
      sessionId: `${Math.floor(this.#now / 1e6).toString(16)}.${pid.toString(16)}`,
      remotePort: String(30_000 + Math.floor(this.#random() * 30_000)),
      statementId: 0,
    };
    this.#sessions.push(session);
    return this.#event(session, { class: 'MISC', command: 'CONNECT', sql: '', objectName: null, params: () => [], rows: null, micros: 900 }, true);
  }

  #selectOnly(): Statement {
    return {
      class: 'READ',
      command: 'SELECT',
      sql: 'SELECT abalance FROM pgbench_accounts WHERE aid = $1;',
      objectName: 'public.pgbench_accounts',
      params: () => [String(int(this.#random, ACCOUNTS))],
      rows: 1,
      micros: 60 + Math.floor(this.#random() * 200),
    };
  }

  #tpcbLike(): Statement[] {
    const aid = String(int(this.#random, ACCOUNTS));
    const tid = String(int(this.#random, 10));
    const bid = '1';
    const delta = String(Math.floor(this.#random() * 10_001) - 5_000);
    const step = (s: Omit<Statement, 'micros'>): Statement => ({ ...s, micros: 80 + Math.floor(this.#random() * 400) });
    return [
      step({ class: 'MISC', command: 'BEGIN', sql: 'BEGIN;', objectName: null, params: () => [], rows: null }),
      step({
        class: 'WRITE',
        command: 'UPDATE',
        sql: 'UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;',
        objectName: 'public.pgbench_accounts',
        params: () => [delta, aid],
        rows: 1,
      }),
      step({
        class: 'READ',
        command: 'SELECT',
        sql: 'SELECT abalance FROM pgbench_accounts WHERE aid = $1;',
        objectName: 'public.pgbench_accounts',
        params: () => [aid],
        rows: 1,
      }),
      step({
        class: 'WRITE',
        command: 'UPDATE',
        sql: 'UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2;',
        objectName: 'public.pgbench_tellers',
        params: () => [delta, tid],
        rows: 1,
      }),
      step({
        class: 'WRITE',
        command: 'UPDATE',
        sql: 'UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2;',
        objectName: 'public.pgbench_branches',
        params: () => [delta, bid],
        rows: 1,
      }),
      step({
        class: 'WRITE',
        command: 'INSERT',
        sql: 'INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP);',
        objectName: 'public.pgbench_history',
        params: () => [tid, bid, aid, delta],
        rows: 1,
      }),
      // pgbench ends the transaction with END, which PostgreSQL reports as COMMIT.
      step({ class: 'MISC', command: 'COMMIT', sql: 'END;', objectName: null, params: () => [], rows: null }),
    ];
  }

  #event(session: Session, statement: Statement, connection = false): DasEvent {
    const start = this.#now;
    this.#clock = start + statement.micros;
    if (!connection) session.statementId++;
    return postgresDasEvent(this.server, {
      startMicros: start,
      endMicros: this.#now,
      statementId: connection ? 1 : session.statementId,
      substatementId: 1,
      class: statement.class,
      command: statement.command,
      commandText: connection ? null : statement.sql,
      objectType: statement.objectName ? 'TABLE' : null,
      objectName: statement.objectName,
      paramList: statement.params(),
      rowCount: statement.rows,
      pid: session.pid,
      sessionId: session.sessionId,
      remoteHost: '10.0.1.17',
      remotePort: session.remotePort,
      clientApplication: 'pgbench',
      exitCode: null,
      errorMessage: null,
    });
  }
}

export interface PostgresActivity {
  startMicros: number;
  endMicros: number;
  statementId: number | null;
  substatementId: number | null;
  class: string;
  command: string;
  commandText: string | null;
  objectType: string | null;
  objectName: string | null;
  paramList: string[];
  rowCount: number | null;
  pid: number | null;
  sessionId: string;
  remoteHost: string | null;
  remotePort: string | null;
  clientApplication: string | null;
  exitCode: string | null;
  errorMessage: string | null;
  dbUserName?: string;
  databaseName?: string;
}

/** An event with exactly the fields, types and order of Aurora PostgreSQL's (version 1.1). */
export function postgresDasEvent(server: PostgresServer, activity: PostgresActivity): DasEvent {
  return {
    startTime: dasTime(activity.startMicros),
    logTime: dasTime(activity.endMicros),
    statementId: activity.statementId,
    substatementId: activity.substatementId,
    objectType: activity.objectType,
    command: activity.command,
    objectName: activity.objectName,
    databaseName: activity.databaseName ?? server.databaseName,
    dbUserName: activity.dbUserName ?? server.dbUserName,
    remoteHost: activity.remoteHost,
    remotePort: activity.remotePort,
    sessionId: activity.sessionId,
    rowCount: activity.rowCount,
    commandText: activity.commandText,
    paramList: activity.paramList,
    pid: activity.pid,
    clientApplication: activity.clientApplication,
    exitCode: activity.exitCode,
    class: activity.class,
    serverVersion: server.serverVersion,
    serverType: 'PostgreSQL',
    serviceName: 'Amazon Aurora PostgreSQL-Compatible edition',
    serverHost: server.serverHost,
    netProtocol: 'TCP',
    dbProtocol: 'Postgres 3.0',
    type: 'record',
    errorMessage: activity.errorMessage,
  };
}

/** What RDS's own monitoring runs now and then, as the internal user rdsadmin. */
export function rdsadminEvent(server: PostgresServer, atMicros: number, pid: number): DasEvent {
  return postgresDasEvent(server, {
    startMicros: atMicros,
    endMicros: atMicros + 150,
    statementId: 1,
    substatementId: 1,
    class: 'READ',
    command: 'SELECT',
    commandText: 'select pg_catalog.pg_is_in_recovery(), pg_catalog.pg_last_wal_replay_lsn()',
    objectType: null,
    objectName: null,
    paramList: [],
    rowCount: 1,
    pid,
    sessionId: `${Math.floor(atMicros / 1e6).toString(16)}.${pid.toString(16)}`,
    remoteHost: '127.0.0.1',
    remotePort: '5432',
    clientApplication: null,
    exitCode: null,
    errorMessage: null,
    dbUserName: 'rdsadmin',
    databaseName: 'rdsadmin',
  });
}

/** A heartbeat as Aurora PostgreSQL sends one: every activity field null. */
export function postgresHeartbeat(atMicros: number): DasEvent {
  const event: DasEvent = { type: 'heartbeat' };
  for (const field of [
    'startTime',
    'statementId',
    'substatementId',
    'objectType',
    'command',
    'objectName',
    'databaseName',
    'dbUserName',
    'remoteHost',
    'remotePort',
    'sessionId',
    'rowCount',
    'commandText',
    'paramList',
    'pid',
    'clientApplication',
    'exitCode',
    'class',
    'serverVersion',
    'serverType',
    'serviceName',
    'serverHost',
    'netProtocol',
    'dbProtocol',
    'errorMessage',
  ]) {
    event[field] = null;
  }
  event.logTime = dasTime(atMicros);
  return event;
}
