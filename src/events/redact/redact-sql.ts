import type { Lexed, SqlToken } from './sql-token.js';

/** What stands where a value was. */
export const PLACEHOLDER = '?';

export interface RedactedSql {
  text: string;
  /** The values taken out, as written between their quotes: an error message or another field may quote them back. */
  values: string[];
}

/** After PASSWORD [=], these words are the clause's own, not a password. */
const NOT_PASSWORDS = new Set([
  'NULL',
  'EXPIRE',
  'DEFAULT',
  'HISTORY',
  'REUSE',
  'REQUIRE',
  'LOCK',
  'UNLOCK',
  'VERIFY',
  'LIFE_TIME',
  'GRACE_TIME',
  'TO',
  'FOR',
  '(',
]);
/** Statements whose 'user'@'host' is an account's name (MySQL), not a value. */
const ACCOUNT_STATEMENTS = new Set(['CREATE', 'ALTER', 'DROP', 'RENAME', 'GRANT', 'REVOKE', 'SET', 'SHOW']);
/** SQL Server procedures whose arguments are, or hold, passwords: every argument goes, quoted or not. */
const PASSWORD_PROCEDURES = new Set([
  'SP_ADDLOGIN',
  'SP_PASSWORD',
  'SP_ADDAPPROLE',
  'SP_SETAPPROLE',
  'SP_APPROLEPASSWORD',
  'SP_ADDLINKEDSRVLOGIN',
  'SP_CHANGE_USERS_LOGIN',
  'SP_CONTROL_DBMASTERKEY_PASSWORD',
]);

/**
 * The statement with every literal, comment body and password taken out and its shape kept
 * (`WHERE email = ?`). Whatever the lexer did not read, and anything between tokens that is not
 * white space, is not shown either: a statement is never passed through where it was not understood.
 */
export function redactLexed(sql: string, lexed: Lexed, rules: DialectRules = {}): RedactedSql {
  const { tokens, readTo } = lexed;
  const secret = passwordTokens(sql, tokens, rules);
  const firstWord = tokens.find((token) => token.kind === 'word');
  // A keyword phrase ("CREATE USER") is one token: its first word is the statement's.
  const accounts = firstWord !== undefined && ACCOUNT_STATEMENTS.has(sql.slice(firstWord.start, firstWord.end).split(/\s/)[0]?.toUpperCase() ?? '');
  const values: string[] = [];
  let out = '';
  let at = 0;
  for (const [index, token] of tokens.entries()) {
    if (token.start < at || token.end > readTo) break;
    const gap = sql.slice(at, token.start);
    out += /^\s*$/.test(gap) ? gap : PLACEHOLDER;
    at = token.end;
    const text = sql.slice(token.start, token.end);
    const before = tokens[index - 1];
    const next = tokens[index + 1];
    if (token.kind === 'word' && before?.kind === 'number' && before.end === token.start && !secret.has(index)) {
      // A suffix written against its number (Oracle's 1.5e3f, 2d) is part of it: one ? for both.
      continue;
    }
    if (token.kind === 'string' && accounts && !secret.has(index) && next?.start === token.end && sql[token.end] === '@' && next.kind === 'other') {
      // MySQL's 'user'@'host' in a statement about accounts names one: a name, kept as the host after it is.
      out += text;
      continue;
    }
    if (secret.has(index) || token.kind === 'string' || token.kind === 'number') {
      values.push(...valuesOf(text));
      // A literal read in two pieces (1 and .5e3f) stays one ?.
      const joined = (before?.kind === 'string' || before?.kind === 'number') && before.end === token.start && !secret.has(index);
      if (!joined) out += PLACEHOLDER;
    } else if (token.kind === 'comment') {
      // A line comment's own newline, where its lexer counts it in, is kept: the next line stays code.
      const newline = /[\r\n]+$/.exec(text)?.[0] ?? '';
      out += text.startsWith('--')
        ? `--${PLACEHOLDER}${newline}`
        : text.startsWith('#')
          ? `#${PLACEHOLDER}${newline}`
          : text.startsWith('/*')
            ? `/*${PLACEHOLDER}*/`
            : PLACEHOLDER;
    } else if (token.kind === 'word' && /^[0-9]/.test(text)) {
      // MySQL reads 1_000 or 4111e as a name; to a reader it is a number.
      values.push(text);
      out += PLACEHOLDER;
    } else if (token.kind === 'word' && tokens[index + 1]?.kind === 'string' && tokens[index + 1]?.start === token.end) {
      // A prefix written against its quote (_utf8mb4'…', a dialect's E or N) is part of the literal.
    } else {
      out += text;
    }
  }
  const tail = sql.slice(at, Math.max(at, readTo));
  if (!/^\s*$/.test(tail)) out += PLACEHOLDER;
  else out += tail + (readTo < sql.length ? PLACEHOLDER : '');
  return { text: out, values };
}

/**
 * The text between a literal's quotes (and its delimiters, for q'[…]'), as written and with its
 * escapes read, or the literal as written when it has no quotes: the forms a message may quote back.
 */
function valuesOf(literal: string): string[] {
  const body =
    /^\$([A-Za-z_][A-Za-z0-9_]*)?\$([\s\S]*)\$\1\$$/.exec(literal)?.[2] ??
    /^[nN]?[qQ]'([\s\S])([\s\S]*)[\s\S]'$/.exec(literal)?.[2] ??
    /^[^'"]*['"]([\s\S]*)['"]$/.exec(literal)?.[1] ??
    literal;
  const unescaped = body
    .replace(/''/g, "'")
    .replace(/""/g, '"')
    .replace(/\\([\s\S])/g, '$1');
  return unescaped === body ? [body] : [body, unescaped];
}

/** T-SQL keywords that stand for a procedure's argument, not a value. */
const ARGUMENT_KEYWORDS = new Set(['NULL', 'DEFAULT']);

export interface DialectRules {
  /** T-SQL reads an unquoted word passed to a procedure (`EXEC p swordfish`) as a string. */
  unquotedArgumentsAreStrings?: boolean;
}

/**
 * The tokens that stand where a password does, whatever their kind: after IDENTIFIED [WITH plugin]
 * BY (and after a REPLACE that follows it), after PASSWORD [=] and OLD_PASSWORD [=], and every
 * argument of SQL Server's password procedures, bracketed or not; and, where the dialect reads
 * them as strings, the unquoted arguments of any procedure. Comments between the words change
 * nothing. One pass: each token is looked at a bounded number of times.
 */
function passwordTokens(sql: string, tokens: SqlToken[], rules: DialectRules): Set<number> {
  const secret = new Set<number>();
  const significant = tokens.filter((token) => token.kind !== 'comment');
  const indexOf = new Map(significant.map((token) => [token, tokens.indexOf(token)]));
  const raw = (at: number): string => {
    const token = significant[at];
    return token ? sql.slice(token.start, token.end) : '';
  };
  const kind = (at: number) => significant[at]?.kind;
  /** A keyword phrase ("SET PASSWORD", "IDENTIFIED BY") is one token: its last word is what follows. */
  const word = (at: number): string => (kind(at) === 'word' ? (raw(at).split(/\s+/).at(-1)?.toUpperCase() ?? '') : raw(at));
  const words = (at: number): string[] => (kind(at) === 'word' ? raw(at).toUpperCase().split(/\s+/) : []);
  const mark = (at: number) => {
    const token = significant[at];
    if (token) secret.add(indexOf.get(token) as number);
  };
  /** A procedure's name, [bracketed] and dotted or not: where it ends, and its last part. */
  const procedureAt = (from: number): { next: number; name: string } => {
    let at = from;
    let name = '';
    while (kind(at) === 'word' || kind(at) === 'quoted-name') {
      name = raw(at)
        .replace(/^\[|\]$/g, '')
        .toUpperCase();
      if (raw(at + 1) !== '.') return { next: at + 1, name };
      at += 2;
    }
    return { next: at, name };
  };
  /** Marks a procedure call's arguments, and says where they end. */
  const argumentsFrom = (from: number, passwords: boolean): number => {
    let at = from;
    for (;;) {
      if (raw(at).startsWith('@') && raw(at + 1) === '=') at += 2;
      const here = kind(at);
      const text = raw(at).toUpperCase();
      if (here === 'other' && text.startsWith('@')) at++;
      else if (here === 'string' || here === 'number') at++;
      else if (here === 'word' || here === 'quoted-name') {
        if (passwords || (rules.unquotedArgumentsAreStrings && !ARGUMENT_KEYWORDS.has(text))) mark(at);
        at++;
      } else return at;
      if (passwords && here !== 'other') mark(at - 1);
      if (word(at) === 'OUTPUT' || word(at) === 'OUT') at++;
      if (raw(at) !== ',') return at;
      at++;
    }
  };
  for (let at = 0; at < significant.length; at++) {
    const here = words(at);
    const last = here.at(-1) ?? '';
    if (last === 'BY') {
      const before = [...here.slice(0, -1), ...[1, 2, 3].flatMap((back) => words(at - back))];
      if (before.includes('IDENTIFIED')) {
        mark(at + 1);
        if (word(at + 2) === 'REPLACE') mark(at + 3);
      }
    } else if (last === 'PASSWORD' || last === 'OLD_PASSWORD') {
      const value = word(at + 1) === '=' ? at + 2 : at + 1;
      // A placeholder, a variable or a mark such as pgaudit's <REDACTED> is no password.
      if (kind(value) !== 'other' && !NOT_PASSWORDS.has(word(value))) mark(value);
    } else if (last === 'EXEC' || last === 'EXECUTE') {
      const returned = raw(at + 1).startsWith('@') && raw(at + 2) === '=' ? at + 3 : at + 1;
      const procedure = procedureAt(returned);
      at = argumentsFrom(procedure.next, PASSWORD_PROCEDURES.has(procedure.name)) - 1;
    } else if (kind(at) === 'word' || kind(at) === 'quoted-name') {
      const procedure = procedureAt(at);
      if (PASSWORD_PROCEDURES.has(procedure.name)) at = argumentsFrom(procedure.next, true) - 1;
    }
  }
  return secret;
}
