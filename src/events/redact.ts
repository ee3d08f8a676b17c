import type { DasEvent } from '../decode/types.js';
import { fieldText } from './field-text.js';

/** What stands where a value was. */
export const PLACEHOLDER = '?';

const WORD = /[A-Za-z0-9_$]/;
const DIGIT = /[0-9]/;

/**
 * The SQL with its values taken out and its shape kept (`WHERE aid = ?`): string literals (with
 * their E/N/X/B prefixes), dollar-quoted bodies, numbers, comments, and the word after
 * IDENTIFIED BY (Oracle's and MySQL's passwords may be unquoted). Double quotes are identifiers,
 * except in MySQL, where they quote strings. Bind placeholders ($1, ?, :name) stay.
 * An unterminated literal takes the rest of the text: nothing of it is shown.
 */
export function redactSql(sql: string, options: { doubleQuotedStrings?: boolean } = {}): string {
  let out = '';
  let at = 0;
  let passwordNext = false;
  while (at < sql.length) {
    const char = sql[at] as string;
    const next = sql[at + 1] ?? '';
    const before = at > 0 ? (sql[at - 1] as string) : '';
    if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', at);
      out += `--${PLACEHOLDER}`;
      at = end === -1 ? sql.length : end;
      continue;
    }
    if (char === '/' && next === '*') {
      const end = sql.indexOf('*/', at + 2);
      out += `/*${PLACEHOLDER}*/`;
      at = end === -1 ? sql.length : end + 2;
      continue;
    }
    if (char === "'" || (char === '"' && options.doubleQuotedStrings)) {
      // A prefix letter just before the quote (E'…', N'…', X'…', B'…') belongs to the literal.
      if (/[EeNnXxBb]/.test(before) && !WORD.test(sql[at - 2] ?? '')) out = out.slice(0, -1);
      const backslashes = char === "'" && /[Ee]/.test(before);
      at = endOfQuoted(sql, at, char, backslashes || Boolean(options.doubleQuotedStrings));
      out += PLACEHOLDER;
      passwordNext = false;
      continue;
    }
    if (char === '"' || char === '`') {
      // An identifier: kept, whatever it holds, unless it is the password of IDENTIFIED BY.
      const end = endOfQuoted(sql, at, char, false);
      out += passwordNext ? PLACEHOLDER : sql.slice(at, end);
      at = end;
      passwordNext = false;
      continue;
    }
    if (char === '$' && !WORD.test(before)) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(at));
      if (tag) {
        const end = sql.indexOf(tag[0], at + tag[0].length);
        out += PLACEHOLDER;
        at = end === -1 ? sql.length : end + tag[0].length;
        continue;
      }
    }
    if (DIGIT.test(char) && !WORD.test(before) && !(before === '.' && WORD.test(sql[at - 2] ?? ''))) {
      const number = /^(0[xX][0-9A-Fa-f]+|[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?)/.exec(sql.slice(at))?.[0] ?? char;
      out += PLACEHOLDER;
      at += number.length;
      continue;
    }
    if (char === '.' && DIGIT.test(next) && !WORD.test(before)) {
      const number = /^\.[0-9]+([eE][+-]?[0-9]+)?/.exec(sql.slice(at))?.[0] ?? char;
      out += PLACEHOLDER;
      at += number.length;
      continue;
    }
    if (passwordNext && !/\s/.test(char)) {
      // An unquoted password runs to the next space, whatever it is made of.
      const secret = /^[^\s;]+/.exec(sql.slice(at))?.[0] ?? char;
      out += PLACEHOLDER;
      at += secret.length;
      passwordNext = false;
      continue;
    }
    if (WORD.test(char) && !WORD.test(before)) {
      const word = /^[A-Za-z0-9_$]+/.exec(sql.slice(at))?.[0] ?? char;
      passwordNext = word.toUpperCase() === 'BY' && lastWord(out) === 'IDENTIFIED';
      out += word;
      at += word.length;
      continue;
    }
    out += char;
    at++;
  }
  return out;
}

const lastWord = (text: string) => /([A-Za-z_]+)\s*$/.exec(text)?.[1]?.toUpperCase();

/** The index just past the closing quote; a doubled quote (or, where allowed, a backslash) escapes it. */
function endOfQuoted(sql: string, start: number, quote: string, backslashes: boolean): number {
  for (let at = start + 1; at < sql.length; at++) {
    const char = sql[at];
    if (backslashes && char === '\\') {
      at++;
      continue;
    }
    if (char === quote) {
      if (sql[at + 1] === char) {
        at++;
        continue;
      }
      return at + 1;
    }
  }
  return sql.length;
}

/** MySQL, outside ANSI_QUOTES, quotes strings with double quotes too. */
const isMySql = (event: DasEvent) => /mysql/i.test(fieldText(event.serverType));

/** The event with the values of its SQL, its bind parameters and its error replaced: the shape of every statement stays. */
export function redactEvent(event: DasEvent): DasEvent {
  const redacted: DasEvent = { ...event };
  if (typeof event.commandText === 'string') redacted.commandText = redactSql(event.commandText, { doubleQuotedStrings: isMySql(event) });
  if (Array.isArray(event.paramList)) redacted.paramList = event.paramList.map(() => PLACEHOLDER);
  // An error may quote the values it failed on ("Key (email)=(…) already exists"): taken out the same way.
  if (typeof event.errorMessage === 'string') redacted.errorMessage = redactSql(event.errorMessage, { doubleQuotedStrings: isMySql(event) });
  return redacted;
}
