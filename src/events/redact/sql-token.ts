/** What a lexer says of a piece of SQL: enough to take its values out and keep its shape. */
export type TokenKind =
  /** A string literal of any quoting, with its prefix (E'…', N'…', $tag$…$tag$, q'[…]', money). */
  | 'string'
  | 'number'
  | 'comment'
  /** "name", `name`, [name]: kept, unless it stands where a password does. */
  | 'quoted-name'
  /** A keyword or an unquoted name. */
  | 'word'
  /** Operators, punctuation, bind placeholders, variables. */
  | 'other';

export interface SqlToken {
  /** UTF-16 offsets into the statement, as JavaScript slices it. */
  start: number;
  end: number;
  kind: TokenKind;
}

export interface Lexed {
  tokens: SqlToken[];
  /** Where the lexer stopped: the statement's length, or the place it could not read past. Nothing from here on is shown. */
  readTo: number;
}

export type SqlLexer = (sql: string) => Lexed;
