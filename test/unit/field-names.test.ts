import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openActivityRecord } from '../../src/decode/activity-record.js';
import { DecodedActivityRecord } from '../../src/decode/decoded-record.js';
import { eventFormatter } from '../../src/format/event-format.js';
import { formatted } from '../../src/format/event-formatter.js';
import { toOcsf } from '../../src/events/ocsf.js';
import { ocsfParquet } from '../../src/sinks/ocsf-parquet.js';
import { postgresEvent } from '../../lab/src/synthetic-events.js';
import { duckRows } from '../helpers/duckdb.js';
import { scratchDir } from '../helpers/scratch-dir.js';

/** Fields a client may name as it likes, named as what every object inherits: each must stay a field. */
const INHERITED_NAMES = `"__proto__":{"polluted":"yes"},"constructor":"c","toString":"t","hasOwnProperty":7`;
const EXPECTED = ['"__proto__":{"polluted":"yes"}', '"constructor":"c"', '"toString":"t"', '"hasOwnProperty":7'];

/** A record as a decryption thread opens it, from JSON text: an object literal would set the prototype instead. */
function recordWithInheritedNames(): DecodedActivityRecord {
  const event = JSON.stringify(postgresEvent(1, { commandText: "SELECT 'secret'", paramList: ['bind'] })).slice(0, -1);
  const opened = openActivityRecord(
    `{"type":"DatabaseActivityMonitoringRecord","clusterId":"cluster-X","instanceId":"db-A","databaseActivityEventList":[${event},${INHERITED_NAMES}}]}`,
  );
  return new DecodedActivityRecord({ shardId: 'shardId-000000000000', sequenceNumber: '1' }, '1.1', opened);
}

const write = (output: 'ndjson' | 'json' | 'ocsf', options: Parameters<typeof eventFormatter>[2] = {}) => {
  const record = recordWithInheritedNames();
  const format = eventFormatter(output, undefined, options);
  return formatted(format, record, [0]);
};

/** The JSON of an output's event (of its `unmapped`, for OCSF), without its indentation. */
const compact = (text: string, path: string[] = []) =>
  JSON.stringify(path.reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], JSON.parse(text)));

describe("fields named __proto__, constructor, toString: data in every output, never the objects' own machinery", () => {
  it.each([
    ['ndjson', () => compact(write('ndjson'))],
    ['ndjson --redact', () => compact(write('ndjson', { redact: true }))],
    ['ndjson --fields', () => compact(write('ndjson', { fields: ['statementId', '__proto__', 'constructor', 'toString', 'hasOwnProperty'] }))],
    ['json', () => compact(write('json'), ['databaseActivityEventList', '0'])],
    ['json --redact', () => compact(write('json', { redact: true }), ['databaseActivityEventList', '0'])],
    ['json --fields', () => compact(write('json', { fields: ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] }), ['databaseActivityEventList', '0'])],
    ['ocsf', () => compact(write('ocsf'), ['unmapped'])],
    ['ocsf --redact', () => compact(write('ocsf', { redact: true }), ['unmapped'])],
  ])('%s', (_label, written) => {
    const json = written();
    for (const field of EXPECTED) expect(json).toContain(field);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('--redact still redacts such an event', () => {
    for (const text of [write('ndjson', { redact: true }), write('json', { redact: true }), write('ocsf', { redact: true })])
      expect(text).not.toMatch(/secret|"bind"/);
  });

  it("Security Lake's Parquet keeps each under unmapped, as DuckDB reads it", async () => {
    const record = recordWithInheritedNames();
    const event = toOcsf(record.events[0] as never, { clusterId: 'cluster-X', instanceId: 'db-A', eventId: 'e' });
    const dir = await scratchDir('das-read-names-');
    await writeFile(join(dir, 'one.parquet'), ocsfParquet([event], 'test'));
    const rows = await duckRows(
      `SELECT unnest(map_keys(unmapped)) AS key, unnest(map_values(unmapped)) AS value FROM read_parquet('${join(dir, 'one.parquet')}')`,
    );
    const unmapped = Object.fromEntries(rows.map((row) => [String(row.key), String(row.value)]));
    expect(Object.hasOwn(unmapped, '__proto__') && unmapped['__proto__']).toBe('{"polluted":"yes"}');
    expect([unmapped.constructor, unmapped.toString, unmapped.hasOwnProperty]).toEqual(['"c"', '"t"', '7']);
  });
});
