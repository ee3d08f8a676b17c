import type { DasEvent } from '../../decode/types.js';
import { fieldText } from '../../events/field-text.js';
import { commandOf, commandWordOf } from './command-word.js';
import { firstWordOf } from './statement-word.js';

/** pgaudit's classes for schema and privilege changes (Aurora PostgreSQL). */
const CHANGE_CLASSES = new Set(['DDL', 'ROLE']);
/**
 * The first word of a command (Oracle's audit action, SQL Server's audit action, PostgreSQL's command tag) or of
 * Aurora MySQL's QUERY statement that makes a change to schema or privileges.
 */
const CHANGE_WORDS = new Set(['CREATE', 'ALTER', 'DROP', 'RENAME', 'GRANT', 'REVOKE', 'DENY', 'TRUNCATE', 'AUDIT', 'NOAUDIT', 'COMMENT']);
/** SQL Server's audit actions on principals that do not start with one of those words. */
const CHANGE_COMMANDS = new Set(['ADD MEMBER', 'DROP MEMBER', 'CHANGE PASSWORD', 'RESET PASSWORD', 'CHANGE OWNER', 'CHANGE USERS LOGIN', 'TAKE OWNERSHIP']);
/** Words that make a change one of privileges (kept first when the list is full): who may do what. */
const PRIVILEGE = /\b(?:GRANT|REVOKE|DENY|ROLE|USER|LOGIN|PASSWORD|MEMBER|OWNER|OWNERSHIP|PRIVILEGES?|AUDIT|NOAUDIT|POLICY)\b/i;

/** The command a change is listed under: the event's, or for Aurora MySQL's QUERY the statement's first word. */
export function changeCommandOf(event: DasEvent): string | undefined {
  // Aurora MySQL's AUX events name the objects of their MAIN event: the MAIN one is the change.
  if (event.class === 'AUX') return undefined;
  const klass = commandOf(event.class);
  const command = commandOf(event.command);
  if (command === 'QUERY') {
    const word = typeof event.commandText === 'string' ? firstWordOf(event.commandText) : '';
    return CHANGE_WORDS.has(word) ? word : undefined;
  }
  if (CHANGE_CLASSES.has(klass)) return command || klass;
  const word = commandWordOf(command);
  return CHANGE_WORDS.has(word) || CHANGE_COMMANDS.has(command) ? command : undefined;
}

/** A change of who may do what (ROLE class, GRANT, CREATE USER, ALTER LOGIN…), rather than of schema alone. */
export function isPrivilegeChange(event: DasEvent, command: string): boolean {
  if (fieldText(event.class).toUpperCase() === 'ROLE') return true;
  if (PRIVILEGE.test(command)) return true;
  const sql = typeof event.commandText === 'string' ? event.commandText.slice(0, 200) : '';
  return PRIVILEGE.test(firstWordOf(sql)) || /^\s*(?:CREATE|ALTER|DROP)\s+(?:ROLE|USER|LOGIN|GROUP)\b/i.test(sql);
}
