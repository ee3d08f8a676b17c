import { beforeAll, describe, expect, it } from 'vitest';
import { prepareRedaction, redactEvent, redactSql, type Engine } from '../../src/events/redact.js';
import { eventFormatter } from '../../src/format/event-format.js';
import { formatted } from '../../src/format/event-formatter.js';
import { makeChalk } from '../../src/terminal/color.js';
import { DecodedActivityRecord } from '../../src/decode/decoded-record.js';
import { postgresEvent } from '../../lab/src/synthetic-events.js';
import { loadSamples } from '../helpers/samples.js';
import type { DasEvent } from '../../src/decode/types.js';
import { MAX_COMMENT_OPENINGS, MAX_READ_STATEMENT } from '../../src/events/redact/redact-event.js';
import { MAX_READ_MESSAGE } from '../../src/events/redact/redact-message.js';

beforeAll(() => prepareRedaction());

/** A statement in its engine's dialect, what must not survive, and what must (its shape). */
type Case = [Engine, string, secrets: string[], kept: string[]];

const POSTGRESQL: Case[] = [
  ['postgresql', 'SELECT 1 /* a /* b */ SECRET */ FROM t', ['SECRET', ' b '], ['FROM t', '/*?*/']],
  ['postgresql', 'SELECT * FROM t WHERE n = 1_000_000', ['000', '1_'], ['WHERE n = ?']],
  ['postgresql', "SELECT E'it\\'s SECRET', U&'d\\0061SECRET', X'DEADBEEF', B'1010', N'SECRET2'", ['SECRET', 'DEADBEEF', '1010'], ['SELECT ?, ?, ?, ?, ?']],
  [
    'postgresql',
    'SELECT $tag$ SECRET $tag$, $$SECRET2$$, 1e5, .5, 0x1F, 0o17, 0b101',
    ['SECRET', '1e5', '.5', '0x1F', '0o17', '0b101'],
    ['SELECT ?, ?, ?, ?, ?, ?, ?'],
  ],
  [
    'postgresql',
    "SELECT 1 -- SECRET\nFROM accounts WHERE owner = 'alice' AND balance > 1000",
    ['SECRET', 'alice', '1000'],
    ['--?\nFROM accounts WHERE owner = ? AND balance > ?'],
  ],
  ['postgresql', "CREATE ROLE app LOGIN PASSWORD 'hunter2'", ['hunter2'], ['CREATE ROLE app LOGIN PASSWORD ?']],
  [
    'postgresql',
    "ALTER ROLE app WITH ENCRYPTED PASSWORD 'md5a3556571e93b0d20722ba62be61e8c2d' VALID UNTIL '2030-01-01'",
    ['md5a355', '2030'],
    ['ALTER ROLE app WITH ENCRYPTED PASSWORD ? VALID UNTIL ?'],
  ],
  ['postgresql', 'SELECT "Col1", "naïve" FROM "T1" WHERE v = -3 AND w = $1', ['3'], ['SELECT "Col1", "naïve" FROM "T1" WHERE v = -? AND w = $1']],
  ['postgresql', "SELECT 'é😀SECRET', name FROM t", ['SECRET', 'é😀'], ['SELECT ?, name FROM t']],
  ['postgresql', "INSERT INTO notes (body) VALUES ('never closed SECRET", ['SECRET', 'never'], ['INSERT INTO notes (body) VALUES (?']],
  ['postgresql', 'SELECT x FROM t WHERE a = 123abc', ['123', 'abc'], ['SELECT x FROM t WHERE a =']],
  ['postgresql', "DO $$ BEGIN RAISE NOTICE 'SECRET'; END $$", ['SECRET', 'RAISE'], ['DO ?']],
  ['postgresql', "SELECT 'a'\0'SECRET'", ['SECRET'], ['SELECT ?']],
  ['postgresql', 'ALTER ROLE app PASSWORD <REDACTED>', [], ['ALTER ROLE app PASSWORD <REDACTED>']],
  ['postgresql', 'ALTER ROLE app PASSWORD $1', [], ['ALTER ROLE app PASSWORD $1']],
];

const MYSQL: Case[] = [
  ['mysql', 'SELECT 1 # SECRET\nFROM t', ['SECRET'], ['#?\nFROM t']],
  ['mysql', 'SELECT 0b1010, 0x1F, 1e5, .5, 12', ['0b1010', '0x1F', '1e5', '.5', '12'], ['SELECT ?, ?, ?, ?, ?']],
  ['mysql', "SELECT _utf8mb4'SECRET', _latin1 X'DEADBEEF', N'SECRET2', b'1010'", ['SECRET', 'DEADBEEF', '1010', 'utf8mb4'], ['SELECT ?']],
  [
    'mysql',
    "SELECT * FROM users WHERE email = \"carol@example.com\" AND `e-mail` = 'a\\'SECRET'",
    ['carol@example.com', 'SECRET'],
    ['WHERE email = ? AND `e-mail` = ?'],
  ],
  ['mysql', "CREATE USER 'bob'@'%' IDENTIFIED BY 's3cr3t'", ['s3cr3t'], ["CREATE USER 'bob'@'%' IDENTIFIED BY ?"]],
  ['mysql', "GRANT SELECT ON db.* TO 'app_ro'@'10.0.%'", [], ["TO 'app_ro'@'10.0.%'"]],
  ['mysql', "SELECT 'SECRET'@x, 'SECRET2' @y", ['SECRET'], ['SELECT ?@x, ? @y']],
  [
    'mysql',
    "ALTER USER u IDENTIFIED WITH caching_sha2_password BY 'SECRET' REPLACE 'OLDSECRET'",
    ['SECRET'],
    ['IDENTIFIED WITH caching_sha2_password BY ? REPLACE ?'],
  ],
  ['mysql', "SET PASSWORD FOR u = 'SECRET'", ['SECRET'], ['SET PASSWORD FOR u = ?']],
  ['mysql', 'SELECT /* SECRET */ 1 -- SECRET2\n', ['SECRET'], ['SELECT /*?*/ ? --?']],
  ['mysql', 'SELECT 4111111111111111abc, 1_000 FROM t', ['4111', '000'], ['FROM t']],
  ['mysql', "SELECT 'unterminated SECRET", ['SECRET'], ['SELECT ?']],
];

const ORACLE: Case[] = [
  ['oracle', "SELECT q'[it's SECRET]', Q'{SECRET2}', nq'!SECRET3!' FROM dual", ['SECRET'], ['SELECT ?, ?, ? FROM dual']],
  ['oracle', 'ALTER USER scott IDENTIFIED BY new REPLACE old', ['new', 'old'], ['ALTER USER scott IDENTIFIED BY ? REPLACE ?']],
  ['oracle', 'CREATE USER u IDENTIFIED /* x */ BY SECRET', ['SECRET'], ['CREATE USER u IDENTIFIED /*?*/ BY ?']],
  ['oracle', 'CREATE USER scott IDENTIFIED BY "Quoted Secret" DEFAULT TABLESPACE users', ['Quoted Secret'], ['IDENTIFIED BY ? DEFAULT TABLESPACE users']],
  ['oracle', 'ALTER USER scott IDENTIFIED BY tiger#42 ACCOUNT UNLOCK', ['tiger', '42'], ['IDENTIFIED BY ? ACCOUNT UNLOCK']],
  ['oracle', "CREATE DATABASE LINK l CONNECT TO u IDENTIFIED BY SECRET USING 'tns'", ['SECRET', 'tns'], ['CONNECT TO u IDENTIFIED BY ? USING ?']],
  [
    'oracle',
    "SELECT 1.5e3f, 2d, 7, N'SECRET' FROM persons WHERE ssn = '078-05-1120' AND id = :id",
    ['1.5e3', '078-05-1120', 'SECRET'],
    ['SELECT ?, ?, ?, ? FROM persons WHERE ssn = ? AND id = :id'],
  ],
  ['oracle', 'SELECT a FROM t -- SECRET', ['SECRET'], ['SELECT a FROM t --?']],
];

const SQLSERVER: Case[] = [
  ['sqlserver', "SELECT [a'b], 'SECRET' FROM t", ['SECRET'], ["SELECT [a'b], ? FROM t"]],
  ['sqlserver', "SELECT $9999.99, £5, N'SECRET', 0x1F FROM t WHERE id = @id", ['9999', '£5', 'SECRET', '0x1F'], ['SELECT ?, ?, ?, ? FROM t WHERE id = @id']],
  ['sqlserver', "CREATE LOGIN l WITH PASSWORD = 'SECRET', OLD_PASSWORD = 'OLDSECRET'", ['SECRET'], ['CREATE LOGIN l WITH PASSWORD = ?, OLD_PASSWORD = ?']],
  ['sqlserver', 'ALTER LOGIN l WITH PASSWORD = 0x0200A1B2C3 HASHED, CHECK_POLICY = OFF', ['0x0200A1B2C3'], ['PASSWORD = ? HASHED, CHECK_POLICY = OFF']],
  ['sqlserver', 'EXEC sp_addlogin u, SECRET; SELECT a FROM t', ['SECRET'], ['EXEC sp_addlogin ?, ?; SELECT a FROM t']],
  ['sqlserver', "EXEC sp_password @old = NULL, @new = 'SECRET', @loginame = 'u'", ['SECRET'], ['EXEC sp_password @old = ?, @new = ?']],
  ['sqlserver', 'SELECT 1 /* a /* b */ SECRET */ FROM [dbo].[t] -- SECRET2', ['SECRET'], ['/*?*/ FROM [dbo].[t] --?']],
  ['sqlserver', 'SELECT "quoted id" FROM t', [], ['SELECT "quoted id" FROM t']],
];

describe.each([
  ['PostgreSQL', POSTGRESQL],
  ['MySQL', MYSQL],
  ['Oracle', ORACLE],
  ['SQL Server', SQLSERVER],
])('--redact: %s statements', (_, cases) => {
  it.each(cases)('%s: %s', (engine, sql, secrets, kept) => {
    const redacted = redactSql(sql, engine);
    for (const secret of secrets) expect(redacted).not.toContain(secret);
    for (const shape of kept) expect(redacted).toContain(shape);
  });
});

describe('--redact fails closed', () => {
  it('an engine nothing names shows nothing of its statement', () => {
    expect(redactSql("SELECT 'SECRET'", undefined)).toBe('?');
  });

  it('a statement read only in part shows that part and ? for the rest', () => {
    expect(redactSql("UPDATE t SET a = 1, b = 'SECRET", 'postgresql')).toBe('UPDATE t SET a = ?, b = ?');
    expect(redactSql('SELECT a FROM t WHERE b = ` SECRET', 'mysql')).toBe('SELECT a FROM t WHERE b = ?');
  });

  it('a statement longer than das-read reads shows its shape so far, and ? for the rest', () => {
    const values = "(1, 'SECRET'), ".repeat(Math.ceil(MAX_READ_STATEMENT / 15) + 10);
    const redacted = redactSql(`INSERT INTO t VALUES ${values}(2, 'SECRET')`, 'postgresql');
    expect(redacted).not.toContain('SECRET');
    expect(redacted.startsWith('INSERT INTO t VALUES (?, ?), (?, ?)')).toBe(true);
    expect(redacted.length).toBeLessThan(MAX_READ_STATEMENT);
  });

  it('a pipe-separated statement of an engine with another dialect is still hidden where not understood', () => {
    expect(redactSql("SELECT 'x' || 'SECRET'", 'sqlserver')).not.toContain('SECRET');
  });
});

describe('--redact: the published samples of all four engines', () => {
  it('keeps no quoted literal or number, and keeps the tables', () => {
    const events = loadSamples().flatMap((sample) => sample.record.databaseActivityEventList);
    const statements = events.filter((event) => typeof event.commandText === 'string' && event.commandText !== '');
    expect(statements.length).toBeGreaterThan(5);
    for (const event of statements) {
      const after = redactEvent(event).commandText as string;
      expect(after).not.toMatch(/'[^']*'|\b\d+\b/);
      expect(after).not.toBe('?');
    }
  });
});

describe('--redact: error messages keep their words, not the values they quote', () => {
  const failing = (serverType: string, errorMessage: string, extra: Partial<DasEvent> = {}) =>
    redactEvent(postgresEvent(1, { serverType, errorMessage, ...extra })).errorMessage as string;

  it.each([
    [
      'PostgreSQL',
      'duplicate key value violates unique constraint "u_email" Key (email)=(bob@x.com) already exists.',
      'bob@x.com',
      ['duplicate key value violates unique constraint "u_email"', 'Key (email)=(?) already exists'],
    ],
    ['PostgreSQL', 'invalid input syntax for type integer: "SECRET"', 'SECRET', ['invalid input syntax for type integer:']],
    [
      'PostgreSQL',
      'new row for relation "t" violates check constraint "c" Failing row contains (1, bob, 4111111111111111).',
      '4111111111111111',
      ['relation "t"', 'constraint "c"'],
    ],
    [
      'PostgreSQL',
      'insert or update on table "o" violates foreign key constraint "fk" Key (cid)=(SECRET (x)) is not present in table "c".',
      'SECRET',
      ['table "o"', 'is not present in table "c"'],
    ],
    ['MySQL', "Duplicate entry 'it's SECRET' for key 'users.u_email'", 'SECRET', ["for key 'users.u_email'", 'Duplicate entry']],
    ['MySQL', "Incorrect integer value: 'SECRET' for column 'age' at row 1", 'SECRET', ["column 'age'"]],
    ['MySQL', "You have an error in your SQL syntax; check the manual near 'SECRET' at line 1", 'SECRET', ['You have an error']],
    [
      'SQLSERVER',
      "Violation of UNIQUE KEY constraint 'UQ_email'. Cannot insert duplicate key in object 'dbo.users'. The duplicate key value is (SECRET).",
      'SECRET',
      ["constraint 'UQ_email'", "object 'dbo.users'"],
    ],
    ['SQLSERVER', "Conversion failed when converting the varchar value 'SECRET' to data type int.", 'SECRET', ['to data type int']],
    ['oracle', "ORA-01722: unable to convert string value containing 'SECRET' to a number", 'SECRET', ['ORA-01722']],
    ['oracle', 'ORA-12899: value too large for column "S"."T"."C" (actual: 20, maximum: 10)', 'never-there', ['"S"."T"."C" (actual: 20, maximum: 10)']],
  ])('%s: %s', (serverType, message, secret, kept) => {
    const redacted = failing(serverType, message);
    expect(redacted).not.toContain(secret);
    for (const words of kept) expect(redacted).toContain(words);
  });

  it('a bind value or a literal of the statement quoted back anywhere in the message is hidden', () => {
    expect(failing('PostgreSQL', 'custom check failed for carol@example.com', { paramList: ['carol@example.com'] })).toBe('custom check failed for ?');
    expect(failing('PostgreSQL', 'ERROR: P0001: no account 4111-1111', { commandText: "SELECT check_card('4111-1111')" })).not.toContain('4111-1111');
  });

  it("a bind value quoted back in the engine's own fields is hidden there too, and bind fields go whole", () => {
    const event = redactEvent(
      postgresEvent(1, {
        serverType: 'oracle',
        commandText: 'SELECT a FROM t WHERE b = :1',
        paramList: ['SECRET-VALUE'],
        engineNativeAuditFields: { SQL_BINDS: ' #1(12):SECRET-VALUE', SQL_TEXT: "select 'SECRET2' from dual", ADDITIONAL_INFO: 'bound SECRET-VALUE' },
      }),
    );
    expect(JSON.stringify(event)).not.toMatch(/SECRET/);
    expect(event.engineNativeAuditFields).toMatchObject({ SQL_TEXT: 'select ? from dual' });
  });

  it("Oracle's bind values, given only in its SQL_BINDS (` #n(length):value`), are hidden where another field or the message quotes them back", () => {
    const event = redactEvent(
      postgresEvent(1, {
        serverType: 'oracle',
        commandText: 'SELECT memo FROM payments WHERE iban = :1 AND memo = :2',
        paramList: [],
        errorMessage: 'ORA-20001: no payment for SECRET-IBAN-1',
        engineNativeAuditFields: {
          SQL_BINDS: ' #1(13):SECRET-IBAN-1 #2(10):SECRET #2( #3(0):',
          ADDITIONAL_INFO: 'bind SECRET-IBAN-1 refused; SECRET #2( too',
          UNIFIED_AUDIT_POLICIES: 'ORA_ALL',
        },
      }),
    );
    expect(JSON.stringify(event)).not.toMatch(/SECRET/);
    expect(event.errorMessage).toBe('ORA-20001: no payment for ?');
    expect(event.engineNativeAuditFields).toMatchObject({ SQL_BINDS: '?', UNIFIED_AUDIT_POLICIES: 'ORA_ALL' });
  });
});

describe('--redact: events, in every form', () => {
  const place = { shardId: 's', sequenceNumber: '1', version: '1.1', clusterId: 'cluster-A', instanceId: 'db-B' };
  const event = postgresEvent(7, { commandText: "UPDATE accounts SET note = 'salary 90000' WHERE aid = $1", paramList: ['secret-param', '12345'] });
  const record = DecodedActivityRecord.of(place, [event]);

  it('replaces each bind value, and leaves the event itself unchanged', () => {
    expect(redactEvent(event).paramList).toEqual(['?', '?']);
    expect(event.paramList).toEqual(['secret-param', '12345']);
  });

  it.each(['ndjson', 'pretty', 'json', 'ocsf'] as const)('%s shows no value, and the statement keeps its shape', (output) => {
    const line = formatted(eventFormatter(output, makeChalk(0), { redact: true }), record, [0]);
    for (const literal of ['salary', '90000', 'secret-param', '12345']) expect(line).not.toContain(literal);
    expect(line).toContain('UPDATE accounts SET note = ? WHERE aid = $1');
    if (output === 'ndjson') expect(JSON.parse(line)).toMatchObject({ paramList: ['?', '?'], eventId: 's:1:0', clusterId: 'cluster-A' });
  });

  it('without --redact, the values are shown as sent', () => {
    expect(formatted(eventFormatter('ndjson', makeChalk(0)), record, [0])).toContain('secret-param');
  });
});

describe("--redact, after an outsider's attack", () => {
  it.each([
    ['oracle', 'ALTER USER scott IDENTIFIED -- set by ops\u2028\nBY swordfish', 'swordfish'],
    ['oracle', 'ALTER USER scott IDENTIFIED BY newpw1 REPLACE -- old\u2028\nswordfish', 'swordfish'],
    ['mysql', 'SELECT * FROM t -- card 4111111111111111 pw swordfish\u2029\nWHERE 1', 'swordfish'],
    ['mysql', 'SELECT * FROM t -- note\r pw swordfish\nWHERE 1', 'swordfish'],
    ['sqlserver', 'SELECT 1 -- a\u2028 swordfish\n', 'swordfish'],
  ] as const)('a line comment runs on over U+2028, U+2029 and a lone CR (%s)', (engine, sql, secret) => {
    expect(redactSql(sql, engine)).not.toContain(secret);
  });

  it.each([
    ['EXEC [sp_password] NULL, swordfish, bob', 'EXEC [sp_password] ?, ?, ?'],
    ['EXEC [dbo].[sp_addlogin] bob, swordfish', 'EXEC [dbo].[sp_addlogin] ?, ?'],
    ['EXEC sp_change_users_login Auto_Fix, bob, NULL, swordfish', 'EXEC sp_change_users_login ?, ?, ?, ?'],
    ['EXEC dbo.usp_set_pin @pin = swordfish, @user = @u OUTPUT', 'EXEC dbo.usp_set_pin @pin = ?, @user = @u OUTPUT'],
    ['EXECUTE @rc = dbo.usp_x swordfish, NULL, DEFAULT; SELECT a FROM t', 'EXECUTE @rc = dbo.usp_x ?, NULL, DEFAULT; SELECT a FROM t'],
  ])("SQL Server reads a procedure's unquoted arguments as strings: %s", (sql, redacted) => {
    expect(redactSql(sql, 'sqlserver')).toBe(redacted);
  });

  it.each([
    ['PostgreSQL', 'duplicate key value violates unique constraint "u" DETAIL: Key (lower(TRIM(BOTH FROM email)))=(bob@x.com) already exists.', 'bob@x.com'],
    ['PostgreSQL', 'could not create unique index "u_email" DETAIL: Key (email)=(alice@example.com) is duplicated.', 'alice@example.com'],
    [
      'PostgreSQL',
      'conflicting key value violates exclusion constraint "ex" DETAIL: Key (card, pin)=(4111111111111111, x) conflicts with existing key (card, pin)=(4111111111111112, hunter2x).',
      '41111111111111',
    ],
    [
      'PostgreSQL',
      'could not create exclusion constraint "ex" DETAIL: Key (card)=(4111111111111111) conflicts with key (card)=(4111111111111111).',
      '4111111111111111',
    ],
    ['oracle', 'ORA-03301: (ORA-00001 details) row with column values (ID:98765432) already exists', '98765432'],
    ['oracle', 'ORA-01438: value 98765432 greater than specified precision (5, 0) allowed for this column', '98765432'],
  ])('%s: %s', (serverType, errorMessage, secret) => {
    expect(redactEvent(postgresEvent(1, { serverType, errorMessage })).errorMessage).not.toContain(secret);
  });

  it('a bind value quoted back in another case, or bound as a number, is hidden', () => {
    const event = redactEvent(
      postgresEvent(1, { paramList: ['Hunter2pw', 4111111111111111 as unknown as string], errorMessage: 'rejected: HUNTER2PW, card 4111111111111111' }),
    );
    expect(event.errorMessage).toBe('rejected: ?, card ?');
  });

  it('a field of a shape no engine sends is hidden whole', () => {
    const event = redactEvent(
      postgresEvent(1, {
        commandText: ['SELECT 1', 'swordfish'] as unknown as string,
        paramList: 'swordfish' as unknown as string[],
        errorMessage: { text: 'swordfish' } as unknown as string,
        engineNativeAuditFields: '{"SQL_TEXT":"IDENTIFIED BY swordfish"}' as unknown as Record<string, unknown>,
      }),
    );
    expect(JSON.stringify(event)).not.toContain('swordfish');
  });

  it('a statement field nested in the native fields is redacted as SQL', () => {
    const event = redactEvent(
      postgresEvent(1, { serverType: 'SQLSERVER', engineNativeAuditFields: { audit: { statement: "ALTER LOGIN l WITH PASSWORD = 'swordfish'" } } }),
    );
    expect(JSON.stringify(event)).not.toContain('swordfish');
  });

  it('a serverType that names two engines names neither: the statement is hidden', () => {
    expect(
      redactEvent(postgresEvent(1, { serverType: 'MySQL/PostgreSQL', dbProtocol: null as unknown as string, commandText: 'SELECT a # swordfish' })).commandText,
    ).toBe('?');
  });

  it('past its 100th block comment a statement is not read on', () => {
    const redacted = redactSql(`SELECT a ${'/* c */ '.repeat(150)}, 'swordfish' FROM t`, 'sqlserver');
    expect(redacted).not.toContain('swordfish');
    expect(redacted.startsWith('SELECT a /*?*/')).toBe(true);
    expect(redacted.match(/\/\*\?\*\//g)).toHaveLength(MAX_COMMENT_OPENINGS);
  });

  it('past 8 KiB an error message is not read on', () => {
    const message = `${'x '.repeat(MAX_READ_MESSAGE)}swordfish`;
    const redacted = redactEvent(postgresEvent(1, { errorMessage: message })).errorMessage as string;
    expect(redacted).not.toContain('swordfish');
    expect(redacted.endsWith('?')).toBe(true);
  });
});
