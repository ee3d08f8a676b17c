import type { DasEvent } from 'das-read';
import { postgresDasEvent, type PostgresActivity, type PostgresServer } from './pgbench-synthetic.js';

/** Who does the lab's activity beside pgbench: an application owner and an analyst, from their own hosts. */
export const APP_OWNER = { dbUserName: 'app_owner', remoteHost: '10.0.1.30', clientApplication: 'psql' } as const;
export const ANALYST = { dbUserName: 'analyst', remoteHost: '10.0.1.42', clientApplication: 'DBeaver 24.2.0' } as const;

export interface Actor {
  dbUserName: string;
  remoteHost: string;
  clientApplication: string | null;
}

/** What one statement (or login) of the lab's own activity is, before it becomes an event. */
export interface Step {
  class: string;
  command: string;
  commandText: string | null;
  objectType?: string | null;
  objectName?: string | null;
  rowCount?: number | null;
  /** SQLSTATE and message when it failed, as Aurora PostgreSQL writes them. */
  exitCode?: string | null;
  errorMessage?: string | null;
  databaseName?: string;
}

/** A refused login as Aurora PostgreSQL reports it: command AUTH FAILURE, SQLSTATE 28P01. */
export function authFailure(user: string): Step {
  return {
    class: 'MISC',
    command: 'AUTH FAILURE',
    commandText: null,
    exitCode: '28P01',
    errorMessage: `password authentication failed for user "${user}"`,
  };
}

/**
 * What a real database sees beside its load, a step at a time, over and over: DDL, a failed
 * statement, a role change, a refused login. Each kind stays well under what a built-in rule
 * counts as a burst (one refused login in eight steps), so the trickle alone finds nothing
 * a security engineer would be woken for.
 */
export const TRICKLE: ReadonlyArray<{ actor: Actor; step: Step }> = [
  {
    actor: APP_OWNER,
    step: {
      class: 'DDL',
      command: 'CREATE TABLE',
      commandText: 'CREATE TABLE IF NOT EXISTS report_daily (day date PRIMARY KEY, accounts bigint, balance bigint);',
      objectType: 'TABLE',
      objectName: 'public.report_daily',
    },
  },
  {
    actor: ANALYST,
    step: {
      class: 'READ',
      command: 'SELECT',
      commandText: 'SELECT count(*) FROM pgbench_acounts;',
      exitCode: '42P01',
      errorMessage: 'relation "pgbench_acounts" does not exist',
    },
  },
  {
    actor: APP_OWNER,
    step: {
      class: 'ROLE',
      command: 'GRANT',
      commandText: 'GRANT SELECT ON public.report_daily TO analyst;',
      objectType: 'TABLE',
      objectName: 'public.report_daily',
    },
  },
  {
    actor: APP_OWNER,
    step: {
      class: 'DDL',
      command: 'ALTER TABLE',
      commandText: 'ALTER TABLE report_daily ADD COLUMN IF NOT EXISTS notes text;',
      objectType: 'TABLE',
      objectName: 'public.report_daily',
    },
  },
  { actor: ANALYST, step: authFailure(ANALYST.dbUserName) },
  {
    actor: APP_OWNER,
    step: {
      class: 'WRITE',
      command: 'INSERT',
      commandText: 'INSERT INTO report_daily (day, accounts, balance) VALUES (CURRENT_DATE, 100000, 0);',
      objectType: 'TABLE',
      objectName: 'public.report_daily',
      exitCode: '23505',
      errorMessage: 'duplicate key value violates unique constraint "report_daily_pkey"',
    },
  },
  {
    actor: APP_OWNER,
    step: {
      class: 'ROLE',
      command: 'ALTER ROLE',
      commandText: "ALTER ROLE analyst SET statement_timeout = '30s';",
    },
  },
  {
    actor: APP_OWNER,
    step: {
      class: 'ROLE',
      command: 'REVOKE',
      commandText: 'REVOKE INSERT ON public.pgbench_history FROM analyst;',
      objectType: 'TABLE',
      objectName: 'public.pgbench_history',
    },
  },
];

/** A backend: its pid and when it started (PostgreSQL's session id is made of both). */
export interface Session {
  pid: number;
  startMicros: number;
}

/** One step as the event Aurora PostgreSQL writes for it, at `atMicros`, in a session of the actor's. */
export function stepEvent(server: PostgresServer, actor: Actor, step: Step, atMicros: number, session: Session, statementId = 1): DasEvent {
  const { pid } = session;
  const activity: PostgresActivity = {
    startMicros: atMicros,
    endMicros: atMicros + 300,
    statementId: step.commandText === null ? 1 : statementId,
    substatementId: 1,
    class: step.class,
    command: step.command,
    commandText: step.commandText,
    objectType: step.objectType ?? null,
    objectName: step.objectName ?? null,
    paramList: [],
    rowCount: step.rowCount ?? null,
    pid,
    sessionId: `${Math.floor(session.startMicros / 1e6).toString(16)}.${pid.toString(16)}`,
    remoteHost: actor.remoteHost,
    remotePort: String(40_000 + (pid % 20_000)),
    clientApplication: actor.clientApplication,
    exitCode: step.exitCode ?? null,
    errorMessage: step.errorMessage ?? null,
    dbUserName: actor.dbUserName,
    ...(step.databaseName === undefined ? {} : { databaseName: step.databaseName }),
  };
  return postgresDasEvent(server, activity);
}

/** The trickle from `fromMicros` on, one step every `everyMicros`: the n-th step is TRICKLE[n mod 8]. */
export class Trickle {
  #next: number | undefined;
  #count = 0;

  constructor(
    private readonly server: PostgresServer,
    private readonly everyMicros: number,
  ) {}

  eventsUntil(untilMicros: number): DasEvent[] {
    this.#next ??= untilMicros + this.everyMicros;
    const events: DasEvent[] = [];
    while (this.#next <= untilMicros) {
      const { actor, step } = TRICKLE[this.#count % TRICKLE.length] as (typeof TRICKLE)[number];
      events.push(stepEvent(this.server, actor, step, this.#next, { pid: 30_000 + (this.#count % 5_000), startMicros: this.#next }));
      this.#count++;
      this.#next += this.everyMicros;
    }
    return events;
  }
}
