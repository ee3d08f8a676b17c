import { describe, expect, it } from 'vitest';
import { openActivityRecord } from '../../src/decode/activity-record.js';
import { nestedDeeperThan } from '../../src/decode/json-object.js';
import { MAX_EVENT_DEPTH } from '../../src/decode/record-limits.js';
import { eventFormatter } from '../../src/format/event-format.js';
import { formatted } from '../../src/format/event-formatter.js';
import { DecodedActivityRecord } from '../../src/decode/decoded-record.js';
import { nestedRecordText, postgresEvent } from '../../lab/src/synthetic-events.js';

/** An event whose own depth is `depth`: its engineNativeAuditFields one less. */
const recordOfDepth = (depth: number) => nestedRecordText('cluster-X', 'db-A', postgresEvent(1), depth - 1);

describe('how deep an event may nest', () => {
  it('counts levels without recursing, whatever the depth', () => {
    expect(nestedDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(nestedDeeperThan({ a: [{ b: {} }] }, 3)).toBe(true);
    expect(nestedDeeperThan('text', 0)).toBe(false);
    expect(nestedDeeperThan(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), 99_999)).toBe(true);
  });

  it(`an event ${MAX_EVENT_DEPTH} levels deep is opened; one level more makes its record unreadable, as does any depth past it`, () => {
    expect(openActivityRecord(recordOfDepth(MAX_EVENT_DEPTH)).ends).toHaveLength(1);
    for (const depth of [MAX_EVENT_DEPTH + 1, 8_000, 50_000]) {
      expect(() => openActivityRecord(recordOfDepth(depth))).toThrow(`the decrypted payload has an event nested more than ${MAX_EVENT_DEPTH} levels deep`);
    }
  });

  it('a long event that nests little is not refused', () => {
    const text = JSON.stringify({
      type: 'DatabaseActivityMonitoringRecord',
      databaseActivityEventList: [{ ...postgresEvent(1), paramList: Array.from({ length: 5_000 }, (_, n) => [String(n)]) }],
    });
    expect(openActivityRecord(text).ends).toHaveLength(1);
  });

  it('the deepest event das-read opens is written by every output on the main thread', () => {
    const opened = openActivityRecord(recordOfDepth(MAX_EVENT_DEPTH));
    const record = new DecodedActivityRecord({ shardId: 'shardId-000000000000', sequenceNumber: '1' }, '1.1', opened);
    for (const output of ['ndjson', 'json', 'ocsf', 'pretty'] as const) {
      for (const options of [{}, { redact: true }, ...(output === 'ocsf' ? [] : [{ fields: ['engineNativeAuditFields', 'statementId'] }])]) {
        const format = eventFormatter(output, undefined, options);
        const text = formatted(format, record, [0]);
        expect(text.endsWith('\n'), `${output} ${JSON.stringify(options)}`).toBe(true);
      }
    }
  });
});
