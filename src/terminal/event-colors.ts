import type { ChalkInstance } from 'chalk';
import type { DasEvent } from '../decode/types.js';
import { fieldText } from '../events/field-text.js';

type Color = 'red' | 'yellow' | 'green' | 'blue' | 'magenta';

const CLASS_COLORS: Record<string, Color> = { DDL: 'red', ROLE: 'red', WRITE: 'yellow', READ: 'green', FUNCTION: 'blue', CONNECT: 'magenta' };

/**
 * Where the class says nothing of the kind of statement (Aurora MySQL's MAIN / AUX, Oracle's
 * Standard, SQL Server's TABLE), the command does.
 */
const COMMAND_COLORS: Array<[RegExp, Color]> = [
  [/^(CREATE|ALTER|DROP|TRUNCATE|RENAME|GRANT|REVOKE)\b/, 'red'],
  [/^(INSERT|UPDATE|DELETE|MERGE|WRITE|REPLACE|COPY)\b/, 'yellow'],
  [/^(SELECT|READ|SHOW)\b/, 'green'],
  [/^(CONNECT|DISCONNECT|LOGON|LOGOFF|LOGIN|LOGOUT)\b/, 'magenta'],
];

/** The colour an event's kind is shown in, in the pretty lines and the summary's bars alike. */
export function colorOf(chalk: ChalkInstance, event: DasEvent): (text: string) => string {
  const byClass = CLASS_COLORS[text(event.class).toUpperCase()];
  const command = text(event.command).toUpperCase();
  const color = byClass ?? COMMAND_COLORS.find(([pattern]) => pattern.test(command))?.[1];
  return color ? chalk[color] : (plain) => plain;
}

const text = fieldText;
