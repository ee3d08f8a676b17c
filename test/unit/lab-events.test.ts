import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SyntheticPgbench, postgresHeartbeat, rdsadminEvent, type PostgresServer } from '../../lab/src/pgbench-synthetic.js';
import { AuditLogConverter } from '../../lab/src/postgres/audit-log.js';
import { parseCsvLine } from '../../lab/src/postgres/csv.js';
import { dasTime } from '../../lab/src/das-time.js';
import { SAMPLES_DIR } from '../helpers/samples.js';

const server: PostgresServer = { serverHost: '10.0.1.5', serverVersion: '15.4', databaseName: 'postgres', dbUserName: 'postgres' };
// AWS's own Aurora PostgreSQL 1.1 event: the fields and types ours must have.
const sample = (
  JSON.parse(readFileSync(join(SAMPLES_DIR, 'apg-01-connect-v1.1.json'), 'utf8')) as {
    databaseActivityEvents: { databaseActivityEventList: Record<string, unknown>[] };
  }
).databaseActivityEvents.databaseActivityEventList[0] as Record<string, unknown>;
const typeOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const NULLABLE_NUMBERS = new Set(['statementId', 'substatementId', 'rowCount', 'pid']);
const NULLABLE_STRINGS = new Set(['objectType', 'objectName', 'commandText', 'clientApplication', 'exitCode', 'errorMessage', 'remoteHost', 'remotePort']);

function expectAuroraShape(event: Record<string, unknown>) {
  expect(Object.keys(event).sort()).toEqual(Object.keys(sample).sort());
  for (const [field, value] of Object.entries(event)) {
    const allowed = new Set([typeOf(sample[field])]);
    if (NULLABLE_NUMBERS.has(field)) ['number', 'null'].forEach((t) => allowed.add(t));
    if (NULLABLE_STRINGS.has(field)) ['string', 'null'].forEach((t) => allowed.add(t));
    expect(allowed, `${field} is ${typeOf(value)}`).toContain(typeOf(value));
  }
  expect(String(event.logTime)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}\+00$/);
}

describe('the simulated pgbench', () => {
  const start = Date.UTC(2026, 10, 25, 12) * 1000;
  const bench = new SyntheticPgbench(server, { transactionsPerSecond: 50, random: mulberry(7), startMicros: start, runSeconds: 30 });
  const events = bench.eventsUntil(start + 60_000_000) as Array<Record<string, unknown>>;

  it('has every field Aurora PostgreSQL sends, with its types', () => {
    expect(events.length).toBeGreaterThan(1000);
    for (const event of events) expectAuroraShape(event);
    expectAuroraShape(rdsadminEvent(server, start, 4321) as Record<string, unknown>);
    const heartbeat = postgresHeartbeat(start) as Record<string, unknown>;
    expect(Object.keys(heartbeat).sort()).toEqual(Object.keys(sample).sort());
    expect(
      Object.entries(heartbeat)
        .filter(([, value]) => value !== null)
        .map(([field]) => field)
        .sort(),
    ).toEqual(['logTime', 'type']);
  });

  it('is the tpcb-like@1 / select-only@20 mix, whole transactions, between CONNECT and DISCONNECT', () => {
    const commands = events.map((event) => event.command);
    expect(commands.slice(0, 5)).toEqual(['CONNECT', 'CONNECT', 'CONNECT', 'CONNECT', 'CONNECT']);
    expect(commands.filter((c) => c === 'DISCONNECT')).toHaveLength(5);
    expect(commands.filter((c) => c === 'CONNECT')).toHaveLength(10);
    const begins = commands.filter((c) => c === 'BEGIN').length;
    const selectOnly = commands.filter((c) => c === 'SELECT').length - begins;
    expect(selectOnly / begins).toBeGreaterThan(10);
    expect(selectOnly / begins).toBeLessThan(40);
    const first = commands.indexOf('BEGIN');
    expect(events.slice(first, first + 7).map((e) => e.commandText)).toEqual([
      'BEGIN;',
      'UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;',
      'SELECT abalance FROM pgbench_accounts WHERE aid = $1;',
      'UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2;',
      'UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2;',
      'INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP);',
      'END;',
    ]);
    expect(events[first + 5]?.paramList).toHaveLength(4);
  });

  it('numbers statements per session, with PostgreSQL session ids and sane timings', () => {
    const bySession = new Map<string, number[]>();
    for (const event of events) {
      if (event.command === 'CONNECT' || event.command === 'DISCONNECT') continue;
      bySession.set(String(event.sessionId), [...(bySession.get(String(event.sessionId)) ?? []), Number(event.statementId)]);
    }
    for (const [sessionId, ids] of bySession) {
      expect(sessionId).toMatch(/^[0-9a-f]{8}\.[0-9a-f]{4}$/);
      expect(ids).toEqual(ids.map((_, i) => i + 1));
    }
    for (const event of events) expect(String(event.startTime) <= String(event.logTime)).toBe(true);
  });
});

describe("pgaudit's trail as activity stream events", () => {
  const lines = readFileSync(join(import.meta.dirname, '../fixtures/pgaudit-jsonlog.txt'), 'utf8')
    .trim()
    .split('\n');
  const events = new AuditLogConverter(server).convert(lines) as Array<Record<string, unknown>>;

  it('connections, statements with their parameters and objects, errors, disconnections', () => {
    for (const event of events) expectAuroraShape(event);
    const update = events.find((e) => e.commandText === 'UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;');
    expect(update).toMatchObject({
      class: 'WRITE',
      command: 'UPDATE',
      objectType: 'TABLE',
      objectName: 'public.pgbench_accounts',
      paramList: ['-1750', '11069'],
      statementId: 2,
      substatementId: 1,
      clientApplication: 'pgbench',
      remoteHost: '127.0.0.1',
      sessionId: '6b06da5a.2d2e',
    });
    expect(events.find((e) => e.command === 'CONNECT')).toMatchObject({ class: 'MISC', clientApplication: 'pgbench', statementId: 1, commandText: null });
    expect(events.filter((e) => e.command === 'DISCONNECT')).toHaveLength(2);
    expect(events.find((e) => e.exitCode !== null)).toMatchObject({
      command: 'SELECT',
      commandText: 'select * from nosuchtable',
      exitCode: '42P01',
      errorMessage: 'relation "nosuchtable" does not exist',
    });
  });

  it('skips lines that are not activity, and half-written ones', () => {
    expect(
      new AuditLogConverter(server).convert([
        '{"timestamp":"2026-11-25 12:00:00.000 UTC","backend_type":"checkpointer","message":"checkpoint starting"}',
        '{"timest',
      ]),
    ).toEqual([]);
  });
});

describe('CSV as pgaudit writes it', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['a,"b,c",d', ['a', 'b,c', 'd']],
    ['"say ""hi""",x', ['say "hi"', 'x']],
    ['a,,c', ['a', '', 'c']],
    ['<none>', ['<none>']],
  ])('%s', (line, fields) => expect(parseCsvLine(line)).toEqual(fields));
});

describe('DAS time', () => {
  it('microseconds and +00', () => expect(dasTime(Date.UTC(2019, 9, 30, 0, 39, 49) * 1000 + 990_579)).toBe('2019-10-30 00:39:49.990579+00'));
});

function mulberry(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
