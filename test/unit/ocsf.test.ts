import { describe, expect, it } from 'vitest';
import { SyntheticPgbench } from '../../lab/src/pgbench-synthetic.js';
import { postgresEvent } from '../../lab/src/synthetic-events.js';
import type { DasEvent } from '../../src/decode/types.js';
import { activityOf, toOcsf, type OcsfContext } from '../../src/events/ocsf.js';
import { ocsfProblems } from '../helpers/ocsf-validator.js';
import { loadSamples } from '../helpers/samples.js';

const context = (event: number, record: { clusterId?: string; instanceId?: string } = {}): OcsfContext => ({
  clusterId: record.clusterId ?? 'cluster-ABCDEFGHIJKL',
  instanceId: record.instanceId ?? 'db-MNOPQRSTUVWX',
  eventId: `shardId-000000000000:4960:${event}`,
  region: 'eu-west-1',
  accountId: '123456789012',
  readerVersion: '0.1.0',
});

const samples = loadSamples().flatMap((sample) =>
  sample.record.databaseActivityEventList.map((event, index) => ({ file: sample.file, index, event, record: sample.record })),
);

describe('the validator, built from the OCSF 1.1.0 schema files, refuses what is wrong', () => {
  const good = toOcsf(postgresEvent(1), context(0));

  it('passes a good event', () => {
    expect(ocsfProblems('datastore_activity', good)).toEqual([]);
  });

  it.each([
    ['a required attribute of the class missing', (event: Record<string, unknown>) => delete event.actor, /actor: required, missing/],
    ['a required attribute of the base event missing', (event: Record<string, unknown>) => delete event.severity_id, /severity_id: required, missing/],
    [
      'a required attribute of an object missing',
      (event: Record<string, unknown>) => delete (event.metadata as Record<string, unknown>).product,
      /metadata.product: required, missing/,
    ],
    ['an attribute the class does not have', (event: Record<string, unknown>) => (event.statement = 'SELECT 1'), /statement: not an attribute/],
    [
      'an attribute an object does not have',
      (event: Record<string, unknown>) => ((event.database as Record<string, unknown>).engine = 'pg'),
      /database.engine: not an attribute/,
    ],
    ['a time as text', (event: Record<string, unknown>) => (event.time = '2026-01-01'), /time: .* is not an integer/],
    [
      'a port out of range',
      (event: Record<string, unknown>) => ((event.src_endpoint as Record<string, unknown>).port = 70000),
      /port: 70000 is outside 0–65535/,
    ],
    [
      'an address that is not one',
      (event: Record<string, unknown>) => ((event.src_endpoint as Record<string, unknown>).ip = 'local'),
      /ip: "local" does not match/,
    ],
    [
      'an activity the class does not define',
      (event: Record<string, unknown>) => ((event.activity_id = 42), (event.type_uid = 600542)),
      /activity_id: 42 is not one of/,
    ],
    ['a type_uid that does not follow', (event: Record<string, unknown>) => (event.type_uid = 600501 + 1), /type_uid: 600502, not class_uid/],
    ['no endpoint identity', (event: Record<string, unknown>) => (event.src_endpoint = { port: 5432 }), /src_endpoint: needs one of ip/],
  ])('%s', (_label, spoil, problem) => {
    const event = structuredClone(good) as Record<string, unknown>;
    spoil(event);
    expect(ocsfProblems('datastore_activity', event).join('\n')).toMatch(problem);
  });

  it('anything goes under unmapped', () => {
    expect(ocsfProblems('datastore_activity', { ...good, unmapped: { anything: [1, { at: 'all' }] } })).toEqual([]);
  });
});

describe('-o ocsf: one OCSF 1.1.0 Datastore Activity event per DAS event', () => {
  it.each(samples.map((sample) => [`${sample.file} #${sample.index}`, sample] as const))('%s is valid OCSF', (_label, sample) => {
    const event = toOcsf(sample.event, context(sample.index, sample.record));
    expect(ocsfProblems('datastore_activity', event)).toEqual([]);
    expect(event).toMatchObject({
      class_uid: 6005,
      category_uid: 6,
      metadata: { version: '1.1.0', uid: `shardId-000000000000:4960:${sample.index}` },
      cloud: { provider: 'AWS', region: 'eu-west-1' },
    });
  });

  it('every event of a long synthetic pgbench run, failures, service users and disconnects among them, is valid OCSF', () => {
    let n = 0;
    const random = () => (n = (n * 9301 + 49297) % 233280) / 233280;
    const pgbench = new SyntheticPgbench(
      { serverHost: '10.0.1.5', serverVersion: '15.4', databaseName: 'postgres', dbUserName: 'pgbench' },
      { clients: 4, transactionsPerSecond: 50, random, startMicros: 0, runSeconds: 20 },
    );
    const events: DasEvent[] = [
      ...pgbench.eventsUntil(60_000_000),
      ...pgbench.finish(),
      postgresEvent(1, { exitCode: '42501', errorMessage: 'permission denied for table payroll' }),
      postgresEvent(2, { command: 'AUTH FAILURE', commandText: null, class: 'CONNECT' }),
      postgresEvent(3, { commandText: `SELECT '${'x'.repeat(70_000)}'` }),
      postgresEvent(4, { remoteHost: '[local]', remotePort: null, pid: null, sessionId: null }),
      postgresEvent(5, { logTime: 'not a time' }),
    ];
    expect(events.length).toBeGreaterThan(1000);
    const problems = events.flatMap((event, index) =>
      ocsfProblems('datastore_activity', toOcsf(event, context(index))).map((problem) => `${index}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });

  it("maps each engine's commands to OCSF activities, anything else to Other with its name", () => {
    const cases: Array<[Partial<DasEvent>, string]> = [
      [{ command: 'CONNECT' }, 'Connect'],
      [{ command: 'LOGON', serverType: 'ORACLE' }, 'Connect'],
      [{ command: 'LOGIN FAILED', serverType: 'SQLSERVER' }, 'Connect'],
      [{ command: 'AUTH FAILURE' }, 'Connect'],
      [{ command: 'FAILED_CONNECT', serverType: 'MySQL' }, 'Connect'],
      [{ command: 'SELECT' }, 'Read'],
      [{ command: 'READ', serverType: 'MySQL' }, 'Read'],
      [{ command: 'INSERT' }, 'Write'],
      [{ command: 'WRITE', serverType: 'MySQL' }, 'Write'],
      [{ command: 'UPDATE' }, 'Update'],
      [{ command: 'DELETE' }, 'Delete'],
      [{ command: 'DROP TABLE' }, 'Delete'],
      [{ command: 'DROP', serverType: 'MySQL' }, 'Delete'],
      [{ command: 'TRUNCATE TABLE' }, 'Delete'],
      [{ command: 'CREATE TABLE' }, 'Create'],
      [{ command: 'CREATE', serverType: 'MySQL' }, 'Create'],
      [{ command: 'QUERY', serverType: 'MySQL', commandText: 'select * from t' }, 'Read'],
      [{ command: 'QUERY', serverType: 'MySQL', commandText: 'insert into t values (1)' }, 'Write'],
      [{ command: 'QUERY', serverType: 'MySQL', commandText: 'SET autocommit=1' }, 'Query'],
      [{ command: 'DISCONNECT' }, 'Other'],
      [{ command: 'ALTER TABLE' }, 'Other'],
      [{ command: 'GRANT' }, 'Other'],
    ];
    expect(cases.map(([fields]) => activityOf(postgresEvent(0, fields)))).toEqual(cases.map(([, activity]) => activity));
    const other = toOcsf(postgresEvent(0, { command: 'ALTER TABLE' }), context(0));
    expect(other).toMatchObject({ activity_id: 99, activity_name: 'ALTER TABLE', type_uid: 600599 });
  });

  it('keeps every DAS field: in its OCSF home, or under unmapped', () => {
    for (const sample of samples) {
      const event = toOcsf(sample.event, context(0, sample.record));
      const flat = JSON.stringify(event);
      for (const [field, value] of Object.entries(sample.event)) {
        if (value === null || value === '' || field === 'type') continue;
        const kept = typeof value === 'object' ? JSON.stringify(value) : String(value);
        expect(flat.includes(kept) || flat.includes(JSON.stringify(kept)), `${sample.file}: ${field} = ${kept}`).toBe(true);
      }
    }
  });

  it("times in epoch milliseconds from the event, the original text kept; a failure's status from its code and message", () => {
    const event = toOcsf(
      postgresEvent(1, { exitCode: '42501', errorMessage: 'permission denied for table payroll', startTime: '2026-01-01 00:00:00.000100+00' }),
      context(0),
    );
    expect(event).toMatchObject({
      time: Date.parse(
        String(postgresEvent(1).logTime)
          .replace(' ', 'T')
          .replace(/(\.\d{3})\d*/, '$1')
          .replace('+00', 'Z'),
      ),
      start_time: Date.UTC(2026, 0, 1),
      status_id: 2,
      status_code: '42501',
      status_detail: 'permission denied for table payroll',
      severity_id: 2,
      metadata: { original_time: postgresEvent(1).logTime },
    });
    const refused = toOcsf(postgresEvent(2, { command: 'LOGIN FAILED', serverType: 'SQLSERVER', exitCode: 0 }), context(0));
    expect(refused).toMatchObject({ activity_id: 3, status_id: 2, severity_id: 3 });
  });
});

describe('-o ocsf through the formatter', () => {
  it('redacts the statement and the bind values under --redact, as every form does', async () => {
    const { eventFormatter } = await import('../../src/format/event-format.js');
    const { formatted } = await import('../../src/format/event-formatter.js');
    const { DecodedActivityRecord } = await import('../../src/decode/decoded-record.js');
    const event = postgresEvent(1, { commandText: "SELECT * FROM users WHERE password = 'hunter2' AND id = 42", paramList: ['secret-param'] });
    const record = DecodedActivityRecord.of(
      { shardId: 'shardId-000000000000', sequenceNumber: '4960', version: '1.1', clusterId: 'cluster-A', instanceId: 'db-B' },
      [event],
    );
    const plain = JSON.parse(formatted(eventFormatter('ocsf', undefined, { ocsf: { region: 'eu-west-1' } }), record, [0])) as {
      query_info: { query_string: string };
      unmapped: { paramList: string[] };
      metadata: { uid: string };
    };
    expect(plain.query_info.query_string).toContain('hunter2');
    expect(plain.metadata.uid).toBe('shardId-000000000000:4960:0');
    const line = formatted(eventFormatter('ocsf', undefined, { redact: true, ocsf: { region: 'eu-west-1' } }), record, [0]);
    const redacted = JSON.parse(line) as typeof plain;
    expect(redacted.query_info.query_string).toBe('SELECT * FROM users WHERE password = ? AND id = ?');
    expect(redacted.unmapped.paramList).toEqual(['?']);
    expect(line).not.toMatch(/hunter2|secret-param|\b42\b/);
    expect(ocsfProblems('datastore_activity', redacted)).toEqual([]);
  });
});

describe('the mapping, pinned per engine', () => {
  it.each(['apg', 'ams', 'ora', 'mss'])('%s', async (engine) => {
    const mapped = samples.filter((sample) => sample.file.startsWith(engine)).map((sample) => toOcsf(sample.event, context(sample.index, sample.record)));
    await expect(`${JSON.stringify(mapped, null, 2)}\n`).toMatchFileSnapshot(`../fixtures/golden/ocsf-${engine}.json`);
  });
});
