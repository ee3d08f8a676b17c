import { describe, expect, it } from 'vitest';
import { redactEvent, redactSql } from '../../src/events/redact.js';
import { eventFormatter } from '../../src/output/event-format.js';
import { makeChalk } from '../../src/output/color.js';
import { DecodedActivityRecord } from '../../src/decode/decoded-record.js';
import { postgresEvent } from '../../lab/src/synthetic-events.js';
import { loadSamples } from '../helpers/samples.js';

/** Statements and the literals in them that must not survive --redact. */
const STATEMENTS: Array<[string, string[], { doubleQuotedStrings?: boolean }?]> = [
  ["SELECT * FROM accounts WHERE owner = 'alice' AND balance > 1000", ['alice', '1000']],
  ["UPDATE t SET name = 'O''Brien', ratio = 3.14e-2, mask = 0xFF, part = .5 WHERE id IN (17, 23)", ["O''Brien", 'Brien', '3.14', '0xFF', '.5', '17', '23']],
  ["CREATE ROLE app LOGIN PASSWORD 'hunter2'", ['hunter2']],
  ["ALTER ROLE app WITH ENCRYPTED PASSWORD 'md5a3556571e93b0d20722ba62be61e8c2d'", ['md5a3556571e93b0d20722ba62be61e8c2d']],
  ['ALTER USER scott IDENTIFIED BY tiger#42 ACCOUNT UNLOCK', ['tiger', '42']],
  ['CREATE USER scott IDENTIFIED BY "Quoted Secret"', ['Quoted Secret']],
  ["CREATE USER 'bob'@'%' IDENTIFIED BY 's3cr3t'", ['bob', 's3cr3t']],
  ["CREATE LOGIN reporter WITH PASSWORD = 'P@ssw0rd!'", ['P@ssw0rd']],
  ["SELECT E'it\\'s private', N'nvarchar value', X'DEADBEEF', B'1010'", ['private', 'nvarchar value', 'DEADBEEF', '1010']],
  ['DO $$ BEGIN RAISE NOTICE \'inside\'; END $$', ['inside', 'RAISE']],
  ['CREATE FUNCTION f() RETURNS int AS $body$ SELECT 42 $body$ LANGUAGE sql', ['42', 'SELECT 42']],
  ['SELECT 1 -- card 4111111111111111\nFROM dual /* ssn 078-05-1120 */', ['4111111111111111', '078-05-1120']],
  ["INSERT INTO notes VALUES ('never closed", ['never closed']],
  ['SELECT * FROM users WHERE email = "carol@example.com"', ['carol@example.com'], { doubleQuotedStrings: true }],
];

describe('--redact: SQL', () => {
  it.each(STATEMENTS)('%s', (sql, literals, options) => {
    const redacted = redactSql(sql, options);
    for (const literal of literals) expect(redacted).not.toContain(literal);
    expect(redacted).toContain('?');
  });

  it('keeps the shape: keywords, names, operators and bind placeholders', () => {
    expect(redactSql('SELECT abalance FROM pgbench_accounts WHERE aid = $1')).toBe('SELECT abalance FROM pgbench_accounts WHERE aid = $1');
    expect(redactSql("UPDATE t2 SET c = 'x' WHERE id = 5 AND flag = ?")).toBe('UPDATE t2 SET c = ? WHERE id = ? AND flag = ?');
    expect(redactSql('SELECT "Col1", `col2` FROM "T1" WHERE v = -3')).toBe('SELECT "Col1", `col2` FROM "T1" WHERE v = -?');
    expect(redactSql("CREATE ROLE app LOGIN PASSWORD 'x'")).toBe('CREATE ROLE app LOGIN PASSWORD ?');
    expect(redactSql('ALTER USER scott IDENTIFIED BY tiger ACCOUNT UNLOCK')).toBe('ALTER USER scott IDENTIFIED BY ? ACCOUNT UNLOCK');
  });

  it("takes every literal out of the published samples' statements, all four engines", () => {
    const events = loadSamples().flatMap((sample) => sample.record.databaseActivityEventList);
    const statements = events.map((event) => event.commandText).filter((text): text is string => typeof text === 'string' && text !== '');
    expect(statements.length).toBeGreaterThan(5);
    for (const event of events) {
      const after = redactEvent(event).commandText;
      if (typeof after !== 'string') continue;
      expect(after).not.toMatch(/'[^']*'|\b\d+\b/);
    }
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

  it.each(['ndjson', 'pretty'] as const)('%s shows no value, and the statement keeps its shape', (output) => {
    const line = eventFormatter(output, makeChalk(0), { redact: true })(record, 0);
    for (const literal of ['salary', '90000', 'secret-param', '12345']) expect(line).not.toContain(literal);
    expect(line).toContain('UPDATE accounts SET note = ? WHERE aid = $1');
    if (output === 'ndjson') expect(JSON.parse(line)).toMatchObject({ paramList: ['?', '?'], eventId: 's:1:0', clusterId: 'cluster-A' });
  });

  it('an error that quotes the values it failed on loses them too', () => {
    const failed = postgresEvent(8, { exitCode: '23505', errorMessage: "duplicate key value violates unique constraint \"users_email\": Key (email)=('dave@example.com') already exists" });
    expect(redactEvent(failed).errorMessage).not.toContain('dave@example.com');
    expect(redactEvent(failed).errorMessage).toContain('duplicate key value violates unique constraint');
  });

  it('without --redact, the values are shown as sent', () => {
    expect(eventFormatter('ndjson', makeChalk(0))(record, 0)).toContain('secret-param');
  });
});
