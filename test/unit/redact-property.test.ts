import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactEvent, redactSql, type Engine } from '../../src/events/redact.js';
import { postgresEvent } from '../../lab/src/synthetic-events.js';

// Statements built at random from each dialect's grammar pieces, with secrets put at random in
// every kind of literal, comment, password clause, bind value and error message. Whatever the
// statement, no secret may survive --redact, and every table and column name must.

/** Every secret carries this between its pieces: finding it anywhere in the output is a leak. */
const MARK = 'ZQX';
/** Numbers carry these digits; no name holds a digit. */
const DIGITS = '97531';

/** The characters that trouble lexers: quotes of every kind, escapes, comment marks, dollars, non-ASCII. */
const piece = fc.constantFrom(
  "'",
  '"',
  '\\',
  '$',
  '*/',
  '/*',
  '--',
  '#',
  ']',
  '}',
  '!',
  ' ',
  'é',
  '😀',
  '\n',
  ';',
  '?',
  ':x',
  '@',
  '`',
  '[',
  '%',
  'a',
  'Z9',
  "''",
  "\\'",
);
const secret = fc.array(piece, { minLength: 0, maxLength: 6 }).map((pieces) => `${MARK}${pieces.join(MARK)}${MARK}`);
const number = fc.stringMatching(/^[0-9]{1,6}$/).map((digits) => `${DIGITS}${digits}`);
const name = (prefix: string) => fc.stringMatching(/^[a-z]{2,8}$/).map((word) => `${prefix}_${word}`);

/** A secret without the characters a quoting cannot hold. */
const without = (text: string, forbidden: RegExp) => text.replace(forbidden, '');

type Literal = (text: string) => string;
const doubled =
  (quote: string): Literal =>
  (text) =>
    `${quote}${text.replaceAll(quote, quote + quote)}${quote}`;

interface Dialect {
  strings: Literal[];
  numbers: Array<(digits: string) => string>;
  comments: Literal[];
  /** A whole statement that sets a password, given two secrets. */
  passwords: Array<(first: string, second: string) => string>;
}

const DIALECTS: Record<Engine, Dialect> = {
  postgresql: {
    strings: [
      doubled("'"),
      (text) => `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`,
      (text) => `U&'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`,
      (text) => `$q$${without(text, /\$/g)}$q$`,
      (text) => `$$${without(text, /\$/g)}$$`,
    ],
    numbers: [(d) => d, (d) => `${d}.5`, (d) => `.${d}`, (d) => `${d}e5`, (d) => `${DIGITS}_${d}`],
    comments: [
      (text) => `/* ${without(text, /\/\*|\*\//g)} */`,
      (text) => `/* a /* ${without(text, /\/\*|\*\//g)} */ b */`,
      (text) => `-- ${without(text, /[\r\n]/g)}\n`,
    ],
    passwords: [
      (first) => `CREATE ROLE r_app LOGIN PASSWORD ${doubled("'")(first)}`,
      (first) => `ALTER ROLE r_app WITH ENCRYPTED PASSWORD ${doubled("'")(first)} VALID UNTIL 'infinity'`,
    ],
  },
  mysql: {
    strings: [
      (text) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`,
      (text) => `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`,
      (text) => `_utf8mb4'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`,
      (text) => `N'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`,
    ],
    numbers: [(d) => d, (d) => `${d}.5`, (d) => `.${d}`, (d) => `${d}e5`],
    comments: [(text) => `/* ${without(text, /\*\//g)} */`, (text) => `# ${without(text, /[\r\n]/g)}\n`, (text) => `-- ${without(text, /[\r\n]/g)}\n`],
    passwords: [
      (first, second) =>
        `ALTER USER u_app IDENTIFIED BY '${first.replaceAll('\\', '\\\\').replaceAll("'", "''")}' REPLACE '${second.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`,
      (first) => `CREATE USER u_app IDENTIFIED WITH caching_sha2_password BY '${first.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`,
      (first) => `SET PASSWORD FOR u_app = '${first.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`,
    ],
  },
  oracle: {
    strings: [
      doubled("'"),
      (text) => `N${doubled("'")(text)}`,
      (text) => `q'[${without(text, /\]'/g)}]'`,
      (text) => `Q'{${without(text, /\}'/g)}}'`,
      (text) => `nq'!${without(text, /!/g)}!'`,
    ],
    numbers: [(d) => d, (d) => `${d}.5`, (d) => `${d}e5`, (d) => `${d}f`],
    comments: [(text) => `/* ${without(text, /\*\//g)} */`, (text) => `-- ${without(text, /[\r\n]/g)}\n`],
    passwords: [
      (first, second) => `ALTER USER u_app IDENTIFIED BY ${without(first, /[^A-Za-z0-9]/g)} REPLACE ${without(second, /[^A-Za-z0-9]/g)}`,
      (first) => `CREATE USER u_app IDENTIFIED /* c */ BY "${without(first, /"/g)}"`,
    ],
  },
  sqlserver: {
    strings: [doubled("'"), (text) => `N${doubled("'")(text)}`],
    numbers: [(d) => d, (d) => `${d}.5`, (d) => `$${d}.25`, (d) => `0x${d}`],
    comments: [(text) => `/* a /* ${without(text, /\/\*|\*\//g)} */ b */`, (text) => `-- ${without(text, /[\r\n]/g)}\n`],
    passwords: [
      (first, second) => `CREATE LOGIN l_app WITH PASSWORD = ${doubled("'")(first)}, OLD_PASSWORD = ${doubled("'")(second)}`,
      (first) => `EXEC sp_addlogin u_app, ${without(first, /[^A-Za-z0-9]/g)}`,
      (first) => `EXEC sp_password @old = NULL, @new = ${doubled("'")(first)}`,
    ],
  },
};

const ENGINES = Object.keys(DIALECTS) as Engine[];

/** A value: a string of any of the dialect's quotings, or a number of any of its forms. */
const value = (dialect: Dialect) =>
  fc.oneof(
    fc.tuple(fc.constantFrom(...dialect.strings), secret).map(([literal, text]) => literal(text)),
    fc.tuple(fc.constantFrom(...dialect.numbers), number).map(([form, digits]) => form(digits)),
  );

/** A statement of the dialect with names kept apart from the values that must go. */
const statement = (engine: Engine) => {
  const dialect = DIALECTS[engine];
  const query = fc
    .record({
      table: name('tbl'),
      columns: fc.uniqueArray(name('col'), { minLength: 2, maxLength: 3 }),
      values: fc.array(value(dialect), { minLength: 2, maxLength: 3 }),
      comment: fc.option(fc.tuple(fc.constantFrom(...dialect.comments), secret).map(([comment, text]) => comment(text))),
      shape: fc.constantFrom('select', 'update', 'insert'),
      bracket: fc.boolean(),
    })
    .map(({ table, columns, values, comment, shape, bracket }) => {
      const [first, second] = columns as [string, string];
      // A quote inside a [bracketed] name must not throw SQL Server's reading off the literal after it.
      const shownTable = engine === 'sqlserver' && bracket ? `[${table}'s]` : table;
      const note = comment ?? '';
      const sql =
        shape === 'select'
          ? `SELECT ${first}, ${second} ${note}FROM ${shownTable} WHERE ${first} = ${values[0]} AND ${second} IN (${values.slice(1).join(', ')})`
          : shape === 'update'
            ? `UPDATE ${shownTable} SET ${first} = ${values[0]} ${note}WHERE ${second} = ${values[1]}`
            : `INSERT INTO ${shownTable} (${first}, ${second}) ${note}VALUES (${values.slice(0, 2).join(', ')})`;
      return { sql, names: [table, first, second] };
    });
  const password = fc.tuple(fc.constantFrom(...dialect.passwords), secret, secret).map(([clause, first, second]) => {
    const sql = clause(first, second);
    // sp_addlogin's arguments all go, the login's name with its password.
    return { sql, names: sql.includes('_app') && !sql.includes('sp_addlogin') ? ['_app'] : [] };
  });
  return fc.oneof({ arbitrary: query, weight: 4 }, { arbitrary: password, weight: 1 });
};

const leaks = (text: string) => text.includes(MARK) || text.includes(DIGITS);

describe.each(ENGINES)('--redact, property: %s statements', (engine) => {
  it('no secret survives, and every name does', () => {
    fc.assert(
      fc.property(statement(engine), ({ sql, names }) => {
        const redacted = redactSql(sql, engine);
        expect(leaks(redacted), `${sql}\n→ ${redacted}`).toBe(false);
        for (const kept of names) expect(redacted, sql).toContain(kept);
      }),
      { numRuns: 300 },
    );
  });

  it('cut anywhere, a statement still shows no whole secret', () => {
    fc.assert(
      fc.property(statement(engine), fc.nat(), ({ sql }, cut) => {
        const piece = sql.slice(0, cut % (sql.length + 1));
        const redacted = redactSql(piece, engine);
        expect(redacted.includes(MARK), `${piece}\n→ ${redacted}`).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

const SERVER_TYPE: Record<Engine, string> = { postgresql: 'PostgreSQL', mysql: 'MySQL', oracle: 'oracle', sqlserver: 'SQLSERVER' };

/** Messages as each engine words them, with a value where the engine quotes one back. */
const MESSAGES: Array<(value: string) => string> = [
  (v) => `duplicate key value violates unique constraint "u_email" Key (email)=(${v}) already exists.`,
  (v) => `invalid input syntax for type integer: "${v}"`,
  (v) => `new row for relation "t" violates check constraint "c" Failing row contains (1, ${v}, null).`,
  (v) => `Duplicate entry '${v}' for key 'users.u_email'`,
  (v) => `Incorrect integer value: '${v}' for column 'age' at row 1`,
  (v) => `Violation of UNIQUE KEY constraint 'UQ_e'. Cannot insert duplicate key in object 'dbo.t'. The duplicate key value is (${v}).`,
  (v) => `Conversion failed when converting the varchar value '${v}' to data type int.`,
  (v) => `ORA-01722: unable to convert string value containing '${v}' to a number`,
  (v) => `some message nobody foresaw, quoting '${without(v, /'/g)}' back`,
];

describe('--redact, property: events', () => {
  it('no bind value, and no value an error quotes back, survives in any field', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ENGINES),
        fc.array(secret, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...MESSAGES),
        fc.nat(),
        (engine, binds, message, pick) => {
          const echoed = binds[pick % binds.length] as string;
          const event = postgresEvent(1, {
            serverType: SERVER_TYPE[engine],
            commandText: 'UPDATE tbl_people SET col_email = $1 WHERE col_id = $2',
            paramList: binds,
            errorMessage: message(echoed),
            engineNativeAuditFields: { additional_information: `<binds>${echoed}</binds>`, SQL_BINDS: binds.join(',') },
          });
          const shown = JSON.stringify(redactEvent(event));
          expect(shown.includes(MARK), shown).toBe(false);
          expect(shown).toContain('tbl_people');
        },
      ),
      { numRuns: 300 },
    );
  });
});
