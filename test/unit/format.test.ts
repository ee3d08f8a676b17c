import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatNdjson, ndjsonFormatter } from '../../src/format/ndjson.js';
import { Utf8Builder } from '../../src/format/utf8-builder.js';
import { formatPretty } from '../../src/format/pretty.js';
import { eventFormatter, pick } from '../../src/format/event-format.js';
import { formatted } from '../../src/format/event-formatter.js';
import { makeChalk } from '../../src/terminal/color.js';
import { heartbeatEvent, postgresEvent } from '../../lab/src/synthetic-events.js';
import { SyntheticPgbench } from '../../lab/src/pgbench-synthetic.js';
import { DecodedActivityRecord } from '../../src/decode/decoded-record.js';
import type { DasEvent } from '../../src/decode/types.js';
import { loadSamples } from '../helpers/samples.js';

const place = { shardId: 's', sequenceNumber: '1', version: '1.1', clusterId: 'cluster-A', instanceId: 'db-B' };
const record = DecodedActivityRecord.of(place, []);
/** One event as ndjson, at its place in a record that holds it there. */
const ndjson = (event: DasEvent, index: number) =>
  formatNdjson(DecodedActivityRecord.of(place, [...Array.from({ length: index }, () => ({ type: 'record' })), event]), index);

describe('ndjson', () => {
  it('keeps every field and value as decrypted, adds the record ids and a stable event id, one line', () => {
    const event = { type: 'record', exitCode: '0', logTime: '2019-10-30 00:39:49.990579+00', statementId: 65469218, paramList: null, extra: { a: 1 } };
    const line = ndjson(event, 2);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ ...event, clusterId: 'cluster-A', instanceId: 'db-B', eventId: 's:1:2' });
  });
  it('an empty event, and one that already carries a field das-read adds, stay valid JSON with one value per key', () => {
    expect(JSON.parse(ndjson({} as never, 0))).toEqual({ clusterId: 'cluster-A', instanceId: 'db-B', eventId: 's:1:0' });
    const clashing = ndjson({ type: 'record', eventId: 'theirs' }, 1);
    expect(clashing.match(/"eventId"/g)).toHaveLength(1);
    expect(JSON.parse(clashing)).toEqual({ type: 'record', eventId: 's:1:1', clusterId: 'cluster-A', instanceId: 'db-B' });
  });
  it('a value that reads like one of those fields adds nothing twice', () => {
    const line = ndjson({ type: 'record', objectName: 'eventId', commandText: 'select "clusterId"' }, 0);
    expect(JSON.parse(line)).toEqual({
      type: 'record',
      objectName: 'eventId',
      commandText: 'select "clusterId"',
      clusterId: 'cluster-A',
      instanceId: 'db-B',
      eventId: 's:1:0',
    });
    expect(line.match(/"eventId":/g)).toHaveLength(1);
  });
  it('a statement with newlines stays on one line', () => {
    expect(ndjson(postgresEvent(1, { commandText: 'select\n1' }), 0).split('\n')).toHaveLength(2);
  });
  it("each record's own ids, records written in turn, ids of any characters kept as JSON", () => {
    const first = DecodedActivityRecord.of({ ...place, shardId: 'shard "one" \\ é', sequenceNumber: '7' }, [{ type: 'record' }, { type: 'record' }]);
    const second = DecodedActivityRecord.of({ ...place, sequenceNumber: '8', clusterId: 'cluster-"C"', instanceId: null }, [{ type: 'record' }, {} as never]);
    const order: Array<[DecodedActivityRecord, number]> = [
      [first, 0],
      [second, 0],
      [first, 1],
      [first, 1],
      [second, 1],
      [first, 0],
    ];
    const ids = order.map(([record, index]) => {
      const builder = new Utf8Builder();
      ndjsonFormatter.write(builder, record, [index]);
      const line = Buffer.concat(builder.take()).toString('utf8');
      expect(line).toBe(formatNdjson(record, index));
      const { clusterId, instanceId, eventId } = JSON.parse(line) as Record<string, unknown>;
      return [clusterId, instanceId, eventId];
    });
    expect(ids).toEqual([
      ['cluster-A', 'db-B', 'shard "one" \\ é:7:0'],
      ['cluster-"C"', null, 's:8:0'],
      ['cluster-A', 'db-B', 'shard "one" \\ é:7:1'],
      ['cluster-A', 'db-B', 'shard "one" \\ é:7:1'],
      ['cluster-"C"', null, 's:8:1'],
      ['cluster-A', 'db-B', 'shard "one" \\ é:7:0'],
    ]);
  });
  it('written straight into a batch, each line is the bytes of the line as a string', () => {
    const events: DasEvent[] = [
      postgresEvent(1),
      {} as never,
      { type: 'record', eventId: 'theirs', commandText: 'é' },
      { type: 'record', commandText: "select 'café ✓ 🐘', '\u001b[2J', '\ud800'" },
      { type: 'record', instanceId: null },
      // Larger than a chunk of the output.
      postgresEvent(2, { commandText: 'x'.repeat(300_000) }),
      postgresEvent(3),
    ];
    const many = DecodedActivityRecord.of(place, events);
    const builder = new Utf8Builder();
    for (const index of events.keys()) {
      builder.append('|');
      ndjsonFormatter.write(builder, many, [index]);
    }
    const written = Buffer.concat(builder.take()).toString('utf8');
    const lines = events.map((_, index) => `|${formatNdjson(many, index)}`).join('');
    // Compared whole, not as a diff of 300,000 characters.
    expect(written.length).toBe(lines.length);
    expect(written === lines).toBe(true);
    // The record's events written at once, as a batch writes them: the same lines.
    const atOnce = new Utf8Builder();
    ndjsonFormatter.write(atOnce, many, [...events.keys()]);
    expect(Buffer.concat(atOnce.take()).toString('utf8') === lines.replaceAll('|', '')).toBe(true);
  });
  it('counts the bytes it holds across chunks, and none once they are taken', () => {
    const builder = new Utf8Builder();
    builder.append('é'.repeat(100_000));
    builder.appendBytes(Buffer.from('✓'));
    builder.append('x'.repeat(300_000));
    expect(builder.byteLength).toBe(200_000 + 3 + 300_000);
    expect(Buffer.concat(builder.take()).length).toBe(500_003);
    expect(builder.byteLength).toBe(0);
  });
});

describe('pretty', () => {
  const plain = makeChalk(0);
  it('time, class, command, who, from where, what, params', () => {
    const line = formatPretty(postgresEvent(3), record, plain, { utc: true });
    expect(line).toMatch(/^2026-01-01 00:00:00\.021Z {2}READ {6}SELECT {8}pgbench@postgres {2}10\.0\.1\.17:40003 pgbench {2}SELECT abalance/);
    expect(line).toContain('params: "3"');
  });
  it('keeps a multi-line statement on its line, its line breaks shown', () => {
    const line = formatPretty(postgresEvent(1, { commandText: 'create table t (\n  id int\n)' }), record, plain);
    expect(line).toContain('create table t (\\n  id int\\n)');
    expect(line.indexOf('\n')).toBe(line.length - 1);
  });
  it('shows the error', () =>
    expect(formatPretty(postgresEvent(1, { errorMessage: 'permission denied' }), record, plain)).toMatch(/FAILED {2}permission denied/));
  it('a connect shows the object-less event without "null"', () => {
    const line = formatPretty(postgresEvent(1, { command: 'CONNECT', commandText: null, objectName: null, paramList: [] }), record, plain);
    expect(line).not.toContain('null');
    expect(line).not.toContain('params');
  });
  it('a heartbeat is one dim line', () =>
    expect(formatPretty(heartbeatEvent('2026-01-01 00:00:02+00'), record, plain, { utc: true })).toBe('2026-01-01 00:00:02.000Z  heartbeat  db-B\n'));
  it('colours only when asked', () => {
    expect(formatPretty(postgresEvent(1), record, plain)).not.toContain('\u001b[');
    expect(formatPretty(postgresEvent(1), record, makeChalk(1))).toContain('\u001b[');
  });
});

describe('pretty, a failed statement', () => {
  const plain = makeChalk(0);
  const colour = makeChalk(1);
  const failedSelect = postgresEvent(1, { exitCode: '42501', errorMessage: 'permission denied for table accounts' });

  it('says FAILED in words, with the error and its SQLSTATE', () => {
    const line = formatPretty(failedSelect, record, plain);
    expect(line).toContain('FAILED');
    expect(line).toContain('FAILED  permission denied for table accounts (SQLSTATE 42501)');
  });

  it('is not a green READ: its class and its SQL are red, where a successful one is green', () => {
    const red = '\u001b[31m';
    const green = '\u001b[32m';
    expect(formatPretty(failedSelect, record, colour)).not.toContain(`${green}READ`);
    expect(formatPretty(failedSelect, record, colour)).toContain(`${red}\u001b[1mREAD`);
    expect(formatPretty(failedSelect, record, colour)).toContain(`${red}SELECT abalance`);
    expect(formatPretty(postgresEvent(1), record, colour)).toContain(`${green}READ`);
    expect(formatPretty(postgresEvent(1), record, plain)).not.toContain('FAILED');
  });

  it("SQL Server's failure is its exit code 0, with no message: still FAILED", () => {
    const line = formatPretty(
      { type: 'record', class: 'LOGIN', command: 'LOGIN FAILED', dbUserName: 'sa', serverType: 'SQLSERVER', exitCode: 0, errorMessage: null },
      record,
      plain,
    );
    expect(line).toContain('FAILED');
    expect(line).toContain('FAILED  exit code 0');
    expect(formatPretty({ type: 'record', class: 'TABLE', command: 'SELECT', serverType: 'SQLSERVER', exitCode: 1 }, record, plain)).not.toContain('FAILED');
  });
});

describe('pretty, laid out for a terminal', () => {
  const plain = makeChalk(0);
  const colour = makeChalk(3);
  // eslint-disable-next-line no-control-regex
  const strip = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');
  const long = postgresEvent(5, { commandText: `SELECT ${'abalance, '.repeat(30)}aid FROM pgbench_accounts WHERE aid = $1`, paramList: ['5'] });

  it.each([80, 120])('at %i columns every line fits, the SQL cut with …', (width) => {
    for (const chalk of [plain, colour]) {
      const line = strip(formatPretty(long, record, chalk, { utc: true, width })).trimEnd();
      expect([...line].length).toBeLessThanOrEqual(width);
      expect(line.endsWith('…')).toBe(true);
      // At 80 columns the database gives way to the statement; the user never does.
      expect(line).toContain(width < 100 ? '  pgbench  SELECT abalance' : 'pgbench@postgres');
    }
  });

  it('without a width (--wide, or not a terminal) the statement and its parameters are whole', () => {
    const line = formatPretty(long, record, plain, { utc: true });
    expect(line).toContain('aid FROM pgbench_accounts WHERE aid = $1  params: "5"');
    expect(line).not.toContain('…');
  });

  it('a failed statement keeps its FAILED mark at 80 columns', () => {
    const failed = { ...long, exitCode: '42501', errorMessage: 'permission denied' };
    expect(formatPretty(failed, record, plain, { utc: true, width: 80 })).toContain('FAILED');
  });

  it("times: UTC with --utc, else this machine's zone; text that is no time is shown as sent", () => {
    expect(formatPretty(postgresEvent(0, { logTime: '2026-11-25 13:03:06.481183+00' }), record, plain, { utc: true })).toMatch(/^2026-11-25 13:03:06\.481Z/);
    expect(formatPretty(postgresEvent(0, { logTime: '2021-01-15 00:15:36.233787' }), record, plain, { utc: true })).toMatch(/^2021-01-15 00:15:36\.233Z/);
    expect(formatPretty(postgresEvent(0, { logTime: '2022-10-06 21:24:59.9422268+00' }), record, plain, { utc: true })).toMatch(/^2022-10-06 21:24:59\.942Z/);
    const local = new Date(Date.UTC(2026, 10, 25, 13, 3, 6, 481));
    const expected = `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')} ${String(local.getHours()).padStart(2, '0')}:03:06.481  `;
    expect(formatPretty(postgresEvent(0, { logTime: '2026-11-25 13:03:06.481183+00' }), record, plain)).toMatch(new RegExp(`^${expected}`));
    expect(formatPretty(postgresEvent(0, { logTime: 'yesterday' }), record, plain)).toMatch(/^yesterday {2}/);
  });
});

describe('pretty: the SQL gets the room', () => {
  const plain = makeChalk(0);
  // Two seconds of the lab's pgbench: connects, select-only and tpcb-like statements, with their parameters.
  let seed = 11;
  const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
  const start = Date.UTC(2026, 10, 25, 12) * 1000;
  const server = { serverHost: '10.0.1.5', serverVersion: '15.4', databaseName: 'postgres', dbUserName: 'postgres' };
  const events = new SyntheticPgbench(server, { transactionsPerSecond: 40, random, startMicros: start }).eventsUntil(start + 2_000_000);
  const statements = events.filter((event) => typeof event.commandText === 'string' && event.commandText !== '');

  it.each([80, 100, 160])('at %i columns a pgbench statement keeps at least half the line; the host and the parameters give way first', (width) => {
    expect(new Set(statements.map((event) => event.command))).toEqual(new Set(['SELECT', 'UPDATE', 'INSERT', 'BEGIN', 'COMMIT']));
    for (const event of statements) {
      const sql = String(event.commandText);
      const line = formatPretty(event, record, plain, { utc: true, width }).trimEnd();
      expect([...line].length, line).toBeLessThanOrEqual(width);
      // The statement is the line's last piece but for the parameters: where it starts, and what of it shows.
      const at = line.indexOf(sql.slice(0, Math.min(sql.length, 12)), line.indexOf('postgres'));
      const shown = line.slice(at).replace(/ {2}params: .*$/, '');
      expect(at, line).toBeGreaterThan(0);
      expect(width - at, line).toBeGreaterThanOrEqual(Math.min(sql.length, Math.ceil(width / 2)));
      expect(line, 'who is there, at least the user').toMatch(/ {2}postgres/);
      if (shown !== sql) {
        expect(line, 'the host gives way before the SQL is cut').not.toContain('10.0.1.17');
        expect(line, 'the parameters give way before the SQL is cut').not.toContain('params:');
      }
    }
  });

  it('the pgbench statement whole at 160 columns, and the INSERT cut only once the host has gone', () => {
    const update = statements.find((event) => event.command === 'UPDATE') as DasEvent;
    expect(formatPretty(update, record, plain, { utc: true, width: 160 })).toContain(String(update.commandText));
    const insert = statements.find((event) => event.command === 'INSERT') as DasEvent;
    const line = formatPretty(insert, record, plain, { utc: true, width: 160 }).trimEnd();
    expect(line).toMatch(/^2026-11-25 12:00:\d\d\.\d{3}Z {2}WRITE {5}INSERT {8}postgres@postgres {2}INSERT INTO pgbench_history .*…$/);
    expect([...line]).toHaveLength(160);
  });
});

describe('pretty, every engine', () => {
  const plain = makeChalk(0);
  const samples = loadSamples();

  it.each(samples.map((sample) => [sample.file, sample] as const))('%s: one line of at most 80 columns, with who and what, no "null"', (_file, sample) => {
    const events = sample.record.databaseActivityEventList;
    const place2 = {
      shardId: 's',
      sequenceNumber: '1',
      version: sample.version,
      clusterId: sample.record.clusterId ?? null,
      instanceId: sample.record.instanceId ?? null,
    };
    const held = DecodedActivityRecord.of(place2, events);
    for (const event of events) {
      const line = formatPretty(event, held, plain, { utc: true, width: 80 });
      expect(line.split('\n')).toHaveLength(2);
      expect([...line.trimEnd()].length).toBeLessThanOrEqual(80);
      expect(line).not.toMatch(/\bnull\b|undefined/);
      if (event.dbUserName) expect(line).toContain(String(event.dbUserName));
      expect(line).not.toContain('FAILED');
    }
  });

  it("colours Aurora MySQL's AUX events by their command: a READ is green, a CREATE red", () => {
    const colour = makeChalk(1);
    const aux = samples.flatMap((sample) => sample.record.databaseActivityEventList).filter((event) => event.class === 'AUX');
    const read = aux.find((event) => event.command === 'READ');
    const create = aux.find((event) => event.command === 'CREATE');
    expect(formatPretty(read as DasEvent, record, colour)).toContain('\u001b[32mAUX');
    expect(formatPretty(create as DasEvent, record, colour)).toContain('\u001b[31mAUX');
  });

  it("SQL Server's failed login reads as one", () => {
    const line = formatPretty(
      {
        type: 'record',
        class: 'LOGIN',
        command: 'LOGIN FAILED',
        dbUserName: 'SA',
        serverType: 'SQLSERVER',
        remoteHost: '10.0.0.9',
        exitCode: 0,
        databaseName: null,
        commandText: null,
      },
      record,
      plain,
      { utc: true, width: 80 },
    );
    // Under 120 columns the class's column is five wide.
    expect(line).toMatch(/LOGIN {2}LOGIN FAILED {2}SA {2}10\.0\.0\.9 {2}FAILED {2}exit code 0/);
  });
});

describe('--fields', () => {
  const plain = makeChalk(0);
  const event = postgresEvent(4, { paramList: ['4'] });
  const held = DecodedActivityRecord.of(place, [event]);

  it("ndjson: only those fields, in the order asked for, das-read's own included; one absent is left out", () => {
    const line = formatted(eventFormatter('ndjson', plain, { fields: ['commandText', 'dbUserName', 'eventId', 'noSuchField'] }), held, [0]);
    expect(Object.keys(JSON.parse(line) as object)).toEqual(['commandText', 'dbUserName', 'eventId']);
    expect(JSON.parse(line)).toEqual({ commandText: event.commandText, dbUserName: 'pgbench', eventId: 's:1:0' });
  });

  it('ndjson: the same bytes as the whole line parsed and those fields picked from it, for any event and any fields', () => {
    const name = fc.constantFrom(
      'type',
      'commandText',
      'clusterId',
      'instanceId',
      'eventId',
      '__proto__',
      '0',
      '10',
      'toString',
      'é',
      'a"b',
      'dbUserName',
      'paramList',
    );
    const event = fc.dictionary(name, fc.jsonValue(), { maxKeys: 8 });
    const ids = fc.record({ clusterId: fc.option(fc.string()), instanceId: fc.option(fc.string()), shardId: fc.string(), sequenceNumber: fc.string() });
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 4 }), ids, fc.array(name, { maxLength: 6 }), fc.boolean(), (events, at, fields, redact) => {
        const many = DecodedActivityRecord.of(
          { ...at, version: '1.1' },
          events.map((fields) => ({ ...JSON.parse(JSON.stringify(fields)), type: 'record' }) as DasEvent),
        );
        const kept = [...many.events.keys()];
        const shown = redact
          ? formatted(eventFormatter('ndjson', plain, { redact }), many, kept)
              .split('\n')
              .slice(0, -1)
          : kept.map((index) => formatNdjson(many, index).slice(0, -1));
        const expected = shown.map((line) => `${JSON.stringify(pick(JSON.parse(line) as Record<string, unknown>, fields))}\n`).join('');
        expect(formatted(eventFormatter('ndjson', plain, { fields, ...(redact ? { redact } : {}) }), many, kept)).toBe(expected);
      }),
    );
  });

  it('ndjson: with --redact, the fields kept are redacted ones', () => {
    const line = formatted(eventFormatter('ndjson', plain, { fields: ['paramList'], redact: true }), held, [0]);
    expect(JSON.parse(line)).toEqual({ paramList: ['?'] });
  });

  it('pretty: only the columns that show those fields; a failure still says FAILED', () => {
    const line = formatted(eventFormatter('pretty', plain, { fields: ['dbUserName', 'commandText'], utc: true }), held, [0]);
    expect(line).toBe(`pgbench@postgres  ${String(event.commandText)}\n`);
    const failed = DecodedActivityRecord.of(place, [{ ...event, errorMessage: 'no' }]);
    expect(formatted(eventFormatter('pretty', plain, { fields: ['commandText'] }), failed, [0])).toMatch(/^FAILED {2}no {2}SELECT/);
  });
});
