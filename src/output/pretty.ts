import type { ChalkInstance } from 'chalk';
import type { DasEvent, DecodedRecord } from '../decode/types.js';
import { visible } from './visible.js';
import { isFailure } from '../events/outcome.js';

/**
 * A line a person can scan: time, class, command, who, what. The full event is one
 * `-o ndjson` away, so this shows what answers "who did what, when".
 */
export function formatPretty(event: DasEvent, record: DecodedRecord, chalk: ChalkInstance): string {
  // Every field is written by whoever talks to the database: shown as data, never as control
  // sequences. A statement's own line breaks show as \n: one event, one line, nothing hidden.
  const shown = (value: string) => visible(value, (escape) => chalk.dim(escape));
  const time = chalk.dim(shown(text(event.logTime ?? event.startTime) || '-'));
  if (event.type === 'heartbeat') return `${time} ${chalk.dim('heartbeat')} ${chalk.dim(shown(text(record.instanceId)))}\n`;
  // A failed statement must not look like one that ran: marked in words, and in red where there is colour.
  const failed = isFailure(event);
  const parts = [
    time,
    padded(failed ? chalk.red.bold(shown(text(event.class))) : classColor(chalk, shown(text(event.class))), visible(text(event.class)), 8),
    padded(chalk.bold(shown(text(event.command) || '-')), visible(text(event.command) || '-'), 12),
    chalk.cyan(shown(who(event))),
  ];
  const from = origin(event);
  if (from) parts.push(chalk.dim(shown(from)));
  if (failed) parts.push(chalk.red.bold.inverse('FAILED'));
  const statement = text(event.commandText).trim() || objectOf(event);
  if (statement) parts.push(failed ? chalk.red(shown(statement)) : shown(statement));
  if (Array.isArray(event.paramList) && event.paramList.length > 0) {
    // JSON escapes C0 controls, not C1 ones nor bidi overrides.
    parts.push(chalk.dim(shown(`params: ${event.paramList.map((param) => JSON.stringify(param)).join(', ')}`)));
  }
  if (failed) parts.push(chalk.red(shown(failure(event))));
  return parts.join('  ') + '\n';
}

// padEnd would count the colour codes as width.
function padded(styled: string, plain: string, width: number): string {
  return styled + ' '.repeat(Math.max(0, width - plain.length));
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value);
}


/** The error and its code (PostgreSQL's SQLSTATE, MySQL's and Oracle's number), as the engine sent them. */
function failure(event: DasEvent): string {
  const error = text(event.errorMessage).trim();
  const code = text(event.exitCode).trim();
  const label = String(event.serverType ?? '').toUpperCase() === 'POSTGRESQL' ? 'SQLSTATE' : 'exit code';
  if (error) return `error: ${error}${code ? ` (${label} ${code})` : ''}`;
  return code ? `error: ${label} ${code}` : 'error';
}

function who(event: DasEvent): string {
  const user = text(event.dbUserName) || '?';
  const database = text(event.databaseName);
  return database ? `${user}@${database}` : user;
}

function origin(event: DasEvent): string {
  const host = text(event.remoteHost);
  const port = text(event.remotePort);
  const app = text(event.clientApplication);
  const address = host && port ? `${host}:${port}` : host;
  return [address, app].filter(Boolean).join(' ');
}

function objectOf(event: DasEvent): string {
  const name = text(event.objectName);
  if (!name) return '';
  const type = text(event.objectType);
  return type ? `${type} ${name}` : name;
}

const CLASS_COLORS: Record<string, 'red' | 'yellow' | 'green' | 'blue' | 'magenta'> = {
  DDL: 'red',
  ROLE: 'red',
  WRITE: 'yellow',
  READ: 'green',
  FUNCTION: 'blue',
  CONNECT: 'magenta',
};

function classColor(chalk: ChalkInstance, value: string): string {
  const color = CLASS_COLORS[value.toUpperCase()];
  return color ? chalk[color](value) : value;
}
