import type { DialectOptions } from 'sql-formatter';
import type { Lexed, SqlLexer, SqlToken, TokenKind } from './sql-token.js';

/** A token as sql-formatter's lexer makes it; sql-formatter is pinned in package.json, for das-read reads its tokens. */
interface FormatterToken {
  type: string;
  raw: string;
  start: number;
}

/**
 * Literals the dialects have and sql-formatter's options leave out, added through its own
 * string types: SQL Server's money (`$9999.99`, `£5`), Oracle's binary floats (`1.5e3f`, `2d`).
 */
const MONEY = { regex: '[$\u00a2-\u00a5\u20a0-\u20cf][+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)' };
/** Oracle's q'[…]' may run over lines; sql-formatter's own pattern stops at a newline. */
const Q_QUOTE = { regex: "[Nn]?[Qq]'(?:(?<qtag>[^\\s<\\[({])[\\s\\S]*?\\k<qtag>|<[\\s\\S]*?>|\\[[\\s\\S]*?\\]|\\([\\s\\S]*?\\)|\\{[\\s\\S]*?\\})'" };
const BINARY_FLOAT = { regex: '(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD](?![A-Za-z0-9_$#])' };

export type DialectName = 'mysql' | 'oracle' | 'sqlserver';

/**
 * The dialects, with what sql-formatter's options leave out. sql-formatter builds every dialect's
 * keyword tables when it is imported (a sixth of a second of CPU): imported when redaction is
 * prepared, so that a command that never redacts never pays for it.
 */
async function dialects(): Promise<{ format: FormatDialect; dialects: Record<DialectName, DialectOptions> }> {
  const { formatDialect, mysql, plsql, transactsql } = await import('sql-formatter');
  return {
    format: formatDialect,
    dialects: {
      mysql,
      oracle: { ...plsql, tokenizerOptions: { ...plsql.tokenizerOptions, stringTypes: [Q_QUOTE, ...plsql.tokenizerOptions.stringTypes, BINARY_FLOAT] } },
      sqlserver: { ...transactsql, tokenizerOptions: { ...transactsql.tokenizerOptions, stringTypes: [...transactsql.tokenizerOptions.stringTypes, MONEY] } },
    },
  };
}

type FormatDialect = typeof import('sql-formatter').formatDialect;

const KINDS: Record<string, TokenKind> = {
  STRING: 'string',
  NUMBER: 'number',
  LINE_COMMENT: 'comment',
  BLOCK_COMMENT: 'comment',
  // "/* sql-formatter-disable */" takes all that follows as one token: hidden whole, as a comment.
  DISABLE_COMMENT: 'comment',
  QUOTED_IDENTIFIER: 'quoted-name',
};
const OTHER = new Set([
  'OPERATOR',
  'COMMA',
  'ASTERISK',
  'PROPERTY_ACCESS_OPERATOR',
  'OPEN_PAREN',
  'CLOSE_PAREN',
  'DELIMITER',
  'VARIABLE',
  'NAMED_PARAMETER',
  'QUOTED_PARAMETER',
  'NUMBERED_PARAMETER',
  'POSITIONAL_PARAMETER',
  'CUSTOM_PARAMETER',
  'EOF',
]);
const kindOf = (type: string): TokenKind => KINDS[type] ?? (OTHER.has(type) ? 'other' : 'word');

let lexers: Record<DialectName, SqlLexer> | undefined;

export async function prepareDialectLexers(): Promise<void> {
  if (lexers) return;
  const { format, dialects: all } = await dialects();
  lexers ??= Object.fromEntries(Object.entries(all).map(([name, dialect]) => [name, lexerOf(tokenizerOf(format, dialect))])) as Record<DialectName, SqlLexer>;
}

export function dialectLexer(name: DialectName): SqlLexer {
  if (!lexers) throw new Error('the SQL lexers are not prepared');
  return lexers[name];
}

/** Thrown from the dialect's last lexing step: the tokens are taken there, and formatting never starts. */
const TOKENS_TAKEN = Symbol('tokens taken');

/**
 * sql-formatter's lexer, reached through its public API: a dialect's `postProcess`, the last step
 * of lexing, hands over the tokens and stops the formatter before it parses. (Its Tokenizer class
 * is not exported; reaching into its files would also break the Lambda's bundle.)
 */
function tokenizerOf(formatDialect: FormatDialect, dialect: DialectOptions): (sql: string) => FormatterToken[] {
  let taken: FormatterToken[] = [];
  const own = dialect.tokenizerOptions.postProcess;
  const capturing: DialectOptions = {
    ...dialect,
    tokenizerOptions: {
      ...dialect.tokenizerOptions,
      postProcess: (tokens) => {
        taken = (own ? own(tokens) : tokens) as FormatterToken[];
        throw TOKENS_TAKEN;
      },
    },
  };
  return (sql) => {
    try {
      formatDialect(sql, { dialect: capturing });
    } catch (error) {
      if (error === TOKENS_TAKEN) return taken;
      throw error;
    }
    throw new Error('sql-formatter formatted without lexing: its postProcess step was not called');
  };
}

function lexerOf(tokenize: (sql: string) => FormatterToken[]): SqlLexer {
  const tokensOf = (sql: string): SqlToken[] =>
    tokenize(sql)
      .filter((token) => token.type !== 'EOF')
      .map((token) => ({ start: token.start, end: token.start + token.raw.length, kind: kindOf(token.type) }));
  return (original: string): Lexed => {
    // sql-formatter's line comments end at any of JavaScript's line terminators; the dialects end
    // them at a newline alone (MySQL) or CR and LF: read with U+2028, U+2029 and a lone CR as
    // spaces, a comment runs on over them, as the server reads it. The offsets are the same.
    const sql = original.replace(/[\u2028\u2029]|\r(?!\n)/g, ' ');
    try {
      return unclosedCut(sql, tokensOf(sql));
    } catch (error) {
      // It says where it stopped as a line and column; what came before it, it reads.
      const stop = stopOf(sql, error);
      try {
        const read = unclosedCut(sql, tokensOf(sql.slice(0, stop)));
        return { tokens: read.tokens, readTo: Math.min(stop, read.readTo) };
      } catch {
        return { tokens: [], readTo: 0 };
      }
    }
  };
}

/**
 * A literal or comment never closed is no error to sql-formatter: it reads on through its body as
 * other tokens. A block comment's opening read as operators, or Oracle's q or nq against a quote
 * (a q'…' closed would be one string), is where reading stops.
 */
function unclosedCut(sql: string, tokens: SqlToken[]): Lexed {
  const open = tokens.findIndex(
    (token, index) =>
      (token.kind !== 'comment' && sql.startsWith('/*', token.start)) ||
      (token.kind === 'word' && /^n?q$/i.test(sql.slice(token.start, token.end)) && tokens[index + 1]?.start === token.end && sql[token.end] === "'"),
  );
  return open === -1 ? { tokens, readTo: sql.length } : { tokens: tokens.slice(0, open), readTo: (tokens[open] as SqlToken).start };
}

function stopOf(sql: string, error: unknown): number {
  const place = /at line (\d+) column (\d+)/.exec(error instanceof Error ? error.message : '');
  if (!place) return 0;
  const lines = sql.split('\n');
  const line = Math.min(Number(place[1]), lines.length);
  const before = lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0);
  return Math.max(0, Math.min(sql.length, before + Number(place[2]) - 1));
}
