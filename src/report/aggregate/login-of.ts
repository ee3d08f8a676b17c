import type { DasEvent } from '../../decode/types.js';
import { isFailure } from '../../events/outcome.js';
import { commandOf } from './command-word.js';

/**
 * Commands that are a login attempt, as each engine names it (docs/das-format.md §4, the built-in failed-logins
 * rule and new-source rule): Aurora PostgreSQL and Aurora MySQL CONNECT (MySQL CHANGEUSER re-authenticates),
 * Oracle's unified audit LOGON, SQL Server's audit LOGIN SUCCEEDED (and LOGIN, as some trails name it).
 * Disconnects (DISCONNECT, LOGOFF, LOGOUT) are not logins.
 */
const LOGINS = new Set(['CONNECT', 'LOGON', 'LOGIN', 'LOGIN SUCCEEDED', 'CHANGEUSER', 'CHANGE USER']);
/** Logins refused, whatever the exit code says: PostgreSQL's AUTH FAILURE, MySQL's FAILED_CONNECT, SQL Server's LOGIN FAILED. */
const REFUSED = new Set(['AUTH FAILURE', 'FAILED_CONNECT', 'LOGIN FAILED']);

/** Whether the event is a login, and how it went: by its command, and its outcome as isFailure reads each engine's codes. */
export function loginOf(event: DasEvent): 'success' | 'failure' | undefined {
  // Aurora MySQL's AUX events repeat their MAIN event's objects: the MAIN event is the login.
  if (event.class === 'AUX') return undefined;
  const command = commandOf(event.command);
  if (REFUSED.has(command)) return 'failure';
  if (!LOGINS.has(command)) return undefined;
  return isFailure(event) ? 'failure' : 'success';
}
