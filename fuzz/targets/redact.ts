// The SQL lexers behind --redact: a statement's bytes, as a database client wrote them, redacted in
// each engine's dialect. Their promise: they never throw, and what they write holds no literal,
// number or comment body: read again by the same lexer, it has none (a `?` stands for each).
import { prepareRedaction, redactSql, type Engine } from '../../src/events/redact.js';
import { lexerFor } from '../../src/events/redact/sql-lexers.js';
import { invariant, type FuzzTarget } from '../target.js';

const ENGINES: Engine[] = ['postgresql', 'mysql', 'oracle', 'sqlserver'];
/** A comment das-read wrote: its marks and `?`s (the one for its body, and one for an unread rest on its line). */
const EMPTY_COMMENT = /^(?:--|#|\/\*)[?\s]*(?:\*\/)?[?\s]*$/;

await prepareRedaction();

const target: FuzzTarget = {
  dictionary: [
    "'",
    '"',
    '`',
    '[',
    ']',
    "E'",
    "U&'",
    "N'",
    "X'",
    "B'",
    '$$',
    '$q$',
    "q'[",
    "]'",
    "q'{",
    "nq'!",
    '_utf8mb4',
    '/*',
    '*/',
    '--',
    '#',
    '\n',
    '\\',
    '0x',
    '0b',
    '1_000',
    '1e5',
    '.5',
    '$99.5',
    '2d',
    'IDENTIFIED BY ',
    ' REPLACE ',
    'PASSWORD ',
    ' = ',
    'sp_addlogin ',
    '\0',
    'é',
    '😀',
  ],
  async run(input) {
    const sql = new TextDecoder().decode(input);
    const outcomes: string[] = [];
    for (const engine of ENGINES) {
      const redacted = redactSql(sql, engine);
      const again = lexerFor(engine)(redacted);
      for (const token of again.tokens) {
        const text = redacted.slice(token.start, token.end);
        invariant(
          token.kind !== 'string',
          `a string survives ${engine}'s redaction`,
          () => `${JSON.stringify(text.slice(0, 60))} in ${JSON.stringify(redacted.slice(0, 200))}`,
        );
        invariant(
          token.kind !== 'number',
          `a number survives ${engine}'s redaction`,
          () => `${JSON.stringify(text.slice(0, 60))} in ${JSON.stringify(redacted.slice(0, 200))}`,
        );
        invariant(
          token.kind !== 'comment' || EMPTY_COMMENT.test(text),
          `a comment body survives ${engine}'s redaction`,
          () => `${JSON.stringify(text.slice(0, 60))} in ${JSON.stringify(redacted.slice(0, 200))}`,
        );
      }
      outcomes.push(redacted === sql ? 'same' : redacted.endsWith('?') && again.readTo === redacted.length ? 'changed' : 'cut');
    }
    return outcomes.join(',');
  },
};
export default target;
