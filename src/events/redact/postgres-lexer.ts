import type * as LibPgQuery from 'libpg-query';
import type { Lexed, SqlToken, TokenKind } from './sql-token.js';

/**
 * PostgreSQL's own scanner (libpg-query: the server's parser compiled to WebAssembly). Its token
 * numbers come from the server's grammar and move between versions: they are learnt at load from
 * a statement holding one token of each kind, not written down here. A quoted name is the same
 * token as a bare one: its quote tells them apart.
 */
const CALIBRATION: Array<[string, TokenKind]> = [
  ['a', 'word'],
  ['select', 'word'],
  ["'a'", 'string'],
  ["E'a'", 'string'],
  ["U&'a'", 'string'],
  ["B'1'", 'string'],
  ["X'1'", 'string'],
  ['$$a$$', 'string'],
  ['1', 'number'],
  ['1.5', 'number'],
  ['-- a\n', 'comment'],
  ['/* a */', 'comment'],
];

let kinds: Map<number, TokenKind> | undefined;
let scanSync: typeof LibPgQuery.scanSync;
let parseSync: typeof LibPgQuery.parseSync;

interface ScanToken {
  start: number;
  end: number;
  tokenType: number;
  keywordKind: number;
}

/**
 * Loaded when first needed, not when das-read starts: the module begins loading its WebAssembly
 * as soon as it is imported, and a bundle (the Lambda's) that has no use for it, or lacks the
 * .wasm file, must not fail for it.
 */
export async function preparePostgresLexer(): Promise<void> {
  if (kinds) return;
  const library = await import('libpg-query');
  try {
    await library.loadModule();
  } catch (error) {
    throw new Error(`PostgreSQL's scanner (libpg-query's libpg-query.wasm) could not be loaded: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  ({ scanSync, parseSync } = library);
  const learnt = new Map<number, TokenKind>();
  for (const [text, kind] of CALIBRATION) {
    const tokens = (scanSync(text) as { tokens: ScanToken[] }).tokens;
    const token = tokens[0];
    if (tokens.length !== 1 || !token) throw new Error(`PostgreSQL's scanner read ${JSON.stringify(text)} as ${tokens.length} tokens`);
    if (learnt.has(token.tokenType) && learnt.get(token.tokenType) !== kind)
      throw new Error(`PostgreSQL's scanner gives ${JSON.stringify(text)} the number of another kind`);
    if (kind !== 'word' || token.keywordKind === 0) learnt.set(token.tokenType, kind);
  }
  kinds = learnt;
}

/** Keywords are words whatever their number; anything not learnt (operators, $1, ::) is other. */
const kindOf = (token: ScanToken): TokenKind => (token.keywordKind !== 0 ? 'word' : (kinds?.get(token.tokenType) ?? 'other'));

function scan(sql: string): SqlToken[] | undefined {
  let tokens: ScanToken[];
  try {
    tokens = (scanSync(sql) as { tokens: ScanToken[] }).tokens;
  } catch {
    return undefined;
  }
  const charAt = byteToChar(sql);
  return tokens.map((token) => {
    const start = charAt(token.start);
    const kind = kindOf(token);
    return { start, end: charAt(token.end), kind: kind === 'word' && /^(?:[uU]&)?"/.test(sql.slice(start, start + 3)) ? 'quoted-name' : kind };
  });
}

/**
 * The scanner's offsets are in UTF-8 bytes; JavaScript's in UTF-16 units. The tokens come in
 * order, so one walk along the text converts them all.
 */
function byteToChar(sql: string): (byte: number) => number {
  // eslint-disable-next-line no-control-regex
  if (!/[^\u0000-\u007f]/.test(sql)) return (byte) => byte;
  let char = 0;
  let bytes = 0;
  return (byte) => {
    if (byte < bytes) {
      char = 0;
      bytes = 0;
    }
    while (bytes < byte && char < sql.length) {
      const point = sql.codePointAt(char) as number;
      bytes += point < 0x80 ? 1 : point < 0x800 ? 2 : point < 0x10000 ? 3 : 4;
      char += point >= 0x10000 ? 2 : 1;
    }
    return char;
  };
}

/**
 * What the scanner cannot read (an unterminated quote, `1abc`, a bad escape) it refuses whole,
 * without saying where. The parser, which runs the same scanner, says where: what comes before
 * that place is read. When the parser stops earlier, at the grammar, the longest beginning the
 * scanner reads is found by halving. The last token read may be a piece of a longer one; shown, a
 * piece of a name or keyword tells nothing, and a piece of a literal is a literal, and goes.
 */
export function lexPostgres(sql: string): Lexed {
  if (!kinds) throw new Error('the PostgreSQL lexer is not prepared');
  // The scanner is given a C string: it would stop at a NUL and say nothing of what follows.
  const nul = sql.indexOf('\0');
  const text = nul === -1 ? sql : sql.slice(0, nul);
  const whole = scan(text);
  if (whole) return { tokens: whole, readTo: text.length };
  const stop = scannerStop(text);
  const before = stop === undefined ? undefined : scan(text.slice(0, stop));
  if (stop !== undefined && before) return { tokens: before, readTo: stop };
  let read = 0;
  let unreadable = text.length;
  let tokens: SqlToken[] = [];
  while (unreadable - read > 1) {
    const middle = Math.floor((read + unreadable) / 2);
    const scanned = scan(text.slice(0, middle));
    if (scanned) {
      read = middle;
      tokens = scanned;
    } else {
      unreadable = middle;
    }
  }
  return { tokens, readTo: read };
}

/** Where the scanner stopped, as the parser reports it (a byte offset), if it was the scanner that stopped it. */
function scannerStop(text: string): number | undefined {
  try {
    parseSync(text);
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number; fileName?: string } }).sqlDetails;
    if (details?.fileName === 'scan.l' && typeof details.cursorPosition === 'number') return byteToChar(text)(details.cursorPosition);
  }
  return undefined;
}
