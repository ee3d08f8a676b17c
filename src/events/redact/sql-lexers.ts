import { dialectLexer, prepareDialectLexers } from './dialect-lexer.js';
import type { Engine } from './engine.js';
import { lexPostgres, preparePostgresLexer } from './postgres-lexer.js';
import type { SqlLexer } from './sql-token.js';

/**
 * Which code reads which engine's SQL: PostgreSQL's own scanner for Aurora PostgreSQL and RDS for
 * PostgreSQL; sql-formatter's lexers for MySQL, PL/SQL and Transact-SQL for the others.
 */
export const LEXED_BY: Record<Engine, string> = {
  postgresql: "PostgreSQL's own scanner (libpg-query)",
  mysql: "sql-formatter's mysql lexer",
  oracle: "sql-formatter's plsql lexer, with Oracle's binary float literals",
  sqlserver: "sql-formatter's transactsql lexer, with money literals",
};

let prepared: Promise<void> | undefined;

/** Loads the lexers (PostgreSQL's is WebAssembly): once, before the first statement is redacted. */
export function prepareSqlLexers(): Promise<void> {
  prepared ??= Promise.all([preparePostgresLexer(), prepareDialectLexers()]).then(() => undefined);
  return prepared;
}

/** An engine nothing names reads nothing: its statements are wholly hidden. */
const readsNothing: SqlLexer = () => ({ tokens: [], readTo: 0 });

export function lexerFor(engine: Engine | undefined): SqlLexer {
  switch (engine) {
    case 'postgresql':
      return lexPostgres;
    case 'mysql':
      return dialectLexer('mysql');
    case 'oracle':
      return dialectLexer('oracle');
    case 'sqlserver':
      return dialectLexer('sqlserver');
    default:
      return readsNothing;
  }
}
