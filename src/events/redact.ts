import type { Engine } from './redact/engine.js';
import { redactStatement } from './redact/redact-event.js';

/**
 * --redact's one door. Lexers are loaded once, by `prepareRedaction()`, before the first statement:
 * PostgreSQL's is WebAssembly, which loads only asynchronously.
 */
export { redactEvent, PLACEHOLDER } from './redact/redact-event.js';
export { prepareSqlLexers as prepareRedaction, LEXED_BY } from './redact/sql-lexers.js';
export { engineOf, engineNamed, type Engine } from './redact/engine.js';

/** The statement, in its engine's dialect, with its values taken out and its shape kept. */
export function redactSql(sql: string, engine: Engine | undefined): string {
  return redactStatement(sql, engine).text;
}
