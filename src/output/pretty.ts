import type { ChalkInstance } from 'chalk';
import type { DasEvent, DecodedRecord } from '../decode/types.js';
import { visible } from './visible.js';

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
  const parts = [
    time,
    padded(classColor(chalk, shown(text(event.class))), visible(text(event.class)), 8),
    padded(chalk.bold(shown(text(event.command) || '-')), visible(text(event.command) || '-'), 12),
    chalk.cyan(shown(who(event))),
  ];
  const from = origin(event);
  if (from) parts.push(chalk.dim(shown(from)));
  const statement = text(event.commandText).trim() || objectOf(event);
  if (statement) parts.push(shown(statement));
  if (Array.isArray(event.paramList) && event.paramList.length > 0) {
    // JSON escapes C0 controls, not C1 ones nor bidi overrides.
    parts.push(chalk.dim(shown(`params: ${event.paramList.map((param) => JSON.stringify(param)).join(', ')}`)));
  }
  const error = text(event.errorMessage);
  if (error) parts.push(chalk.red(shown(`error: ${error.trim()}`)));
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
