import type { DasEvent } from 'das-read';
import { postgresDasEvent, type PostgresActivity, type PostgresServer } from '../pgbench-synthetic.js';
import { parseCsvLine } from './csv.js';

/** One line of PostgreSQL's jsonlog (log_destination = 'jsonlog'), the fields we use. */
interface JsonLogEntry {
  timestamp: string;
  user?: string;
  dbname?: string;
  pid?: number;
  remote_host?: string;
  remote_port?: number;
  session_id?: string;
  error_severity?: string;
  state_code?: string;
  message?: string;
  statement?: string;
  application_name?: string;
  backend_type?: string;
}

/**
 * Turns PostgreSQL's audit trail (pgaudit session lines, connection and disconnection
 * lines, errors) into the events Aurora PostgreSQL's activity stream carries.
 */
export class AuditLogConverter {
  /** The last event of each session, to attach a statement's error to. */
  readonly #lastBySession = new Map<string, DasEvent>();

  constructor(private readonly server: PostgresServer) {}

  /** Events for these log lines; lines that are not activity (checkpoints, startup) give none. */
  convert(lines: readonly string[]): DasEvent[] {
    const events: DasEvent[] = [];
    for (const line of lines) {
      let entry: JsonLogEntry;
      try {
        entry = JSON.parse(line) as JsonLogEntry;
      } catch {
        continue;
      }
      if (entry.backend_type !== 'client backend' || !entry.session_id) continue;
      const event = this.#event(entry);
      if (event) {
        events.push(event);
        this.#lastBySession.set(entry.session_id, event);
      }
      if (entry.message?.startsWith('disconnection:')) this.#lastBySession.delete(entry.session_id);
    }
    return events;
  }

  #event(entry: JsonLogEntry): DasEvent | undefined {
    const message = entry.message ?? '';
    if (message.startsWith('AUDIT: ')) return this.#audited(entry, parseCsvLine(message.slice('AUDIT: '.length)));
    // As in AWS's CONNECT example: statement 1, substatement 1, class MISC.
    const session = { class: 'MISC', statementId: 1, substatementId: 1 };
    if (message.startsWith('connection authorized:')) {
      // The application is named only inside the message at this point.
      const application = /application_name=(\S+)/.exec(message)?.[1];
      return this.#activity({ ...entry, application_name: entry.application_name ?? application }, { ...session, command: 'CONNECT' });
    }
    if (message.startsWith('disconnection:')) return this.#activity(entry, { ...session, command: 'DISCONNECT' });
    // A login refused (SQLSTATE class 28, invalid authorization): Aurora reports it as AUTH FAILURE.
    if (entry.error_severity === 'FATAL' && entry.state_code?.startsWith('28') && !entry.statement) {
      return this.#activity(entry, { ...session, command: 'AUTH FAILURE', exitCode: entry.state_code, errorMessage: message });
    }
    if (entry.error_severity === 'ERROR' || entry.error_severity === 'FATAL') return this.#failed(entry);
    return undefined;
  }

  #audited(entry: JsonLogEntry, fields: string[]): DasEvent | undefined {
    // With pgaudit.log_rows on, the rows a statement read or changed follow its parameters.
    const [type, statementId, substatementId, auditClass, command, objectType, objectName, statement, parameters, rows] = fields;
    if (type !== 'SESSION' && type !== 'OBJECT') return undefined;
    return this.#activity(entry, {
      statementId: Number(statementId),
      substatementId: Number(substatementId),
      class: auditClass || 'MISC',
      command: command || 'UNKNOWN',
      objectType: objectType || null,
      objectName: objectName || null,
      commandText: statement ?? null,
      paramList: parameters === undefined || parameters.startsWith('<') ? [] : parseCsvLine(parameters),
      rowCount: rows !== undefined && /^\d+$/.test(rows) ? Number(rows) : null,
    });
  }

  // A statement that failed: after its audit line (at run time), or alone (refused before it ran).
  #failed(entry: JsonLogEntry): DasEvent | undefined {
    const last = entry.session_id ? this.#lastBySession.get(entry.session_id) : undefined;
    if (last && entry.statement && last.commandText === entry.statement && last.exitCode === null) {
      last.exitCode = entry.state_code ?? null;
      last.errorMessage = entry.message ?? null;
      return undefined;
    }
    const statement = entry.statement ?? null;
    return this.#activity(entry, {
      class: 'MISC',
      command: statement?.trim().split(/\s+/)[0]?.toUpperCase() ?? 'UNKNOWN',
      commandText: statement,
      exitCode: entry.state_code ?? null,
      errorMessage: entry.message ?? null,
    });
  }

  #activity(entry: JsonLogEntry, what: Partial<PostgresActivity> & { class: string; command: string }): DasEvent {
    const micros = Date.parse(entry.timestamp.replace(' UTC', 'Z').replace(' ', 'T')) * 1000;
    return postgresDasEvent(this.server, {
      startMicros: micros,
      endMicros: micros,
      statementId: null,
      substatementId: null,
      objectType: null,
      objectName: null,
      commandText: null,
      paramList: [],
      rowCount: null,
      exitCode: null,
      errorMessage: null,
      ...what,
      pid: entry.pid ?? null,
      sessionId: entry.session_id ?? '',
      remoteHost: entry.remote_host ?? null,
      remotePort: entry.remote_port === undefined ? null : String(entry.remote_port),
      clientApplication: entry.application_name ?? null,
      dbUserName: entry.user ?? this.server.dbUserName,
      databaseName: entry.dbname ?? this.server.databaseName,
    });
  }
}
