import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchRenderer } from '../../src/write/batch-render.js';
import { openActivityRecord } from '../../src/decode/activity-record.js';
import { DecodedActivityRecord } from '../../src/decode/decoded-record.js';
import type { DecodedBatch } from '../../src/decode/decode-stage.js';
import { RecordError } from '../../src/errors.js';
import { Diagnostics } from '../../src/terminal/diagnostics.js';
import { colourless } from '../../src/terminal/color.js';
import { compileRules } from '../../src/detect/compile-rules.js';
import { createDetector } from '../../src/detect/detector.js';
import { toOcsfFinding } from '../../src/detect/finding-ocsf.js';
import { FindingWriter } from '../../src/commands/detect/finding-writer.js';
import { activityRecord, postgresEvent } from '../../lab/src/synthetic-events.js';

// The invariant for `detect` over a stream's records, where a read writes them: each record is
// evaluated whole (every kept event seen by the rules, a rule that matches every event naming
// each in a finding) or skipped with its shard and sequence number (dead-lettered) under
// --on-error skip, or stops the run there under fail; the positions move past exactly those.

const EVERY = `title: every
id: 9a3e5c6b-4f0d-4b8c-8d40-5e6f708192a3
logsource:
  category: database
detection:
  selection:
    type: record
  condition: selection
level: informational
`;

type Unit = { kind: 'record'; events: number } | { kind: 'unreadable' };
const unit: fc.Arbitrary<Unit> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }).map((events): Unit => ({ kind: 'record', events })) },
  { weight: 1, arbitrary: fc.constant<Unit>({ kind: 'unreadable' }) },
);

function batchOf(units: Unit[]): DecodedBatch {
  return {
    shardId: 'shardId-000000000000',
    shardEnded: false,
    outcomes: units.map((unit, n) => {
      const raw = { shardId: 'shardId-000000000000', sequenceNumber: String(n), data: Buffer.from(`record ${n}`) };
      if (unit.kind === 'unreadable') return { raw, error: new RecordError({ shardId: raw.shardId, sequenceNumber: raw.sequenceNumber }, 'not JSON') };
      const events = Array.from({ length: unit.events }, (_, e) => postgresEvent(n * 10 + e));
      const record = new DecodedActivityRecord(
        { shardId: raw.shardId, sequenceNumber: raw.sequenceNumber, version: '1.1' },
        openActivityRecord(JSON.stringify(activityRecord('cluster-X', 'db-A', events))),
      );
      return { raw, decoded: record };
    }),
  };
}

describe('detect over records: each evaluated whole, or reported with its place', () => {
  it('holds for any mix of records and unreadable ones, under skip and fail', () => {
    const rules = compileRules([{ name: 'every.yml', text: EVERY }]);
    fc.assert(
      fc.property(fc.array(unit, { minLength: 1, maxLength: 12 }), fc.constantFrom('skip' as const, 'fail' as const), (units, onError) => {
        let said = '';
        const stderr = new Writable({ write: (chunk: Buffer, _encoding, done) => ((said += chunk.toString()), done()) });
        const writer = new FindingWriter(createDetector(rules), (finding) => `${JSON.stringify(toOcsfFinding(finding))}\n`);
        const render = new BatchRenderer({
          format: writer.live({ redact: false }),
          includeHeartbeats: false,
          onError,
          log: new Diagnostics(stderr, colourless(), false),
        });
        const rendered = render.render(batchOf(units));
        const text = Buffer.concat(rendered.text).toString('utf8');
        const named = text
          .split('\n')
          .filter(Boolean)
          .map((line) => (JSON.parse(line) as { finding_info: { related_events: Array<{ uid: string }> } }).finding_info.related_events[0]?.uid);
        const stop = onError === 'fail' ? units.findIndex((unit) => unit.kind === 'unreadable') : -1;
        const handled = stop === -1 ? units : units.slice(0, stop);
        const expected = handled.flatMap((unit, n) =>
          unit.kind === 'record' ? Array.from({ length: unit.events }, (_, e) => `shardId-000000000000:${n}:${e}`) : [],
        );
        expect(named).toEqual(expected);
        // Every unreadable record handled is named by its place, and dead-lettered; a stop is the error thrown.
        const skipped = handled.flatMap((unit, n) => (unit.kind === 'unreadable' ? [String(n)] : []));
        expect(rendered.dead.map((dead) => dead.sequenceNumber)).toEqual(skipped);
        for (const n of skipped) expect(said).toContain(`record ${n} in shardId-000000000000`);
        expect(rendered.progress.map((step) => step.sequenceNumber)).toEqual(handled.map((_, n) => String(n)));
        expect(rendered.failure !== undefined).toBe(stop !== -1);
        expect(writer.tally.total).toBe(expected.length);
      }),
      { numRuns: 100 },
    );
  });
});
