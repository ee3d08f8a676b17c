import type { ChalkInstance } from 'chalk';
import type { DasEvent, DecodedRecord } from '../decode/types.js';

/**
 * A line a person can scan: time, class, command, who, what. The full event is one
 * `-o ndjson` away, so this shows what answers "who did what, when".
 */
export function formatPretty(event: DasEvent, record: DecodedRecord, chalk: ChalkInstance): string {
  const time = chalk.dim(text(event.logTime ?? event.startTime) || '-');
  if (event.type === 'heartbeat') return `${time} ${chalk.dim('heartbeat')} ${chalk.dim(record.instanceId ?? '')}\n`;
  const parts = [
    time,
    padded(classColor(chalk, text(event.class)), text(event.class), 8),
    padded(chalk.bold(text(event.command) || '-'), text(event.command) || '-', 12),
    chalk.cyan(who(event)),
  ];
  const from = origin(event);
  if (from) parts.push(chalk.dim(from));
  const statement = oneLine(text(event.commandText)) || objectOf(event);
  if (statement) parts.push(statement);
  if (Array.isArray(event.paramList) && event.paramList.length > 0) {
    parts.push(chalk.dim(`params: ${event.paramList.map((param) => JSON.stringify(param)).join(', ')}`));
  }
  const error = text(event.errorMessage);
  if (error) parts.push(chalk.red(`error: ${oneLine(error)}`));
  return parts.join('  ') + '\n';
}

// padEnd would count the colour codes as width.
function padded(styled: string, visible: string, width: number): string {
  return styled + ' '.repeat(Math.max(0, width - visible.length));
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
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
