import type { DasEvent } from '../../decode/types.js';
import { engineOf, type Engine } from './engine.js';
import { echoHider, redactMessage } from './redact-message.js';
import { PLACEHOLDER, redactLexed, type RedactedSql } from './redact-sql.js';
import { lexerFor } from './sql-lexers.js';
import { Lru } from '../../decode/lru.js';

export { PLACEHOLDER };

/**
 * Past this many characters a statement is not read on: its shape so far is shown, and `?` for
 * the rest. PostgreSQL's scanner takes about 50 µs a token (a third of a second for 16 KiB of
 * `a,`), and a client may send statements of megabytes to slow the reader down.
 */
export const MAX_READ_STATEMENT = 16 * 1024;
/**
 * Past this many block comments a statement is not read on either: a comment never closed makes
 * a lexer look for its end from each opening, and thousands of openings cost seconds.
 */
export const MAX_COMMENT_OPENINGS = 100;

/** Where reading a statement stops: its length, 32 KiB, or its 101st comment opening, whichever is first. */
function readLimit(sql: string): number {
  let limit = Math.min(sql.length, MAX_READ_STATEMENT);
  let at = -1;
  for (let count = 0; count <= MAX_COMMENT_OPENINGS; count++) {
    at = sql.indexOf('/*', at + 1);
    if (at === -1 || at >= limit) return limit;
  }
  limit = Math.min(limit, at);
  return limit;
}

/**
 * Statements sent again and again with bind values (`WHERE aid = $1`) are lexed once: the last
 * 1,024 of up to 4 KiB are kept, each with its engine. Holding them costs what holding the events
 * does; the plaintext statements are das-read's to read anyway.
 */
const recent = new Lru<string, RedactedSql>(1024);
const MAX_REMEMBERED_STATEMENT = 4 * 1024;

/** A statement in an engine's dialect, its values taken out; an engine nothing names shows nothing of it. */
export function redactStatement(sql: string, engine: Engine | undefined): RedactedSql {
  if (sql.length > MAX_REMEMBERED_STATEMENT) return lexAndRedact(sql, engine);
  const key = `${engine ?? ''}\u0000${sql}`;
  const known = recent.get(key);
  if (known) return known;
  const redacted = lexAndRedact(sql, engine);
  recent.set(key, redacted);
  return redacted;
}

function lexAndRedact(sql: string, engine: Engine | undefined): RedactedSql {
  const rules = { unquotedArgumentsAreStrings: engine === 'sqlserver' };
  const limit = readLimit(sql);
  if (limit === sql.length) return redactLexed(sql, lexerFor(engine)(sql), rules);
  const lexed = lexerFor(engine)(sql.slice(0, limit));
  return redactLexed(sql, { tokens: lexed.tokens, readTo: Math.min(lexed.readTo, limit) }, rules);
}

/** Engine-native fields that hold the statement again, or its bind values (Oracle's SQL_TEXT and SQL_BINDS, SQL Server's statement). */
const NATIVE_STATEMENT = /^(?:sql_text|statement)$/i;
const NATIVE_BINDS = /binds?$/i;

/**
 * The event with the values of its SQL, its bind values and its error taken out, and any of those
 * values quoted back in its engine-native fields: its statement keeps its shape. The engine is the
 * event's own (`serverType`), else `engine`, the one its record or stream is known to be. A field
 * of a shape no engine sends (a statement that is not a string, binds that are not a list, native
 * fields that are not an object) is hidden whole: it cannot be read, so it is not shown.
 */
export function redactEvent(event: DasEvent, engine: Engine | undefined = undefined): DasEvent {
  const dialect = engineOf(event) ?? engine;
  const redacted: DasEvent = { ...event };
  const echoes: string[] = [];
  if (typeof event.commandText === 'string') {
    const statement = redactStatement(event.commandText, dialect);
    redacted.commandText = statement.text;
    echoes.push(...statement.values);
  } else if (event.commandText != null) redacted.commandText = PLACEHOLDER;
  if (Array.isArray(event.paramList)) {
    echoes.push(...event.paramList.flatMap(bindValuesOf));
    redacted.paramList = event.paramList.map(() => PLACEHOLDER);
  } else if (event.paramList != null) redacted.paramList = PLACEHOLDER as never;
  const native: unknown = event.engineNativeAuditFields;
  const nativeRead =
    native !== null && typeof native === 'object' && !Array.isArray(native) ? nativeFields(native as Record<string, unknown>, dialect, echoes) : undefined;
  const hide = echoHider(echoes);
  if (nativeRead) redacted.engineNativeAuditFields = hideEchoesIn(nativeRead, hide) as Record<string, unknown>;
  else if (native != null) redacted.engineNativeAuditFields = PLACEHOLDER as never;
  if (typeof event.errorMessage === 'string') redacted.errorMessage = redactMessage(event.errorMessage, hide);
  else if (event.errorMessage != null) redacted.errorMessage = PLACEHOLDER;
  return redacted;
}

/** Native fields at any depth: a statement field redacted as SQL, a bind field hidden whole, their values gathered. */
function nativeFields(native: Record<string, unknown>, dialect: Engine | undefined, echoes: string[]): Record<string, unknown> {
  const fields = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(native)) {
    if (typeof value === 'string' && NATIVE_STATEMENT.test(name)) {
      const statement = redactStatement(value, dialect);
      fields[name] = statement.text;
      echoes.push(...statement.values);
    } else if (value !== null && NATIVE_BINDS.test(name)) {
      fields[name] = PLACEHOLDER;
      echoes.push(...bindValuesOf(value));
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      fields[name] = nativeFields(value as Record<string, unknown>, dialect, echoes);
    } else fields[name] = value;
  }
  return fields;
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
  // A number or a boolean bound is quoted back as its digits.
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return [String(value)];
  if (typeof value !== 'string') return [];
  if (!BIND_MARK.test(value)) return [value, value.trim()];
  return value.split(BIND_MARK).flatMap((piece) => [piece, piece.trim()]);
}

function hideEchoesIn(value: unknown, hide: (text: string) => string): unknown {
  if (typeof value === 'string') return hide(value);
  if (Array.isArray(value)) return value.map((item) => hideEchoesIn(item, hide));
  if (value !== null && typeof value === 'object') {
    const copy = Object.create(null) as Record<string, unknown>;
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) copy[name] = hideEchoesIn(item, hide);
    return copy;
  }
  return value;
}
