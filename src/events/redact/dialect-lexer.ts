import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mysql, plsql, transactsql, type DialectOptions } from 'sql-formatter';
import type { Lexed, SqlLexer, SqlToken, TokenKind } from './sql-token.js';

/** The parts of sql-formatter's lexer das-read uses; sql-formatter is pinned in package.json, for its lexer is not among its exports. */
interface FormatterToken {
  type: string;
  raw: string;
  start: number;
}
interface Tokenizer {
  tokenize(input: string, paramTypesOverrides: object): FormatterToken[];
}
type TokenizerClass = new (options: DialectOptions['tokenizerOptions'], dialectName: string) => Tokenizer;

/**
 * Literals the dialects have and sql-formatter's options leave out, added through its own
 * string types: SQL Server's money (`$9999.99`, `£5`), Oracle's binary floats (`1.5e3f`, `2d`).
 */
const MONEY = { regex: '[$\u00a2-\u00a5\u20a0-\u20cf][+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)' };
/** Oracle's q'[…]' may run over lines; sql-formatter's own pattern stops at a newline. */
const Q_QUOTE = { regex: "[Nn]?[Qq]'(?:(?<qtag>[^\\s<\\[({])[\\s\\S]*?\\k<qtag>|<[\\s\\S]*?>|\\[[\\s\\S]*?\\]|\\([\\s\\S]*?\\)|\\{[\\s\\S]*?\\})'" };
const BINARY_FLOAT = { regex: '(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD](?![A-Za-z0-9_$#])' };

export type DialectName = 'mysql' | 'oracle' | 'sqlserver';

const DIALECTS: Record<DialectName, DialectOptions> = {
  mysql,
  oracle: { ...plsql, tokenizerOptions: { ...plsql.tokenizerOptions, stringTypes: [Q_QUOTE, ...plsql.tokenizerOptions.stringTypes, BINARY_FLOAT] } },
  sqlserver: { ...transactsql, tokenizerOptions: { ...transactsql.tokenizerOptions, stringTypes: [...transactsql.tokenizerOptions.stringTypes, MONEY] } },
};

const KINDS: Record<string, TokenKind> = {
  STRING: 'string',
  NUMBER: 'number',
  LINE_COMMENT: 'comment',
  BLOCK_COMMENT: 'comment',
  // "/* sql-formatter-disable */" takes all that follows as one token: hidden whole, as a comment.
  DISABLE_COMMENT: 'comment',
  QUOTED_IDENTIFIER: 'quoted-name',
};
const OTHER = new Set(['OPERATOR', 'COMMA', 'ASTERISK', 'PROPERTY_ACCESS_OPERATOR', 'OPEN_PAREN', 'CLOSE_PAREN', 'DELIMITER', 'VARIABLE', 'NAMED_PARAMETER', 'QUOTED_PARAMETER', 'NUMBERED_PARAMETER', 'POSITIONAL_PARAMETER', 'CUSTOM_PARAMETER', 'EOF']);
const kindOf = (type: string): TokenKind => KINDS[type] ?? (OTHER.has(type) ? 'other' : 'word');

let lexers: Record<DialectName, SqlLexer> | undefined;

export async function prepareDialectLexers(): Promise<void> {
  if (lexers) return;
  const root = dirname(dirname(dirname(createRequire(import.meta.url).resolve('sql-formatter'))));
  const module = (await import(pathToFileURL(join(root, 'dist', 'esm', 'lexer', 'Tokenizer.js')).href)) as { default: TokenizerClass };
  const made = Object.fromEntries(
    Object.entries(DIALECTS).map(([name, dialect]) => [name, lexerOf(new module.default(dialect.tokenizerOptions, dialect.name))]),
  ) as Record<DialectName, SqlLexer>;
  lexers = made;
}

export function dialectLexer(name: DialectName): SqlLexer {
  if (!lexers) throw new Error('the SQL lexers are not prepared');
  return lexers[name];
}

function lexerOf(tokenizer: Tokenizer): SqlLexer {
  const tokensOf = (sql: string): SqlToken[] =>
    tokenizer
      .tokenize(sql, {})
      .filter((token) => token.type !== 'EOF')
      .map((token) => ({ start: token.start, end: token.start + token.raw.length, kind: kindOf(token.type) }));
  return (sql: string): Lexed => {
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
