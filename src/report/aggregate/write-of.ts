import type { DasEvent } from '../../decode/types.js';
import { commandOf, commandWordOf } from './command-word.js';
import { firstWordOf } from './statement-word.js';

/** Commands that change rows (pgaudit's WRITE class, and each engine's names for the same). */
const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY', 'TRUNCATE', 'REPLACE', 'UPSERT', 'LOAD']);

/**
 * The write command of an event that changes rows, else undefined: the command's first word, or for Aurora MySQL's
 * QUERY the statement's. MySQL's AUX events repeat their MAIN statement per object: not counted again.
 */
export function writeCommandOf(event: DasEvent): string | undefined {
  if (event.class === 'AUX') return undefined;
  const command = commandOf(event.command);
  const word = command === 'QUERY' ? (typeof event.commandText === 'string' ? firstWordOf(event.commandText) : '') : commandWordOf(command);
  // pgaudit puts COPY … TO (rows leave, to a file or a program) in READ, COPY … FROM in WRITE.
  if (word === 'COPY' && event.class === 'READ') return undefined;
  return WRITES.has(word) ? word : undefined;
}
