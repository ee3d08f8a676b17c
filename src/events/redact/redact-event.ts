import type { DasEvent } from '../../decode/types.js';
import { engineOf, type Engine } from './engine.js';
import { hideEchoes, redactMessage } from './redact-message.js';
import { PLACEHOLDER, redactLexed, type RedactedSql } from './redact-sql.js';
import { lexerFor } from './sql-lexers.js';

export { PLACEHOLDER };

/**
 * Past this many characters a statement is not read on: its shape so far is shown, and `?` for
 * the rest. A lexer takes about 2.5 µs a character (PostgreSQL's, a quarter of a second for
 * 100 KB), and a client may send statements of megabytes to slow the reader down.
 */
export const MAX_READ_STATEMENT = 32 * 1024;

/** A statement in an engine's dialect, its values taken out; an engine nothing names shows nothing of it. */
export function redactStatement(sql: string, engine: Engine | undefined): RedactedSql {
  if (sql.length <= MAX_READ_STATEMENT) return redactLexed(sql, lexerFor(engine)(sql));
  const lexed = lexerFor(engine)(sql.slice(0, MAX_READ_STATEMENT));
  return redactLexed(sql, { tokens: lexed.tokens, readTo: Math.min(lexed.readTo, MAX_READ_STATEMENT) });
}

/** Engine-native fields that hold the statement again, or its bind values (Oracle's SQL_TEXT and SQL_BINDS, SQL Server's statement). */
const NATIVE_STATEMENT = /^(?:sql_text|statement)$/i;
const NATIVE_BINDS = /binds?$/i;

/**
 * The event with the values of its SQL, its bind values and its error taken out, and any of those
 * values quoted back in its engine-native fields: its statement keeps its shape. The engine is the
 * event's own (`serverType`), else `engine`, the one its record or stream is known to be.
 */
export function redactEvent(event: DasEvent, engine: Engine | undefined = undefined): DasEvent {
  const dialect = engineOf(event) ?? engine;
  const redacted: DasEvent = { ...event };
  const echoes: string[] = [];
  if (typeof event.commandText === 'string') {
    const statement = redactStatement(event.commandText, dialect);
    redacted.commandText = statement.text;
    echoes.push(...statement.values);
  }
  if (Array.isArray(event.paramList)) {
    echoes.push(...event.paramList.filter((value): value is string => typeof value === 'string'));
    redacted.paramList = event.paramList.map(() => PLACEHOLDER);
  }
  const native = event.engineNativeAuditFields;
  if (native !== null && typeof native === 'object' && !Array.isArray(native)) {
    const fields = Object.create(null) as Record<string, unknown>;
    for (const [name, value] of Object.entries(native as Record<string, unknown>)) {
      if (typeof value === 'string' && NATIVE_STATEMENT.test(name)) {
        const statement = redactStatement(value, dialect);
        fields[name] = statement.text;
        echoes.push(...statement.values);
      } else if (value !== null && NATIVE_BINDS.test(name)) {
        fields[name] = PLACEHOLDER;
        echoes.push(...bindValuesOf(value));
      } else fields[name] = value;
    }
    for (const [name, value] of Object.entries(fields)) fields[name] = hideEchoesIn(value, echoes);
    redacted.engineNativeAuditFields = fields;
  }
  if (typeof event.errorMessage === 'string') redacted.errorMessage = redactMessage(event.errorMessage, echoes);
  return redacted;
}

/** Oracle's SQL_BINDS marks each value ` #1(5):`: what lies between the marks (all of it, whatever a value holds) is quoted back elsewhere. */
const BIND_MARK = /\s*#\d+\(\d+\):/;

/**
 * The bind values a native bind field holds, as other fields and the error message may quote them
 * back: Oracle gives its binds there alone (its paramList is empty). A field of another shape is
 * hunted for whole.
 */
function bindValuesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(bindValuesOf);
  if (typeof value !== 'string') return [];
  if (!BIND_MARK.test(value)) return [value, value.trim()];
  return value.split(BIND_MARK).flatMap((piece) => [piece, piece.trim()]);
}

function hideEchoesIn(value: unknown, echoes: readonly string[]): unknown {
  if (typeof value === 'string') return hideEchoes(value, echoes);
  if (Array.isArray(value)) return value.map((item) => hideEchoesIn(item, echoes));
  if (value !== null && typeof value === 'object') {
    const copy = Object.create(null) as Record<string, unknown>;
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) copy[name] = hideEchoesIn(item, echoes);
    return copy;
  }
  return value;
}
