import { Writable } from 'node:stream';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { BatchRenderer } from '../../src/write/batch-render.js';
import { openActivityRecord } from '../../src/decode/activity-record.js';
import { DecodedActivityRecord } from '../../src/decode/decoded-record.js';
import type { DecodedBatch } from '../../src/decode/decode-stage.js';
import { RecordError } from '../../src/errors.js';
import { Diagnostics } from '../../src/terminal/diagnostics.js';
import type { EventFormatter } from '../../src/format/event-formatter.js';
import { formatNdjson, ndjsonFormatter } from '../../src/format/ndjson.js';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';

const raw = (n: number) => ({ shardId: 'shardId-000000000000', sequenceNumber: String(n), data: Buffer.from(`record ${n}`) });
const decoded = (n: number, events: number) =>
  new DecodedActivityRecord(
    { shardId: 'shardId-000000000000', sequenceNumber: String(n) },
    '1.1',
    openActivityRecord(
      JSON.stringify(
        activityRecord(
          'cluster-X',
          'db-A',
          Array.from({ length: events }, (_, e) => postgresEvent(n * 10 + e)),
        ),
      ),
    ),
  );
const batch = (...records: number[]): DecodedBatch => ({
  shardId: 'shardId-000000000000',
  shardEnded: false,
  outcomes: records.map((n) => ({ raw: raw(n), decoded: decoded(n, 3) })),
});

/** Writes each event's statement id; throws at the second event of record 2, as a formatter meeting content it cannot hold would. */
const fragile: EventFormatter = {
  write(out, record, kept) {
    for (const index of kept) {
      const id = (record.events[index] as { statementId: number }).statementId;
      if (id === 21) throw new TypeError('Cannot convert object to primitive value');
      out.append(`${id}\n`);
    }
  },
};

function renderer(onError: 'fail' | 'skip') {
  let said = '';
  const stderr = new Writable({ write: (chunk: Buffer, _encoding, done) => ((said += chunk.toString()), done()) });
  const seen: number[] = [];
  const render = new BatchRenderer({
    format: fragile,
    includeHeartbeats: false,
    onError,
    log: new Diagnostics(stderr, new Chalk({ level: 0 }), false),
    onEvent: (event) => seen.push(event.statementId as number),
  });
  return { render, said: () => said, seen };
}

describe('a record whose events no form can write', () => {
  it('under fail: the records before it written, none of its events, the run stopped there as at any unreadable record', () => {
    const { render, seen } = renderer('fail');
    const out = render.render(batch(1, 2, 3));
    expect(Buffer.concat(out.text).toString()).toBe('10\n11\n12\n');
    expect(out.progress.map((step) => step.sequenceNumber)).toEqual(['1']);
    expect(out.failure).toBeInstanceOf(RecordError);
    expect((out.failure as RecordError).message).toBe(
      'cannot read record 2 in shardId-000000000000: its events cannot be written in this form (TypeError: Cannot convert object to primitive value)',
    );
    expect(seen).toEqual([10, 11, 12]);
    expect(render.events).toBe(3);
  });

  it('under skip: written whole or not at all, kept in the dead letter, and the records after it written', () => {
    const { render, said, seen } = renderer('skip');
    const out = render.render(batch(1, 2, 3));
    expect(Buffer.concat(out.text).toString()).toBe('10\n11\n12\n30\n31\n32\n');
    expect(out.progress.map((step) => step.sequenceNumber)).toEqual(['1', '2', '3']);
    expect(out.dead).toHaveLength(1);
    expect(out.failure).toBeUndefined();
    expect(seen).toEqual([10, 11, 12, 30, 31, 32]);
    expect(render.events).toBe(6);
    expect(said()).toContain('skipped: cannot read record 2 in shardId-000000000000: its events cannot be written');
  });
});

describe('ndjson written as it came from the decryption thread', () => {
  it('without a filter or --summary, no event is made an object: its bytes are copied, and every line is as formatNdjson makes it', () => {
    // Asked for its events, the record refuses: the main thread's cost a plain ndjson read need not pay.
    class Untouched extends DecodedActivityRecord {
      override get events(): never {
        return expect.fail('the events were parsed');
      }
    }
    const records = [1, 2].map(
      (n) =>
        new Untouched(
          { shardId: 'shardId-000000000000', sequenceNumber: String(n) },
          '1.1',
          openActivityRecord(
            JSON.stringify(
              activityRecord(
                'cluster-X',
                'db-A',
                [0, 1, 2].map((e) => postgresEvent(n * 10 + e)),
              ),
            ),
          ),
        ),
    );
    const expected = [1, 2].flatMap((n) => [0, 1, 2].map((index) => formatNdjson(decoded(n, 3), index))).join('');
    const render = new BatchRenderer({
      format: ndjsonFormatter,
      includeHeartbeats: false,
      onError: 'fail',
      log: new Diagnostics(new Writable({ write: (_chunk, _encoding, done) => done() }), new Chalk({ level: 0 }), false),
    });
    const out = render.render({
      shardId: 'shardId-000000000000',
      shardEnded: false,
      outcomes: records.map((record, n) => ({ raw: raw(n + 1), decoded: record })),
    });
    expect(out.failure).toBeUndefined();
    expect(Buffer.concat(out.text).toString()).toBe(expected);
    expect(render.events).toBe(6);
  });
});
