import type { DasEvent } from '../decode/types.js';
import { fieldText } from './field-text.js';

/** SQL Server's audit says 1 for success and 0 for failure: the other engines the other way about. */
const isSqlServer = (event: DasEvent) => fieldText(event.serverType).toUpperCase() === 'SQLSERVER';

/** Commands that are a failure whatever the exit code says: logins refused. */
const FAILED_COMMANDS = new Set(['LOGIN FAILED', 'AUTH FAILURE', 'FAILED_CONNECT']);

/** No code, or a code that means success: PostgreSQL's SQLSTATE 00000, MySQL's and Oracle's 0. */
const SUCCESS_CODES = new Set(['', '0', '00000']);

/**
 * The event reports a statement or a login that failed, as each engine says it (docs/das-format.md §4):
 * an error message, a non-success exit code (SQL Server: 0), or a refused login.
 */
export function isFailure(event: DasEvent): boolean {
  if (FAILED_COMMANDS.has(fieldText(event.command).toUpperCase())) return true;
  if (typeof event.errorMessage === 'string' && event.errorMessage.trim() !== '') return true;
  const code = event.exitCode;
  if (code === null || code === undefined) return false;
  if (isSqlServer(event)) return fieldText(code) === '0';
  return !SUCCESS_CODES.has(fieldText(code).trim());
}
